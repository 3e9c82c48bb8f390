package org.lrpaudit.explain;

import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.TokenizedText;

/**
 * Word-level relevance: the sum of a word's sub-word tokens; special tokens stay words of their own. A word is a run of
 * tokens with the same word id of the tokenizer, cut where a token of punctuation only meets a token with a letter or
 * digit: WordPiece (BertPreTokenizer) and byte-level BPE (GPT-2's pattern) already split punctuation from letters, but
 * SentencePiece's Metaspace splits at spaces only, so without the cut XLM-R, ALBERT and DeBERTa would give "emma," as
 * one word and a name's relevance would include the comma's. A token that mixes both (a vocabulary piece "emma,") is
 * never split: relevance belongs to whole tokens.
 */
final class Words {
  private Words() {}

  static List<TokenRelevance> merge(String text, TokenizedText t, List<TokenRelevance> tokens) {
    return merge(text, null, t, tokens);
  }

  /** With a sentence pair's second text (or null): words of segment 1 take their text from it. */
  static List<TokenRelevance> merge(String text, String pair, TokenizedText t, List<TokenRelevance> tokens) {
    List<TokenRelevance> words = new ArrayList<>();
    int i = 0;
    while (i < tokens.size()) {
      TokenRelevance first = tokens.get(i);
      if (t.wordIds()[i] < 0) {
        words.add(first);
        i++;
        continue;
      }
      String source = first.segment() == 1 && pair != null ? pair : text;
      int j = i;
      double sum = 0;
      Kind before = Kind.SPACE;
      while (j < tokens.size() && t.wordIds()[j] == t.wordIds()[i]) {
        Kind kind = kind(source, tokens.get(j));
        if (j > i && kind != Kind.SPACE && before != Kind.SPACE && kind != before) {
          break;
        }
        before = kind == Kind.SPACE ? before : kind;
        sum += tokens.get(j).relevance();
        j++;
      }
      int start = first.start();
      int end = tokens.get(j - 1).end();
      long id = j - i == 1 ? first.id() : -1;
      // SentencePiece tokens (\u2581word) cover the space before the word: a word's span does not.
      while (start < end && Character.isWhitespace(source.charAt(start))) {
        start++;
      }
      while (end > start && Character.isWhitespace(source.charAt(end - 1))) {
        end--;
      }
      words.add(new TokenRelevance(source.substring(start, end), id, start, end, sum, first.segment()));
      i = j;
    }
    return words;
  }

  /** What a token covers: only whitespace (or nothing), only punctuation, or some letter, digit or other symbol. */
  private enum Kind { SPACE, PUNCTUATION, WORD }

  private static Kind kind(String source, TokenRelevance token) {
    Kind kind = Kind.SPACE;
    int end = Math.min(token.end(), source.length());
    for (int k = Math.max(0, token.start()); k < end; k += Character.charCount(source.codePointAt(k))) {
      int c = source.codePointAt(k);
      if (!Character.isWhitespace(c)) {
        if (!isPunctuation(c)) {
          return Kind.WORD;
        }
        kind = Kind.PUNCTUATION;
      }
    }
    return kind;
  }

  /** BERT's punctuation (BasicTokenizer._is_punctuation): ASCII non-alphanumeric symbols and Unicode P* categories. */
  private static boolean isPunctuation(int c) {
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
          Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION -> true;
      default -> false;
    };
  }
}
