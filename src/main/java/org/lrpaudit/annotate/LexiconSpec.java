package org.lrpaudit.annotate;

import java.io.Serializable;
import java.util.List;

/**
 * One configured lexicon: its name (the mentions table's {@code lexicon}), the kind of its mentions, where its file is
 * (resolved: an absolute path or a Hadoop FileSystem URI), the case rule, and its priority (lower wins when two lexicons
 * match exactly the same words), and files of terms to leave out of it ("January", "Irish" in a first-name list).
 * {@code setting} names where it was configured, for error messages.
 */
public record LexiconSpec(String name, String kind, String file, CaseRule caseRule, int priority, String setting,
    List<String> excludeFiles) implements Serializable {
  public LexiconSpec {
    excludeFiles = List.copyOf(excludeFiles);
  }
}
