package org.lrpaudit.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.lrpaudit.corpus.CsvCheck;

/**
 * CSV/TSV inputs read by Spark (multiLine, RFC 4180 quoting) are checked first with {@link CsvCheck}: Spark's parser
 * merges the rows after an unterminated quote into one text, and pads or drops the cells of a row with a stray
 * delimiter, without a word. Each input file is scanned in a Spark task (a multi-line CSV file is one task's read
 * anyway), and a malformed file fails the job with exit 2, naming the file, the lines and the ids concerned.
 */
public final class CsvInput {
  /** Files named in the error message (each with its first malformed records). */
  private static final int FILES_REPORTED = 3;

  private CsvInput() {}

  /** Fails with a JobException unless every file behind df (read by Spark as CSV with a header) is well formed. */
  public static void requireWellFormed(SparkSession spark, Dataset<Row> df, String input, char delimiter,
      String idColumn) {
    String[] files = df.inputFiles();
    if (files.length == 0) {
      return;
    }
    SerializableConfiguration conf = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    List<CsvCheck.Result> bad;
    try {
      bad = JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(Arrays.asList(files), Math.min(files.length, spark.sparkContext().defaultParallelism()))
          .map(f -> scan(f, conf.value(), delimiter, idColumn))
          .filter(r -> !r.ok())
          .collect();
    } catch (RuntimeException e) { // SparkException, thrown unchecked from Scala: an unreadable file
      throw new JobException("cannot read input " + input + ": " + JobException.rootMessage(e), e);
    }
    if (bad.isEmpty()) {
      return;
    }
    List<String> parts = new ArrayList<>();
    long total = 0;
    for (CsvCheck.Result r : bad) {
      total += r.problemCount();
      if (parts.size() < FILES_REPORTED) {
        parts.add(r.describe());
      }
    }
    String more = bad.size() > FILES_REPORTED ? "\n... and " + (bad.size() - FILES_REPORTED) + " more files" : "";
    throw new JobException("input " + input + " has " + total + " malformed CSV " + (total == 1 ? "record" : "records")
        + " in " + bad.size() + (bad.size() == 1 ? " file" : " files") + "; nothing was processed:\n"
        + String.join("\n", parts) + more);
  }

  /** Scans one file, decompressing it by its extension as Spark does. */
  static CsvCheck.Result scan(String file, Configuration conf, char delimiter, String idColumn) throws IOException {
    Path path = new Path(file);
    FileSystem fs = path.getFileSystem(conf);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(path);
    try (InputStream raw = fs.open(path);
        Reader in = new InputStreamReader(codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8)) {
      return CsvCheck.scan(in, file, delimiter, true, 0, idColumn);
    }
  }
}
