package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.runtime.HeadlineEntry;
import org.lrpaudit.runtime.JobException;
import scala.Tuple2;

/**
 * The bias statistics as a function over DataFrames: per term and per kind, split by predicted class (and by the
 * options' group columns), the {@link Statistics#MENTION} statistics with Poisson-bootstrap intervals; gaps between
 * compared kinds with permutation p-values; the {@link Statistics#outcome} rates by kind in Fairlearn's MetricFrame
 * shape. Every statistic is computed by Spark aggregations; the driver receives only per-group sums and replicate
 * values. The bias job is this function plus reading, checking and writing.
 */
public final class BiasStatistics {
  private static final String LEVEL = "level";

  /** bias_stats rows and what the summary reports of them. */
  record Result(Dataset<Row> stats, Map<String, Object> headline, List<Map<String, Object>> groups,
      List<String> skipped) {}

  /** The values of the group columns of one slice of the data, in the options' order; empty when not split. */
  private static final Comparator<List<String>> SLICE_ORDER = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Comparator.nullsFirst(Comparator.<String>naturalOrder()).compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  private BiasStatistics() {}

  /**
   * The bias_stats rows (schema {@link BiasStats#schema} of the options' group columns) of one relevance run: relevance
   * holds one run_id and one method (filter it first) and the relevance table's columns (docs/jobs.md), plus the
   * options' group columns; mentions holds id, start, end, surface, kind. Mentions that cannot be joined (their status,
   * see MentionSpans) are left out, as in the bias job, which counts them and enforces --max-error-rate.
   */
  public static Dataset<Row> compute(Dataset<Row> relevance, Dataset<Row> mentions, BiasOptions options) {
    List<String> required = new ArrayList<>(MentionSpans.RELEVANCE_COLUMNS);
    required.add(options.unit());
    required.addAll(options.groupCols());
    MentionSpans.requireColumns(relevance, required, "relevance");
    MentionSpans.requireColumns(mentions, MentionSpans.MENTION_COLUMNS, "mentions");
    List<Row> runs = relevance.select("run_id", "method").distinct().limit(2).collectAsList();
    if (runs.size() != 1) {
      throw new JobException("relevance holds " + (runs.isEmpty() ? "no rows" : "more than one (run_id, method)")
          + "; filter it to one run and method first");
    }
    Dataset<Row> ok = MentionSpans.join(relevance, mentions, options.unit(), options.groupCols())
        .where(col("status").equalTo(MentionSpans.OK));
    return of(ok, runs.get(0).getAs("run_id"), runs.get(0).getAs("method"), options).stats();
  }

  /** Everything from the ok mentions (MentionSpans.join rows with status ok) of one run. */
  static Result of(Dataset<Row> ok, String runId, String method, BiasOptions o) {
    List<String> groupCols = o.groupCols();
    List<Statistic> mention = Statistics.MENTION;
    List<Row> driverRows = new ArrayList<>();
    Map<String, Object> headline = new LinkedHashMap<>();
    List<Map<String, Object>> groups = new ArrayList<>();

    // Per term and per kind, each over all texts and within its predicted class: documents are the resampling unit.
    Column predicted = predictedClass();
    Column term = coalesce(col("term"), lit(""));
    Dataset<Row> levels = ok.withColumn("_key", explode(array(
            key("term", term, lit(BiasStats.ALL)), key("term", term, predicted),
            key("kind", lit(""), lit(BiasStats.ALL)), key("kind", lit(""), predicted))))
        .select(withGroups(groupCols, col("_key.level").as(LEVEL), col("kind"), col("_key.term").as("term"),
            col("_key.predicted_class").as("predicted_class"), col("id"), col("span_relevance"), col("share"),
            col("top3")));
    List<String> keys = names(groupCols, "kind", "term", "predicted_class");
    String[] names = mention.stream().map(Statistic::name).toArray(String[]::new);
    StructType schema = BiasStats.schema(groupCols);
    Dataset<Row> termRows = BootstrapAggregator.bootstrap(levels.where(col(LEVEL).equalTo("term")), keys, "id",
            mention, o.replicates(), o.seed(), false)
        .flatMap((FlatMapFunction<Tuple2<Row, BootstrapAggregator.Estimate>, Row>) t -> {
          Row k = t._1();
          return estimateRows(BiasStats.TERM, k.getAs("kind"), k.getAs("term"), k.getAs("predicted_class"), t._2(),
              names, slice(k, groupCols), runId, method).iterator();
        }, Encoders.row(schema));

    Map<List<String>, Map<String, Map<String, BootstrapAggregator.Estimate>>> kinds = new TreeMap<>(SLICE_ORDER);
    for (Tuple2<Row, BootstrapAggregator.Estimate> t : BootstrapAggregator.bootstrap(
        levels.where(col(LEVEL).equalTo("kind")), keys, "id", mention, o.replicates(), o.seed(), true).collectAsList()) {
      Row k = t._1();
      kinds.computeIfAbsent(slice(k, groupCols), x -> new TreeMap<>())
          .computeIfAbsent(k.getAs("kind"), x -> new TreeMap<>()).put(k.getAs("predicted_class"), t._2());
    }
    kinds.forEach((slice, bySlice) -> bySlice.forEach((kind, byClass) -> byClass.forEach((cls, e) -> {
      List<Row> rows = estimateRows(BiasStats.KIND, kind, null, cls, e, names, slice, runId, method);
      driverRows.addAll(rows);
      for (Row r : rows) {
        groups.add(groupEntry(r, groupCols));
      }
      if (cls.equals(BiasStats.ALL)) {
        for (int j = 0; j < mention.size(); j++) {
          if (mention.get(j).headline()) {
            headline.put(kind + "_" + mention.get(j).name() + suffix(groupCols, slice), entry(e.value[j], e.ciLow[j],
                e.ciHigh[j], Double.NaN, (long) e.den[j], mention.get(j).description() + " of " + kind
                    + " mentions (all predicted classes)" + within(groupCols, slice)));
          }
        }
      }
    })));

    List<Statistic> outcome = Statistics.outcome(o.positiveClass());
    Map<List<String>, Map<String, BootstrapAggregator.Estimate>> outcomes = outcomeEstimates(ok, outcome, o);
    outcomes.forEach((slice, byKind) -> byKind.forEach((kind, e) -> {
      for (int j = 0; j < outcome.size(); j++) {
        driverRows.add(BiasStats.row(BiasStats.OUTCOME, kind, null, kind, BiasStats.ALL, outcome.get(j).name(),
            e.value[j], e.ciLow[j], e.ciHigh[j], Double.NaN, (long) e.den[j], slice, runId, method));
      }
    }));

    List<String> skipped = new ArrayList<>();
    for (List<String> slice : kinds.keySet()) {
      for (List<String> pair : o.compare()) {
        compare(ok, slice, pair, kinds.get(slice), outcomes.getOrDefault(slice, Map.of()), outcome, o, runId, method,
            driverRows, headline, skipped);
      }
    }
    Dataset<Row> stats = termRows.union(ok.sparkSession().createDataFrame(driverRows, schema));
    return new Result(stats, headline, groups, skipped);
  }

  /** Gap rows, permutation p-values and headlines of one comparison (kinds a and b) within one slice. */
  private static void compare(Dataset<Row> ok, List<String> slice, List<String> pair,
      Map<String, Map<String, BootstrapAggregator.Estimate>> kinds, Map<String, BootstrapAggregator.Estimate> outcomes,
      List<Statistic> outcome, BiasOptions o, String runId, String method, List<Row> driverRows,
      Map<String, Object> headline, List<String> skipped) {
    List<String> groupCols = o.groupCols();
    List<Statistic> mention = Statistics.MENTION;
    String a = pair.get(0);
    String b = pair.get(1);
    String name = label(a) + "_" + label(b);
    String suffix = suffix(groupCols, slice);
    Map<String, BootstrapAggregator.Estimate> ea = kinds.get(a);
    Map<String, BootstrapAggregator.Estimate> eb = kinds.get(b);
    if (ea == null || eb == null) {
      skipped.add(a + ":" + b + " (no ok mentions of " + (ea == null ? a : b) + ")" + within(groupCols, slice));
      return;
    }
    for (String cls : new TreeSet<>(ea.keySet())) {
      if (!eb.containsKey(cls)) {
        continue;
      }
      BootstrapAggregator.Estimate x = ea.get(cls);
      BootstrapAggregator.Estimate y = eb.get(cls);
      double[] p = KindPermutations.pValues(inSlice(ok, groupCols, slice), a, b, cls, x, y, o);
      for (int j = 0; j < mention.size(); j++) {
        Statistic st = mention.get(j);
        double[] reps = new double[o.replicates()];
        for (int r = 0; r < reps.length; r++) {
          reps[r] = x.replicates[j][r] - y.replicates[j][r];
        }
        double[] ci = Intervals.percentile(reps);
        double gap = x.value[j] - y.value[j];
        long n = (long) (x.den[j] + y.den[j]);
        driverRows.add(BiasStats.row(BiasStats.GROUP_GAP, a + "-" + b, null, null, cls, st.gapName(), gap, ci[0],
            ci[1], p[j], n, slice, runId, method));
        // Headline: every gap over all texts, and the headlined-per-class gaps within each predicted class.
        if (st.headline() || cls.equals(BiasStats.ALL)) {
          String h = name + "_" + st.gapName() + (cls.equals(BiasStats.ALL) ? "" : "_pred_" + cls) + suffix;
          headline.put(h, entry(gap, ci[0], ci[1], p[j], n, "mean " + st.gapName().replace("_gap", "")
              + " of " + a + " minus " + b + " mentions" + (cls.equals(BiasStats.ALL) ? ""
              : " in texts predicted " + cls) + within(groupCols, slice)
              + "; 95% Poisson-bootstrap interval, permutation p"));
        }
      }
    }
    BootstrapAggregator.Estimate oa = outcomes.get(a);
    BootstrapAggregator.Estimate ob = outcomes.get(b);
    if (oa == null || ob == null) {
      return;
    }
    for (int j = 0; j < outcome.size(); j++) {
      String st = outcome.get(j).name();
      if (!(oa.den[j] > 0 && ob.den[j] > 0)) {
        continue; // accuracy and error rate need gold labels
      }
      double[] gap = new double[o.replicates()];
      double[] ratio = new double[o.replicates()];
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
      driverRows.add(BiasStats.row(BiasStats.OUTCOME, a + "-" + b, null, "gap", BiasStats.ALL, st, g, gci[0], gci[1],
          Double.NaN, n, slice, runId, method));
      driverRows.add(BiasStats.row(BiasStats.OUTCOME, a + "-" + b, null, "difference", BiasStats.ALL, st, d, dci[0],
          dci[1], Double.NaN, n, slice, runId, method));
      driverRows.add(BiasStats.row(BiasStats.OUTCOME, a + "-" + b, null, "ratio", BiasStats.ALL, st, q, rci[0],
          rci[1], Double.NaN, n, slice, runId, method));
      headline.put(name + "_" + st + "_gap" + suffix, entry(g, gci[0], gci[1], Double.NaN, n,
          st + " of texts mentioning " + a + " minus that of texts mentioning " + b + within(groupCols, slice)
              + "; 95% Poisson-bootstrap interval"));
      // max - min = |gap|: its interval is the image of the gap's interval (see Intervals.absolute).
      headline.put(name + "_" + st + "_difference" + suffix, entry(d, dci[0], dci[1], Double.NaN, n,
          st + " of texts mentioning " + a + " vs " + b + within(groupCols, slice) + ": max - min over the two groups "
              + "(Fairlearn MetricFrame.difference)"));
    }
  }

  /** The predicted class a mention is split by: its label name, else its index. */
  static Column predictedClass() {
    return coalesce(col("predicted_label"), col("predicted").cast("string"), lit("unknown"));
  }

  private static Column key(String level, Column term, Column cls) {
    return struct(lit(level).as(LEVEL), term.as("term"), cls.as("predicted_class"));
  }

  private static Column[] withGroups(List<String> groupCols, Column... columns) {
    List<Column> out = new ArrayList<>(Arrays.asList(columns));
    groupCols.forEach(c -> out.add(col(c)));
    return out.toArray(Column[]::new);
  }

  private static List<String> names(List<String> groupCols, String... names) {
    List<String> out = new ArrayList<>(Arrays.asList(names));
    out.addAll(groupCols);
    return out;
  }

  /** The group columns' values of a key row, read by name. */
  private static List<String> slice(Row key, List<String> groupCols) {
    List<String> out = new ArrayList<>();
    for (String c : groupCols) {
      out.add(key.getAs(c));
    }
    return out;
  }

  private static Dataset<Row> inSlice(Dataset<Row> rows, List<String> groupCols, List<String> slice) {
    Dataset<Row> out = rows;
    for (int g = 0; g < groupCols.size(); g++) {
      out = out.where(col(groupCols.get(g)).eqNullSafe(lit(slice.get(g))));
    }
    return out;
  }

  /** A headline name's suffix naming the slice: "" when not split, else e.g. "[language=en]". */
  private static String suffix(List<String> groupCols, List<String> slice) {
    if (groupCols.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (int g = 0; g < groupCols.size(); g++) {
      parts.add(groupCols.get(g) + "=" + slice.get(g));
    }
    return "[" + String.join(",", parts) + "]";
  }

  private static String within(List<String> groupCols, List<String> slice) {
    return groupCols.isEmpty() ? "" : " within " + suffix(groupCols, slice);
  }

  /** occurrences, documents, then every mention statistic of one group. */
  static List<Row> estimateRows(String section, String kind, String term, String cls, BootstrapAggregator.Estimate e,
      String[] names, List<String> slice, String runId, String method) {
    List<Row> rows = new ArrayList<>();
    long mentions = (long) e.den[0];
    rows.add(BiasStats.row(section, kind, term, null, cls, "occurrences", mentions, Double.NaN, Double.NaN, Double.NaN,
        mentions, slice, runId, method));
    rows.add(BiasStats.row(section, kind, term, null, cls, "documents", e.documents, Double.NaN, Double.NaN,
        Double.NaN, e.documents, slice, runId, method));
    for (int j = 0; j < names.length; j++) {
      rows.add(BiasStats.row(section, kind, term, null, cls, names[j], e.value[j], e.ciLow[j], e.ciHigh[j],
          Double.NaN, mentions, slice, runId, method));
    }
    return rows;
  }

  /**
   * Per kind (and slice), over the texts with at least one ok mention of that kind: the outcome statistics. Each text
   * counts once per kind.
   */
  private static Map<List<String>, Map<String, BootstrapAggregator.Estimate>> outcomeEstimates(Dataset<Row> ok,
      List<Statistic> outcome, BiasOptions o) {
    List<String> groupCols = o.groupCols();
    Dataset<Row> docs = ok.groupBy(withGroups(groupCols, col("kind"), col("id")))
        .agg(first("predicted").as("predicted"), first("label").as("label"));
    Map<List<String>, Map<String, BootstrapAggregator.Estimate>> out = new TreeMap<>(SLICE_ORDER);
    for (Tuple2<Row, BootstrapAggregator.Estimate> t : BootstrapAggregator.bootstrap(docs, names(groupCols, "kind"),
        "id", outcome, o.replicates(), o.seed(), true).collectAsList()) {
      out.computeIfAbsent(slice(t._1(), groupCols), x -> new TreeMap<>()).put(t._1().getAs("kind"), t._2());
    }
    return out;
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
    return HeadlineEntry.of(BiasStats.finite(value), BiasStats.finite(lo), BiasStats.finite(hi), BiasStats.finite(p), n,
        description);
  }

  /** A kind-level row as the summary's groups list shows it, read by column name. */
  private static Map<String, Object> groupEntry(Row r, List<String> groupCols) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", r.getString(BiasStats.SCHEMA.fieldIndex("kind")));
    m.put("statistic", r.getString(BiasStats.SCHEMA.fieldIndex("statistic")));
    m.put("predicted_class", r.getString(BiasStats.SCHEMA.fieldIndex("predicted_class")));
    int g = BiasStats.SCHEMA.fieldIndex("run_id");
    for (String c : groupCols) {
      m.put(c, r.get(g++));
    }
    m.put("value", r.get(BiasStats.SCHEMA.fieldIndex("value")));
    m.put("ci_low", r.get(BiasStats.SCHEMA.fieldIndex("ci_low")));
    m.put("ci_high", r.get(BiasStats.SCHEMA.fieldIndex("ci_high")));
    m.put("n", r.getLong(BiasStats.SCHEMA.fieldIndex("n")));
    return m;
  }
}
