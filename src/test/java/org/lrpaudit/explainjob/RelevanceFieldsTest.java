package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.Checkpoint;

/**
 * Every column of the relevance table holds what its name says. ExplanationStruct builds the explanation by position
 * and RelevanceTable.of flattens it by name, and the job and the Transformer share both, so comparing the two cannot
 * catch two same-typed fields swapped: each field is checked here against its meaning (argmax of the logits, sum of the
 * token relevance, explained logit minus that sum, ...), for an explained, a forward-only and an error row.
 */
class RelevanceFieldsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.local(2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void everyColumnMeansWhatItSays(@TempDir Path dir) throws Exception {
    List<String> texts = new ArrayList<>(SparkTests.sentences(12, 20, 31));
    texts.set(5, "");
    Path out = dir.resolve("out");
    SparkTests.run(spark, SparkTests.jsonl(dir.resolve("c.jsonl"), texts), out, "methods", "lrp-ah-ln,forward",
        "run-id", "r");
    Checkpoint cp = Checkpoint.open(SparkTests.model().toString());
    List<String> labels = cp.config().labels();
    Map<String, Row> lrp = new HashMap<>();
    Map<String, Row> forward = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      (r.<String>getAs("method").equals("forward") ? forward : lrp).put(r.getAs("id"), r);
    }
    assertEquals(texts.size(), lrp.size());
    assertEquals(texts.size(), forward.size());
    for (int i = 0; i < texts.size(); i++) {
      String id = "t" + i;
      for (Row r : List.of(lrp.get(id), forward.get(id))) {
        assertEquals(i % 2, (int) r.<Integer>getAs("label"), id + " label");
        assertEquals("r", r.getAs("run_id"));
        assertEquals(cp.modelId(), r.getAs("model_id"), id + " model_id");
        assertEquals(texts.get(i).length(), (int) r.<Integer>getAs("text_length"), id + " text_length");
      }
      Row e = lrp.get(id);
      if (texts.get(i).isEmpty()) {
        for (Row r : List.of(e, forward.get(id))) {
          assertEquals("empty_text", r.getAs("status"));
          assertTrue(r.<String>getAs("error").length() > 0, "an error row says why");
          for (String f : List.of("predicted", "logits", "tokens", "num_tokens", "truncated", "explained_logit")) {
            assertNull(r.getAs(f), id + " " + f);
          }
        }
        continue;
      }
      assertEquals("ok", e.getAs("status"));
      assertNull(e.getAs("error"));
      List<Float> logits = e.getList(e.fieldIndex("logits"));
      int argmax = 0;
      for (int k = 1; k < logits.size(); k++) {
        argmax = logits.get(k) > logits.get(argmax) ? k : argmax;
      }
      assertEquals(argmax, (int) e.<Integer>getAs("predicted"), id + " predicted");
      assertEquals(labels.get(argmax), e.getAs("predicted_label"), id + " predicted_label");
      assertEquals(argmax, (int) e.<Integer>getAs("explained_class"), id + " explained_class (target predicted)");
      assertEquals(labels.get(argmax), e.getAs("explained_label"), id + " explained_label");
      double logit = e.getAs("explained_logit");
      assertEquals(logits.get(argmax), logit, 1e-5, id + " explained_logit");
      List<Row> tokens = e.getList(e.fieldIndex("tokens"));
      double sum = 0;
      for (Row t : tokens) {
        sum += t.<Double>getAs("relevance");
      }
      double relevanceSum = e.getAs("relevance_sum");
      assertEquals(sum, relevanceSum, 1e-9 * Math.max(1, Math.abs(sum)), id + " relevance_sum");
      assertEquals(logit - relevanceSum, (double) e.getAs("conservation_gap"), 1e-6, id + " conservation_gap");
      assertEquals(tokens.size(), (int) e.<Integer>getAs("num_tokens"), id + " num_tokens");
      assertTrue(e.getList(e.fieldIndex("words")).size() <= tokens.size(), id + " words");
      assertEquals(false, e.getAs("truncated"), id + " truncated");

      Row f = forward.get(id);
      assertEquals("ok", f.getAs("status"));
      List<Float> forwardLogits = f.getList(f.fieldIndex("logits"));
      assertEquals(logits.size(), forwardLogits.size(), id + " forward logits");
      for (int k = 0; k < logits.size(); k++) { // the same forward pass, without autograd: float rounding may differ
        assertEquals(logits.get(k), forwardLogits.get(k), 1e-5, id + " forward logit " + k);
      }
      assertEquals(argmax, (int) f.<Integer>getAs("predicted"), id + " forward predicted");
      assertEquals(labels.get(argmax), f.getAs("predicted_label"), id + " forward predicted_label");
      assertEquals(tokens.size(), (int) f.<Integer>getAs("num_tokens"), id + " forward num_tokens");
      assertEquals(false, f.getAs("truncated"), id + " forward truncated");
      for (String none : List.of("explained_class", "explained_label", "explained_logit", "tokens", "words",
          "relevance_sum", "conservation_gap")) {
        assertNull(f.getAs(none), id + " forward " + none);
      }
    }
    assertEquals(texts.size() * 2L, spark.read().parquet(out.toString()).where(col("run_id").equalTo("r")).count());
  }
}
