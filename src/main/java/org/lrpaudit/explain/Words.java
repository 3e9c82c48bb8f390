package org.lrpaudit.explain;

import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.TokenizedText;

/** Word-level relevance: the sum of a word's sub-word tokens; special tokens stay words of their own. */
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
      int j = i;
      double sum = 0;
      while (j < tokens.size() && t.wordIds()[j] == t.wordIds()[i]) {
        sum += tokens.get(j).relevance();
        j++;
      }
      int start = first.start();
      int end = tokens.get(j - 1).end();
      long id = j - i == 1 ? first.id() : -1;
      String source = first.segment() == 1 && pair != null ? pair : text;
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
}
