package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.RowErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bias job: reads the relevance and mentions tables, checks them, joins mentions to token relevance (MentionSpans),
 * counts the mentions that cannot be joined against --max-error-rate, computes the statistics ({@link BiasStatistics})
 * and writes bias_stats/, bias_stats.csv and bias_summary.json.
 */
public final class BiasJob {
  private static final Logger LOG = LoggerFactory.getLogger(BiasJob.class);
  static final String STATS_TABLE = "bias_stats";
  static final String STATS_CSV = "bias_stats.csv";
  static final String SUMMARY = "bias_summary.json";

  private final SparkSession spark;

  public BiasJob(SparkSession spark) {
    this.spark = spark;
  }

  public Map<String, Object> run(BiasSettings s) {
    long t0 = System.nanoTime();
    JobFiles files = new JobFiles(spark, s.output());
    Dataset<Row> relAll = JobFiles.readTable(spark, s.relevance(), "relevance table");
    MentionSpans.requireColumns(relAll, withUnit(MentionSpans.RELEVANCE_COLUMNS, s.unit()), "relevance table "
        + s.relevance());
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

    Dataset<Row> spans = MentionSpans.join(withGroupColumns(rel, s), mentions, s.unit(), s.groupCols())
        .persist(StorageLevel.MEMORY_AND_DISK());
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
      BiasStatistics.Result result = BiasStatistics.of(ok, runId, s.method(), s.options());
      Dataset<Row> stats = result.stats();
      String table = files.path(STATS_TABLE).toString();
      stats.write().mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic")
          .partitionBy("run_id", "method").parquet(table);
      Dataset<Row> committed = spark.read().option("basePath", table)
          .parquet(new Path(new Path(table, "run_id=" + runId), "method=" + s.method()).toString());
      List<Column> order = new ArrayList<>(List.of(col("section"), col("kind"), col("term"), col("group")));
      s.groupCols().forEach(g -> order.add(col(g)));
      order.addAll(List.of(col("predicted_class"), col("statistic")));
      files.writeCsv(STATS_CSV, committed.select(columns(BiasStats.schema(s.groupCols()).fieldNames())),
          order.toArray(Column[]::new));

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
      if (!s.groupCols().isEmpty()) {
        summary.put("group_cols", s.groupCols());
      }
      summary.put("headline", result.headline());
      summary.put("top_terms", topTerms(committed, s.topTerms()));
      summary.put("groups", result.groups());
      summary.put("skipped_comparisons", result.skipped());
      summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
      files.writeJson(SUMMARY, summary);
      LOG.info("bias: {} mentions ({} ok) over {} relevance rows -> {} statistics in {} s", mentionRows, joined,
          relevanceRows, summary.get("stats_rows"), summary.get("seconds"));
      return summary;
    } finally {
      spans.unpersist();
    }
  }

  /**
   * The relevance rows with the --group-col columns: those the relevance table lacks are joined from --corpus by id. A
   * corpus without them, or with an id twice, is refused before anything is computed.
   */
  private Dataset<Row> withGroupColumns(Dataset<Row> rel, BiasSettings s) {
    List<String> have = java.util.Arrays.asList(rel.columns());
    List<String> missing = s.groupCols().stream().filter(c -> !have.contains(c)).toList();
    if (missing.isEmpty()) {
      return rel;
    }
    if (s.corpus() == null) {
      throw new JobException("--group-col " + missing + ": not columns of relevance table " + s.relevance()
          + "; pass --corpus with the corpus they are columns of");
    }
    Dataset<Row> corpus = JobFiles.readTable(spark, s.corpus(), "corpus");
    List<String> needed = new ArrayList<>(List.of("id"));
    needed.addAll(missing);
    MentionSpans.requireColumns(corpus, needed, "corpus " + s.corpus());
    List<Row> twice = corpus.groupBy(col("id")).count().where(col("count").gt(1)).limit(3).collectAsList();
    if (!twice.isEmpty()) {
      throw new JobException("corpus " + s.corpus() + " holds id '" + twice.get(0).get(0) + "' more than once: "
          + "its group columns would be ambiguous");
    }
    Dataset<Row> groups = corpus.select(columns(needed.toArray(String[]::new)))
        .withColumn("id", col("id").cast("string"));
    return rel.join(groups, rel.col("id").equalTo(groups.col("id")), "left").drop(groups.col("id"));
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
      out.put(r.getAs(column) == null ? "null" : r.getAs(column).toString(), r.<Long>getAs("count"));
    }
    return out;
  }

  private static Column[] columns(String... names) {
    Column[] c = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      c[i] = col(names[i]);
    }
    return c;
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
