package org.lrpaudit.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.spark.TorchThreads;

/** How a sub-command gets its Spark session and, when it runs models embedded, its torch threads: one place for all. */
final class SparkCommands {
  private SparkCommands() {}

  /** The session of a job: local[*] unless --master or spark.master (spark-submit) says otherwise. */
  static CommandSession session(String appName, String master) {
    return CommandSession.open(builder(appName, master, null));
  }

  /**
   * A builder with the master resolved: --master, else spark.master (spark-submit sets it), else the job's configured
   * default, else local[*]. Our defaults apply only where the user set nothing: spark-submit hands its --conf settings
   * and spark-defaults.conf to the driver as system properties, and a builder setting would override them.
   */
  static SparkSession.Builder builder(String appName, String master, String configuredMaster) {
    String m = master != null ? master : System.getProperty("spark.master", configuredMaster);
    m = m == null ? "local[*]" : m;
    SparkSession.Builder b = SparkSession.builder().master(m);
    if (System.getProperty("spark.app.name") == null) {
      b.appName(appName);
    }
    defaults(m).forEach((k, v) -> {
      if (System.getProperty(k) == null) {
        b.config(k, v);
      }
    });
    return b;
  }

  /**
   * Our defaults for a master. Embedded (local*): no web UI, 8 shuffle partitions, driver on the loopback address (no
   * interface look-up). On a cluster: nothing but Spark's own defaults (UI on, adaptive shuffle partitions), so the
   * cluster's spark-defaults.conf and the user's --conf decide.
   */
  static Map<String, String> defaults(String master) {
    Map<String, String> d = new LinkedHashMap<>();
    if (master.startsWith("local")) {
      d.put("spark.ui.enabled", "false");
      d.put("spark.sql.shuffle.partitions", "8");
      if (System.getenv("SPARK_LOCAL_IP") == null) {
        d.put("spark.driver.host", "127.0.0.1");
        d.put("spark.driver.bindAddress", "127.0.0.1");
      }
    }
    return d;
  }

  /**
   * Embedded, this JVM is the executor: spark.task.cpus torch threads per task, set before DJL's engine starts, so task
   * slots x torch threads stay within the cores. LRP_AUDIT_TORCH_THREADS (jobs/lrp-audit sets it for the single-JVM
   * commands) leaves DJL's setting alone.
   */
  static void embeddedTorchThreads(String taskCpus) {
    if (System.getenv("LRP_AUDIT_TORCH_THREADS") == null) {
      System.clearProperty(TorchThreads.PROPERTY);
      TorchThreads.configure(Integer.parseInt(taskCpus.trim()));
    }
  }
}
