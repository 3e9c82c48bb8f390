package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How common each English first name is among people: its rank by US births 1880-2024 (1 = most births), from the
 * {@code us_births} column of {@code <data>/lexicons/first_names_en.tsv}, the same table jobs/setup-data judges the names'
 * gender from. The probes pair a female name with the male name nearest to it in this rank (prepare-corpus and the probe
 * job's swaps), so both names of a pair are about equally common as names. Names the table has no births for rank after
 * every name it has.
 */
public final class NameFrequencies {
  public static final String FILE = "first_names_en.tsv";
  private final Map<String, Integer> rank;

  private NameFrequencies(Map<String, Integer> rank) {
    this.rank = rank;
  }

  /** No births known: every name is unranked. */
  public static NameFrequencies none() {
    return new NameFrequencies(Map.of());
  }

  /** Reads first_names_en.tsv (name, kind, female_bearers, male_bearers, female_share, us_births, source). */
  public static NameFrequencies read(Path tsv) throws IOException {
    record Births(String name, long births) {
    }
    List<Births> all = new ArrayList<>();
    for (String[] cells : Lexicon.readTsv(tsv, "first names table")) {
      if (cells.length < 6 || cells[5].isEmpty()) {
        continue;
      }
      long births = Long.parseLong(cells[5]);
      if (births > 0) {
        all.add(new Births(cells[0].toLowerCase(Locale.ROOT), births));
      }
    }
    all.sort(Comparator.comparingLong(Births::births).reversed().thenComparing(Births::name));
    Map<String, Integer> rank = new HashMap<>();
    for (Births b : all) {
      rank.putIfAbsent(b.name(), rank.size() + 1);
    }
    return new NameFrequencies(rank);
  }

  /** The table in a lexicons folder if jobs/setup-data made one there, else {@link #none()}. */
  public static NameFrequencies in(Path lexiconsDir) throws IOException {
    Path f = lexiconsDir.resolve(FILE);
    return Files.isRegularFile(f) ? read(f) : none();
  }

  public boolean isEmpty() {
    return rank.isEmpty();
  }

  public int size() {
    return rank.size();
  }

  /** The name's rank by births (1 = most), or -1 when unknown. Case-insensitive. */
  public int rank(String name) {
    return rank.getOrDefault(name.toLowerCase(Locale.ROOT), -1);
  }

  /**
   * A frequency rank for pairing: the births rank when known, else after all of them, ordered by the fallback (the
   * vocabulary rank); with no table at all, the fallback itself.
   */
  public int rankOr(String name, int fallback) {
    if (rank.isEmpty()) {
      return fallback;
    }
    int r = rank(name);
    return r > 0 ? r : rank.size() + Math.max(1, fallback);
  }
}
