package org.lrpaudit.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.ModelCache;
import org.lrpaudit.runtime.OutputFolders;
import org.lrpaudit.runtime.ProgressLog;
import org.lrpaudit.runtime.SparkWrites;

/**
 * The output folder of an evaluate job (evaluate, evaluate-images): everything is written into a staging folder beside
 * it and renamed into place only when complete, so a failed job leaves no output and a rerun with --overwrite replaces
 * the previous one whole. own: the names such a folder holds (summary.json always among them); job names the job in
 * messages.
 */
final class EvaluateOutput {
  private final FileSystem fs;
  private final Path out;
  private final Set<String> own;
  private final String job;
  private final Path staging;

  EvaluateOutput(FileSystem fs, Path out, Set<String> own, String job) {
    this.fs = fs;
    this.out = out;
    this.own = own;
    this.job = job;
    this.staging = new Path(out.getParent(), "." + out.getName() + ".staging-" + UUID.randomUUID());
  }

  Path staged(String name) {
    return new Path(staging, name);
  }

  /**
   * Writes the per-row table (the stage that runs the model) as Parquet folder name of the staging folder, through
   * Spark's commit protocol, logging progress as stage against rowsDue rows; a model the executors cannot read is
   * reported as such. Returns the dataset as written, read back with its schema.
   */
  Dataset<Row> writeRows(SparkSession spark, Dataset<Row> rows, String name, String stage, long rowsDue) {
    try (ProgressLog progress = new ProgressLog(stage, rowsDue, ProgressLog.DEFAULT_SECONDS)) {
      spark.sparkContext().addSparkListener(progress);
      try {
        SparkWrites.drainingOnFailure(spark.sparkContext(),
            () -> rows.write().mode(SaveMode.ErrorIfExists).parquet(staged(name).toString()));
      } catch (Exception e) { // Spark's SparkException is checked in Java but thrown by Scala code
        throw ModelCache.unreadableOnExecutors(e);
      } finally {
        spark.sparkContext().removeSparkListener(progress);
      }
      progress.log();
    }
    return spark.read().schema(rows.schema()).parquet(staged(name).toString());
  }

  void write(String name, byte[] bytes) throws IOException {
    try (OutputStream o = fs.create(staged(name), false)) {
      o.write(bytes);
    }
  }

  /**
   * An existing output is replaced only with --overwrite and only when it is this job's output: summary.json and
   * nothing but the names the job writes (an empty folder is fine too). Anything else, a user's folder or a file put
   * into ours, is refused before any work: the replaced folder is deleted whole.
   */
  void check(boolean overwrite) throws IOException {
    if (!fs.exists(out)) {
      return;
    }
    if (!fs.getFileStatus(out).isDirectory()) {
      throw new JobException("output " + out + " exists and is a file, not an " + job + " output folder; choose another "
          + "--output");
    }
    List<String> names = new ArrayList<>();
    for (FileStatus f : fs.listStatus(out)) {
      names.add(f.getPath().getName());
    }
    if (names.isEmpty()) {
      return;
    }
    List<String> foreign = names.stream().filter(n -> !OutputFolders.isOwn(n, own)).sorted().limit(5).toList();
    if (!foreign.isEmpty() || !names.contains("summary.json")) {
      throw new JobException("output " + out + " exists and is not an " + job + " output ("
          + (foreign.isEmpty() ? "no summary.json" : "it holds '" + String.join("', '", foreign) + "'")
          + "); lrp-audit never replaces such a folder, with or without --overwrite: choose another --output");
    }
    if (!overwrite) {
      throw new JobException("output " + out + " exists; pass --overwrite to replace it");
    }
  }

  /** Renames the complete staging folder to the output; an existing output (overwrite) is moved aside first. */
  void commit() throws IOException {
    check(true); // again: files may have been put there while the job ran
    Path old = null;
    if (fs.exists(out)) {
      old = new Path(out.getParent(), "." + out.getName() + ".replaced-" + UUID.randomUUID());
      if (!fs.rename(out, old)) {
        throw new IOException("cannot move the previous output " + out + " aside");
      }
    }
    if (!fs.rename(staging, out)) {
      if (old != null) {
        fs.rename(old, out);
      }
      throw new IOException("cannot rename " + staging + " to " + out);
    }
    if (old != null) {
      fs.delete(old, true);
    }
  }

  /** Removes the staging folder if it is there (after the commit it is not; after a failure it may be). */
  void discard() throws IOException {
    if (fs.exists(staging)) {
      fs.delete(staging, true);
    }
  }
}
