package org.lrpaudit.annotate;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * One configured lexicon: its name (the mentions table's {@code lexicon}), the kind of its mentions, where its file is
 * (resolved: an absolute path or a Hadoop FileSystem URI), the case rule, and its priority (lower wins when two lexicons
 * match exactly the same words), files of terms to leave out of it ("January", "Irish" in a first-name list), and
 * words (lowercase) after which a match is not a mention (surname particles: "de palma", "o'fallon").
 * {@code setting} names where it was configured, for error messages. {@code language} (an ISO 639-1 code such as "en",
 * "de") limits the lexicon to texts of that language (annotate --language); null: texts of every language.
 * {@code yieldAfter}: words (lowercase) after which a match of this lexicon loses to a match of any other lexicon on
 * the same words, but stays a mention where there is none ("in Jordan" a country, "from Jamie" still a name).
 */
public record LexiconSpec(String name, String kind, String file, CaseRule caseRule, int priority, String setting,
    List<String> excludeFiles, Set<String> notAfter, String language, Set<String> yieldAfter) implements Serializable {
  public LexiconSpec(String name, String kind, String file, CaseRule caseRule, int priority, String setting,
      List<String> excludeFiles, Set<String> notAfter) {
    this(name, kind, file, caseRule, priority, setting, excludeFiles, notAfter, null, Set.of());
  }

  public LexiconSpec {
    yieldAfter = Set.copyOf(yieldAfter);
    excludeFiles = List.copyOf(excludeFiles);
    notAfter = Set.copyOf(notAfter);
  }
}
