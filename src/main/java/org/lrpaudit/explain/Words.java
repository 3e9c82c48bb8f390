package org.lrpaudit.explain;

import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.TokenizedText;

/** Word-level relevance: the sum of a word's sub-word tokens; special tokens stay words of their own. */
final class Words {
  private Words() {}

  static List<TokenRelevance> merge(String text, TokenizedText t, List<TokenRelevance> tokens) {
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
      words.add(new TokenRelevance(text.substring(start, end), id, start, end, sum));
      i = j;
    }
    return words;
  }
}
