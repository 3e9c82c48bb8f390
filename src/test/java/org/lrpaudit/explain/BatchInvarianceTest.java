package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.lrpaudit.model.TextClassifier;

/** A text's explanation does not depend on its batch neighbours, their lengths, or on other threads explaining at once. */
class BatchInvarianceTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void relevanceIsTheSameAloneInABatchOf32AndBesideLongTexts() {
    try (TextClassifier model = TestModels.load(TestModels.spec("bert", 2, 32, 4, false, 21), DataType.FLOAT32)) {
      String probe = TestModels.words(6, 100);
      Explanation alone = new Explainer(model).explain(List.of(TextInput.of(probe)), Method.LRP_AH_LN, Target.PREDICTED)
          .get(0);

      List<TextInput> batch32 = new ArrayList<>();
      for (int i = 0; i < 31; i++) {
        batch32.add(TextInput.of(TestModels.words(3 + i % 9, i)));
      }
      batch32.add(17, TextInput.of(probe));
      // One batch of 32 rows (the budget holds them all), so the probe really shares its batch.
      Explainer wide = new Explainer(model, new TokenBudget(100_000, 64));
      assertSame(alone, wide.explain(batch32, Method.LRP_AH_LN, Target.PREDICTED).get(17));

      List<TextInput> withLong = List.of(TextInput.of(TestModels.words(120, 7)), TextInput.of(probe),
          TextInput.of(TestModels.words(90, 8)));
      assertSame(alone, wide.explain(withLong, Method.LRP_AH_LN, Target.PREDICTED).get(1));
      // A small budget puts each text in its own batch: the results must not change either.
      assertSame(alone, new Explainer(model, new TokenBudget(16, 1)).explain(withLong, Method.LRP_AH_LN,
          Target.PREDICTED).get(1));
    }
  }

  @Test
  void concurrentThreadsGiveTheSameResultsAsOneThread() throws Exception {
    try (TextClassifier model = TestModels.load(TestModels.spec("distilbert", 2, 32, 4, false, 22), DataType.FLOAT32)) {
      Explainer explainer = new Explainer(model, new TokenBudget(256, 8));
      List<TextInput> texts = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        texts.add(TextInput.of(TestModels.words(1 + i % 25, 1000 + i)));
      }
      List<Explanation> sequential = explainer.explain(texts, Method.LRP_AH_LN, Target.PREDICTED);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<Explanation>>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          Method m = t % 2 == 0 ? Method.LRP_AH_LN : Method.GI; // different graphs in flight at once
          runs.add(pool.submit(() -> explainer.explain(texts, m, Target.PREDICTED)));
        }
        List<Explanation> gi = explainer.explain(texts, Method.GI, Target.PREDICTED);
        for (int t = 0; t < 4; t++) {
          List<Explanation> got = runs.get(t).get();
          for (int i = 0; i < texts.size(); i++) {
            assertSame(t % 2 == 0 ? sequential.get(i) : gi.get(i), got.get(i));
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static void assertSame(Explanation expected, Explanation actual) {
    assertEquals(expected.text(), actual.text());
    assertEquals(expected.tokens().size(), actual.tokens().size());
    for (int t = 0; t < expected.tokens().size(); t++) {
      assertEquals(expected.tokens().get(t).relevance(), actual.tokens().get(t).relevance(), TOLERANCE, "token " + t);
    }
    assertEquals(expected.explainedLogit(), actual.explainedLogit(), TOLERANCE);
  }
}
