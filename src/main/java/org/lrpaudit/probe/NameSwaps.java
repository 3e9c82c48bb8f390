package org.lrpaudit.probe;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.lrpaudit.corpus.BertVocabulary;
import org.lrpaudit.corpus.NameFrequencies;
import org.lrpaudit.corpus.ProbeKinds;
import org.lrpaudit.corpus.ProbeValues;

/**
 * Which name replaces which in the counterfactual probes: every female name seen in the mentions is paired with a male
 * name seen there of similar frequency, and vice versa, by the same nearest-log-rank matching the probe corpus uses
 * (ProbeValues.matchByRank); the frequency rank is the name's rank by US births in the first-name table the annotate
 * lexicons come from ({@link NameFrequencies}: first_names_en.tsv), names it does not know after all it knows; without
 * that table, the name's vocabulary id in the model's tokenizer (lower = more frequent; names the vocabulary splits into
 * pieces rank after every whole word). Names are compared lowercased; a swap keeps the original's capitalisation
 * (lower, Capitalised or UPPER).
 */
public final class NameSwaps implements Serializable {
  private final Map<String, String> swaps;

  public NameSwaps(Map<String, String> swaps) {
    this.swaps = new TreeMap<>(swaps);
  }

  /** Pairs the distinct names of each gender (lowercased) by frequency rank in the vocabulary. */
  public static NameSwaps build(List<String> female, List<String> male, BertVocabulary vocab) {
    return build(female, male, vocab, NameFrequencies.none());
  }

  /** Pairs the distinct names of each gender (lowercased) by births rank, vocabulary rank where births are unknown. */
  public static NameSwaps build(List<String> female, List<String> male, BertVocabulary vocab, NameFrequencies births) {
    List<ProbeValues.Value> f = ranked(female, ProbeKinds.FEMALE_NAME, vocab, births);
    List<ProbeValues.Value> m = ranked(male, ProbeKinds.MALE_NAME, vocab, births);
    Map<String, String> out = new TreeMap<>();
    if (f.isEmpty() || m.isEmpty()) {
      return new NameSwaps(out);
    }
    List<ProbeValues.Value> fm = ProbeValues.matchByRank(f, m);
    List<ProbeValues.Value> mf = ProbeValues.matchByRank(m, f);
    for (int i = 0; i < f.size(); i++) {
      out.put(f.get(i).value(), fm.get(i).value());
    }
    for (int i = 0; i < m.size(); i++) {
      out.put(m.get(i).value(), mf.get(i).value());
    }
    return new NameSwaps(out);
  }

  private static List<ProbeValues.Value> ranked(List<String> names, String kind, BertVocabulary vocab,
      NameFrequencies births) {
    List<ProbeValues.Value> out = new ArrayList<>();
    for (String n : names.stream().map(x -> x.toLowerCase(Locale.ROOT)).distinct().toList()) {
      int rank = vocab.wholeWordRank(n);
      out.add(new ProbeValues.Value(kind, n, births.rankOr(n, rank < 0 ? vocab.size() + 1 : Math.max(1, rank))));
    }
    out.sort(Comparator.comparingInt(ProbeValues.Value::rank).thenComparing(ProbeValues.Value::value));
    return out;
  }

  /** The replacement of a name as written, with its capitalisation, or null if the name has no swap. */
  public String swap(String name) {
    String to = swaps.get(name.toLowerCase(Locale.ROOT));
    if (to == null) {
      return null;
    }
    if (name.length() > 1 && name.equals(name.toUpperCase(Locale.ROOT))) {
      return to.toUpperCase(Locale.ROOT);
    }
    if (Character.isUpperCase(name.charAt(0))) {
      return Character.toUpperCase(to.charAt(0)) + to.substring(1);
    }
    return to;
  }

  public Map<String, String> asMap() {
    return swaps;
  }
}
