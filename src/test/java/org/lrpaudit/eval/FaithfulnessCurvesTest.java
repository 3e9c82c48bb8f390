package org.lrpaudit.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The curve machinery on cases worked out by hand: which tokens each step perturbs, what is recorded, and the areas.
 * The "model" is a bag of words, logit_1 = sum of per-token weights and logit_0 = 0, so every value is plain arithmetic.
 */
class FaithfulnessCurvesTest {
  private static final long UNK = 1;
  // [CLS] a b c [SEP]
  private static final long[] IDS = {2, 10, 11, 12, 3};
  private static final boolean[] SPECIAL = {true, false, false, false, true};
  private static final double[] RELEVANCE = {0.1, 3, -5, 1, 0.2};

  @Test
  void trapezoidOfKnownCurves() {
    assertEquals(0.7, Curves.area(new double[] {0.7, 0.7, 0.7, 0.7}), 1e-15);
    double[] line = new double[11];
    double[] square = new double[11];
    for (int k = 0; k < 11; k++) {
      line[k] = k / 10.0;
      square[k] = line[k] * line[k];
    }
    assertEquals(0.5, Curves.area(line), 1e-15);
    // Trapezoid rule on x^2 with spacing h: 1/3 + h^2/6 exactly.
    assertEquals(1.0 / 3 + 0.01 / 6, Curves.area(square), 1e-15);
    assertEquals(0.25, Curves.area(new double[] {0, 0.5}), 0);
  }

  @Test
  void countsAreCeilingsOfFractionTimesN() {
    for (int n = 1; n <= 40; n++) {
      for (int k = 0; k <= 10; k++) {
        // ceil(k * n / 10) by counting: the smallest m with 10 m >= k n.
        int m = 0;
        while (10 * m < k * n) {
          m++;
        }
        assertEquals(m, Perturbation.count(k, 11, n), "k=" + k + " n=" + n);
      }
    }
  }

  @Test
  void paperProtocolPerturbsEveryTokenInRelevanceOrder() {
    Perturbation p = new Perturbation(IDS, SPECIAL, UNK, false);
    assertEquals(5, p.candidates());
    // Fractions 0, 0.5, 1 -> n = 0, ceil(2.5) = 3, 5. Signed order: b(3), c(1), [SEP](0.2), [CLS](0.1), the -5 token.
    long[][] act = p.activation(RELEVANCE, 3);
    assertArrayEquals(new long[] {1, 1, 1, 1, 1}, act[0]);
    assertArrayEquals(new long[] {1, 10, 1, 12, 3}, act[1]);
    assertArrayEquals(IDS, act[2]);
    // Absolute order, lowest first: [CLS](0.1), [SEP](0.2), c(1), a(3), b(5).
    long[][] prune = p.pruning(RELEVANCE, 3);
    assertArrayEquals(IDS, prune[0]);
    assertArrayEquals(new long[] {1, 10, 11, 1, 1}, prune[1]);
    assertArrayEquals(new long[] {1, 1, 1, 1, 1}, prune[2]);
  }

  @Test
  void keepSpecialNeverTouchesClsAndSep() {
    Perturbation p = new Perturbation(IDS, SPECIAL, UNK, true);
    assertEquals(3, p.candidates());
    long[][] act = p.activation(RELEVANCE, 3); // n = 0, ceil(1.5) = 2, 3 of the three words
    assertArrayEquals(new long[] {2, 1, 1, 1, 3}, act[0]);
    assertArrayEquals(new long[] {2, 10, 1, 12, 3}, act[1]);
    assertArrayEquals(IDS, act[2]);
    long[][] prune = p.pruning(RELEVANCE, 3);
    assertArrayEquals(new long[] {2, 1, 11, 1, 3}, prune[1]); // c (|1|) then a (|3|) go first
    assertArrayEquals(new long[] {2, 1, 1, 1, 3}, prune[2]);
  }

  @Test
  void tiesAreBrokenByPosition() {
    Perturbation p = new Perturbation(new long[] {5, 6, 7, 8}, new boolean[4], UNK, false);
    double[] flat = {1, 1, 1, 1};
    assertArrayEquals(new long[] {5, 6, 1, 1}, p.activation(flat, 3)[1]);
    assertArrayEquals(new long[] {1, 1, 7, 8}, p.pruning(flat, 3)[1]);
  }

  @Test
  void recordedValuesOfABagOfWordsModelByHand() {
    double[] w = weights();
    Perturbation p = new Perturbation(IDS, SPECIAL, UNK, false);
    long[][] act = p.activation(RELEVANCE, 3);
    long[][] prune = p.pruning(RELEVANCE, 3);
    double[] original = logits(IDS, w);
    TextCurves c = TextCurves.of(original, logits(act, w), logits(prune, w), 1);
    // Activation step 1 is [UNK] a [UNK] c [SEP]: p(1) = sigmoid(w_unk + w_a + w_unk + w_c + w_sep).
    double s1 = 2 * w[1] + w[10] + w[12] + w[3];
    assertEquals(1 / (1 + Math.exp(-s1)), c.activation()[1], 1e-12);
    // Gold label 0: p(0) = 1 - sigmoid.
    TextCurves c0 = TextCurves.of(original, logits(act, w), logits(prune, w), 0);
    assertEquals(1 - 1 / (1 + Math.exp(-s1)), c0.activation()[1], 1e-12);
    // Pruning step 1 is [UNK] a b [UNK] [UNK]: the logit moves from sum(all) to that sum; class 0's logit stays 0.
    double before = w[2] + w[10] + w[11] + w[12] + w[3];
    double after = 3 * w[1] + w[10] + w[11];
    assertEquals((before - after) * (before - after), c.pruningChange()[1], 1e-12);
    assertEquals(0, c.pruningChange()[0], 0);
    assertEquals(1 / (1 + Math.exp(-after)), c.pruningProbability()[1], 1e-12);
  }

  /** With an additive model the exact contributions are the best activation ranking, their negation the worst. */
  @Test
  void randomRankingsLieBetweenTheBestAndWorstOrderings() {
    double[] w = weights();
    Random rnd = new Random(7);
    long[] ids = new long[20];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 10 + rnd.nextInt(20);
    }
    Perturbation p = new Perturbation(ids, new boolean[ids.length], UNK, false);
    double[] exact = new double[ids.length];
    double[] reversed = new double[ids.length];
    for (int i = 0; i < ids.length; i++) {
      exact[i] = w[(int) ids[i]] - w[1]; // what putting token i back adds to logit_1
      reversed[i] = -exact[i];
    }
    double best = auac(p, exact, ids, w);
    double worst = auac(p, reversed, ids, w);
    double random = 0;
    int trials = 200;
    for (int t = 0; t < trials; t++) {
      double[] r = new double[ids.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = rnd.nextGaussian();
      }
      double a = auac(p, r, ids, w);
      assertTrue(a <= best + 1e-12 && a >= worst - 1e-12, "a random ranking beat the best or worst ordering: " + a);
      random += a / trials;
    }
    assertTrue(worst < random && random < best, worst + " < " + random + " < " + best);
    assertTrue(best - random > 0.05 && random - worst > 0.05, "orderings too close to tell apart: " + worst + " "
        + random + " " + best);
  }

  private static double auac(Perturbation p, double[] relevance, long[] ids, double[] w) {
    long[][] act = p.activation(relevance, 11);
    return Curves.area(TextCurves.of(logits(ids, w), logits(act, w), logits(act, w), 1).activation());
  }

  private static double[] weights() {
    Random rnd = new Random(3);
    double[] w = new double[40];
    for (int i = 0; i < w.length; i++) {
      w[i] = rnd.nextGaussian();
    }
    return w;
  }

  private static double[] logits(long[] ids, double[] w) {
    double s = 0;
    for (long id : ids) {
      s += w[(int) id];
    }
    return new double[] {0, s};
  }

  private static double[][] logits(long[][] rows, double[] w) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = logits(rows[i], w);
    }
    return out;
  }
}
