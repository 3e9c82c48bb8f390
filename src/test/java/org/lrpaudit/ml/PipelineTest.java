package org.lrpaudit.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.johnsnowlabs.collections.SearchTrie;
import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.RegexTokenizer;
import com.johnsnowlabs.nlp.annotators.TextMatcherModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.annotate.SparkNlpSession;

/**
 * A user's pipeline: Spark NLP stages (DocumentAssembler, RegexTokenizer, TextMatcher, as the annotate job uses them),
 * RelevanceExplainer, and a SQL aggregation; saved, loaded and re-run with identical results.
 */
class PipelineTest {
  private static final String AGGREGATE = "SELECT relevance.predicted_label AS predicted_label, count(*) AS texts, "
      + "sum(size(token)) AS nlp_tokens, sum(size(match)) AS matches, sum(relevance.relevance_sum) AS relevance_sum, "
      + "sum(size(relevance.tokens)) AS model_tokens FROM __THIS__ GROUP BY relevance.predicted_label "
      + "ORDER BY predicted_label";
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = MlFixtures.local();
    SparkNlpSession.bind(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static PipelineStage[] stages() {
    DocumentAssembler assembler = new DocumentAssembler();
    assembler.setInputCol("text");
    assembler.setOutputCol("document");
    RegexTokenizer tokenizer = new RegexTokenizer();
    tokenizer.setInputCols(new String[] {"document"});
    tokenizer.setOutputCol("token");
    tokenizer.setPattern("[^\\p{L}\\p{M}\\p{N}]+");
    TextMatcherModel matcher = new TextMatcherModel()
        .setSearchTrie(SearchTrie.apply(new String[][] {{"film"}, {"good"}, {"bad"}}, false))
        .setMergeOverlapping(false).setBuildFromTokens(false).setEntityValue("word");
    matcher.setInputCols(new String[] {"document", "token"});
    matcher.setOutputCol("match");
    RelevanceExplainer explainer = new RelevanceExplainer().setModelPath(MlFixtures.model()).setMaxLength(128)
        .setBatchTokens(512);
    return new PipelineStage[] {assembler, tokenizer, matcher, explainer, new SQLTransformer().setStatement(AGGREGATE)};
  }

  @Test
  void savedAndLoadedPipelineGivesTheSameResult(@TempDir Path dir) throws Exception {
    List<String> texts = new ArrayList<>(MlFixtures.sentences(60, 30, 11));
    texts.add("a good film");
    texts.add("a bad film");
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create("r" + i, texts.get(i)));
    }
    Dataset<Row> corpus = spark.createDataFrame(rows, new StructType().add("id", DataTypes.StringType)
        .add("text", DataTypes.StringType)).repartition(2);

    PipelineModel fitted = new Pipeline().setStages(stages()).fit(corpus);
    List<Row> first = fitted.transform(corpus).collectAsList();
    fitted.write().overwrite().save(dir.resolve("pipeline").toString());
    PipelineModel loaded = PipelineModel.load(dir.resolve("pipeline").toString());
    List<Row> again = loaded.transform(corpus).collectAsList();
    assertEquals(first, again, "the loaded pipeline's result differs");
    RelevanceExplainer stage = (RelevanceExplainer) loaded.stages()[3];
    assertEquals(MlFixtures.model(), stage.getOrDefault(stage.modelPath()));
    assertEquals(512, stage.getOrDefault(stage.batchTokens()));

    // The aggregation recomputed in plain Java from the explainer's own rows (the pipeline without its last stage).
    PipelineModel upToExplainer = new PipelineModel("upTo", java.util.Arrays.copyOf(loaded.stages(), 4));
    Map<String, double[]> byLabel = new HashMap<>();
    for (Row r : upToExplainer.transform(corpus).selectExpr("relevance.predicted_label", "size(token)", "size(match)",
        "relevance.relevance_sum", "size(relevance.tokens)").collectAsList()) {
      double[] s = byLabel.computeIfAbsent(r.getString(0), k -> new double[5]);
      s[0]++;
      for (int k = 1; k < 5; k++) {
        s[k] += ((Number) r.get(k)).doubleValue();
      }
    }
    assertEquals(byLabel.size(), first.size());
    long texts2 = 0;
    for (Row r : first) {
      double[] s = byLabel.get(r.getString(0));
      assertEquals(s[0], r.getLong(1));
      assertEquals(s[1], r.getLong(2));
      assertEquals(s[2], r.getLong(3));
      assertEquals(s[3], r.getDouble(4), 1e-9);
      assertEquals(s[4], r.getLong(5));
      texts2 += r.getLong(1);
    }
    assertEquals(texts.size(), texts2);
    assertTrue(first.stream().mapToLong(r -> r.getLong(3)).sum() >= 4, "the matcher found the planted words");
  }
}
