package org.lrpaudit.annotate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the mentions of one text among the matches of all lexicons, which may overlap. Longest match first ("New
 * York City" over "York", "Woody Allen" over "Woody"); among matches of the same length, the lexicon with the lower
 * priority number (so a word listed both as a place and as a first name, "Georgia", "Denver", is a place by default);
 * then the earlier start. A match that overlaps an already chosen one is dropped, so mentions never overlap.
 */
public final class MentionResolver {
  /** A match: [start, end) in UTF-16 units, the index of its lexicon, and that lexicon's priority. */
  public record Match(int start, int end, int lexicon, int priority) {
    int length() {
      return end - start;
    }
  }

  private static final Comparator<Match> PREFERENCE = Comparator.comparingInt(Match::length).reversed()
      .thenComparingInt(Match::priority).thenComparingInt(Match::start).thenComparingInt(Match::lexicon);

  private MentionResolver() {
  }

  /** The chosen matches, by start. */
  public static List<Match> resolve(List<Match> matches) {
    List<Match> sorted = new ArrayList<>(matches);
    sorted.sort(PREFERENCE);
    List<Match> chosen = new ArrayList<>();
    for (Match m : sorted) {
      boolean free = true;
      for (Match c : chosen) {
        if (m.start() < c.end() && c.start() < m.end()) {
          free = false;
          break;
        }
      }
      if (free) {
        chosen.add(m);
      }
    }
    chosen.sort(Comparator.comparingInt(Match::start));
    return chosen;
  }
}
