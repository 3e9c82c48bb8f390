package org.lrpaudit.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relevance table on a Hadoop FileSystem: folders run_id=R/method=M. Results go through Spark's commit protocol with
 * dynamic partition overwrite: task output is staged and only a committed job moves its partitions into place, so a failed
 * job leaves nothing visible, and a rerun of a run replaces that run's partitions and no other. A Delta Lake table
 * (--format delta) is written as one Delta commit that replaces the run (replaceWhere run_id = R) and nothing else.
 */
public final class OutputTable {
  /** --format: the relevance table's Spark data source (jsonl = JSON lines). */
  public static final java.util.List<String> FORMATS = java.util.List.of("parquet", "jsonl", "json", "orc", "delta");
  private static final Logger LOG = LoggerFactory.getLogger(OutputTable.class);
  private final SparkSession spark;
  private final ExplainSettings s;
  private final Path root;
  private final FileSystem fs;

  public OutputTable(SparkSession spark, ExplainSettings settings) {
    this.spark = spark;
    this.s = settings;
    this.root = new Path(settings.output());
    try {
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new JobException("cannot open output file system of " + settings.output() + " (" + e.getMessage() + ")", e);
    }
  }

  private Path runPath() {
    return new Path(root, RelevanceTable.RUN_ID + "=" + s.runId());
  }

  /** Fails unless the output is absent, or a relevance table without this run (or with it, and overwrite was asked for). */
  public void checkWritable() {
    try {
      if (!fs.exists(root)) {
        return;
      }
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new JobException("output " + s.output() + " exists and is a file, not a relevance table folder");
      }
      for (FileStatus f : fs.listStatus(root)) {
        String name = f.getPath().getName();
        if (!name.startsWith("_") && !name.startsWith(".") && !(f.isDirectory() && name.startsWith(RelevanceTable.RUN_ID + "="))) {
          throw new JobException("output " + s.output() + " exists and is not a relevance table (it holds '" + name
              + "'); choose another --output");
        }
      }
      if (runExists() && !s.overwrite()) {
        throw new JobException("run '" + s.runId() + "' already exists in " + s.output() + "; pass --overwrite to replace "
            + "it, or choose another --run-id");
      }
    } catch (IOException e) {
      throw new JobException("cannot inspect output " + s.output() + " (" + e.getMessage() + ")", e);
    }
  }

  private String source() {
    return s.format().equals("jsonl") ? "json" : s.format();
  }

  private boolean delta() {
    return s.format().equals("delta");
  }

  private String runPredicate() {
    return RelevanceTable.RUN_ID + " = '" + s.runId().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** Whether the table holds this run: for Delta, by its log (files of a replaced run stay until VACUUM). */
  private boolean runExists() throws IOException {
    if (delta()) {
      return fs.exists(new Path(root, "_delta_log"))
          && !spark.read().format("delta").load(s.output()).where(runPredicate()).limit(1).isEmpty();
    }
    return fs.exists(runPath());
  }

  public void write(Dataset<Row> rows) {
    if (delta()) {
      rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", runPredicate())
          .partitionBy(RelevanceTable.RUN_ID, RelevanceTable.METHOD).save(s.output());
      return;
    }
    rows.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
        .partitionBy(RelevanceTable.RUN_ID, RelevanceTable.METHOD)
        .format(source()).save(s.output());
  }

  /** After a committed write: drops method partitions of this run that this job did not write (a rerun replaces it whole). */
  public void dropStaleMethods() {
    if (delta()) {
      return; // the Delta commit replaced the whole run
    }
    try {
      if (!fs.exists(runPath())) {
        return;
      }
      for (FileStatus f : fs.listStatus(runPath())) {
        String name = f.getPath().getName();
        if (f.isDirectory() && name.startsWith(RelevanceTable.METHOD + "=")
            && !s.methods().contains(name.substring(RelevanceTable.METHOD.length() + 1))) {
          LOG.info("run {}: removing {} left by an earlier run of the same id", s.runId(), name);
          fs.delete(f.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot clean run folder " + runPath() + ": " + e.getMessage(), e);
    }
  }

  /** Rows of this run per method, read back from the committed table. */
  public Map<String, Long> countByMethod() {
    Map<String, Long> out = new TreeMap<>();
    try {
      if (!runExists()) {
        return out;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Dataset<Row> table = delta() ? spark.read().format("delta").load(s.output()).where(runPredicate())
        : spark.read().option("basePath", s.output()).format(source()).schema(RelevanceTable.SCHEMA).load(runPath().toString());
    for (Row r : table.groupBy(col(RelevanceTable.METHOD)).count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  /** Removes this run's partition (a rerun of an empty input must still replace the run). */
  public void deleteRun() {
    if (delta()) {
      try {
        if (runExists()) {
          write(spark.createDataFrame(java.util.List.of(), RelevanceTable.SCHEMA));
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return;
    }
    try {
      fs.delete(runPath(), true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
