package org.lrpaudit.report;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.explainjob.RelevanceTable;
import org.lrpaudit.runtime.OutputFolders;

/**
 * A relevance table (or any table lrp-audit wrote) as JSON lines, for readers without Parquet (pandas here has no
 * pyarrow; notebooks/image-explore.ipynb reads the image demo's table this way). Spark's JSON part files, every
 * column as a field (run_id and method included); written to a staging folder beside the output and renamed, so the
 * output is whole or absent, and an existing output is replaced only when it is a table folder Spark wrote.
 */
public final class JsonExport {
  private JsonExport() {}

  /** Rows written. runId: only this run (null: every row). */
  public static long write(SparkSession spark, String table, String format, String runId, String output) {
    Dataset<Row> rows;
    try {
      rows = spark.read().format(format).load(table);
    } catch (Exception e) { // AnalysisException (checked, thrown from Scala): no such table, not this format
      throw new AuditException("cannot read " + table + " as " + format + ": " + e.getMessage());
    }
    if (runId != null) {
      if (!java.util.Arrays.asList(rows.columns()).contains(RelevanceTable.RUN_ID)) {
        throw new AuditException(table + " has no " + RelevanceTable.RUN_ID + " column to select run " + runId);
      }
      rows = rows.where(col(RelevanceTable.RUN_ID).equalTo(runId));
    }
    Path out = new Path(output);
    Path staging = new Path(out.getParent(), "." + out.getName() + ".staging-" + UUID.randomUUID());
    try {
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      OutputFolders.requireReplaceableTable(fs, out, "--output");
      try {
        // counted from the source: Spark's readers skip the hidden staging folder, and the write is all or nothing
        long n = rows.count();
        rows.write().json(staging.toString());
        if (fs.exists(out) && !fs.delete(out, true)) {
          throw new IOException("cannot delete the earlier " + out);
        }
        if (!fs.rename(staging, out)) {
          throw new IOException("cannot rename " + staging + " to " + out);
        }
        return n;
      } finally {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new AuditException("cannot write " + output + ": " + e.getMessage());
    }
  }
}
