package org.lrpaudit.runtime;

import org.lrpaudit.model.TokenizedText;

/**
 * Decides whether a text can be explained: one rule for the explain job, explain-text, annotate and evaluate. A null text, an empty or whitespace-only text and a text with an unpaired
 * UTF-16 surrogate become error rows: the model would see only [CLS] [SEP] (or a text that cannot be encoded as UTF-8),
 * and an explanation of the special tokens alone says nothing about the row. Control characters are fine (the
 * tokenizer's normaliser drops them); a text that leaves no token at all becomes a no_tokens error row later.
 */
public final class TextCheck {
  private TextCheck() {}

  /** The error for this text, or null if it can be tokenized. */
  public static RowError check(String text) {
    if (text == null) {
      return new RowError(RowError.NULL_TEXT, "text is null");
    }
    if (isBlank(text)) {
      return new RowError(RowError.EMPTY_TEXT, text.isEmpty() ? "text is empty"
          : "text holds only whitespace (" + text.length() + " characters)");
    }
    return unpairedSurrogate(text);
  }

  /** An invalid_unicode error if the text holds an unpaired UTF-16 surrogate, else null. */
  public static RowError unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return new RowError(RowError.INVALID_UNICODE, String.format(
            "unpaired UTF-16 surrogate U+%04X at character %d (not valid Unicode; cannot be encoded as UTF-8)", (int) c, i));
      }
    }
    return null;
  }

  /**
   * A no_tokens error if the tokenized text holds no token but the special ones ([CLS] [SEP]): only control or other
   * characters the tokenizer drops. Null otherwise.
   */
  public static RowError noTokens(TokenizedText t) {
    for (boolean special : t.special()) {
      if (!special) {
        return null;
      }
    }
    return new RowError(RowError.NO_TOKENS, "the text gives no token but [CLS] and [SEP] (only control or unknown "
        + "characters?)");
  }

  /** Whitespace in Java's sense or Unicode space separators (no-break space included). */
  static boolean isBlank(String text) {
    return text.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }

  /** The text cut to at most maxChars UTF-16 units, never inside a surrogate pair. */
  public static String cut(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int end = maxChars;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }
}
