package org.lrpaudit.probe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.bias.BiasStats;
import org.lrpaudit.bias.JobFiles;
import org.lrpaudit.bias.MentionSpans;
import org.lrpaudit.corpus.BertVocabulary;
import org.lrpaudit.corpus.NameFrequencies;
import org.lrpaudit.corpus.ProbeKinds;
import org.lrpaudit.eval.Curves;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.CorpusSource;
import org.lrpaudit.runtime.InputCheck;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.ModelCache;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.RowResult;
import org.lrpaudit.runtime.TorchThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counterfactual name swaps: each text that mentions a gendered name is explained as it is and with every name swapped
 * for a name of the other gender of similar frequency (NameSwaps), both with --method (default lrp-ah-ln) for the
 * positive class; the change of p(positive) and of the names' relevance share are summarised per direction with Poisson-bootstrap intervals
 * and sign-flip permutation p-values, all computed in Spark. One output row per text with a gendered name, always.
 */
public final class ProbeJob {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeJob.class);
  static final String PAIRS = "probe_pairs";
  static final String SUMMARY = "probe_summary.json";
  static final String STATS_CSV = "probe_stats.csv";

  public static final StructType PAIRS_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("original_name", DataTypes.StringType, true),
      DataTypes.createStructField("swapped_name", DataTypes.StringType, true),
      DataTypes.createStructField("direction", DataTypes.StringType, true),
      DataTypes.createStructField("p_positive_original", DataTypes.DoubleType, true),
      DataTypes.createStructField("p_positive_swapped", DataTypes.DoubleType, true),
      DataTypes.createStructField("delta_p", DataTypes.DoubleType, true),
      DataTypes.createStructField("span_share_original", DataTypes.DoubleType, true),
      DataTypes.createStructField("span_share_swapped", DataTypes.DoubleType, true),
      DataTypes.createStructField("delta_share", DataTypes.DoubleType, true),
      DataTypes.createStructField("status", DataTypes.StringType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true),
      DataTypes.createStructField("swapped_text", DataTypes.StringType, true)});

  /**
   * Statuses of probe_pairs that are the text's or mention's own fault; the others (explain_failed, id_not_in_input:
   * mentions of another corpus) are the job's.
   */
  static final java.util.Set<String> INPUT_ERRORS = java.util.Set.of("duplicate_input_id", "offsets_outside_text",
      "overlapping_mentions", "no_swap_for_name", "span_truncated");

  private final SparkSession spark;

  public ProbeJob(SparkSession spark) {
    this.spark = spark;
  }

  public Map<String, Object> run(ProbeSettings s) {
    long t0 = System.nanoTime();
    JobFiles files = new JobFiles(spark, s.output());
    files.requireReplaceableTable(PAIRS);
    Checkpoint checkpoint = Checkpoint.open(s.model()).requireText();
    int classes = checkpoint.config().numLabels();
    if (s.positiveClass() >= classes) {
      throw new JobException("--positive-class " + s.positiveClass() + " is not a class of " + s.model() + " ("
          + classes + " labels: " + checkpoint.config().labels() + "); every text would fail");
    }
    Dataset<Row> read = new CorpusReader(spark, CorpusSource.of(s.input())).read();
    InputCheck.count(read, s.input(), "id", "text");
    Dataset<Row> corpus = read.groupBy(col("id")).agg(first("text").as("text"), count(lit(1)).as("copies"));
    Dataset<Row> mentions = readMentions(s.mentions());
    Dataset<Row> names = mentions.where(col("kind").isin(ProbeKinds.FEMALE_NAME, ProbeKinds.MALE_NAME));

    // The names to pair: distinct lowercased mention texts per gender (a small list, collected).
    // Substrings in Java: mention offsets are UTF-16 indexes, Spark SQL's substring counts code points.
    Dataset<Row> nameTexts = names.join(corpus, names.col("id").equalTo(corpus.col("id")), "inner")
        .select(col("kind"), col("text"), col("start"), col("end"))
        .map((MapFunction<Row, Row>) r -> {
          String text = r.<String>getAs("text") == null ? "" : r.getAs("text");
          int a = r.getAs("start") == null ? -1 : r.<Integer>getAs("start");
          int b = r.getAs("end") == null ? -1 : r.<Integer>getAs("end");
          String name = a >= 0 && b > a && b <= text.length() ? text.substring(a, b).toLowerCase(java.util.Locale.ROOT) : null;
          return RowFactory.create(r.getAs("kind"), name);
        }, Encoders.row(new StructType().add("kind", DataTypes.StringType).add("name", DataTypes.StringType)))
        .where(col("name").isNotNull()).distinct();
    List<String> female = new ArrayList<>();
    List<String> male = new ArrayList<>();
    for (Row r : nameTexts.collectAsList()) {
      (r.<String>getAs("kind").equals(ProbeKinds.FEMALE_NAME) ? female : male).add(r.getAs("name"));
    }
    NameSwaps swaps;
    try {
      NameFrequencies births = s.names() == null ? NameFrequencies.none() : NameFrequencies.read(Path.of(s.names()));
      swaps = NameSwaps.build(female, male, BertVocabulary.load(checkpoint.tokenizer()), births);
    } catch (IOException e) {
      throw new JobException("cannot read the tokenizer of " + s.model() + " or the names table " + s.names() + ": "
          + e.getMessage(), e);
    }
    LOG.info("probe: {} female and {} male names paired by {}; swaps {}", female.size(), male.size(),
        s.names() == null ? "vocabulary rank" : "US births rank (" + s.names() + ")", swaps.asMap());

    Dataset<Row> texts = names.groupBy(col("id"))
        .agg(collect_list(struct(col("start"), col("end"), col("kind"))).as("names"))
        .join(corpus, "id", "left")
        .select(col("id"), col("text"), col("copies"), col("names"));
    int threads = TorchThreads.perTask(spark.sparkContext().getConf());
    PartitionRunner runner = new PartitionRunner(new PartitionRunner.ModelSpec(s.model(), s.maxLength(), threads),
        PartitionRunner.DEFAULT_CHUNK_ROWS, null);
    PartitionRunner.ChunkWork<Row, Row> work = (model, chunk) -> probeChunk(model, chunk, swaps, s);
    Dataset<Row> pairs = texts.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> runner.run(rows, work),
        Encoders.row(PAIRS_SCHEMA));
    // Staged, counted and checked before it replaces the previous probe_pairs: rows in == rows out, the error rate.
    org.apache.hadoop.fs.Path staged;
    try {
      staged = files.stageParquetFolder(PAIRS, pairs);
    } catch (Exception e) { // Spark's SparkException is checked in Java but thrown by Scala code
      throw ModelCache.unreadableOnExecutors(e);
    }
    Map<String, Long> status = new TreeMap<>();
    RowErrors errors;
    try {
      Dataset<Row> written = spark.read().parquet(staged.toString());
      long textsWithNames = names.select("id").distinct().count();
      for (Row r : written.groupBy("status").count().collectAsList()) {
        status.put(r.getAs("status"), r.<Long>getAs("count"));
      }
      long pairRows = status.values().stream().mapToLong(Long::longValue).sum();
      if (pairRows != textsWithNames) {
        throw new IllegalStateException("texts with a name mention " + textsWithNames + " != probe rows " + pairRows);
      }
      errors = RowErrors.ofStatus("texts", status, INPUT_ERRORS, s.maxErrorRate()).enforce("probe");
      files.commitFolder(staged, PAIRS);
    } finally {
      files.discard(staged);
    }
    Dataset<Row> committed = spark.read().parquet(files.path(PAIRS).toString());
    long pairRows = errors.rows();
    ProbeStatistics.Result stats = ProbeStatistics.of(committed,
        new ProbeStatistics.Options(s.replicates(), s.permutations(), s.seed()));
    Map<String, Object> headline = stats.headline();
    files.writeCsv(STATS_CSV, spark.createDataFrame(stats.stats(), ProbeStatistics.SCHEMA), col("group"),
        col("statistic"));
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("model", s.model());
    summary.put("model_id", checkpoint.modelId()); // the audit refuses a summary of another model
    summary.put("pairs", pairRows);
    summary.put("status", status);
    summary.put("errors", errors);
    summary.put("explained_class", s.positiveClass());
    summary.put("method", s.method());
    summary.put("swaps", swaps.asMap());
    summary.put("name_ranks", s.names() == null ? "vocabulary" : "us_births " + s.names());
    summary.put("bootstrap", Map.of("replicates", s.replicates(), "seed", s.seed(), "unit", "text"));
    summary.put("permutation", Map.of("permutations", s.permutations(), "seed", s.seed(), "kind", "sign-flip"));
    summary.put("headline", headline);
    summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    files.writeJson(SUMMARY, summary);
    return summary;
  }

  private Dataset<Row> readMentions(String path) {
    Dataset<Row> m = JobFiles.readTable(spark, path, "mentions table");
    MentionSpans.requireColumns(m, List.of("id", "start", "end", "kind"), "mentions table " + path);
    return m.select(col("id").cast("string"), col("start").cast("int"), col("end").cast("int"), col("kind"));
  }

  /** One chunk of texts with names to their probe_pairs rows, in order; both versions of a text in the same batches. */
  private static List<Row> probeChunk(TextClassifier model, List<Row> rows, NameSwaps swaps, ProbeSettings s) {
    List<String> ids = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<Counterfactual> cfs = new ArrayList<>();
    for (Row r : rows) {
      ids.add(r.getAs("id"));
      texts.add(r.getAs("text"));
      List<Counterfactual.Name> names = new ArrayList<>();
      for (Row n : r.<Row>getList(r.fieldIndex("names"))) {
        names.add(new Counterfactual.Name(n.getAs("start") == null ? -1 : n.<Integer>getAs("start"),
            n.getAs("end") == null ? -1 : n.<Integer>getAs("end"), n.getAs("kind")));
      }
      boolean duplicate = r.getAs("copies") != null && r.<Long>getAs("copies") > 1;
      cfs.add(duplicate ? Counterfactual.error("duplicate_input_id", "the input holds this id more than once")
          : Counterfactual.of(texts.get(texts.size() - 1), names, swaps));
    }
    List<Row> out = new ArrayList<>(ids.size());
    List<TextInput> inputs = new ArrayList<>();
    List<TokenizedText> toks = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (cfs.get(i).status().equals("ok")) {
        try {
          TokenizedText original = model.tokenizer().encode(texts.get(i) == null ? "" : texts.get(i));
          TokenizedText swapped = model.tokenizer().encode(cfs.get(i).swappedText());
          toks.add(original);
          toks.add(swapped);
        } catch (RuntimeException e) {
          cfs.set(i, Counterfactual.error("explain_failed", "the tokenizer failed: " + e));
          continue;
        }
        inputs.add(TextInput.of(texts.get(i)));
        inputs.add(TextInput.of(cfs.get(i).swappedText()));
      }
    }
    // Two explanations per text (original at 2k, swapped at 2k + 1); a text pair fails when either failed.
    List<RowResult<Explanation>> explained = List.of();
    if (!inputs.isEmpty()) {
      Target target = new Target.ClassIndex(s.positiveClass());
      Method method = Method.parse(s.method());
      TokenBudget budget = new TokenBudget(s.batchTokens(), TokenBudget.DEFAULT_ROWS);
      Explainer explainer = new Explainer(model, budget);
      explained = PartitionRunner.inBatches(budget, toks.stream().mapToInt(TokenizedText::length).toArray(),
          inputs.stream().map(TextInput::text).toList(), batch -> explainer.explainTokenized(
              batch.stream().map(inputs::get).toList(), batch.stream().map(toks::get).toList(), method, target), null);
    }
    int k = 0;
    for (int i = 0; i < ids.size(); i++) {
      Counterfactual c = cfs.get(i);
      if (!c.status().equals("ok")) {
        out.add(RowFactory.create(ids.get(i), null, null, null, null, null, null, null, null, null, c.status(), c.error(),
            null));
        continue;
      }
      RowResult<Explanation> original = explained.get(2 * k);
      RowResult<Explanation> swapped = explained.get(2 * k + 1);
      k++;
      if (!(original instanceof RowResult.Done<Explanation> da && swapped instanceof RowResult.Done<Explanation> db)) {
        String failure = (original instanceof RowResult.Failed<Explanation> f ? f : (RowResult.Failed<Explanation>) swapped)
            .error().message();
        out.add(RowFactory.create(ids.get(i), c.originalNames(), c.swappedNames(), c.direction(), null, null, null, null,
            null, null, "explain_failed", failure, c.swappedText()));
        continue;
      }
      Explanation a = da.value();
      Explanation b = db.value();
      double pa = softmax(a.logits(), s.positiveClass());
      double pb = softmax(b.logits(), s.positiveClass());
      double sa = Counterfactual.share(a.words(), c.originalSpans());
      double sb = Counterfactual.share(b.words(), c.swappedSpans());
      boolean shareOk = Double.isFinite(sa) && Double.isFinite(sb);
      out.add(RowFactory.create(ids.get(i), c.originalNames(), c.swappedNames(), c.direction(), pa, pb, pb - pa,
          BiasStats.finite(sa), BiasStats.finite(sb), shareOk ? sb - sa : null, shareOk ? "ok" : "span_truncated",
          shareOk ? null : "a name lies beyond the model's maximum length", c.swappedText()));
    }
    return out;
  }

  /** softmax(logits)[c]: the evaluate job's probability, over the float logits a row carries. */
  static double softmax(float[] logits, int c) {
    double[] wide = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      wide[i] = logits[i];
    }
    return Curves.probability(wide, c);
  }

}
