package org.lrpaudit.explain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts texts into batches whose padded size (rows x longest row) stays within a token budget. Texts are sorted by length
 * first so each batch holds texts of similar length, and a batch is also closed before its padding would exceed
 * {@link #MAX_PADDING} of its slots (in the long tail of a corpus, lengths within a full batch spread widely).
 * Callers write results back by index.
 */
public final class TokenBudget {
  /** Largest share of padded slots in one batch; so also in all of them together. */
  public static final double MAX_PADDING = 0.08;
  /** Padded tokens per batch where a caller sets none (--batch-tokens). */
  public static final int DEFAULT_TOKENS = 4096;
  /** Rows per batch at most where a caller sets none (--batch-rows). */
  public static final int DEFAULT_ROWS = 64;

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
    long real = 0;
    for (int i : order) {
      int l = Math.max(longest, lengths[i]);
      long slots = (long) l * (current.size() + 1);
      if (!current.isEmpty() && (slots > maxTokens || current.size() >= maxRows
          || real + lengths[i] < (1 - MAX_PADDING) * slots)) {
        out.add(current);
        current = new ArrayList<>();
        l = lengths[i];
        real = 0;
      }
      current.add(i);
      real += lengths[i];
      longest = l;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }
}
