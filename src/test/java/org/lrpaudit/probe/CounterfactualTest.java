package org.lrpaudit.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrpaudit.corpus.BertVocabulary;
import org.lrpaudit.corpus.NameFrequencies;
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

  /** With the first-name table, names pair by US births rank; names it lacks rank after all it has, by vocabulary. */
  @Test
  void pairsNamesByBirthsRankWhenTheNamesTableIsThere(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws java.io.IOException {
    java.nio.file.Path tsv = tmp.resolve(NameFrequencies.FILE);
    java.nio.file.Files.writeString(tsv, "# first names (test)\n# name\tkind\tf\tm\tshare\tus_births\tsource\n"
        + "John\tmale_name\t1\t900\t0.001\t901\tssa\nAnna\tfemale_name\t880\t2\t0.998\t882\tssa\n"
        + "Paul\tmale_name\t1\t500\t0.002\t501\tssa\nKate\tfemale_name\t40\t0\t1\t40\tssa\n"
        + "Zoë\tfemale_name\t\t\t\t0\tdatafaker\n");
    NameFrequencies births = NameFrequencies.read(tsv);
    assertEquals(List.of(1, 2, 3, 4, -1), List.of(births.rank("john"), births.rank("ANNA"), births.rank("paul"),
        births.rank("kate"), births.rank("zoë")));
    // The vocabulary pairs anna (100) with john (110) and kate (1000) with paul (900) (test above). By births rank:
    // anna (2) is nearest paul (3) in log rank, kate (4) takes the male name left, john (1); john (1) -> anna (2),
    // paul (3) -> kate (4); mark, unknown to the table, ranks after it (4 + 5000): nearest kate once all are used.
    BertVocabulary vocab = new BertVocabulary(Map.of("anna", 100, "kate", 1000, "john", 110, "paul", 900,
        "mark", 5000));
    NameSwaps s = NameSwaps.build(List.of("Kate", "anna"), List.of("john", "paul", "MARK"), vocab, births);
    assertEquals(Map.of("anna", "paul", "kate", "john", "john", "anna", "paul", "kate", "mark", "kate"), s.asMap());
    assertEquals(4 + 5000, births.rankOr("mark", 5000));
    assertEquals(5000, NameFrequencies.none().rankOr("mark", 5000));
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
