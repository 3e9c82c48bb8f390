package org.lrpaudit.explain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts texts into batches whose padded size (rows x longest row) stays within a token budget. Texts are sorted by length
 * first so each batch holds texts of similar length and little compute goes to padding; callers write results back by index.
 */
public final class TokenBudget {
  private final int maxTokens;
  private final int maxRows;

  public TokenBudget(int maxTokens, int maxRows) {
    if (maxTokens < 1 || maxRows < 1) {
      throw new IllegalArgumentException("token budget and batch rows must be positive");
    }
    this.maxTokens = maxTokens;
    this.maxRows = maxRows;
  }

  /** Batches as lists of indices into lengths; every index appears exactly once. */
  public List<List<Integer>> batches(int[] lengths) {
    List<Integer> order = IntStream.range(0, lengths.length).boxed()
        .sorted(Comparator.comparingInt((Integer i) -> lengths[i]).reversed().thenComparingInt(i -> i))
        .toList();
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int longest = 0;
    for (int i : order) {
      int l = Math.max(longest, lengths[i]);
      if (!current.isEmpty() && ((long) l * (current.size() + 1) > maxTokens || current.size() >= maxRows)) {
        out.add(current);
        current = new ArrayList<>();
        l = lengths[i];
      }
      current.add(i);
      longest = l;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
