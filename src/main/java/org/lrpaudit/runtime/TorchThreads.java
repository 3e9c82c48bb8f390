package org.lrpaudit.runtime;

import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Torch intra-op threads per JVM = spark.task.cpus, so that task slots x torch threads <= cores (an executor with C cores
 * runs C / spark.task.cpus tasks at once). DJL reads ai.djl.pytorch.num_threads once, when its engine starts: this must run
 * before the first model is loaded in a JVM. An explicit -Dai.djl.pytorch.num_threads wins.
 */
public final class TorchThreads {
  public static final String PROPERTY = "ai.djl.pytorch.num_threads";
  public static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";
  private static final Logger LOG = LoggerFactory.getLogger(TorchThreads.class);

  private TorchThreads() {}

  public static int perTask(SparkConf conf) {
    return Math.max(1, conf.getInt("spark.task.cpus", 1));
  }

  /** Sets the torch thread count for this JVM unless one was given explicitly; returns the count in effect. */
  public static synchronized int configure(int threads) {
    // Executors get nothing but the jar: no -Dai.djl.offline there. DJL must never try the network (model zoo, telemetry,
    // a libtorch download): libtorch is in the jar, or installed on a GPU node.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty(INTEROP_PROPERTY) == null) {
      System.setProperty(INTEROP_PROPERTY, "1");
    }
    String given = System.getProperty(PROPERTY);
    if (given != null) {
      return Integer.parseInt(given.trim());
    }
    System.setProperty(PROPERTY, Integer.toString(threads));
    LOG.info("torch intra-op threads per JVM: {} (spark.task.cpus)", threads);
    return threads;
  }
}
