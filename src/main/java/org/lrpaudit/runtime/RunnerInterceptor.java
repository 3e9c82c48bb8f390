package org.lrpaudit.runtime;

import java.util.List;

/**
 * Sees what a PartitionRunner is about to run: each chunk of a partition's rows, and the texts of each model batch.
 * Implementations are found with java.util.ServiceLoader; production code ships none. The tests register one
 * (src/test/resources/META-INF/services) that fails chosen rows or batches, to check that failures become error rows or
 * fail the job, without a fault hook in the production classes.
 */
public interface RunnerInterceptor {
  /** Before a chunk is worked on; throwing fails the task (and so the job). */
  default void beforeChunk(List<?> rows) {}

  /** Before one model batch runs; throwing counts as the batch failing (it is then retried row by row). */
  default void beforeBatch(List<String> texts) {}
}
