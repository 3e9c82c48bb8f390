package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.model.RandomCheckpoint;

/** Shared by the Spark tests: a seeded random model written once per JVM, corpora, settings, and reading results back. */
final class SparkTests {
  private static Path model;

  private SparkTests() {}

  static synchronized Path model() {
    if (model == null) {
      try {
        Path dir = Files.createTempDirectory("lrp-spark-model");
        model = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 2, 32, 4, 64, false, 11), dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return model;
  }

  static SparkSession local(int cores) {
    return SparkSession.builder().master("local[" + cores + "]").appName("lrp-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.executor.heartbeatInterval", "2s").getOrCreate();
  }

  static Properties settings(Path input, Path output, String... keyValues) {
    Properties p = ExplainSettings.defaults();
    p.setProperty("model", model().toString());
    p.setProperty("input", input.toString());
    p.setProperty("output", output.toString());
    p.setProperty("max-length", "128");
    p.setProperty("progress-seconds", "5");
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  static ExplainJob.ExplainSummary run(SparkSession spark, Path input, Path output, String... keyValues) {
    return new ExplainJob(spark).run(ExplainSettings.from(settings(input, output, keyValues)));
  }

  /** Sentences of random demo words, 1 to maxWords words, ids "t0", "t1", ... */
  static List<String> sentences(int n, int maxWords, long seed) {
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#")).toList();
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int words = 1 + rnd.nextInt(maxWords);
      StringBuilder b = new StringBuilder();
      for (int w = 0; w < words; w++) {
        b.append(w == 0 ? "" : " ").append(vocab.get(rnd.nextInt(vocab.size())));
      }
      out.add(b.toString());
    }
    return out;
  }

  static Path jsonl(Path file, List<String> texts) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      lines.add("{\"id\": \"t" + i + "\", \"text\": \"" + texts.get(i) + "\", \"label\": " + (i % 2) + "}");
    }
    Files.write(file, lines);
    return file;
  }

  /** id -> token relevance for one run and method (ids must be unique). */
  static Map<String, double[]> relevance(SparkSession spark, Path table, String runId, String method) {
    Map<String, double[]> out = new HashMap<>();
    List<Row> rows = spark.read().parquet(table.toString())
        .where(col("run_id").equalTo(runId).and(col("method").equalTo(method)))
        .select(col("id"), col("tokens.relevance")).collectAsList();
    for (Row r : rows) {
      List<Object> rel = r.getList(1);
      double[] v = new double[rel.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = ((Number) rel.get(i)).doubleValue();
      }
      if (out.put(r.getString(0), v) != null) {
        throw new AssertionError("id " + r.getString(0) + " appears twice in run " + runId + " / " + method);
      }
    }
    return out;
  }

  /** Largest absolute difference between two runs' relevance, asserting both hold the same ids and token counts. */
  static double maxDifference(Map<String, double[]> a, Map<String, double[]> b) {
    if (!a.keySet().equals(b.keySet())) {
      throw new AssertionError("runs hold different ids: " + a.size() + " vs " + b.size());
    }
    double max = 0;
    for (var e : a.entrySet()) {
      double[] x = e.getValue();
      double[] y = b.get(e.getKey());
      if (x.length != y.length) {
        throw new AssertionError("id " + e.getKey() + ": " + x.length + " vs " + y.length + " tokens");
      }
      for (int i = 0; i < x.length; i++) {
        max = Math.max(max, Math.abs(x[i] - y[i]));
      }
    }
    return max;
  }

  static long count(SparkSession spark, Path table, String runId) {
    return spark.read().parquet(table.toString()).where(col("run_id").equalTo(runId)).count();
  }
}
