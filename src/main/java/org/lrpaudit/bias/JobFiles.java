package org.lrpaudit.bias;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.runtime.CsvInput;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.OutputFolders;
import org.lrpaudit.runtime.SparkWrites;

/**
 * The single-file outputs of the bias and probe jobs (CSV, JSON) on any Hadoop FileSystem: written under a temporary name
 * in the output folder, then renamed into place, so a reader never sees half a file (a rename replaces the previous file;
 * between deleting the old and renaming the new one there is a moment with no file, never a partial one).
 */
public final class JobFiles {
  private final FileSystem fs;
  private final Path root;

  public JobFiles(SparkSession spark, String output) {
    this.root = new Path(output);
    try {
      this.fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
        throw new JobException("output " + output + " exists and is a file, not a folder");
      }
    } catch (IOException e) {
      throw new JobException("cannot open output " + output + " (" + e.getMessage() + ")", e);
    }
  }

  /** A Delta Lake table: a folder with a _delta_log. */
  public static boolean isDelta(SparkSession spark, String path) {
    try {
      org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path, "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads a table: CSV (header) or JSON lines by extension, a Delta table by its _delta_log, else Parquet; a missing or unreadable path fails naming it. */
  public static Dataset<Row> readTable(SparkSession spark, String path, String what) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
        throw new JobException(what + " not found: " + path);
      }
      String low = path.toLowerCase(java.util.Locale.ROOT);
      if (low.endsWith(".csv")) {
        Dataset<Row> csv = spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
            .option("inferSchema", "true").csv(path);
        CsvInput.requireWellFormed(spark, csv, path, ',', "id");
        return csv;
      }
      if (low.endsWith(".json") || low.endsWith(".jsonl")) {
        return spark.read().json(path);
      }
      if (isDelta(spark, path)) {
        return spark.read().format("delta").load(path);
      }
      return spark.read().parquet(path);
    } catch (JobException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new JobException("cannot read " + what + " " + path + ": " + e.getMessage(), e);
    }
  }

  public Path path(String name) {
    return new Path(root, name);
  }

  public boolean exists(String name) {
    try {
      return fs.exists(path(name));
    } catch (IOException e) {
      throw new JobException("cannot inspect " + path(name) + " (" + e.getMessage() + ")", e);
    }
  }

  public void writeJson(String name, Object value) {
    try {
      byte[] bytes = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(value)
          .getBytes(StandardCharsets.UTF_8);
      Path tmp = path("_tmp-" + UUID.randomUUID() + "-" + name);
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(bytes);
      }
      replace(tmp, path(name));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + path(name) + ": " + e.getMessage(), e);
    }
  }

  /** Writes rows as one CSV file with a header, in the given order, through a temporary Spark output folder. */
  public void writeCsv(String name, Dataset<Row> rows, Column... order) {
    Path tmp = path("_tmp-" + UUID.randomUUID() + "-" + name);
    try {
      SparkWrites.drainingOnFailure(rows.sparkSession().sparkContext(), () -> rows.orderBy(order).coalesce(1).write()
          .mode(SaveMode.ErrorIfExists).option("header", "true").csv(tmp.toString()));
      Path part = null;
      for (FileStatus f : fs.listStatus(tmp)) {
        if (f.getPath().getName().startsWith("part-")) {
          part = f.getPath();
        }
      }
      if (part == null) {
        throw new IllegalStateException("Spark wrote no CSV part file into " + tmp);
      }
      replace(part, path(name));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + path(name) + ": " + e.getMessage(), e);
    } finally {
      try {
        fs.delete(tmp, true);
      } catch (IOException ignored) {
        // a leftover _tmp folder is harmless: readers skip names starting with '_'
      }
    }
  }

  /** Writes rows as a Parquet folder under a temporary name, then renames it into place (replacing the old one). */
  /** Fails unless the table folder name is absent, empty or a table Spark wrote (so writing it anew deletes no user file). */
  public void requireReplaceableTable(String name) {
    OutputFolders.requireReplaceableTable(fs, path(name), "output");
  }

  public void writeParquetFolder(String name, Dataset<Row> rows) {
    requireReplaceableTable(name);
    Path tmp = path("_tmp-" + UUID.randomUUID() + "-" + name);
    SparkWrites.drainingOnFailure(rows.sparkSession().sparkContext(),
        () -> rows.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString()));
    try {
      if (fs.exists(path(name))) {
        fs.delete(path(name), true);
      }
      if (!fs.rename(tmp, path(name))) {
        throw new IOException("rename " + tmp + " -> " + path(name) + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot move " + tmp + " into place: " + e.getMessage(), e);
    }
  }

  /** Writes rows as a Parquet folder under a temporary name (hidden: '_'), to be checked, then committed or discarded. */
  public Path stageParquetFolder(String name, Dataset<Row> rows) {
    Path tmp = path("_tmp-" + UUID.randomUUID() + "-" + name);
    boolean rootExisted = exists(root);
    try {
      SparkWrites.drainingOnFailure(rows.sparkSession().sparkContext(),
        () -> rows.write().mode(SaveMode.ErrorIfExists).parquet(tmp.toString()));
    } catch (Exception e) { // a failed job (Spark's SparkException is checked in Java): nothing of it stays behind
      discard(tmp);
      if (!rootExisted) {
        discard(root);
      }
      throw e;
    }
    return tmp;
  }

  private boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new JobException("cannot read output " + p + " (" + e.getMessage() + ")", e);
    }
  }

  /** Renames a staged folder into place, replacing the old one. */
  public void commitFolder(Path staged, String name) {
    try {
      if (fs.exists(path(name))) {
        fs.delete(path(name), true);
      }
      if (!fs.rename(staged, path(name))) {
        throw new IOException("rename " + staged + " -> " + path(name) + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot move " + staged + " into place: " + e.getMessage(), e);
    }
  }

  /** Deletes a staged folder if it is still there. */
  public void discard(Path staged) {
    try {
      if (fs.exists(staged)) {
        fs.delete(staged, true);
      }
    } catch (IOException ignored) {
      // a leftover _tmp folder is harmless: readers skip names starting with '_'
    }
  }

  private void replace(Path from, Path to) throws IOException {
    if (fs.exists(to)) {
      fs.delete(to, false);
    }
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " -> " + to + " failed");
    }
  }
}
