package org.lrpaudit.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Overlap resolution and the sentence-start guard, on hand-made matches (no Spark). */
class MentionResolverTest {
  private static MentionResolver.Match m(int start, int end, int lexicon, int priority) {
    return new MentionResolver.Match(start, end, lexicon, priority);
  }

  @Test
  void longestMatchWinsThenPriorityThenStart() {
    // "New York" [0,8) beats "York" [4,8) whatever the priorities.
    assertEquals(List.of(m(0, 8, 1, 20)), MentionResolver.resolve(List.of(m(4, 8, 0, 1), m(0, 8, 1, 20))));
    // Same span in two lexicons: the lower priority number wins.
    assertEquals(List.of(m(0, 7, 2, 10)), MentionResolver.resolve(List.of(m(0, 7, 5, 50), m(0, 7, 2, 10))));
    // Two equally long overlapping matches of equal priority: the earlier start.
    assertEquals(List.of(m(0, 6, 0, 1)), MentionResolver.resolve(List.of(m(3, 9, 0, 1), m(0, 6, 0, 1))));
    // Disjoint matches are all kept, by start.
    assertEquals(List.of(m(0, 3, 0, 1), m(4, 8, 1, 1)), MentionResolver.resolve(List.of(m(4, 8, 1, 1), m(0, 3, 0, 1))));
    // Touching ([0,3) and [3,5)) is not overlapping.
    assertEquals(2, MentionResolver.resolve(List.of(m(0, 3, 0, 1), m(3, 5, 1, 1))).size());
  }

  /** Against exhaustive search: the greedy choice is never beaten on its own ordering, and never overlaps. */
  @Test
  void resultNeverOverlapsAndKeepsEveryLongestMatch() {
    Random rnd = new Random(3);
    for (int round = 0; round < 500; round++) {
      List<MentionResolver.Match> all = new ArrayList<>();
      int n = 1 + rnd.nextInt(8);
      for (int i = 0; i < n; i++) {
        int start = rnd.nextInt(20);
        all.add(m(start, start + 1 + rnd.nextInt(6), rnd.nextInt(4), rnd.nextInt(3)));
      }
      List<MentionResolver.Match> chosen = MentionResolver.resolve(all);
      for (int i = 0; i < chosen.size(); i++) {
        for (int j = i + 1; j < chosen.size(); j++) {
          assertTrue(chosen.get(i).end() <= chosen.get(j).start(), "overlap or unsorted: " + chosen);
        }
      }
      int longest = all.stream().mapToInt(x -> x.end() - x.start()).max().orElseThrow();
      assertTrue(chosen.stream().anyMatch(x -> x.end() - x.start() == longest), "a longest match is kept");
      // Every dropped match overlaps a chosen one that is at least as long.
      for (MentionResolver.Match x : all) {
        if (!chosen.contains(x)) {
          assertTrue(chosen.stream().anyMatch(c -> c.start() < x.end() && x.start() < c.end()
              && c.end() - c.start() >= x.end() - x.start()), x + " dropped without a longer overlapping match");
        }
      }
    }
  }

  @Test
  void sentenceStart() {
    assertTrue(MentionExtractor.startsSentence("Will it work?", 0));
    assertTrue(MentionExtractor.startsSentence("  \"Will it", 3));
    assertTrue(MentionExtractor.startsSentence("It works. Will it?", 10));
    assertTrue(MentionExtractor.startsSentence("Great!Angel is", 6));
    assertTrue(MentionExtractor.startsSentence("Wait... (Will it?", 9));
    assertFalse(MentionExtractor.startsSentence("I saw Will there", 6));
    assertFalse(MentionExtractor.startsSentence("film, Will said", 6));
  }

  @Test
  void previousWord() {
    assertEquals("de", MentionExtractor.previousWord("brian de palma", 9));
    assertEquals("o", MentionExtractor.previousWord("o'fallon", 2));
    assertEquals("o", MentionExtractor.previousWord("O\u2019Hara", 2));
    assertEquals("van", MentionExtractor.previousWord("Van  Hugo", 5));
    assertEquals("", MentionExtractor.previousWord("Hugo", 0));
    assertEquals("", MentionExtractor.previousWord("(Hugo", 1));
  }
}
