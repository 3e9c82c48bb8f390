package org.lrpaudit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.explainjob.ExplainJob;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.ml.RelevanceExplainer;

/**
 * RelevanceExplainer inside a user's job against the explain job, on the same texts, in one Spark session (local[2],
 * one torch thread per task): each round runs both, the order alternating between rounds so drift of a shared machine
 * hits both alike, and the best of each counts. The user's job reads the corpus (JSON lines), transforms it with the
 * same partition count as the explain job chose, and writes Parquet (the corpus's schema given, as a job over a known
 * corpus would: no inference pass); both are timed wall clock, reading to committed
 * output. Usage: TransformerBenchmark MODEL CORPUS.jsonl OUT_DIR [ROUNDS]. Prints one JSON object.
 */
public final class TransformerBenchmark {
  private TransformerBenchmark() {}

  public static void main(String[] args) throws Exception {
    String model = args[0];
    String corpus = args[1];
    Path out = Paths.get(args[2]);
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    SparkSession spark = SparkSession.builder().master("local[2]").appName("bench-transformer")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      // Warm-up: load the model (one per JVM, shared by both) and JIT both paths on a few hundred texts.
      Dataset<Row> few = spark.read().schema(CORPUS).json(corpus).limit(100);
      few.write().mode("overwrite").json(out.resolve("warmup-corpus").toString());
      job(spark, model, out.resolve("warmup-corpus").toString(), out.resolve("warmup-job"), "warmup");
      user(spark, model, out.resolve("warmup-corpus").toString(), out.resolve("warmup-user"), 2);

      List<Double> jobRates = new ArrayList<>();
      List<Double> userRates = new ArrayList<>();
      long texts = 0;
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < 2; k++) {
          boolean jobFirst = r % 2 == 0;
          if ((k == 0) == jobFirst) {
            long t0 = System.nanoTime();
            ExplainJob.ExplainSummary s = job(spark, model, corpus, out.resolve("job"), "round-" + r);
            texts = s.rowsIn();
            jobRates.add(texts / ((System.nanoTime() - t0) / 1e9));
            userPartitions = s.partitions();
          } else {
            long t0 = System.nanoTime();
            long n = user(spark, model, corpus, out.resolve("user-" + r), userPartitions);
            userRates.add(n / ((System.nanoTime() - t0) / 1e9));
          }
        }
      }
      double bestJob = jobRates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      double bestUser = userRates.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      ObjectMapper json = new ObjectMapper();
      ObjectNode o = json.createObjectNode().put("texts", texts).put("rounds", rounds)
          .put("partitions", userPartitions).put("bestJobTextsPerSecond", bestJob)
          .put("bestTransformerTextsPerSecond", bestUser).put("ratio", bestUser / bestJob);
      jobRates.forEach(o.putArray("jobTextsPerSecond")::add);
      userRates.forEach(o.putArray("transformerTextsPerSecond")::add);
      System.out.println(json.writeValueAsString(o));
    } finally {
      spark.stop();
    }
  }

  /** The corpus's columns, given as a user's job over a known corpus would (no schema-inference pass). */
  private static final String CORPUS = "id STRING, text STRING, label INT";

  /** The partition count the explain job chose (2 on local[2] below 10,000 texts); the user's job uses the same. */
  private static int userPartitions = 2;

  private static ExplainJob.ExplainSummary job(SparkSession spark, String model, String corpus, Path out,
      String runId) {
    Properties p = ExplainSettings.defaults();
    p.setProperty("model", model);
    p.setProperty("input", corpus);
    p.setProperty("output", out.toString());
    p.setProperty("run-id", runId);
    p.setProperty("overwrite", "true");
    p.setProperty("max-length", "128");
    return new ExplainJob(spark).run(ExplainSettings.from(p));
  }

  /** A user's job: read, transform, write; returns the rows written. */
  private static long user(SparkSession spark, String model, String corpus, Path out, int partitions) {
    Dataset<Row> in = spark.read().schema(CORPUS).json(corpus);
    if (in.rdd().getNumPartitions() != partitions) {
      in = in.repartition(partitions);
    }
    Dataset<Row> explained = new RelevanceExplainer().setModelPath(model).setMaxLength(128).transform(in);
    explained.write().mode("overwrite").parquet(out.toString());
    return spark.read().parquet(out.toString()).count();
  }
}
