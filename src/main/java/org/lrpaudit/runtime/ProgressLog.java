package org.lrpaudit.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;

/**
 * Logs a job stage's progress on the driver (rows x methods: what PartitionRunner counts as emitted): rows done, rows/s and
 * ETA. Running tasks report their row counter with executor heartbeats (spark.executor.heartbeatInterval), finished
 * tasks with their result.
 */
public final class ProgressLog extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
  /** Seconds between two progress lines, where a stage has no --progress-seconds of its own. */
  public static final int DEFAULT_SECONDS = 10;
  private final Map<Long, Long> running = new ConcurrentHashMap<>();
  private final AtomicLong finished = new AtomicLong();
  private final long total;
  private final String stage;
  private final long start = System.nanoTime();
  private final ScheduledExecutorService timer;

  public ProgressLog(String stage, long total, int everySeconds) {
    this.stage = stage;
    this.total = total;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lrp-progress");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::log, everySeconds, everySeconds, TimeUnit.SECONDS);
  }

  public long done() {
    return finished.get() + running.values().stream().mapToLong(Long::longValue).sum();
  }

  public void log() {
    long done = Math.min(done(), total);
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    String eta = rate <= 0 ? "unknown" : duration((total - done) / rate);
    LOG.info(String.format("%s: %,d / %,d rows done (%.1f%%), %.1f rows/s, ETA %s", stage, done, total,
        total == 0 ? 100.0 : 100.0 * done / total, rate, eta));
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> t
        : JavaConverters.seqAsJavaList(update.accumUpdates())) {
      Long value = rowsOut(t._4());
      if (value != null) {
        running.put((Long) t._1(), value);
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    long taskId = end.taskInfo().taskId();
    running.remove(taskId);
    if (end.taskInfo().successful()) {
      Long value = rowsOut(end.taskInfo().accumulables());
      if (value != null) {
        finished.addAndGet(value);
      }
    }
  }

  private static Long rowsOut(scala.collection.Seq<AccumulableInfo> infos) {
    for (AccumulableInfo a : JavaConverters.seqAsJavaList(infos)) {
      if (a.name().isDefined() && a.name().get().equals(JobMetrics.ROWS_OUT) && a.update().isDefined()) {
        return ((Number) a.update().get()).longValue();
      }
    }
    return null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
