package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.lrpaudit.audit.Headline;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.RowErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The bias job: mentions joined to token relevance (MentionSpans), per kind and per term statistics split by predicted
 * class with Poisson-bootstrap intervals (BootstrapAggregator), group gaps with permutation p-values
 * (RelabelAggregator), and prediction-rate / accuracy / error-rate by group in Fairlearn's MetricFrame shape. Every
 * statistic is computed by Spark aggregations; the driver receives only per-group sums and replicate values.
 */
public final class BiasJob {
  private static final Logger LOG = LoggerFactory.getLogger(BiasJob.class);
  static final String SEP = "\u0001";
  static final String STATS_TABLE = "bias_stats";
  static final String STATS_CSV = "bias_stats.csv";
  static final String SUMMARY = "bias_summary.json";
  private static final String[] MEAN_STATS = {"mean_relevance", "mean_share", "top3_rate"};
  private static final String[] GAP_STATS = {"relevance_gap", "share_gap", "top3_gap"};
  private static final String[] OUTCOME_STATS = {"prediction_rate", "accuracy", "error_rate"};

  private final SparkSession spark;

  public BiasJob(SparkSession spark) {
    this.spark = spark;
  }

  public Map<String, Object> run(BiasSettings s) {
    long t0 = System.nanoTime();
    JobFiles files = new JobFiles(spark, s.output());
    Dataset<Row> relAll = JobFiles.readTable(spark, s.relevance(), "relevance table");
    MentionSpans.requireColumns(relAll, withUnit(MentionSpans.RELEVANCE_COLUMNS, s.unit()), "relevance table " + s.relevance());
    Dataset<Row> relMethod = relAll.where(col("method").equalTo(s.method()));
    String runId = s.runId() != null ? s.runId() : onlyRun(relMethod, s);
    Dataset<Row> rel = relMethod.where(col("run_id").equalTo(runId));
    Dataset<Row> mentions = JobFiles.readTable(spark, s.mentions(), "mentions table");
    MentionSpans.requireColumns(mentions, MentionSpans.MENTION_COLUMNS, "mentions table " + s.mentions());
    if (files.exists(STATS_TABLE + "/run_id=" + runId) && !s.overwrite()) {
      throw new JobException("run '" + runId + "' already exists in " + files.path(STATS_TABLE) + "; pass --overwrite "
          + "to replace it");
    }

    Map<String, Long> relevanceStatus = counts(rel, "status");
    long relevanceRows = relevanceStatus.values().stream().mapToLong(Long::longValue).sum();
    if (relevanceRows == 0) {
      throw new JobException("relevance table " + s.relevance() + " has no rows for run '" + runId + "' and method '"
          + s.method() + "'");
    }
    if (s.positiveClass() != null && java.util.Arrays.asList(relAll.columns()).contains("logits")) {
      Row classes = rel.agg(org.apache.spark.sql.functions.max(org.apache.spark.sql.functions.size(col("logits"))))
          .first();
      int positive = Integer.parseInt(s.positiveClass());
      if (!classes.isNullAt(0) && classes.getInt(0) > 0 && positive >= classes.getInt(0)) {
        throw new JobException("--positive-class " + positive + " is not a class of the explained model: its relevance "
            + "rows have " + classes.getInt(0) + " logits");
      }
    }
    List<String> modelIds = rel.select("model_id").distinct().limit(5).as(Encoders.STRING()).collectAsList();
    Map<String, Long> explained = counts(rel.where(col("status").equalTo("ok")), "explained_label");

    Dataset<Row> spans = MentionSpans.join(rel, mentions, s.unit()).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> mentionStatus = counts(spans, "status");
      long mentionRows = mentionStatus.values().stream().mapToLong(Long::longValue).sum();
      long joined = mentionStatus.getOrDefault(MentionSpans.OK, 0L);
      long mentionsIn = mentions.count();
      if (mentionRows != mentionsIn) { // the join must neither drop nor duplicate a mention
        throw new IllegalStateException("mentions in " + mentionsIn + " != mentions accounted for " + mentionRows);
      }
      // Whose fault: a mention whose text has no relevance row (tables of different corpora or runs), or whose text's
      // explanation failed for the model, is the job's; every other status is the mention's or its text's own.
      long jobErrors = spans.where(col("status").equalTo(MentionSpans.NOT_IN_RELEVANCE)
          .or(col("status").equalTo(MentionSpans.RELEVANCE_NOT_OK).and(col("relevance_status").isNull()
              .or(org.apache.spark.sql.functions.not(col("relevance_status")
                  .isin(RowErrors.CORPUS_INPUT_ERRORS.toArray())))))).count();
      RowErrors errors = RowErrors.counted("mentions", mentionStatus, jobErrors, s.maxErrorRate()).enforce("bias");
      mentionStatus.forEach((k, v) -> {
        if (!k.equals(MentionSpans.OK)) {
          LOG.warn("bias: {} mention(s) with status {} are left out of the statistics", v, k);
        }
      });
      Dataset<Row> ok = spans.where(col("status").equalTo(MentionSpans.OK));

      List<Row> driverRows = new ArrayList<>();
      Map<String, Object> headline = new LinkedHashMap<>();
      List<Map<String, Object>> groups = new ArrayList<>();

      // Per term and per kind, split by predicted class: documents are the resampling unit.
      Column predicted = predictedClass();
      Dataset<Row> perDoc = ok.withColumn("group_key", explode(array(
              key("term", col("kind"), coalesce(col("term"), lit("")), lit(BiasStats.ALL)),
              key("term", col("kind"), coalesce(col("term"), lit("")), predicted),
              key("kind", col("kind"), lit(""), lit(BiasStats.ALL)),
              key("kind", col("kind"), lit(""), predicted))))
          .groupBy(col("group_key"), col("id"))
          .agg(sum("span_relevance").as("n0"), sum("share").as("n1"), sum("top3").as("n2"), count(lit(1)).as("d"));
      Dataset<Row> bootInput = perDoc.map((MapFunction<Row, Row>) r -> RowFactory.create(r.getString(0),
              ReplicateRandom.key(r.getString(1)), r.getDouble(2), r.getDouble(3), r.getDouble(4),
              (double) r.getLong(5), (double) r.getLong(5), (double) r.getLong(5)),
          Encoders.row(BootstrapAggregator.INPUT));
      String runMethod = runId + SEP + s.method();
      Dataset<Row> termRows = bootstrap(bootInput.where(col("group_key").startsWith("term" + SEP)), s.replicates(), s.seed(), false)
          .flatMap((FlatMapFunction<Tuple2<String, BootstrapAggregator.Estimate>, Row>) t -> {
            String[] k = t._1().split(SEP, -1);
            String[] rm = runMethod.split(SEP, -1);
            return estimateRows(BiasStats.TERM, k[1], k[2], k[3], t._2(), rm[0], rm[1]).iterator();
          }, Encoders.row(BiasStats.SCHEMA));

      Map<String, Map<String, BootstrapAggregator.Estimate>> kinds = collectByKind(
          bootstrap(bootInput.where(col("group_key").startsWith("kind" + SEP)), s.replicates(), s.seed(), true));
      kinds.forEach((kind, byClass) -> byClass.forEach((cls, e) -> {
        List<Row> rows = estimateRows(BiasStats.KIND, kind, null, cls, e, runId, s.method());
        driverRows.addAll(rows);
        for (Row r : rows) {
          groups.add(groupEntry(r));
        }
        if (cls.equals(BiasStats.ALL)) {
          headline.put(kind + "_mean_share", entry(e.value[1], e.ciLow[1], e.ciHigh[1], Double.NaN, (long) e.den[1],
              "mean relevance share R_span / sum|R| of " + kind + " mentions (all predicted classes)"));
        }
      }));

      Map<String, BootstrapAggregator.Estimate> outcomes = outcomeEstimates(ok, s);
      outcomes.forEach((kind, e) -> {
        for (int j = 0; j < OUTCOME_STATS.length; j++) {
          driverRows.add(BiasStats.row(BiasStats.OUTCOME, kind, null, kind, BiasStats.ALL, OUTCOME_STATS[j],
              e.value[j], e.ciLow[j], e.ciHigh[j], Double.NaN, (long) e.den[j], runId, s.method()));
        }
      });

      List<String> skipped = new ArrayList<>();
      for (List<String> pair : s.compare()) {
        String a = pair.get(0);
        String b = pair.get(1);
        String name = label(a) + "_" + label(b);
        Map<String, BootstrapAggregator.Estimate> ea = kinds.get(a);
        Map<String, BootstrapAggregator.Estimate> eb = kinds.get(b);
        if (ea == null || eb == null) {
          skipped.add(a + ":" + b + " (no ok mentions of " + (ea == null ? a : b) + ")");
          continue;
        }
        for (String cls : new TreeSet<>(ea.keySet())) {
          if (!eb.containsKey(cls)) {
            continue;
          }
          BootstrapAggregator.Estimate x = ea.get(cls);
          BootstrapAggregator.Estimate y = eb.get(cls);
          double[] p = permutationP(ok, a, b, cls, x, y, s);
          for (int j = 0; j < GAP_STATS.length; j++) {
            double[] reps = new double[s.replicates()];
            for (int r = 0; r < reps.length; r++) {
              reps[r] = x.replicates[j][r] - y.replicates[j][r];
            }
            double[] ci = Intervals.percentile(reps);
            double gap = x.value[j] - y.value[j];
            long n = (long) (x.den[j] + y.den[j]);
            driverRows.add(BiasStats.row(BiasStats.GROUP_GAP, a + "-" + b, null, null, cls, GAP_STATS[j], gap, ci[0],
                ci[1], p[j], n, runId, s.method()));
            // Headline: every gap over all texts, and the share gap within each predicted class.
            if (j == 1 || cls.equals(BiasStats.ALL)) {
              String h = name + "_" + GAP_STATS[j] + (cls.equals(BiasStats.ALL) ? "" : "_pred_" + cls);
              headline.put(h, entry(gap, ci[0], ci[1], p[j], n, "mean " + GAP_STATS[j].replace("_gap", "")
                  + " of " + a + " minus " + b + " mentions" + (cls.equals(BiasStats.ALL) ? ""
                  : " in texts predicted " + cls) + "; 95% Poisson-bootstrap interval, permutation p"));
            }
          }
        }
        BootstrapAggregator.Estimate oa = outcomes.get(a);
        BootstrapAggregator.Estimate ob = outcomes.get(b);
        if (oa != null && ob != null) {
          for (int j = 0; j < OUTCOME_STATS.length; j++) {
            if (!(oa.den[j] > 0 && ob.den[j] > 0)) {
              continue; // accuracy and error rate need gold labels
            }
            double[] gap = new double[s.replicates()];
            double[] ratio = new double[s.replicates()];
            for (int r = 0; r < gap.length; r++) {
              gap[r] = oa.replicates[j][r] - ob.replicates[j][r];
              ratio[r] = ratio(oa.replicates[j][r], ob.replicates[j][r]);
            }
            long n = oa.documents + ob.documents;
            double g = oa.value[j] - ob.value[j];
            double[] gci = Intervals.percentile(gap);
            double d = difference(oa.value[j], ob.value[j]);
            double[] dci = Intervals.absolute(gci);
            double q = ratio(oa.value[j], ob.value[j]);
            double[] rci = Intervals.percentile(ratio);
            driverRows.add(BiasStats.row(BiasStats.OUTCOME, a + "-" + b, null, "gap", BiasStats.ALL,
                OUTCOME_STATS[j], g, gci[0], gci[1], Double.NaN, n, runId, s.method()));
            driverRows.add(BiasStats.row(BiasStats.OUTCOME, a + "-" + b, null, "difference", BiasStats.ALL,
                OUTCOME_STATS[j], d, dci[0], dci[1], Double.NaN, n, runId, s.method()));
            driverRows.add(BiasStats.row(BiasStats.OUTCOME, a + "-" + b, null, "ratio", BiasStats.ALL,
                OUTCOME_STATS[j], q, rci[0], rci[1], Double.NaN, n, runId, s.method()));
            headline.put(name + "_" + OUTCOME_STATS[j] + "_gap", entry(g, gci[0], gci[1], Double.NaN, n,
                OUTCOME_STATS[j] + " of texts mentioning " + a + " minus that of texts mentioning " + b
                    + "; 95% Poisson-bootstrap interval"));
            // max - min = |gap|: its interval is the image of the gap's interval (see Intervals.absolute).
            headline.put(name + "_" + OUTCOME_STATS[j] + "_difference", entry(d, dci[0], dci[1], Double.NaN, n,
                OUTCOME_STATS[j] + " of texts mentioning " + a + " vs " + b + ": max - min over the two groups "
                    + "(Fairlearn MetricFrame.difference)"));
          }
        }
      }

      Dataset<Row> stats = termRows.union(spark.createDataFrame(driverRows, BiasStats.SCHEMA));
      String table = files.path(STATS_TABLE).toString();
      stats.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
          .partitionBy("run_id", "method").parquet(table);
      Dataset<Row> committed = spark.read().option("basePath", table)
          .parquet(new Path(new Path(table, "run_id=" + runId), "method=" + s.method()).toString());
      files.writeCsv(STATS_CSV, committed.select(columns(BiasStats.SCHEMA.fieldNames())), col("section"), col("kind"),
          col("term"), col("group"), col("predicted_class"), col("statistic"));

      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("run_id", runId);
      summary.put("method", s.method());
      summary.put("model_id", modelIds.size() == 1 ? modelIds.get(0) : modelIds);
      summary.put("relevance_rows", relevanceRows);
      summary.put("relevance_status", relevanceStatus);
      summary.put("mention_rows", mentionRows);
      summary.put("joined_mentions", joined);
      summary.put("mention_status", mentionStatus);
      summary.put("errors", errors);
      summary.put("explained_labels", explained);
      summary.put("unit", s.unit());
      summary.put("positive_class", s.positiveClass() == null ? "1" : s.positiveClass());
      summary.put("bootstrap", Map.of("replicates", s.replicates(), "seed", s.seed(), "unit", "document"));
      summary.put("permutation", Map.of("permutations", s.permutations(), "seed", s.seed(), "unit",
          s.permutationUnit()));
      summary.put("stats_rows", committed.count());
      summary.put("headline", headline);
      summary.put("top_terms", topTerms(committed, s.topTerms()));
      summary.put("groups", groups);
      summary.put("skipped_comparisons", skipped);
      summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
      files.writeJson(SUMMARY, summary);
      LOG.info("bias: {} mentions ({} ok) over {} relevance rows -> {} statistics in {} s", mentionRows, joined,
          relevanceRows, summary.get("stats_rows"), summary.get("seconds"));
      return summary;
    } finally {
      spans.unpersist();
    }
  }

  private static List<String> withUnit(List<String> cols, String unit) {
    List<String> out = new ArrayList<>(cols);
    out.add(unit);
    return out;
  }

  private static String onlyRun(Dataset<Row> rel, BiasSettings s) {
    List<String> runs = rel.select("run_id").distinct().limit(11).as(Encoders.STRING()).collectAsList();
    if (runs.size() != 1) {
      throw new JobException("relevance table " + s.relevance() + " holds " + (runs.isEmpty() ? "no run" : "runs "
          + runs) + " for method '" + s.method() + "'; name one with --run-id");
    }
    return runs.get(0);
  }

  private static Map<String, Long> counts(Dataset<Row> df, String column) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : df.groupBy(col(column)).count().collectAsList()) {
      out.put(r.isNullAt(0) ? "null" : r.get(0).toString(), r.getLong(1));
    }
    return out;
  }

  /** The predicted class a mention is split by: its label name, else its index. */
  private static Column predictedClass() {
    return coalesce(col("predicted_label"), col("predicted").cast("string"), lit("unknown"));
  }

  private static Column key(String section, Column kind, Column term, Column cls) {
    return concat(lit(section + SEP), kind, lit(SEP), term, lit(SEP), cls);
  }

  private static Column[] columns(String... names) {
    Column[] c = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      c[i] = col(names[i]);
    }
    return c;
  }

  /** Groups BootstrapAggregator.INPUT rows by their group key and bootstraps each group. */
  public static Dataset<Tuple2<String, BootstrapAggregator.Estimate>> bootstrap(Dataset<Row> input, int replicates, long seed,
      boolean keepReplicates) {
    return input.groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .agg(new BootstrapAggregator(replicates, seed, keepReplicates).toColumn());
  }

  private static Map<String, Map<String, BootstrapAggregator.Estimate>> collectByKind(
      Dataset<Tuple2<String, BootstrapAggregator.Estimate>> estimates) {
    Map<String, Map<String, BootstrapAggregator.Estimate>> out = new TreeMap<>();
    for (Tuple2<String, BootstrapAggregator.Estimate> t : estimates.collectAsList()) {
      String[] k = t._1().split(SEP, -1);
      out.computeIfAbsent(k[1], x -> new TreeMap<>()).put(k[3], t._2());
    }
    return out;
  }

  /** occurrences, documents, mean_relevance, mean_share, top3_rate of one group. */
  static List<Row> estimateRows(String section, String kind, String term, String cls, BootstrapAggregator.Estimate e,
      String runId, String method) {
    List<Row> rows = new ArrayList<>();
    long mentions = (long) e.den[0];
    rows.add(BiasStats.row(section, kind, term, null, cls, "occurrences", mentions, Double.NaN, Double.NaN, Double.NaN,
        mentions, runId, method));
    rows.add(BiasStats.row(section, kind, term, null, cls, "documents", e.documents, Double.NaN, Double.NaN, Double.NaN,
        e.documents, runId, method));
    for (int j = 0; j < MEAN_STATS.length; j++) {
      rows.add(BiasStats.row(section, kind, term, null, cls, MEAN_STATS[j], e.value[j], e.ciLow[j], e.ciHigh[j],
          Double.NaN, mentions, runId, method));
    }
    return rows;
  }

  /**
   * Per kind, over the texts with at least one ok mention of that kind: prediction rate (predicted == positive class),
   * and where gold labels exist accuracy and error rate. Each text counts once per kind.
   */
  private Map<String, BootstrapAggregator.Estimate> outcomeEstimates(Dataset<Row> ok, BiasSettings s) {
    int positive = s.positiveClass() == null ? 1 : Integer.parseInt(s.positiveClass());
    Dataset<Row> docs = ok.groupBy(col("kind"), col("id"))
        .agg(first("predicted").as("predicted"), first("label").as("label"));
    Dataset<Row> input = docs.map((MapFunction<Row, Row>) r -> {
      int predicted = r.getInt(2);
      boolean labeled = !r.isNullAt(3);
      double correct = labeled && predicted == ((Number) r.get(3)).intValue() ? 1 : 0;
      return RowFactory.create("outcome" + SEP + r.getString(0) + SEP + SEP + BiasStats.ALL,
          ReplicateRandom.key(r.getString(1)), predicted == positive ? 1.0 : 0.0, correct,
          labeled ? 1 - correct : 0.0, 1.0, labeled ? 1.0 : 0.0, labeled ? 1.0 : 0.0);
    }, Encoders.row(BootstrapAggregator.INPUT));
    Map<String, BootstrapAggregator.Estimate> out = new TreeMap<>();
    collectByKind(bootstrap(input, s.replicates(), s.seed(), true)).forEach((kind, byClass) -> out.put(kind, byClass.get(BiasStats.ALL)));
    return out;
  }

  /**
   * Permutation p-values of the three mean differences (relevance, share, top-3) between kinds a and b within one
   * predicted class. Units (mentions ordered by id and offsets, or with --permutation-unit term each (kind, term) with
   * all its mentions) are indexed 0..n-1 and relabelled with the number of units per group fixed; the statistic is
   * always the difference of mention means, so with term units the group's mention count is summed per relabelling.
   */
  private static double[] permutationP(Dataset<Row> ok, String a, String b, String cls, BootstrapAggregator.Estimate x,
      BootstrapAggregator.Estimate y, BiasSettings s) {
    Dataset<Row> rows = ok.where(col("kind").isin(a, b));
    if (!cls.equals(BiasStats.ALL)) {
      rows = rows.where(predictedClass().equalTo(cls));
    }
    boolean byTerm = s.permutationUnit().equals("term");
    long mentionsA = (long) x.den[0];
    long mentions = mentionsA + (long) y.den[0];
    // Units relabelled together: each mention, or each (kind, term) with all its mentions.
    Column[] order = byTerm ? new Column[] {col("kind"), col("term")}
        : new Column[] {col("id"), col("start"), col("end"), col("kind")};
    // Units numbered 0..n-1 in that order without funnelling rows through one partition (a window without partitioning
    // did): a distributed sort, then zipWithIndex (only per-partition counts reach the driver). Same numbers as
    // row_number / dense_rank over the order.
    Dataset<Row> numbered;
    if (byTerm) {
      Dataset<Row> units = numberRows(rows.select(col("kind").as("u_kind"), col("term").as("u_term")).distinct(),
          col("u_kind"), col("u_term"));
      numbered = rows.join(units, col("kind").eqNullSafe(col("u_kind")).and(col("term").eqNullSafe(col("u_term"))));
    } else {
      numbered = numberRows(rows, order);
    }
    Dataset<Row> indexed = numbered
        .select(col("index"), col("span_relevance"), col("share"), col("top3"), lit(1.0).as("one"));
    long nA = mentionsA;
    long n = mentions;
    if (byTerm) {
      Row units = rows.agg(countDistinct(col("kind"), col("term")),
          countDistinct(when(col("kind").equalTo(a), col("term")))).first();
      n = units.getLong(0);
      nA = units.getLong(1);
    }
    long seed = s.seed() ^ ReplicateRandom.key(a + SEP + b + SEP + cls);
    RelabelAggregator.Relabelling relabel = Relabellings.twoGroups(n, nA, s.permutations(), seed);
    double[] sums = indexed.select(new RelabelAggregator(relabel, 4).toColumn()).first();
    int k = relabel.relabellings();
    boolean exact = Relabellings.twoGroupExact(n, nA, s.permutations());
    double[] p = new double[3];
    for (int j = 0; j < 3; j++) {
      double total = x.num[j] + y.num[j];
      double observed = x.num[j] / mentionsA - y.num[j] / (mentions - mentionsA);
      double[] t = new double[k];
      for (int r = 0; r < k; r++) {
        double sa = sums[r * 4 + j];
        double ca = sums[r * 4 + 3]; // mentions in group A under relabelling r (fixed unless units are terms)
        t[r] = sa / ca - (total - sa) / (mentions - ca);
      }
      p[j] = Intervals.pValue(observed, t, exact);
    }
    return p;
  }

  /** rows with a column index: 0..n-1 in the given total order, computed in parallel (sort + zipWithIndex). */
  static Dataset<Row> numberRows(Dataset<Row> rows, Column... order) {
    Dataset<Row> sorted = rows.orderBy(order);
    org.apache.spark.sql.types.StructType schema = sorted.schema()
        .add("index", org.apache.spark.sql.types.DataTypes.LongType, false);
    org.apache.spark.api.java.JavaRDD<Row> indexed = sorted.javaRDD().zipWithIndex().map(t -> {
      Row r = t._1();
      Object[] v = new Object[r.size() + 1];
      for (int i = 0; i < r.size(); i++) {
        v[i] = r.get(i);
      }
      v[r.size()] = t._2();
      return org.apache.spark.sql.RowFactory.create(v);
    });
    return rows.sparkSession().createDataFrame(indexed, schema);
  }

  /** Fairlearn's between_groups difference: max - min (NaN if either is undefined). */
  static double difference(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.abs(a - b);
  }

  /** Fairlearn's between_groups ratio: min / max (NaN when max is 0 or either is undefined). */
  static double ratio(double a, double b) {
    double max = Math.max(a, b);
    return Double.isNaN(a) || Double.isNaN(b) || max == 0 ? Double.NaN : Math.min(a, b) / max;
  }

  private static String label(String kind) {
    return kind.endsWith("_name") ? kind.substring(0, kind.length() - 5) : kind;
  }

  public static Map<String, Object> entry(double value, double lo, double hi, double p, long n, String description) {
    return Headline.entry(BiasStats.finite(value), BiasStats.finite(lo), BiasStats.finite(hi), BiasStats.finite(p), n,
        description);
  }

  private static Map<String, Object> groupEntry(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", r.getString(1));
    m.put("statistic", r.getString(5));
    m.put("predicted_class", r.getString(4));
    m.put("value", r.get(6));
    m.put("ci_low", r.get(7));
    m.put("ci_high", r.get(8));
    m.put("n", r.getLong(10));
    return m;
  }

  /** The most frequent terms over all predicted classes, with their mean share and top-3 rate. */
  private static List<Map<String, Object>> topTerms(Dataset<Row> stats, int n) {
    Dataset<Row> terms = stats.where(col("section").equalTo(BiasStats.TERM).and(col("predicted_class")
        .equalTo(BiasStats.ALL)));
    Dataset<Row> occ = terms.where(col("statistic").equalTo("occurrences"))
        .orderBy(col("value").desc(), col("kind"), col("term")).limit(n).select(col("kind"), col("term"),
            col("value").as("occurrences"));
    Dataset<Row> share = terms.where(col("statistic").equalTo("mean_share"))
        .select(col("kind"), col("term"), col("value").as("mean_share"), col("ci_low"), col("ci_high"));
    Dataset<Row> top3 = terms.where(col("statistic").equalTo("top3_rate"))
        .select(col("kind"), col("term"), col("value").as("top3_rate"));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : occ.join(share, new String[] {"kind", "term"}).join(top3, new String[] {"kind", "term"})
        .orderBy(col("occurrences").desc(), col("kind"), col("term")).collectAsList()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", r.getAs("kind"));
      m.put("term", r.getAs("term"));
      m.put("occurrences", ((Number) r.getAs("occurrences")).longValue());
      m.put("mean_share", r.getAs("mean_share"));
      m.put("ci_low", r.getAs("ci_low"));
      m.put("ci_high", r.getAs("ci_high"));
      m.put("top3_rate", r.getAs("top3_rate"));
      out.add(m);
    }
    return out;
  }
}
