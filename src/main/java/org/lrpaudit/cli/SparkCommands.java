package org.lrpaudit.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.runtime.TorchThreads;

/** How a sub-command gets its Spark session and, when it runs models embedded, its torch threads: one place for all. */
final class SparkCommands {
  private SparkCommands() {}

  /** The session of a job: local[*] unless --master or spark.master (spark-submit) says otherwise. */
  static CommandSession session(String appName, String master) {
    return CommandSession.open(builder(appName, master, null));
  }

  /**
   * The session of a job configured by properties (explain, explain-images): master as {@link #builder} resolves it,
   * the properties' spark.* keys where spark-submit set nothing (its settings arrive as system properties and win), and
   * embedded torch threads from spark.task.cpus.
   */
  static CommandSession jobSession(String appName, String master, java.util.Properties p) {
    SparkSession.Builder builder = builder(appName, master, p.getProperty("spark.master"));
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("spark.") && System.getProperty(key) == null) {
        builder.config(key, p.getProperty(key));
      }
    }
    embeddedTorchThreads(System.getProperty("spark.task.cpus", p.getProperty("spark.task.cpus", "1")));
    return CommandSession.open(builder);
  }

  /**
   * A builder with the master resolved: --master, else spark.master (spark-submit sets it), else the job's configured
   * default, else local[*]. Our defaults apply only where the user set nothing: spark-submit hands its --conf settings
   * and spark-defaults.conf to the driver as system properties, and a builder setting would override them.
   */
  static SparkSession.Builder builder(String appName, String master, String configuredMaster) {
    String m = master != null ? master : System.getProperty("spark.master", configuredMaster);
    m = m == null ? "local[*]" : m;
    checkReachable(m);
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
   * A standalone master (spark://host:port[,host:port]) that no address answers: a clear error now (exit 2) instead of
   * Spark's three registration attempts over a minute and a stopped context. In cluster deploy mode the driver runs
   * after the master accepted it, so this only ever fails in client mode or embedded.
   */
  static void checkReachable(String master) {
    if (!master.startsWith("spark://")) {
      return;
    }
    String lastError = null;
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      int port = colon < 0 ? 7077 : Integer.parseInt(hostPort.substring(colon + 1).replaceAll("/.*", ""));
      try (java.net.Socket socket = new java.net.Socket()) {
        socket.connect(new java.net.InetSocketAddress(host, port), 10_000);
        return;
      } catch (java.io.IOException | NumberFormatException e) {
        lastError = e.getMessage();
      }
    }
    throw new IllegalArgumentException("cannot reach the Spark master " + master + " (" + lastError + "): check --master "
        + "and that the master is running");
  }

  /**
   * Our defaults for a master. Embedded (local*): no web UI, 8 shuffle partitions, driver on the loopback address (no
   * interface look-up). On a cluster: nothing but Spark's own defaults (UI on, adaptive shuffle partitions), so the
   * cluster's spark-defaults.conf and the user's --conf decide.
   */
  static Map<String, String> defaults(String master) {
    Map<String, String> d = new LinkedHashMap<>();
    // Delta Lake tables (--format delta, --input-format delta) need Delta's extension and catalog in the session. Only
    // when unset: a cluster with its own extensions (Iceberg, ...) keeps them and lists Delta's itself to use Delta.
    d.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    d.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
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
