package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A probe's sentiment word: the word, its polarity (the probe's label) and its kind ({@code adj} for the {ADJ} slot,
 * {@code emotion} for {EMOTION}). Read from {@code word<TAB>positive|negative<TAB>adj|emotion} lines.
 */
public record SentimentWord(String word, int label, String kind) {
  public static List<SentimentWord> read(Path file) throws IOException {
    List<SentimentWord> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String[] c : Lexicon.readTsv(file, "probe sentiment words")) {
      if (c.length != 3) {
        throw new IllegalArgumentException(file + ": expected word<TAB>positive|negative<TAB>adj|emotion, got '"
            + String.join("\t", c) + "'");
      }
      int label = switch (c[1].toLowerCase(Locale.ROOT)) {
        case "positive" -> CorpusRow.POSITIVE;
        case "negative" -> CorpusRow.NEGATIVE;
        default -> throw new IllegalArgumentException(file + ": polarity of '" + c[0] + "' must be positive or "
            + "negative, not '" + c[1] + "'");
      };
      String kind = c[2].toLowerCase(Locale.ROOT);
      if (!kind.equals(ProbeTemplate.ADJ) && !kind.equals(ProbeTemplate.EMOTION)) {
        throw new IllegalArgumentException(file + ": kind of '" + c[0] + "' must be adj or emotion, not '" + c[2] + "'");
      }
      if (!seen.add(c[0] + "\t" + kind)) {
        throw new IllegalArgumentException(file + ": '" + c[0] + "' (" + kind + ") appears twice");
      }
      out.add(new SentimentWord(c[0], label, kind));
    }
    return out;
  }
}
