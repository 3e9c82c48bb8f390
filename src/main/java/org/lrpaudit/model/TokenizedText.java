package org.lrpaudit.model;

/**
 * One text as the model sees it: ids with token types, token strings, UTF-16 character offsets [start, end) into the
 * original text (special tokens have start == end == 0), word index per token (-1 for special tokens), and whether
 * the text was cut to fit the model. segments[i] is
 * 0 for tokens of the text and 1 for tokens of a sentence pair's second text (offsets index that text).
 */
public record TokenizedText(
    long[] ids, long[] typeIds, String[] tokens, int[] starts, int[] ends, int[] wordIds, boolean[] special,
    boolean truncated, int[] segments) {

  /** A single text: every token in segment 0. */
  public TokenizedText(long[] ids, long[] typeIds, String[] tokens, int[] starts, int[] ends, int[] wordIds,
      boolean[] special, boolean truncated) {
    this(ids, typeIds, tokens, starts, ends, wordIds, special, truncated, new int[ids.length]);
  }

  public int length() {
    return ids.length;
  }
}
