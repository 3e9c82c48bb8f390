package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.runtime.ModelCache;
import org.lrpaudit.runtime.ProgressLog;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.SparkWrites;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relevance table on a Hadoop FileSystem: folders run_id=R/method=M. A job writes its run into a hidden staging table
 * through Spark's commit protocol, checks it (rows in == rows out, the error rate), and only then moves the run folder
 * into place: a failed job, or one whose rows failed beyond --max-error-rate, leaves nothing visible, and a rerun of a run
 * replaces that run whole and no other. A Delta Lake table (--format delta) is staged the same way (as Parquet) and then
 * committed as one Delta commit that replaces the run (replaceWhere run_id = R) and nothing else; an existing Delta
 * table must have the relevance table's schema, or the one before tokens and words had their segment field (checked up
 * front, {@link #checkDeltaSchema}).
 */
public final class OutputTable {
  /** --format: the relevance table's Spark data source (jsonl = JSON lines). */
  public static final java.util.List<String> FORMATS = java.util.List.of("parquet", "jsonl", "json", "orc", "delta");
  private static final Logger LOG = LoggerFactory.getLogger(OutputTable.class);
  private final SparkSession spark;
  private final ExplainSettings s;
  private final StructType schema;
  private final Path root;
  private final FileSystem fs;
  /** Whether this job creates the output folder (so a failed first run may remove it again, when empty). */
  private boolean rootCreatedHere;
  /** The output is a Delta table of the schema before tokens and words had their segment field: the write adds it. */
  private boolean addSegmentField;

  public OutputTable(SparkSession spark, ExplainSettings settings) {
    this(spark, settings, RelevanceTable.SCHEMA);
  }

  /** A table of another schema with the same layout: run_id, method (partition columns), status among its columns. */
  public OutputTable(SparkSession spark, ExplainSettings settings, StructType schema) {
    this.spark = spark;
    this.s = settings;
    this.schema = schema;
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
        rootCreatedHere = true;
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
      if (delta() && fs.exists(new Path(root, "_delta_log"))) {
        checkDeltaSchema();
      }
      if (runExists() && !s.overwrite()) {
        throw new JobException("run '" + s.runId() + "' already exists in " + s.output() + "; pass --overwrite to replace "
            + "it, or choose another --run-id");
      }
    } catch (IOException e) {
      throw new JobException("cannot inspect output " + s.output() + " (" + e.getMessage() + ")", e);
    }
  }

  /** What {@link #writeRun} committed: rows per method, how they went, and the seconds the stage took. */
  public record Committed(Map<String, Long> rowsOut, RowErrors errors, double stageSeconds) {}

  /**
   * The run's write, whole or not at all: stages rows (logging progress as stage), then, before anything is visible,
   * counts the staged table: every method must have exactly rowsIn rows, and the error rate (input errors: the statuses
   * that are a row's own fault) must be within --max-error-rate; only then commits. The staging folder is removed
   * whatever happens.
   */
  public Committed writeRun(Dataset<Row> rows, long rowsIn, String stage, java.util.Set<String> inputErrors) {
    long t0 = System.nanoTime();
    Path staging = stagingPath();
    try {
      try (ProgressLog progress = new ProgressLog(stage, rowsIn * s.methods().size(), s.progressSeconds())) {
        spark.sparkContext().addSparkListener(progress);
        try {
          if (rowsIn > 0) {
            try {
              stage(rows, staging);
            } catch (Exception e) { // Spark's SparkException is checked in Java but thrown by Scala code
              throw ModelCache.unreadableOnExecutors(e);
            }
          }
        } finally {
          spark.sparkContext().removeSparkListener(progress);
        }
        progress.log();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Map<String, Map<String, Long>> statuses = new TreeMap<>();
      if (rowsIn > 0) {
        statuses.putAll(statusCounts(staging));
      }
      Map<String, Long> out = new TreeMap<>();
      for (String m : s.methods()) {
        long n = statuses.getOrDefault(m, Map.of()).values().stream().mapToLong(Long::longValue).sum();
        if (n != rowsIn) {
          throw new IllegalStateException("run " + s.runId() + ": method " + m + " has " + n + " rows in the table, but "
              + rowsIn + " rows were read");
        }
        out.put(m, n);
      }
      RowErrors errors = RowErrors.byMethod("rows", statuses, inputErrors, s.maxErrorRate())
          .enforce(stage + " run " + s.runId());
      commit(rowsIn > 0 ? staging : null);
      return new Committed(out, errors, seconds);
    } finally {
      discard(staging);
    }
  }

  /**
   * Writes the rows into a hidden staging table inside the output folder ({@code _staging-...}, which readers of the
   * table skip) through Spark's commit protocol, so the staged table is complete or absent. Nothing of the run is
   * visible until {@link #commit}.
   */
  public void stage(Dataset<Row> rows, Path staging) {
    SparkWrites.drainingOnFailure(spark.sparkContext(), () -> rows.write().mode(SaveMode.ErrorIfExists)
        .partitionBy(RelevanceTable.RUN_ID, RelevanceTable.METHOD).format(stagingFormat()).save(staging.toString()));
  }

  /** A fresh staging folder name for this run (nothing is created). */
  public Path stagingPath() {
    return new Path(root, "_staging-" + s.runId() + "-" + UUID.randomUUID());
  }

  /** method -> status -> rows of the staged run, read back from the written files. */
  public Map<String, Map<String, Long>> statusCounts(Path staging) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    Path run = new Path(staging, RelevanceTable.RUN_ID + "=" + s.runId());
    try {
      if (!fs.exists(run)) {
        return out;
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Dataset<Row> table = stagedRun(staging);
    for (Row r : table.groupBy(col(RelevanceTable.METHOD), col("status")).count().collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
    }
    return out;
  }

  /**
   * Moves the staged run into place, replacing an existing run of the same id whole (its other method partitions
   * included): the old run folder is renamed aside, the staged one renamed in, then the old one deleted. A rename is
   * atomic on HDFS and local disks; on object stores (s3a) it is a copy, as in Spark's own commit.
   */
  public void commit(Path staging) {
    try {
      Path staged = staging == null ? null : new Path(staging, RelevanceTable.RUN_ID + "=" + s.runId());
      if (staged == null || !fs.exists(staged)) { // an empty input: the run becomes empty
        if (s.overwrite()) {
          deleteRun();
        }
        return;
      }
      if (delta()) {
        writeDeltaRun(stagedRun(staging));
        return;
      }
      Path old = null;
      if (fs.exists(runPath())) {
        old = new Path(root, "_replaced-" + s.runId() + "-" + UUID.randomUUID());
        if (!fs.rename(runPath(), old)) {
          throw new IOException("cannot move the previous run " + runPath() + " aside");
        }
        LOG.info("run {}: replacing the previous run of the same id", s.runId());
      }
      if (!fs.rename(staged, runPath())) {
        if (old != null) {
          fs.rename(old, runPath());
        }
        throw new IOException("cannot move " + staged + " to " + runPath());
      }
      if (old != null) {
        fs.delete(old, true);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot commit run " + s.runId() + " into " + s.output() + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a staging table if it is there (after a commit, or when the job fails). */
  public void discard(Path staging) {
    try {
      if (fs.exists(staging)) {
        fs.delete(staging, true);
      }
      // A failed first run leaves no output folder behind; a folder that holds anything (a committed run) stays.
      if (rootCreatedHere && fs.exists(root) && fs.listStatus(root).length == 0) {
        fs.delete(root, false);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove staging folder {}: {}", staging, e.getMessage());
    }
  }

  /** The staged run, read back with the table's schema. */
  private Dataset<Row> stagedRun(Path staging) {
    Path run = new Path(staging, RelevanceTable.RUN_ID + "=" + s.runId());
    return spark.read().option("basePath", staging.toString()).format(stagingFormat())
        .schema(schema).load(run.toString());
  }

  /** One Delta commit that replaces this run's rows (and only them) with rows; files of the old run stay until VACUUM. */
  private void writeDeltaRun(Dataset<Row> rows) {
    rows.write().format("delta").mode(SaveMode.Overwrite).option("replaceWhere", runPredicate())
        .option("mergeSchema", Boolean.toString(addSegmentField))
        .partitionBy(RelevanceTable.RUN_ID, RelevanceTable.METHOD).save(s.output());
  }

  /**
   * An existing Delta table must have this table's columns and types (nullability aside), checked before any compute:
   * Delta itself refuses a different schema only at the commit, after all the work. For the relevance table one earlier
   * schema, before tokens and words had their segment field, is accepted too: the run's commit adds the field
   * (mergeSchema), and the earlier runs' rows read it as null (single texts: bias reads null as segment 0).
   */
  private void checkDeltaSchema() {
    Map<String, String> have = columnTypes(spark.read().format("delta").load(s.output()).schema());
    Map<String, String> want = columnTypes(schema);
    Map<String, String> before = new TreeMap<>(want);
    if (schema == RelevanceTable.SCHEMA) {
      for (String units : new String[] {"tokens", "words"}) {
        before.put(units, DataTypes.createArrayType(withoutSegment(RelevanceTable.TOKEN)).catalogString());
      }
    }
    if (have.equals(want)) {
      return;
    }
    if (have.equals(before)) {
      addSegmentField = true;
      LOG.info("output {} is a Delta table written before tokens and words had their segment field: this run's commit "
          + "adds it (earlier runs read it as null)", s.output());
      return;
    }
    java.util.List<String> problems = new java.util.ArrayList<>();
    java.util.Set<String> names = new java.util.TreeSet<>(have.keySet());
    names.addAll(want.keySet());
    for (String name : names) {
      String got = have.get(name);
      if (got == null) {
        problems.add("no column '" + name + "'");
      } else if (!want.containsKey(name)) {
        problems.add("column '" + name + "' is not one of this table's");
      } else if (!got.equals(want.get(name)) && !got.equals(before.get(name))) {
        problems.add("column '" + name + "' is " + got + ", not " + want.get(name));
      }
    }
    throw new JobException("output " + s.output() + " is a Delta table whose schema is not this job's ("
        + String.join("; ", problems) + "); choose another --output");
  }

  /** Column name -> type without nullability (Spark's catalog string, nested fields in order). */
  private static Map<String, String> columnTypes(StructType schema) {
    Map<String, String> out = new TreeMap<>();
    for (StructField f : schema.fields()) {
      out.put(f.name(), f.dataType().catalogString());
    }
    return out;
  }

  private static StructType withoutSegment(StructType token) {
    return new StructType(java.util.Arrays.stream(token.fields()).filter(f -> !f.name().equals("segment"))
        .toArray(StructField[]::new));
  }

  private boolean delta() {
    return s.format().equals("delta");
  }

  /** The table's Spark data source; a Delta table is staged as Parquet and committed by Delta. */
  private String stagingFormat() {
    return s.format().equals("jsonl") ? "json" : delta() ? "parquet" : s.format();
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

  /** Removes this run (a rerun of an empty input must still replace the run). */
  public void deleteRun() {
    try {
      if (delta()) {
        if (runExists()) {
          writeDeltaRun(spark.createDataFrame(java.util.List.of(), schema));
        }
        return;
      }
      fs.delete(runPath(), true);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
