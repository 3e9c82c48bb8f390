package org.lrpaudit.corpus;

import java.util.Objects;

/**
 * One row of the corpus table: {@code id} (stable: source and row number), {@code text}, {@code label} (0 negative,
 * 1 positive), {@code source} and {@code split} (train, validation or test). Generated probes also carry a
 * {@link Probe}; real sentences have none.
 */
public record CorpusRow(String id, String text, int label, String source, String split, Probe probe) {
  public static final int NEGATIVE = 0;
  public static final int POSITIVE = 1;

  public CorpusRow {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    if (label != NEGATIVE && label != POSITIVE) {
      throw new IllegalArgumentException("label must be 0 or 1, not " + label + " (row " + id + ")");
    }
  }

  /** A real sentence, before its split is assigned. */
  public static CorpusRow of(String id, String text, int label, String source) {
    return new CorpusRow(id, text, label, source, null, null);
  }

  public CorpusRow withSplit(String newSplit) {
    return new CorpusRow(id, text, label, source, newSplit, probe);
  }

  public boolean isProbe() {
    return probe != null;
  }

  /**
   * How a probe was made: its template (with {@code {PERSON}}-style placeholders), the sentiment word and the entity
   * slot's kind and value, with UTF-16 character offsets into the text ({@code text.substring(slotStart, slotEnd)}
   * is the slot value, {@code text.substring(wordStart, wordEnd)} the sentiment word). Probes with the same
   * {@code pair} differ only in the name (a female and a male name of similar frequency): counterfactual twins.
   */
  public record Probe(String templateId, String template, String word, String pair, String slotKind,
      String slotValue, int slotStart, int slotEnd, int wordStart, int wordEnd) {
  }
}
