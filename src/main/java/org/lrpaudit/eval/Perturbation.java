package org.lrpaudit.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The inputs of the paper's two faithfulness tasks for one text and one relevance vector (method.md, "Faithfulness").
 * At step k of S (fraction k / (S - 1)) n_k = ceil(fraction * N) tokens are chosen:
 * <ul>
 *   <li>activation: every candidate token is [UNK] except the n_k with the highest SIGNED relevance, which are put back;
 *   <li>pruning: the n_k candidate tokens with the lowest ABSOLUTE relevance are replaced by [UNK].
 * </ul>
 * Candidates are all N tokens, [CLS] and [SEP] included (the paper's protocol), or, with keepSpecial, the N tokens that
 * are not special, while [CLS] and [SEP] stay as they are. Ties are broken by position (earlier first), so a ranking is a
 * function of the relevance alone. Texts keep their length: padding is added later by the batcher and stays padding.
 */
public final class Perturbation {
  private final long[] ids;
  private final int[] candidates;
  private final long unkId;

  public Perturbation(long[] ids, boolean[] special, long unkId, boolean keepSpecial) {
    this.ids = ids.clone();
    this.candidates = IntStream.range(0, ids.length).filter(i -> !(keepSpecial && special[i])).toArray();
    this.unkId = unkId;
  }

  /** N: how many tokens the fractions count. */
  public int candidates() {
    return candidates.length;
  }

  /** n_k = ceil(k / (steps - 1) * N), in exact integer arithmetic. */
  public static int count(int k, int steps, int n) {
    return (int) (((long) k * n + steps - 2) / (steps - 1));
  }

  /** Candidate positions by signed relevance, highest first. */
  int[] activationOrder(double[] relevance) {
    return order(Comparator.comparingDouble((Integer i) -> -relevance[i]));
  }

  /** Candidate positions by absolute relevance, lowest first. */
  int[] pruningOrder(double[] relevance) {
    return order(Comparator.comparingDouble((Integer i) -> Math.abs(relevance[i])));
  }

  private int[] order(Comparator<Integer> by) {
    return Arrays.stream(candidates).boxed().sorted(by.thenComparingInt(i -> i)).mapToInt(Integer::intValue).toArray();
  }

  /** The activation task's input at each of the steps: [steps][length]. */
  public long[][] activation(double[] relevance, int steps) {
    int[] order = activationOrder(check(relevance));
    long[][] out = new long[steps][];
    for (int k = 0; k < steps; k++) {
      long[] x = ids.clone();
      for (int c : candidates) {
        x[c] = unkId;
      }
      int n = count(k, steps, candidates.length);
      for (int j = 0; j < n; j++) {
        x[order[j]] = ids[order[j]];
      }
      out[k] = x;
    }
    return out;
  }

  /** The pruning task's input at each of the steps: [steps][length]. */
  public long[][] pruning(double[] relevance, int steps) {
    int[] order = pruningOrder(check(relevance));
    long[][] out = new long[steps][];
    for (int k = 0; k < steps; k++) {
      long[] x = ids.clone();
      int n = count(k, steps, candidates.length);
      for (int j = 0; j < n; j++) {
        x[order[j]] = unkId;
      }
      out[k] = x;
    }
    return out;
  }

  private double[] check(double[] relevance) {
    if (relevance.length != ids.length) {
      throw new IllegalArgumentException("relevance has " + relevance.length + " values for " + ids.length + " tokens");
    }
    return relevance;
  }
}
