package org.lrpaudit.cli;

import org.apache.spark.sql.SparkSession;

/** The embedded Spark session of the aggregation jobs (bias, probe): local[*] unless a master is given. */
final class SparkCommands {
  private SparkCommands() {}

  static CommandSession session(String appName, String master) {
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    return CommandSession.open(SparkSession.builder().appName(appName).master(m).config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", System.getProperty("spark.sql.shuffle.partitions", "8")));
  }
}
