package org.lrpaudit.runtime;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The tests' faults, injected through PartitionRunner's interceptor (registered in
 * src/test/resources/META-INF/services): inert until a test arms it, and only in this JVM (embedded Spark).
 * {@link #failTaskOn}: a task that meets a row whose text (column 1) is exactly this fails, so the job fails.
 * {@link #failBatchesWith}: a model batch holding a text that contains this fails as an unexpected error would (the
 * runner then redoes the batch row by row and that row becomes explain_failed).
 */
public final class FaultInjection implements RunnerInterceptor {
  private static volatile String taskFailsOn;
  private static volatile String batchFailsWith;

  public static void failTaskOn(String exactText) {
    taskFailsOn = exactText;
  }

  public static void failBatchesWith(String part) {
    batchFailsWith = part;
  }

  /** Disarms both faults. */
  public static void clear() {
    taskFailsOn = null;
    batchFailsWith = null;
  }

  @Override
  public void beforeChunk(List<?> rows) {
    String fault = taskFailsOn;
    if (fault == null) {
      return;
    }
    for (Object o : rows) {
      if (o instanceof Row r && r.size() > 1 && !r.isNullAt(1) && fault.equals(r.get(1))) {
        throw new IllegalStateException("injected fault: a task meets the text '" + fault + "'");
      }
    }
  }

  @Override
  public void beforeBatch(List<String> texts) {
    String fault = batchFailsWith;
    if (fault != null && texts.stream().anyMatch(t -> t != null && t.contains(fault))) {
      throw new IllegalStateException("injected fault: a batch holds a text with '" + fault + "'");
    }
  }
}
