package org.lrpaudit.explain;

/**
 * A text to explain, with its gold label when one is known (null otherwise), and the second text of a sentence pair
 * (premise / hypothesis, question / answer) or null.
 */
public record TextInput(String text, Integer label, String pair) {
  public TextInput(String text, Integer label) {
    this(text, label, null);
  }

  public static TextInput of(String text) {
    return new TextInput(text, null);
  }

  public static TextInput pair(String text, String pair) {
    return new TextInput(text, null, pair);
  }
}
