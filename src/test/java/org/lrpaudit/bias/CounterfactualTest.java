package org.lrpaudit.bias;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrpaudit.corpus.BertVocabulary;
import org.lrpaudit.explain.TokenRelevance;

/** Name swaps: pairing by frequency rank, consistent replacement with offsets, errors, and the span share. */
class CounterfactualTest {
  static final NameSwaps SWAPS = new NameSwaps(Map.of("anna", "john", "john", "anna", "kate", "paul", "paul", "kate"));

  @Test
  void pairsNamesByNearestLogRankOneToOneThenReusing() {
    BertVocabulary vocab = new BertVocabulary(Map.of("anna", 100, "kate", 1000, "john", 110, "paul", 900,
        "mark", 5000));
    NameSwaps s = NameSwaps.build(List.of("Kate", "anna"), List.of("john", "paul", "MARK"), vocab);
    // anna (100) -> john (110); kate (1000) -> paul (900); john -> anna, paul -> kate; mark (5000): both female names are
    // taken, so they become available again and the nearest in log rank is kate (1000).
    assertEquals(Map.of("anna", "john", "kate", "paul", "john", "anna", "paul", "kate", "mark", "kate"), s.asMap());
  }

  @Test
  void everyOccurrenceOfANameGetsTheSameSwapWithItsCaseAndNewOffsets() {
    String text = "Anna met KATE, and anna liked Kate.";
    List<Counterfactual.Name> names = List.of(new Counterfactual.Name(0, 4, "female_name"),
        new Counterfactual.Name(9, 13, "female_name"), new Counterfactual.Name(19, 23, "female_name"),
        new Counterfactual.Name(30, 34, "female_name"));
    Counterfactual c = Counterfactual.of(text, names, SWAPS);
    assertEquals("ok", c.status());
    assertEquals("John met PAUL, and john liked Paul.", c.swappedText());
    assertEquals(Counterfactual.FEMALE_TO_MALE, c.direction());
    for (int i = 0; i < names.size(); i++) {
      int[] to = c.swappedSpans().get(i);
      assertEquals(SWAPS.swap(text.substring(names.get(i).start(), names.get(i).end())),
          c.swappedText().substring(to[0], to[1]));
    }
    assertEquals("Anna,KATE,anna,Kate", c.originalNames());
    Counterfactual mixed = Counterfactual.of("John and Anna", List.of(new Counterfactual.Name(0, 4, "male_name"),
        new Counterfactual.Name(9, 13, "female_name")), SWAPS);
    assertEquals("Anna and John", mixed.swappedText());
    assertEquals(Counterfactual.MIXED, mixed.direction());
  }

  @Test
  void badMentionsGetAStatus() {
    assertEquals("offsets_outside_text", Counterfactual.of("Anna", List.of(new Counterfactual.Name(0, 9, "female_name")),
        SWAPS).status());
    assertEquals("overlapping_mentions", Counterfactual.of("Anna Kate", List.of(new Counterfactual.Name(0, 4, "female_name"),
        new Counterfactual.Name(2, 6, "female_name")), SWAPS).status());
    assertEquals("no_swap_for_name", Counterfactual.of("Zoe", List.of(new Counterfactual.Name(0, 3, "female_name")),
        SWAPS).status());
    assertEquals("id_not_in_input", Counterfactual.of(null, List.of(), SWAPS).status());
  }

  @Test
  void spanShareCountsOverlappingWordsOnceOverAllAbsoluteRelevance() {
    List<TokenRelevance> words = List.of(new TokenRelevance("[CLS]", 1, 0, 0, 1.0),
        new TokenRelevance("anna", -1, 0, 4, -2.0), new TokenRelevance("met", -1, 5, 8, 3.0),
        new TokenRelevance("kate", -1, 9, 13, 1.0), new TokenRelevance("[SEP]", 2, 0, 0, -1.0));
    assertEquals(-1.0 / 8, Counterfactual.share(words, List.of(new int[] {0, 4}, new int[] {9, 13})), 1e-15);
    assertEquals(Double.NaN, Counterfactual.share(words, List.of(new int[] {20, 24})));
    assertArrayEquals(new double[] {1.0 / 8}, new double[] {Counterfactual.share(words, List.of(new int[] {10, 11}))});
  }
}
