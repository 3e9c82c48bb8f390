package org.lrpaudit.runtime;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.TextClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model per JVM, keyed by model location, maximum length and device, loaded lazily by the first task that needs it
 * and shared by all task threads of the executor (the Explainer is thread-safe). Lives until the JVM exits.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final ConcurrentHashMap<Key, TextClassifier> MODELS = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Key, ImageClassifier> IMAGE_MODELS = new ConcurrentHashMap<>();

  private static final String ON_EXECUTOR = " (on executor ";

  private record Key(String location, int maxLength, String device) {}

  private ModelCache() {}

  private static String executor() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown host";
    }
    org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
    return (env == null ? "?" : env.executorId()) + " on " + host;
  }

  public static TextClassifier get(String location, int maxLength, Device device, int torchThreads) {
    return MODELS.computeIfAbsent(new Key(location, maxLength, device.toString()), k -> load(location, device,
        torchThreads, () -> TextClassifier.load(location, maxLength, device, DataType.FLOAT32), TextClassifier::modelId));
  }

  /** The executor's one image classifier (model_type vit) of a location. */
  public static ImageClassifier image(String location, Device device, int torchThreads) {
    return IMAGE_MODELS.computeIfAbsent(new Key(location, 0, device.toString()), k -> load(location, device,
        torchThreads, () -> ImageClassifier.load(location, device, DataType.FLOAT32), ImageClassifier::modelId));
  }

  private static <M> M load(String location, Device device, int torchThreads, Supplier<M> loader,
      Function<M, String> modelId) {
    TorchThreads.configure(torchThreads);
    long t0 = System.nanoTime();
    M c;
    try {
      c = loader.get();
    } catch (CheckpointException e) {
      // Named with the executor and its host: the driver could read the model, this executor cannot.
      throw new CheckpointException(e.getMessage() + ON_EXECUTOR + executor() + ")", e);
    }
    LOG.info("loaded model {} ({}) on {} in {} ms", location, modelId.apply(c).substring(0, 12), device,
        (System.nanoTime() - t0) / 1_000_000);
    return c;
  }

  /**
   * The driver's view of a Spark job (explain, evaluate, probe) that failed because executors could not load the model
   * (a path only the driver sees, no permission on the executors' hosts): a usage error (exit 2) naming the model URI
   * and the executor, instead of Spark's stage failure. Any other failure is returned unchanged (unchecked).
   */
  public static RuntimeException unreadableOnExecutors(Exception e) {
    String marker = CheckpointException.class.getName() + ": ";
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String m = String.valueOf(t.getMessage());
      // On a real cluster the task's exception reaches the driver only as text in Spark's stage-failure message.
      String what = t instanceof CheckpointException && m.contains(ON_EXECUTOR) ? m
          : m.contains(marker) && m.contains(ON_EXECUTOR) ? m.substring(m.indexOf(marker) + marker.length()).split("\n")[0]
          : null;
      if (what != null) {
        return new JobException("executors cannot read the model: " + what + "; put the model folder where "
            + "every executor can read it (hdfs://, s3a://, a shared mount)", e);
      }
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }
}
