package org.lrpaudit.explainjob;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.InputCheck;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.TorchThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explain job: corpus -> relevance table. Checks everything that can make the job fail before any compute (model,
 * target, output, input columns, input readable), then explains the corpus rows with ExplainColumn (the code path of the
 * Spark ML Transformer, RelevanceExplainer), flattens the explanations into the relevance table, writes through
 * Spark's commit protocol into the run's partition, and counts the committed rows: rows out must equal rows in x
 * methods.
 */
public final class ExplainJob {
  private static final Logger LOG = LoggerFactory.getLogger(ExplainJob.class);
  /** The explanation column between explaining and flattening (not in CorpusReader.INPUT, so it cannot clash). */
  private static final String EXPLANATION = "explanation";
  private final SparkSession spark;

  public ExplainJob(SparkSession spark) {
    this.spark = spark;
  }

  /** A fresh run id: UTC time and a random suffix, so runs without --run-id never collide. */
  public static String newRunId() {
    return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** --partitions, else at least the input's partitions and the parallelism, and at most partition-rows rows each. */
  static int partitions(ExplainSettings s, int inputPartitions, int parallelism, long rowsIn) {
    return s.partitions() > 0 ? s.partitions() : (int) Math.max(Math.max(inputPartitions, parallelism),
        (rowsIn + s.partitionRows() - 1) / s.partitionRows());
  }

  /** A fixed target class (label:N, class:NAME) must exist in the model; predicted and label fit any. */
  static void checkTarget(String target, Checkpoint cp) {
    Target t = Target.parse(target);
    if (!(t instanceof Target.Predicted) && !(t instanceof Target.GoldLabel)) {
      t.resolve(0, null, cp.config().labels());
    }
  }

  public ExplainSummary run(ExplainSettings settings) {
    ExplainSettings s = settings.runId() == null ? settings.withRunId(newRunId()) : settings;
    long t0 = System.nanoTime();

    // 1. Everything that can fail the job, before any compute.
    Checkpoint cp = Checkpoint.open(s.model()).requireText();
    checkTarget(s.target(), cp);
    OutputTable table = new OutputTable(spark, s);
    table.checkWritable();
    Dataset<Row> input = new CorpusReader(spark, s.corpus()).read();
    long rowsIn = InputCheck.count(input, s.corpus());
    double checkSeconds = (System.nanoTime() - t0) / 1e9;
    LOG.info(String.format("run %s: model %s (%s), %,d input rows, methods %s, output %s (checks and input count: %.1f s)",
        s.runId(), s.model(), cp.modelId().substring(0, 12), rowsIn, s.methods(), s.output(), checkSeconds));

    // 2. Explain and write.
    int parallelism = spark.sparkContext().defaultParallelism();
    // Spark sorts a task's output by the partition columns before writing it, holding it all: rows per task, not rows
    // per job, set an executor's memory. So by default no partition holds more than partition-rows rows.
    int inputPartitions = input.rdd().getNumPartitions();
    int partitions = partitions(s, inputPartitions, parallelism, rowsIn);
    Dataset<Row> parts = partitions == inputPartitions ? input : input.repartition(partitions);
    JobMetrics metrics = new JobMetrics(spark.sparkContext(), s.methods());
    int threads = TorchThreads.perTask(spark.sparkContext().getConf());
    // The Transformer's code path (ExplainColumn, as RelevanceExplainer runs it), flattened into the table.
    ExplainColumn.Columns columns = s.pairColumn() == null ? ExplainColumn.Columns.CORPUS
        : ExplainColumn.Columns.CORPUS_WITH_PAIR;
    Dataset<Row> explained = ExplainColumn.append(parts, s, columns, EXPLANATION, threads, metrics);
    Dataset<Row> relevance = RelevanceTable.of(explained, EXPLANATION, s.methods().size(), s.runId());
    OutputTable.Committed written = table.writeRun(relevance, rowsIn, "explain", RowErrors.CORPUS_INPUT_ERRORS);
    Map<String, Long> out = written.rowsOut();
    RowErrors errors = written.errors();
    double explainSeconds = written.stageSeconds();
    ExplainSummary summary = ExplainSummary.of(s, cp.modelId(), rowsIn, out, errors, metrics, explainSeconds,
        (System.nanoTime() - t0) / 1e9, partitions, threads);
    LOG.info(summary.describe());
    return summary;
  }

  /** What a run did, for the log, standard output and benchmarks. */
  public record ExplainSummary(String runId, String modelId, String output, long rowsIn, Map<String, Long> rowsOut,
      long errorRows, RowErrors errors, long tokens, double paddingWaste, long batches, double explainSeconds,
      double totalSeconds, double textsPerSecond, double tokensPerSecond, Map<String, Double> computeRowsPerSecond,
      int partitions, int torchThreads, long driverPeakRssMb, long driverHeapCommittedMb) {

    static ExplainSummary of(ExplainSettings s, String modelId, long rowsIn, Map<String, Long> out, RowErrors errors,
        JobMetrics m, double explainSeconds, double totalSeconds, int partitions, int threads) {
      return new ExplainSummary(s.runId(), modelId, s.output(), rowsIn, out, errors.rows() - errors.ok(), errors,
          m.tokens.value(), m.paddingWaste(), m.batches.value(), explainSeconds, totalSeconds, rowsIn / explainSeconds,
          m.tokens.value() / explainSeconds, m.computeRowsPerSecond(rowsIn), partitions, threads, peakRssMb(),
          Runtime.getRuntime().totalMemory() >> 20);
    }

    /** This JVM's peak resident set (VmHWM), in MB; -1 where /proc is missing. Embedded, the driver is the executor. */
    static long peakRssMb() {
      try {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
          }
        }
      } catch (java.io.IOException | RuntimeException e) {
        // not Linux
      }
      return -1;
    }

    String describe() {
      return String.format("run %s done: %,d rows in, %s rows out, %,d error rows (%,d input errors, %,d job errors: "
          + "error rate %.4f); explain stage %.1f s: %.1f texts/s, %.0f tokens/s, padding waste %.1f%%; total %.1f s; "
          + "driver peak RSS %d MB", runId, rowsIn, rowsOut, errorRows, errors.inputErrors(), errors.jobErrors(),
          errors.errorRate(), explainSeconds, textsPerSecond, tokensPerSecond, 100 * paddingWaste, totalSeconds,
          driverPeakRssMb);
    }
  }
}
