package org.lrpaudit.runtime;

/**
 * What one row of a batch gave: its result, or the error row's status and message. PartitionRunner.inBatches returns
 * one per row, in input order, so callers never cast.
 */
public sealed interface RowResult<R> {
  /** The row's result. */
  record Done<R>(R value) implements RowResult<R> {}

  /** The row failed; the error says why (status and message of its error row). */
  record Failed<R>(RowError error) implements RowResult<R> {}

  static <R> RowResult<R> failed(String status, String message) {
    return new Failed<>(new RowError(status, message));
  }
}
