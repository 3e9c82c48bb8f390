package org.lrpaudit.annotate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.lrpaudit.runtime.HeadlineEntry;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.CorpusSource;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.OutputFolders;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.SparkWrites;
import org.lrpaudit.runtime.TextCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotate job: corpus -> mentions table. Checks the lexicon configuration, the lexicon files, the output and the
 * input before any compute; annotates every row with text through {@link MentionPipeline}; writes the table and
 * annotate_summary.json into a hidden temporary folder inside --output and renames them into place (a failed job leaves
 * the previous output untouched). Every input row is accounted for: rows without usable text are counted by reason.
 */
public final class AnnotateJob {
  private static final Logger LOG = LoggerFactory.getLogger(AnnotateJob.class);
  static final String OK = "ok";
  private final SparkSession spark;

  public AnnotateJob(SparkSession spark) {
    this.spark = spark;
  }

  /** What a run did; also written as annotate_summary.json. */
  public record Summary(String input, String output, String language, long rowsRead, long rowsAnnotated,
      Map<String, Long> rowsWithoutText, long rowsWithMentions, long mentions, Map<String, Long> mentionsPerKind,
      Map<String, Long> mentionsPerLexicon, Map<String, Long> nameMentions, Double ambiguousNameShare,
      List<Map<String, Object>> lexicons, String commonWords, Map<String, Map<String, Object>> headline,
      double seconds, RowErrors errors) {
  }

  /** The first-name kinds: a name of clear gender, or one that is not (outside both groups of the bias statistics). */
  public static final List<String> NAME_KINDS = List.of("female_name", "male_name", "ambiguous_name");

  /**
   * Mentions of each first-name kind (all three keys, zeros included) and the share of them marked ambiguous (null
   * when there is no name mention): how much of the names an audit leaves out of the female/male comparison.
   */
  static Map<String, Long> nameMentions(Map<String, Long> perKind) {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (String k : NAME_KINDS) {
      out.put(k, perKind.getOrDefault(k, 0L));
    }
    return out;
  }

  static Double ambiguousShare(Map<String, Long> names) {
    long all = names.values().stream().mapToLong(Long::longValue).sum();
    return all == 0 ? null : names.get("ambiguous_name") / (double) all;
  }

  /**
   * The annotate summary's headline map (the audit's contract, as the bias and probe summaries): the share of name
   * mentions marked ambiguous and the number of mentions of each name kind, with n = name mentions.
   */
  static Map<String, Map<String, Object>> headline(Map<String, Long> names, Double share) {
    long all = names.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Map<String, Object>> h = new java.util.LinkedHashMap<>();
    if (share != null) {
      h.put("ambiguous_name_share", HeadlineEntry.of(share, null, null, null, all,
          "share of first-name mentions marked ambiguous_name (gender not clear: outside the female/male comparison)"));
    }
    for (var e : names.entrySet()) {
      h.put(e.getKey() + "_mentions", HeadlineEntry.of((double) e.getValue(), null, null, null,
          e.getValue(), "mentions of kind " + e.getKey()));
    }
    return h;
  }

  public Summary run(AnnotateSettings s) {
    long t0 = System.nanoTime();
    // 1. Everything that can fail the job, before any compute.
    LexiconConfig.Loaded lex = LexiconConfig.load(LexiconConfig.read(s.lexiconConfigs()), s.dataDir(), s.language());
    List<Map<String, Object>> lexiconInfo = new ArrayList<>();
    for (LexiconTerms l : lex.lexicons()) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", l.spec().name());
      m.put("kind", l.spec().kind());
      m.put("language", l.spec().language());
      m.put("file", l.spec().file());
      m.put("case", l.spec().caseRule().key);
      m.put("priority", l.spec().priority());
      m.put("terms", l.size());
      m.put("terms_matched_only_as_written", l.exactCase().size());
      lexiconInfo.add(m);
      LOG.info("lexicon {} ({}): {} terms, {} matched only as written; priority {}; {}", l.spec().name(),
          l.spec().kind(), l.size(), l.exactCase().size(), l.spec().priority(), l.spec().file());
    }
    Path root = new Path(s.output());
    FileSystem fs = fileSystem(root);
    checkOutput(fs, root, s.overwrite());
    Dataset<Row> input = new CorpusReader(spark, new CorpusSource(s.input(), s.inputFormat(), s.idColumn(),
        s.textColumn(), "label", false)).read();
    // The explain job's own text check (null, empty or whitespace-only, unpaired surrogates), so both jobs agree.
    UserDefinedFunction textStatus = udf((UDF1<String, String>) t -> {
      RowError error = TextCheck.check(t);
      return error == null ? OK : error.status();
    }, DataTypes.StringType);
    Dataset<Row> classified = input.withColumn("status", when(col("input_status").isNotNull(), col("input_status"))
            .otherwise(textStatus.apply(col("text"))))
        .withColumn("row", monotonically_increasing_id());
    Map<String, Long> statuses = new TreeMap<>();
    long withTextField = 0;
    long withId = 0;
    try {
      for (Row r : classified.groupBy("status").agg(expr("count(*)"), expr("count_if(has_text_field)"), expr("count(id)"))
          .collectAsList()) {
        statuses.put(r.getString(0), r.getLong(1));
        withTextField += r.getLong(2);
        withId += r.getLong(3);
      }
    } catch (Exception e) { // SparkException is thrown unchecked from Scala
      throw new JobException("cannot read input " + s.input() + ": " + JobException.rootMessage(e), e);
    }
    long rowsRead = statuses.values().stream().mapToLong(Long::longValue).sum();
    if (rowsRead > 0 && withTextField == 0) {
      throw new JobException("input " + s.input() + " has no '" + s.textColumn() + "' field in any row; name the text "
          + "field with --text-column");
    }
    if (rowsRead > 0 && withId == 0) {
      throw new JobException("input " + s.input() + " has no '" + s.idColumn() + "' value in any of its " + rowsRead
          + " rows (the field is missing or empty everywhere), so no mention could be joined back to its row; name the "
          + "id field with --id-column");
    }
    // Every row's failure here is its own (no text, no id): the annotators fail the job, never a row. So the error
    // rate is 0 by construction; a corpus of which no row can be used is refused (exit 2) before any compute.
    RowErrors errors = RowErrors.ofStatus("rows", statuses, RowErrors.CORPUS_INPUT_ERRORS, 1.0).enforce("annotate");
    long rowsAnnotated = statuses.getOrDefault(OK, 0L);
    statuses.remove(OK);
    LOG.info(String.format("annotate: %,d rows read from %s, %,d with text, without text: %s", rowsRead, s.input(),
        rowsAnnotated, statuses));

    // 2. Annotate and write into a temporary folder inside the output.
    long t1 = System.nanoTime();
    SparkNlpSession.bind(spark);
    PipelineModel pipeline = MentionPipeline.build(spark, lex.lexicons());
    LOG.info(String.format("annotate: pipeline built in %.1f s (terms tokenized, one matcher per lexicon and case part)",
        (System.nanoTime() - t1) / 1e9));
    Dataset<Row> texts = classified.where(col("status").equalTo(OK)).select("row", "id", "text");
    // A multi-line CSV or a single JSON file is one partition: spread it over the cluster's cores.
    int parallelism = spark.sparkContext().defaultParallelism();
    if (texts.rdd().getNumPartitions() < parallelism) {
      texts = texts.repartition(parallelism);
    }
    // texts carries the row key, so the mentions keep it for counting (MentionResolution).
    Dataset<Row> mentions = pipeline.transform(texts).persist(StorageLevel.MEMORY_AND_DISK());
    Path tmp = new Path(root, "_tmp-annotate-" + UUID.randomUUID());
    try {
      SparkWrites.drainingOnFailure(spark.sparkContext(), () -> mentions.drop("row")
          .orderBy(MentionsTable.ID, MentionsTable.START, MentionsTable.END, MentionsTable.LEXICON)
          .write().parquet(new Path(tmp, MentionsTable.FOLDER).toString()));
      long total = mentions.count();
      long rowsWithMentions = mentions.agg(countDistinct(col("row"))).first().getLong(0);
      Map<String, Long> perKind = counts(mentions, MentionsTable.KIND);
      Map<String, Long> perLexicon = counts(mentions, MentionsTable.LEXICON);
      long written = spark.read().parquet(new Path(tmp, MentionsTable.FOLDER).toString()).count();
      if (written != total) {
        throw new IllegalStateException("mentions table holds " + written + " rows, but " + total + " were found");
      }
      Map<String, Long> names = nameMentions(perKind);
      Double ambiguous = ambiguousShare(names);
      Summary summary = new Summary(s.input(), s.output(), s.language(), rowsRead, rowsAnnotated, statuses,
          rowsWithMentions, total, perKind, perLexicon, names, ambiguous, lexiconInfo, lex.commonWordsFile(),
          headline(names, ambiguous), (System.nanoTime() - t0) / 1e9, errors);
      try (OutputStream out = fs.create(new Path(tmp, MentionsTable.SUMMARY))) {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, summary);
      }
      // 3. Into place: the old output aside, the new one in, the old one deleted.
      replace(fs, root, tmp, MentionsTable.FOLDER);
      replace(fs, root, tmp, MentionsTable.SUMMARY);
      LOG.info(String.format("annotate done (language %s): %,d rows read, %,d with text, %,d with mentions; %,d mentions,"
          + " per kind %s, per lexicon %s; first names %s, %s ambiguous; %.1f s; output %s", s.language(), rowsRead,
          rowsAnnotated, rowsWithMentions, total, perKind, perLexicon, names,
          ambiguous == null ? "none" : String.format("%.1f%%", 100 * ambiguous), summary.seconds(), s.output()));
      return summary;
    } catch (IOException e) {
      throw new IllegalStateException("cannot write output " + s.output() + ": " + e.getMessage(), e);
    } finally {
      mentions.unpersist();
      try {
        fs.delete(tmp, true);
      } catch (IOException e) {
        LOG.warn("cannot remove temporary folder {}: {}", tmp, e.getMessage());
      }
    }
  }

  private static Map<String, Long> counts(Dataset<Row> mentions, String column) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : mentions.groupBy(column).count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  private FileSystem fileSystem(Path root) {
    try {
      return root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw new JobException("cannot open output file system of " + root + " (" + e.getMessage() + ")", e);
    }
  }

  /** The output is a folder (or absent); its mentions/ and summary are only replaced with --overwrite. */
  static void checkOutput(FileSystem fs, Path root, boolean overwrite) {
    try {
      if (!fs.exists(root)) {
        return;
      }
      if (!fs.getFileStatus(root).isDirectory()) {
        throw new JobException("output " + root + " exists and is a file, not a folder");
      }
      for (String name : new String[] {MentionsTable.FOLDER, MentionsTable.SUMMARY}) {
        if (fs.exists(new Path(root, name)) && !overwrite) {
          throw new JobException("output " + new Path(root, name) + " already exists; pass --overwrite to replace it, "
              + "or choose another --output");
        }
      }
      // Replaced only when they are what this job writes: a mentions/ folder of someone else's files is never deleted.
      OutputFolders.requireReplaceableTable(fs, new Path(root, MentionsTable.FOLDER), "output");
      Path summary = new Path(root, MentionsTable.SUMMARY);
      if (fs.exists(summary) && fs.getFileStatus(summary).isDirectory()) {
        throw new JobException("output " + summary + " is a folder, not the job's summary file; choose another --output");
      }
    } catch (IOException e) {
      throw new JobException("cannot inspect output " + root + " (" + e.getMessage() + ")", e);
    }
  }

  private static void replace(FileSystem fs, Path root, Path tmp, String name) throws IOException {
    Path target = new Path(root, name);
    Path old = new Path(tmp, "old-" + name);
    if (fs.exists(target) && !fs.rename(target, old)) {
      throw new IOException("cannot move " + target + " aside");
    }
    if (!fs.rename(new Path(tmp, name), target)) {
      throw new IOException("cannot move the new " + name + " into " + root);
    }
  }
}
