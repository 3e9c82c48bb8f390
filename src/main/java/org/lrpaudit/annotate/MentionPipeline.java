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
import org.apache.spark.sql.Encoders;
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

  private final PipelineModel model;
  private final List<String> matchColumns;
  private final int[] lexiconOfColumn;
  private final boolean[] guarded;

  private MentionPipeline(PipelineModel model, List<String> matchColumns, int[] lexiconOfColumn, boolean[] guarded) {
    this.model = model;
    this.matchColumns = matchColumns;
    this.lexiconOfColumn = lexiconOfColumn;
    this.guarded = guarded;
  }

  public static MentionPipeline build(SparkSession spark, List<LexiconTerms> lexicons) {
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
    PipelineModel model = new Pipeline().setStages(stages.toArray(new PipelineStage[0])).fit(terms.limit(0));
    boolean[] guarded = new boolean[guards.size()];
    for (int c = 0; c < guarded.length; c++) {
      guarded[c] = guards.get(c);
    }
    return new MentionPipeline(model, List.copyOf(columns), owners.stream().mapToInt(Integer::intValue).toArray(),
        guarded);
  }

  /**
   * Mentions of the given rows (columns id and text, text never null or blank): one output row per mention, in the
   * mentions table's schema, plus a row key column {@code row} carried through from the input for counting.
   */
  public Dataset<Row> mentions(Dataset<Row> rows, List<LexiconTerms> lexicons) {
    Dataset<Row> annotated = model.transform(rows);
    List<String> select = new ArrayList<>(List.of("row", "id", TEXT));
    select.addAll(matchColumns);
    StructType out = MentionsTable.SCHEMA.add("row", DataTypes.LongType, false);
    return annotated.selectExpr(select.toArray(new String[0]))
        .flatMap(new MentionExtractor(lexiconOfColumn, guarded, lexicons), Encoders.row(out));
  }
}
