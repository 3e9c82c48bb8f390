package org.lrpaudit.cli;

import org.apache.spark.sql.SparkSession;
import org.lrpaudit.spark.TorchThreads;

/** How a sub-command gets its Spark session and, when it runs models embedded, its torch threads: one place for all. */
final class SparkCommands {
  private SparkCommands() {}

  /** The session of a job: local[*] unless --master or spark.master (spark-submit) says otherwise; no web UI. */
  static CommandSession session(String appName, String master) {
    return CommandSession.open(builder(appName, master, null));
  }

  /**
   * A builder with the master resolved: --master, else spark.master (spark-submit sets it), else the job's configured
   * default, else local[*].
   */
  static SparkSession.Builder builder(String appName, String master, String configuredMaster) {
    String m = master != null ? master : System.getProperty("spark.master", configuredMaster);
    return SparkSession.builder().appName(appName).master(m == null ? "local[*]" : m)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", System.getProperty("spark.sql.shuffle.partitions", "8"));
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
