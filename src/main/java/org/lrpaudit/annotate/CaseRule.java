package org.lrpaudit.annotate;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.lrpaudit.runtime.JobException;

/**
 * How a lexicon's terms match letter case. The real sentences are lowercased, so names and places must match in any
 * case to be found at all; but many first names (and some places and brands) are also ordinary English words: "will",
 * "rose", "bill", "grace", "china", "apple". {@link #IGNORE_UNLESS_WORD} (the default) therefore matches a term in any case
 * unless its lowercase form is an ordinary word (the common-words list), in which case only the capitalisation the
 * lexicon lists matches: "Will" is a name, "will" is not.
 */
public enum CaseRule {
  /** Only the capitalisation the lexicon lists. */
  EXACT("exact"),
  /** Any capitalisation. */
  IGNORE("ignore"),
  /** Any capitalisation, except terms that are ordinary words, which match only as listed. */
  IGNORE_UNLESS_WORD("ignore-unless-word");

  public final String key;

  CaseRule(String key) {
    this.key = key;
  }

  public static CaseRule parse(String value, String setting) {
    for (CaseRule r : values()) {
      if (r.key.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new JobException(setting + " = '" + value + "': must be one of "
        + Arrays.stream(values()).map(r -> r.key).collect(Collectors.joining(", ")));
  }
}
