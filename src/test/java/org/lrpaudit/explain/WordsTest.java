package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrpaudit.model.GeneratedTokenizer;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TextTokenizer;
import org.lrpaudit.model.TokenizedText;

/**
 * Words are the same for every tokenizer kind: a name followed by a comma is the word of the name alone, and carries the
 * relevance of exactly the tokens inside it. The expected words are BERT's basic tokenization of the text, written out
 * here; each word's relevance is recomputed from the tokens whose offsets fall inside it (token k has relevance 2^k, so
 * every sum is exact and tells which tokens went in).
 */
class WordsTest {
  private static final String TEXT = "emma, i loved alice, the film's end. great!";
  private static final List<String> WORDS = List.of("emma", ",", "i", "loved", "alice", ",", "the", "film", "'", "s",
      "end", ".", "great", "!");

  @TempDir
  Path tmp;

  @ParameterizedTest
  @EnumSource(GeneratedTokenizer.class)
  void punctuationIsAWordOfItsOwnInEveryTokenizerKind(GeneratedTokenizer kind) throws IOException {
    List<String> vocabulary = new ArrayList<>(RandomCheckpoint.DEMO_WORDS);
    vocabulary.addAll(List.of("alice", "end"));
    Path file = tmp.resolve(kind + ".json");
    GeneratedTokenizer.Vocabulary v = kind.write(vocabulary, file);
    TokenizedText t;
    try (TextTokenizer tokenizer = new TextTokenizer(file, 64, v.size())) {
      t = tokenizer.encode(TEXT);
    }
    List<TokenRelevance> tokens = new ArrayList<>();
    for (int k = 0; k < t.ids().length; k++) {
      tokens.add(new TokenRelevance(t.tokens()[k], t.ids()[k], t.starts()[k], t.ends()[k], Math.scalb(1.0, k)));
    }
    List<TokenRelevance> words = Words.merge(TEXT, t, tokens).stream().filter(w -> w.end() > w.start()).toList();
    String where = kind + " " + tokens;
    assertEquals(WORDS, words.stream().map(TokenRelevance::token).toList(), where);
    int from = 0;
    for (TokenRelevance w : words) {
      int start = TEXT.indexOf(w.token(), from);
      assertEquals(List.of(start, start + w.token().length()), List.of(w.start(), w.end()), where + " " + w);
      from = w.end();
      double inside = 0;
      for (TokenRelevance token : tokens) {
        // A SentencePiece token may begin with the space before its word.
        int s = token.start();
        while (s < token.end() && TEXT.charAt(s) == ' ') {
          s++;
        }
        if (token.end() > token.start() && s >= w.start() && token.end() <= w.end()) {
          inside += token.relevance();
        }
      }
      assertEquals(inside, w.relevance(), 0.0, where + " " + w);
    }
  }
}
