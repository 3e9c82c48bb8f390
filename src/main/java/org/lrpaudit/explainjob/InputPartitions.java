package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.lit;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rows of each partition of a job's input, counted in the one pass that counts the input, and the partitioning
 * the job runs on. Spark cuts a file into splits by bytes, not rows: a Parquet file of one row group read on 2 cores is
 * 2 splits, one holding every row and one none, so keeping the input's own partitions because their number is right
 * ran all 10,000 images of the benchmark table in one task while the other core idled.
 */
record InputPartitions(long[] rows) {
  /** Rows per partition of input; the columns are pruned away, so no image bytes are read for it. */
  static InputPartitions count(Dataset<Row> input) {
    List<Long> counts = input.select(lit(1)).javaRDD().mapPartitions((FlatMapFunction<Iterator<Row>, Long>) it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) {
        n++;
      }
      return List.of(n).iterator();
    }).collect();
    return new InputPartitions(counts.stream().mapToLong(Long::longValue).toArray());
  }

  long total() {
    long n = 0;
    for (long r : rows) {
      n += r;
    }
    return n;
  }

  /**
   * Whether the input's own partitions can be kept for a job of the given number of partitions: the same number, and
   * none holding more than 5/4 of an even share (else the largest task sets the job's time and memory).
   */
  boolean keep(int partitions) {
    if (partitions != rows.length) {
      return false;
    }
    long share = (total() + partitions - 1) / partitions;
    for (long r : rows) {
      if (r > share + share / 4) {
        return false;
      }
    }
    return true;
  }
}
