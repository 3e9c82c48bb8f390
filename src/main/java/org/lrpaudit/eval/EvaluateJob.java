package org.lrpaudit.eval;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.InputCheck;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.SparkWrites;
import org.lrpaudit.runtime.TorchThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate job: a labelled corpus -> the faithfulness tables of method.md (activation and pruning tasks) for each
 * method. Everything is written into a staging folder beside the output (texts and curves through Spark's commit
 * protocol, summary.json, summary.csv, curves.svg, curves.png) and the folder is renamed into place only when complete,
 * so a failed job leaves no output and a rerun with --overwrite replaces the previous one whole. Rows are accounted:
 * for every method, evaluated + skipped (by reason) == rows read, counted on the written table.
 */
public final class EvaluateJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final SparkSession spark;

  public EvaluateJob(SparkSession spark) {
    this.spark = spark;
  }

  public EvaluationSummary run(EvaluateSettings s) throws IOException {
    long t0 = System.nanoTime();
    Checkpoint cp = Checkpoint.open(s.model()).requireText();
    Path out = new Path(s.output());
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    EvaluateOutput output = new EvaluateOutput(fs, out, OWN, "evaluate");
    output.check(s.overwrite());
    Dataset<Row> input = new CorpusReader(spark, s.corpus(), s.where()).read();
    if (s.limit() > 0) {
      input = input.limit((int) Math.min(Integer.MAX_VALUE, s.limit()));
    }
    long rowsIn = InputCheck.count(input, s.corpus(), s.labelColumn());
    int partitions = s.partitions() > 0 ? s.partitions()
        : Math.max(input.rdd().getNumPartitions(), spark.sparkContext().defaultParallelism());
    int threads = TorchThreads.perTask(spark.sparkContext().getConf());
    LOG.info("evaluate: model {} ({}), {} rows{}{}, methods {}, {} steps, {}, {} partitions", s.model(),
        cp.modelId().substring(0, 12), rowsIn, s.where() == null ? "" : " where " + s.where(),
        s.pairColumn() == null ? "" : ", sentence pairs (second text: " + s.pairColumn() + ")", s.methods(), s.steps(),
        s.keepSpecial() ? "keep-special" : "paper protocol", partitions);

    try {
      EvaluateMetrics metrics = new EvaluateMetrics(spark.sparkContext(), s.methods());
      Dataset<Row> texts = input.repartition(partitions)
          .mapPartitions(new PartitionEvaluator(s, threads, metrics), Encoders.row(FaithfulnessTable.TEXTS));
      long w0 = System.nanoTime();
      long rowsOut = rowsIn * s.methods().size();
      Dataset<Row> written = output.writeRows(spark, texts, "texts", "evaluate", rowsOut);
      double evaluateSeconds = (System.nanoTime() - w0) / 1e9;

      Map<String, Map<String, Long>> statuses = statusCounts(written, s.methods(), rowsIn, "texts");
      // Before anything is written beside the texts: more failures than --max-error-rate fail the job, and the
      // staging folder (deleted below) is all there was.
      RowErrors errors = RowErrors.byMethod("rows", statuses, EvaluateSettings.INPUT_ERRORS, s.maxErrorRate())
          .enforce("evaluate");
      Dataset<Row> ok = written.where(col("status").equalTo(FaithfulnessTable.OK));
      Dataset<Row> curves = meanCurves(ok, s.steps(), List.of("method"), "texts");
      SparkWrites.drainingOnFailure(spark.sparkContext(), () -> curves.coalesce(1).write().mode(SaveMode.ErrorIfExists)
          .parquet(output.staged("curves").toString()));
      Map<String, Map<String, double[]>> means = collectCurves(curves, 1, s.steps());
      Map<String, double[]> conservation = conservation(ok);

      List<EvaluationSummary.MethodResult> results = new ArrayList<>();
      for (String m : s.methods()) {
        Map<String, Long> st = new TreeMap<>(statuses.getOrDefault(m, Map.of()));
        long n = st.getOrDefault(FaithfulnessTable.OK, 0L);
        st.remove(FaithfulnessTable.OK);
        Map<String, double[]> c = means.get(m);
        double[] cons = conservation.getOrDefault(m, new double[] {Double.NaN, Double.NaN});
        results.add(new EvaluationSummary.MethodResult(m, n, st, c == null ? Double.NaN : Curves.area(c.get("activation")),
            c == null ? Double.NaN : Curves.area(c.get("pruning_change")),
            c == null ? Double.NaN : Curves.area(c.get("pruning_probability")), metrics.costRatio(m), cons[0], cons[1],
            c == null ? Map.of() : c));
      }
      double[] fractions = new double[s.steps()];
      for (int k = 0; k < fractions.length; k++) {
        fractions[k] = Curves.fraction(k, s.steps());
      }
      long evaluated = metrics.evaluatedTexts.value();
      EvaluationSummary summary = new EvaluationSummary(s.model(), cp.modelId(), s.input(), s.where(),
          s.keepSpecial() ? EvaluationSummary.KEEP_SPECIAL : EvaluationSummary.PAPER, s.keepSpecial(), s.steps(),
          fractions, s.igSteps(), s.seed(), rowsIn, results,
          evaluated == 0 ? Double.NaN : metrics.forwardNanos.value() / 1e6 / evaluated, metrics.perturbedRows.value(),
          metrics.perturbedNanos.value() == 0 ? 0 : metrics.perturbedRows.value() / (metrics.perturbedNanos.value() / 1e9),
          threads, partitions, (System.nanoTime() - t0) / 1e9, errors);
      output.write("summary.json", JSON.writeValueAsBytes(summary));
      output.write("summary.csv", CurveChart.utf8(summary.csv()));
      Map<String, Map<String, double[]>> drawn = new LinkedHashMap<>();
      s.methods().stream().filter(means::containsKey).forEach(m -> drawn.put(m, means.get(m)));
      if (!drawn.isEmpty()) {
        // The charts are a view of summary.json: a chart that cannot be drawn is logged, and never costs the results.
        try {
          CurveChart chart = new CurveChart(drawn, String.format("%,d texts, %s", evaluated, s.keepSpecial()
              ? "[CLS]/[SEP] kept" : "paper protocol ([CLS]/[SEP] perturbed too)"));
          byte[] svg = CurveChart.utf8(chart.svg());
          byte[] png = chart.png();
          output.write("curves.svg", svg);
          output.write("curves.png", png);
        } catch (RuntimeException e) {
          LOG.warn("evaluate: the curve charts could not be drawn, so curves.svg and curves.png are not written (the "
              + "curves are in summary.json and curves/): " + e, e);
        }
      }
      output.commit();
      LOG.info(String.format("evaluate done in %.1f s (evaluation stage %.1f s):%n%s", summary.seconds(),
          evaluateSeconds, summary.table()));
      return summary;
    } finally {
      output.discard();
    }
  }

  /**
   * method -> status -> rows of a written table, checked: every method has exactly rowsPerMethod rows (rows in == rows
   * out); table names the table in the message.
   */
  static Map<String, Map<String, Long>> statusCounts(Dataset<Row> written, List<String> methods, long rowsPerMethod,
      String table) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Row r : written.groupBy("method", "status").count().collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getString(1), r.getLong(2));
    }
    for (String m : methods) {
      long n = out.getOrDefault(m, Map.of()).values().stream().mapToLong(Long::longValue).sum();
      if (n != rowsPerMethod) {
        throw new IllegalStateException("method " + m + " has " + n + " rows in the " + table + " table, but "
            + rowsPerMethod + " were due from the rows read");
      }
    }
    return out;
  }

  /**
   * One row per key (the method; for images method and unit), curve and step: the curve's mean over the key's evaluated
   * rows, which the count column counts.
   */
  static Dataset<Row> meanCurves(Dataset<Row> ok, int steps, List<String> keys, String count) {
    Column[] keyColumns = keys.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> all = null;
    for (String column : FaithfulnessTable.CURVE_COLUMNS) {
      Column[] picked = java.util.stream.Stream.concat(Arrays.stream(keyColumns),
          java.util.stream.Stream.of(posexplode(col(column)).as(new String[] {"step", "value"}))).toArray(Column[]::new);
      Column[] grouped = java.util.stream.Stream.concat(Arrays.stream(keyColumns), java.util.stream.Stream.of(col("step")))
          .toArray(Column[]::new);
      Column[] out = java.util.stream.Stream.concat(Arrays.stream(keyColumns), java.util.stream.Stream.of(
          lit(column).as("curve"), col("step").cast("int"), col("step").cast("double").divide(steps - 1).as("fraction"),
          col("mean"), col(count))).toArray(Column[]::new);
      Dataset<Row> one = ok.select(picked).groupBy(grouped).agg(avg(col("value")).as("mean"), count(lit(1)).as(count))
          .select(out);
      all = all == null ? one : all.unionByName(one);
    }
    List<String> order = new ArrayList<>(keys);
    order.addAll(List.of("curve", "step"));
    return all.orderBy(order.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /** key (the key columns joined by '/') -> curve -> mean per step, from meanCurves' rows with keys key columns. */
  static Map<String, Map<String, double[]>> collectCurves(Dataset<Row> curves, int keys, int steps) {
    Map<String, Map<String, double[]>> out = new LinkedHashMap<>();
    for (Row r : curves.collectAsList()) {
      List<String> key = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        key.add(r.getString(i));
      }
      out.computeIfAbsent(String.join("/", key), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.getString(keys), k -> new double[steps])[r.getInt(keys + 1)] = r.getDouble(keys + 3);
    }
    return out;
  }

  /** method -> {mean, 95th percentile} of |conservation_gap| / |f_c|. */
  private static Map<String, double[]> conservation(Dataset<Row> ok) {
    Map<String, double[]> out = new TreeMap<>();
    Dataset<Row> rel = ok.select(col("method"), abs(col("conservation_gap")).divide(abs(col("explained_logit")))
        .as("rel"));
    for (Row r : rel.groupBy("method").agg(avg(col("rel")), expr("percentile(rel, 0.95)")).collectAsList()) {
      out.put(r.getString(0), new double[] {r.getDouble(1), r.getDouble(2)});
    }
    return out;
  }

  /** The names an evaluate output holds (written into the staging folder, renamed into place whole). */
  static final Set<String> OWN = Set.of("texts", "curves", "summary.json", "summary.csv", "curves.svg", "curves.png");
}
