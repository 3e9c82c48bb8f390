package org.lrpaudit.eval;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explainjob.ImageSource;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.SparkWrites;
import org.lrpaudit.runtime.TorchThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluate-images job, the image twin of {@link EvaluateJob}: labelled images (a folder of image files or a table
 * of encoded images, read as explain-images reads them) -> patch and/or pixel flipping for each method. Every check
 * comes before any compute (an image classifier, the output replaceable, the input readable, with ids and gold
 * labels); then {@link ImageEvaluatePartition} on the executors; everything is written into a staging folder (images
 * and curves through Spark's commit protocol, summary.json, summary.csv, one chart per unit) and renamed into place
 * only when complete. Rows in x methods x units == rows out, counted on the written table, and the error rate checked,
 * before anything else is written.
 */
public final class ImageEvaluateJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImageEvaluateJob.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** The names an evaluate-images output holds. */
  static final Set<String> OWN = own();
  private final SparkSession spark;

  public ImageEvaluateJob(SparkSession spark) {
    this.spark = spark;
  }

  private static Set<String> own() {
    Set<String> s = new HashSet<>(Set.of("images", "curves", "summary.json", "summary.csv"));
    for (FlipUnit u : FlipUnit.values()) {
      s.add(chartName(u, "svg"));
      s.add(chartName(u, "png"));
    }
    return Set.copyOf(s);
  }

  private static String chartName(FlipUnit u, String extension) {
    return "curves-" + u.id() + "." + extension;
  }

  public ImageEvaluationSummary run(ImageEvaluateSettings s) throws IOException {
    long t0 = System.nanoTime();
    Checkpoint cp = Checkpoint.open(s.model());
    if (!cp.isImage()) {
      throw new JobException(s.model() + ": model_type '" + cp.config().modelType() + "' is a text classifier; "
          + "evaluate a corpus of texts with evaluate");
    }
    Path out = new Path(s.output());
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    EvaluateOutput output = new EvaluateOutput(fs, out, OWN, "evaluate-images");
    output.check(s.overwrite());
    ImageSource.Spec spec = s.images();
    String format = ImageSource.format(spark, spec);
    Dataset<Row> input = ImageSource.read(spark, spec);
    long rowsIn = count(input, s, format);
    int partitions = s.partitions() > 0 ? s.partitions()
        : Math.max(input.rdd().getNumPartitions(), spark.sparkContext().defaultParallelism());
    int threads = TorchThreads.perTask(spark.sparkContext().getConf());
    List<FlipUnit> units = s.unitList();
    LOG.info("evaluate-images: model {} ({}), {} images ({}), methods {}, units {}, {} steps, {} partitions", s.model(),
        cp.modelId().substring(0, 12), rowsIn, format, s.methods(), s.units(), s.steps(), partitions);

    try {
      LongAccumulator rowsDone = spark.sparkContext().longAccumulator(JobMetrics.ROWS_OUT);
      LongAccumulator evaluated = spark.sparkContext().longAccumulator("lrp.eval.images");
      Dataset<Row> rows = input.repartition(partitions).mapPartitions(
          new ImageEvaluatePartition(s, threads, rowsDone, evaluated), Encoders.row(ImageFaithfulnessTable.IMAGES));
      long rowsPerMethod = rowsIn * units.size();
      long w0 = System.nanoTime();
      Dataset<Row> written = output.writeRows(spark, rows, "images", "evaluate-images",
          rowsPerMethod * s.methods().size());
      double stageSeconds = (System.nanoTime() - w0) / 1e9;

      Map<String, Map<String, Long>> statuses = EvaluateJob.statusCounts(written, s.methods(), rowsPerMethod, "images");
      // Before anything is written beside the images: more failures than --max-error-rate fail the job.
      RowErrors errors = RowErrors.byMethod("rows", statuses, ImageFaithfulnessTable.INPUT_ERRORS, s.maxErrorRate())
          .enforce("evaluate-images");
      Dataset<Row> ok = written.where(col("status").equalTo(FaithfulnessTable.OK));
      Dataset<Row> curves = EvaluateJob.meanCurves(ok, s.steps(), List.of("method", "unit"), "images");
      SparkWrites.drainingOnFailure(spark.sparkContext(), () -> curves.coalesce(1).write().mode(SaveMode.ErrorIfExists)
          .parquet(output.staged("curves").toString()));
      Map<String, Map<String, double[]>> means = EvaluateJob.collectCurves(curves, 2, s.steps());
      Map<String, Map<String, Long>> byUnit = unitStatuses(written);

      List<ImageEvaluationSummary.Result> results = new ArrayList<>();
      for (Method m : s.methodList()) {
        for (FlipUnit u : units) {
          String key = m.id() + "/" + u.id();
          Map<String, Long> st = new TreeMap<>(byUnit.getOrDefault(key, Map.of()));
          long n = st.getOrDefault(FaithfulnessTable.OK, 0L);
          st.remove(FaithfulnessTable.OK);
          Map<String, double[]> c = means.get(key);
          results.add(new ImageEvaluationSummary.Result(m.id(), u.id(), u.rankingName(m), n, st,
              c == null ? Double.NaN : Curves.area(c.get("activation")),
              c == null ? Double.NaN : Curves.area(c.get("pruning_change")),
              c == null ? Double.NaN : Curves.area(c.get("pruning_probability")), c == null ? Map.of() : c));
        }
      }
      double[] fractions = new double[s.steps()];
      for (int k = 0; k < fractions.length; k++) {
        fractions[k] = Curves.fraction(k, s.steps());
      }
      ImageEvaluationSummary summary = new ImageEvaluationSummary(s.model(), cp.modelId(), s.input(), format,
          s.units(), s.steps(), fractions, s.igSteps(), s.seed(), rowsIn, results,
          evaluated.value() / Math.max(stageSeconds, 1e-9), threads, partitions, (System.nanoTime() - t0) / 1e9, errors);
      output.write("summary.json", JSON.writeValueAsBytes(summary));
      output.write("summary.csv", CurveChart.utf8(summary.csv()));
      for (FlipUnit u : units) {
        drawChart(output, u, s, means, evaluated.value());
      }
      output.commit();
      LOG.info(String.format("evaluate-images done in %.1f s (evaluation stage %.1f s):%n%s", summary.seconds(),
          stageSeconds, summary.table()));
      return summary;
    } finally {
      output.discard();
    }
  }

  /**
   * Rows of the input, refused (JobException, exit 2) before any compute when it has rows but not one id, or not one
   * gold label: every row would be an error row and the job would report nothing but errors.
   */
  private long count(Dataset<Row> input, ImageEvaluateSettings s, String format) {
    Row counts;
    try {
      counts = input.selectExpr("count(*)", "count(id)", "count(label)").first();
    } catch (Exception e) { // SparkException is thrown unchecked from Scala
      throw new JobException("cannot read input " + s.input() + ": " + JobException.rootMessage(e), e);
    }
    long rows = counts.getLong(0);
    boolean folder = format.equals(ImageSource.BINARY_FILE);
    if (rows > 0 && counts.getLong(1) == 0) {
      throw new JobException("input " + s.input() + " has no '" + s.idColumn() + "' value in any of its " + rows
          + " rows; name the id column with --id-column");
    }
    if (rows > 0 && counts.getLong(2) == 0) {
      throw new JobException("input " + s.input() + " has no gold label in any of its " + rows + " images; "
          + (folder ? "name the files with their class index as idx-to-png does (00042-label-7.png), or say where the "
              + "name holds it with --label-pattern (now '" + s.labelPattern() + "')"
              : "name the label column (a class index) with --label-column (now '" + s.labelColumn() + "')"));
    }
    return rows;
  }

  /** "method/unit" -> status -> rows. */
  private static Map<String, Map<String, Long>> unitStatuses(Dataset<Row> written) {
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Row r : written.groupBy("method", "unit", "status").count().collectAsList()) {
      out.computeIfAbsent(r.getString(0) + "/" + r.getString(1), k -> new TreeMap<>()).put(r.getString(2),
          r.getLong(3));
    }
    return out;
  }

  /** The unit's mean curves of every method, as SVG and PNG; a chart that cannot be drawn never costs the results. */
  private static void drawChart(EvaluateOutput output, FlipUnit u, ImageEvaluateSettings s,
      Map<String, Map<String, double[]>> means, long images) throws IOException {
    Map<String, Map<String, double[]>> drawn = new LinkedHashMap<>();
    for (String m : s.methods()) {
      Map<String, double[]> c = means.get(m + "/" + u.id());
      if (c != null) {
        drawn.put(m, c);
      }
    }
    if (drawn.isEmpty()) {
      return;
    }
    try {
      CurveChart chart = new CurveChart(drawn, String.format("%,d images, %s flipping", images, u.id()));
      byte[] svg = CurveChart.utf8(chart.svg());
      byte[] png = chart.png();
      output.write(chartName(u, "svg"), svg);
      output.write(chartName(u, "png"), png);
    } catch (RuntimeException e) {
      LOG.warn("evaluate-images: the " + u.id() + " curve charts could not be drawn (the curves are in summary.json and "
          + "curves/): " + e, e);
    }
  }
}
