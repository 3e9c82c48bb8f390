package org.lrpaudit.annotate;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A lexicon's terms split by its case rule: {@code anyCase} match in any capitalisation, {@code exactCase} only as
 * written. Under ignore-unless-word, a term whose lowercase form is an ordinary word goes to {@code exactCase}, and its
 * matches are "guarded": {@link MentionExtractor} drops them at the start of a sentence, where a capital says nothing
 * ("My wife ...", "So far ...", "Will it ...").
 */
public record LexiconTerms(LexiconSpec spec, List<String> anyCase, List<String> exactCase, int excluded)
    implements Serializable {

  /** The terms split by the case rule; terms in {@code exclude} (lowercase) are left out. */
  public static LexiconTerms of(LexiconSpec spec, List<String> terms, Set<String> commonWords, Set<String> exclude) {
    int excluded = 0;
    Map<String, String> any = new LinkedHashMap<>(); // lowercase -> first spelling
    Set<String> exact = new LinkedHashSet<>();
    for (String t : terms) {
      String lower = t.toLowerCase(Locale.ROOT);
      if (exclude.contains(lower)) {
        excluded++;
        continue;
      }
      boolean onlyAsWritten = switch (spec.caseRule()) {
        case EXACT -> true;
        case IGNORE -> false;
        case IGNORE_UNLESS_WORD -> commonWords.contains(lower);
      };
      if (onlyAsWritten) {
        exact.add(t);
      } else {
        any.putIfAbsent(lower, t);
      }
    }
    return new LexiconTerms(spec, List.copyOf(any.values()), List.copyOf(exact), excluded);
  }

  /** Whether matches of the exact-case part need the sentence-start guard (only the ordinary-word terms do). */
  public boolean guardedExact() {
    return spec.caseRule() == CaseRule.IGNORE_UNLESS_WORD;
  }

  public int size() {
    return anyCase.size() + exactCase.size();
  }
}
