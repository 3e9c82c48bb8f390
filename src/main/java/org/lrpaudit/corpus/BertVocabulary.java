package org.lrpaudit.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lrpaudit.model.FileLimits;

/**
 * The WordPiece vocabulary of an uncased BERT tokenizer.json (the MiniLM encoder's, which is bert-base-uncased's), used
 * as a frequency proxy for probe slot values: a word that is one whole token is frequent in the pre-training text, and
 * in bert-base-uncased the ids of whole words (from 1996 on: "the", "of", "and", ...) run roughly by frequency, so a
 * lower id means a more frequent word.
 */
public final class BertVocabulary {
  private final Map<String, Integer> ids;

  public BertVocabulary(Map<String, Integer> ids) {
    this.ids = Map.copyOf(ids);
  }

  public static BertVocabulary load(Path tokenizerJson) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new SourceFileMissingException(tokenizerJson, "tokenizer.json of the MiniLM encoder");
    }
    JsonNode vocab = FileLimits.readJson(tokenizerJson, FileLimits.MAX_TOKENIZER_BYTES, "tokenizer.json")
        .path("model").path("vocab");
    if (!vocab.isObject() || vocab.isEmpty()) {
      throw new IllegalArgumentException(tokenizerJson + ": no model.vocab object (not a WordPiece tokenizer.json?)");
    }
    Map<String, Integer> ids = new HashMap<>();
    vocab.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asInt()));
    return new BertVocabulary(ids);
  }

  public int size() {
    return ids.size();
  }

  /** Id of a whole-word token, or -1. */
  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? -1 : id;
  }

  /**
   * The frequency rank of a phrase: the largest vocabulary id among its words (its rarest word), when each word of the
   * phrase, lowercased and without accents as BERT's uncased normaliser reads it, is one whole token; -1 when any word
   * would be split into sub-word pieces.
   */
  public int wholeWordRank(String phrase) {
    List<String> words = basicTokens(phrase);
    if (words.isEmpty()) {
      return -1;
    }
    int rank = -1;
    for (String w : words) {
      int id = id(w);
      if (id < 0) {
        return -1;
      }
      rank = Math.max(rank, id);
    }
    return rank;
  }

  /** BERT's basic tokenisation: lowercase, accents stripped, split on white space and around punctuation. */
  static List<String> basicTokens(String text) {
    String s = Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD).replaceAll("\\p{Mn}+", "");
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (Character.isWhitespace(ch)) {
        flush(cur, out);
      } else if (Character.isLetterOrDigit(ch)) {
        cur.append(ch);
      } else {
        flush(cur, out);
        out.add(String.valueOf(ch));
      }
    }
    flush(cur, out);
    return out;
  }

  private static void flush(StringBuilder cur, List<String> out) {
    if (cur.length() > 0) {
      out.add(cur.toString());
      cur.setLength(0);
    }
  }
}
