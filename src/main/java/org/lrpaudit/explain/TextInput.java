package org.lrpaudit.explain;

/** A text to explain, with its gold label when one is known (null otherwise). */
public record TextInput(String text, Integer label) {
  public static TextInput of(String text) {
    return new TextInput(text, null);
  }
}
