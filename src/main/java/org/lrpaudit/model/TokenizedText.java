package org.lrpaudit.model;

/**
 * One text as the model sees it: ids with token types, token strings, UTF-16 character offsets [start, end) into the
 * original text (special tokens have start == end == 0), word index per token (-1 for special tokens), and whether
 * the text was cut to fit the model.
 */
public record TokenizedText(
    long[] ids, long[] typeIds, String[] tokens, int[] starts, int[] ends, int[] wordIds, boolean[] special,
    boolean truncated) {

  public int length() {
    return ids.length;
  }
}
