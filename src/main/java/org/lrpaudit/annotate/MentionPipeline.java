package org.lrpaudit.annotate;

import com.johnsnowlabs.collections.SearchTrie;
import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.TextMatcherModel;
import com.johnsnowlabs.nlp.annotators.RegexTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark NLP pipeline of the annotate job: DocumentAssembler, RegexTokenizer, then one TextMatcher per lexicon and
 * case part (terms matched in any case, terms matched only as written). Matching is by whole tokens, so "Jo" never matches
 * inside "Joke", and multi-word terms ("New York") match as token sequences. The terms are tokenized by the same
 * tokenizer as the texts (through the pipeline itself), so both sides split words the same way.
 * Rule-based annotators only: no pretrained model, nothing downloaded.
 */
public final class MentionPipeline {
  static final String TEXT = "text";
  static final String DOCUMENT = "document";
  static final String TOKEN = "token";
  /**
   * Tokens are runs of letters, combining marks and digits; everything else separates them. So a name is found in
   * "kurosawa's", "Alice’s", "alice-bob", "(alice)" and "😀Alice" alike, where Spark NLP's default Tokenizer keeps
   * "kurosawa's" and "alice-bob" whole. Terms are split the same way ("Mercedes-Benz" is "Mercedes" "Benz", "Côte
   * d'Ivoire" is "Côte" "d" "Ivoire"), and a match still spans the text from its first token to its last.
   */
  static final String SEPARATORS = "[^\\p{L}\\p{M}\\p{N}]+";

  private MentionPipeline() {}

  /**
   * The annotate job's pipeline for a user's own Spark code: the Spark NLP stages and the mention resolution as one
   * PipelineModel. Its input: a DataFrame with the columns id and text (text neither null nor blank: the annotate job
   * counts such rows apart); its output: the mentions rows (MentionsTable.SCHEMA), as the annotate job writes them.
   *
   * @param lexiconConfigs lexicon configuration files, merged in order (conf/lexicons/lexicons.conf, then the user's)
   * @param dataDir the folder the configuration's data-file paths are relative to
   * @param language the texts' language: lexicons of another language are left out
   */
  public static PipelineModel model(SparkSession spark, List<java.nio.file.Path> lexiconConfigs,
      java.nio.file.Path dataDir, String language) {
    LexiconConfig.Loaded lex = LexiconConfig.load(LexiconConfig.read(lexiconConfigs), dataDir, language);
    SparkNlpSession.bind(spark);
    return build(spark, lex.lexicons());
  }

  /** The pipeline of the given lexicons (see {@link #model}). */
  static PipelineModel build(SparkSession spark, List<LexiconTerms> lexicons) {
    DocumentAssembler assembler = new DocumentAssembler();
    assembler.setInputCol(TEXT);
    assembler.setOutputCol(DOCUMENT);
    RegexTokenizer tokenizer = new RegexTokenizer();
    tokenizer.setInputCols(new String[] {DOCUMENT});
    tokenizer.setOutputCol(TOKEN);
    tokenizer.setPattern(SEPARATORS);
    tokenizer.setToLowercase(false);

    // Tokenize every term once with the texts' own assembler and tokenizer.
    Set<String> all = new LinkedHashSet<>();
    for (LexiconTerms l : lexicons) {
      all.addAll(l.anyCase());
      all.addAll(l.exactCase());
    }
    List<Row> termRows = new ArrayList<>();
    for (String t : all) {
      termRows.add(RowFactory.create(t));
    }
    Dataset<Row> terms = spark.createDataFrame(termRows, new StructType().add(TEXT, DataTypes.StringType));
    PipelineModel tokenize = new Pipeline().setStages(new PipelineStage[] {assembler, tokenizer}).fit(terms);
    Map<String, String[]> tokens = new HashMap<>();
    for (Row r : tokenize.transform(terms).selectExpr(TEXT, TOKEN + ".result").collectAsList()) {
      tokens.put(r.getString(0), r.<String>getList(1).toArray(new String[0]));
    }

    List<PipelineStage> stages = new ArrayList<>(List.of(tokenize.stages()));
    List<String> columns = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    List<Boolean> guards = new ArrayList<>();
    for (int i = 0; i < lexicons.size(); i++) {
      LexiconTerms l = lexicons.get(i);
      for (boolean caseSensitive : new boolean[] {false, true}) {
        List<String[]> phrases = new ArrayList<>();
        for (String t : caseSensitive ? l.exactCase() : l.anyCase()) {
          String[] tok = tokens.get(t);
          if (tok != null && tok.length > 0) {
            phrases.add(tok);
          }
        }
        if (phrases.isEmpty()) {
          continue;
        }
        String column = "match_" + columns.size();
        TextMatcherModel matcher = new TextMatcherModel()
            .setSearchTrie(SearchTrie.apply(phrases.toArray(new String[0][]), caseSensitive))
            .setMergeOverlapping(false)
            .setBuildFromTokens(false)
            .setEntityValue(l.spec().name());
        matcher.setInputCols(new String[] {DOCUMENT, TOKEN});
        matcher.setOutputCol(column);
        stages.add(matcher);
        columns.add(column);
        owners.add(i);
        guards.add(caseSensitive && l.guardedExact());
      }
    }
    boolean[] guarded = new boolean[guards.size()];
    for (int c = 0; c < guarded.length; c++) {
      guarded[c] = guards.get(c);
    }
    stages.add(new MentionResolution(columns, new MentionExtractor(owners.stream().mapToInt(Integer::intValue)
        .toArray(), guarded, lexicons)));
    // Every stage is a fitted model already: fitting on no rows only assembles them (and checks the schemas).
    Dataset<Row> none = spark.createDataFrame(List.of(), new StructType().add(MentionsTable.ID, DataTypes.StringType)
        .add(TEXT, DataTypes.StringType));
    return new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(none);
  }
}
