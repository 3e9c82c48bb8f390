package org.lrpaudit.corpus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Chooses the slot values of the probes: a seeded sample of female and male first names matched by frequency, and of
 * countries, cities and organisations. A value is usable when the model reads it as whole words and it means nothing
 * but the entity:
 * <ul>
 *   <li>every word of it is one whole token of the encoder's vocabulary (so a name's relevance is one token's, and the
 *       vocabulary id gives its frequency rank, see {@link BertVocabulary});</li>
 *   <li>no word of it is an ordinary English word (lowercase in the SCOWL list: "Will", "Grace", "Mark", "China",
 *       "Apple", "New York", "Cambridge Bay" are left out), nor rated in AFINN-165 (when fetched), nor on the project's
 *       stop list (months, demonyms, surnames, famous single names ...);</li>
 *   <li>a name is not also a place (country, city, region, a word of a country's name) or an organisation; an entity
 *       is not also an entity of another kind, none of its words is a first name (no gender cue hides in "San Juan"),
 *       a city or organisation has no country in its name ("Mexico City", "Air France"), an organisation no
 *       place ("Real Madrid");</li>
 *   <li>names are letters only, at least 3 long; entities have no comma or parenthesis.</li>
 * </ul>
 * Names: the female sample is drawn (seeded) from the 4n most frequent usable female names; each is then paired with
 * the unused male name nearest in log frequency rank, so the pairs are alike in frequency (pair i is
 * {@code female.get(i)}, {@code male.get(i)}). A name's frequency rank is its rank by US births in the first-name table
 * the gender lists come from ({@link NameFrequencies}, when jobs/setup-data made it), else its vocabulary id.
 * Entities: drawn (seeded) from the 3n most frequent usable values (vocabulary rank).
 */
public final class ProbeValues {
  /** A chosen value and its frequency rank (largest vocabulary id among its words: lower is more frequent). */
  public record Value(String kind, String value, int rank) {
  }

  /** Female and male names, pair i = (female.get(i), male.get(i)). */
  public record NamePairs(List<Value> female, List<Value> male) {
  }

  private final ProbeLexicons lex;
  private final BertVocabulary vocab;
  private final Set<String> english;
  private final Set<String> stop;
  private final Set<String> firstNames;
  private final Set<String> places;
  private final Set<String> countries;
  private final Set<String> cities;
  private final Set<String> organizations;
  private final Set<String> countryWords = new java.util.HashSet<>();
  private final Set<String> afinn;

  public ProbeValues(ProbeLexicons lex, BertVocabulary vocab) {
    this.lex = lex;
    this.vocab = vocab;
    this.english = Lexicon.lowerSet(lex.englishWords());
    this.stop = Lexicon.lowerSet(lex.nameStoplist());
    List<String> names = new ArrayList<>(lex.femaleNames());
    names.addAll(lex.maleNames());
    names.addAll(lex.ambiguousNames());
    this.firstNames = Lexicon.lowerSet(names);
    this.countries = Lexicon.lowerSet(lex.countries());
    this.cities = Lexicon.lowerSet(lex.cities());
    this.organizations = Lexicon.lowerSet(lex.organizations());
    List<String> p = new ArrayList<>(lex.countries());
    p.addAll(lex.cities());
    p.addAll(lex.regions());
    this.places = Lexicon.lowerSet(p);
    for (String c : lex.countries()) {
      words(c).stream().filter(w -> !english.contains(w)).forEach(countryWords::add);
    }
    this.afinn = lex.afinn().keySet();
  }

  /** The usable names of one gender, most frequent first. */
  public List<Value> usableNames(String kind) {
    List<Value> out = new ArrayList<>();
    for (String n : lex.values(kind)) {
      String low = n.toLowerCase(Locale.ROOT);
      if (!n.matches("\\p{Lu}\\p{Ll}{2,}") || english.contains(low) || stop.contains(low) || places.contains(low)
          || countryWords.contains(low) || organizations.contains(low) || afinn.contains(low)) {
        continue;
      }
      int id = vocab.id(low);
      if (id >= 0) {
        out.add(new Value(kind, n, lex.nameFrequencies().rankOr(low, id)));
      }
    }
    out.sort(Comparator.comparingInt(Value::rank).thenComparing(Value::value));
    return dedupe(out);
  }

  /** The usable values of an entity kind, most frequent first. */
  public List<Value> usableEntities(String kind) {
    List<Value> out = new ArrayList<>();
    for (String v : lex.values(kind)) {
      String low = v.toLowerCase(Locale.ROOT);
      if (v.isBlank() || v.length() > 40 || v.matches(".*[,()].*") || stop.contains(low)) {
        continue;
      }
      if (!kind.equals(ProbeKinds.COUNTRY) && countries.contains(low)
          || !kind.equals(ProbeKinds.CITY) && cities.contains(low)
          || !kind.equals(ProbeKinds.ORGANIZATION) && organizations.contains(low)) {
        continue;
      }
      List<String> words = words(v);
      if (words.isEmpty() || words.stream().anyMatch(w -> firstNames.contains(w) || stop.contains(w)
          || afinn.contains(w))) {
        continue;
      }
      // One word: at least 3 letters and not an ordinary word ("China", "Apple", "Phoenix"); several: none may be
      // ("New York", "Cambridge Bay", "Volvo Cars" are left out: the model reads their words one by one).
      if (words.size() == 1 ? words.get(0).length() < 3 || english.contains(words.get(0))
          : words.stream().anyMatch(english::contains)) {
        continue;
      }
      if (!kind.equals(ProbeKinds.COUNTRY) && words.stream().anyMatch(countryWords::contains)) {
        continue; // "Mexico City", "Cayman", "Air France": a country inside
      }
      if (kind.equals(ProbeKinds.ORGANIZATION) && words.stream().anyMatch(places::contains)) {
        continue; // "FC Barcelona", "Real Madrid"
      }
      int rank = vocab.wholeWordRank(v);
      if (rank >= 0) {
        out.add(new Value(kind, v, rank));
      }
    }
    out.sort(Comparator.comparingInt(Value::rank).thenComparing(Value::value));
    return dedupe(out);
  }

  /** The words of a value as an uncased BERT reads them, punctuation left out. */
  private static List<String> words(String v) {
    return BertVocabulary.basicTokens(v).stream().filter(w -> Character.isLetterOrDigit(w.charAt(0))).toList();
  }

  /** n female names (seeded, from the 4n most frequent) and the male names nearest to each in frequency. */
  public NamePairs pairNames(int n, long seed, Consumer<String> log) {
    List<Value> female = usableNames(ProbeKinds.FEMALE_NAME);
    List<Value> male = usableNames(ProbeKinds.MALE_NAME);
    int k = Math.min(n, Math.min(female.size(), male.size()));
    if (k < n) {
      log.accept("probes: only " + k + " usable name pairs (asked for " + n + "): " + female.size() + " female and "
          + male.size() + " male names are usable");
    }
    List<Value> pool = new ArrayList<>(female.subList(0, Math.min(female.size(), 4 * k)));
    Collections.shuffle(pool, new Random(seed));
    List<Value> chosen = new ArrayList<>(pool.subList(0, k));
    chosen.sort(Comparator.comparingInt(Value::rank).thenComparing(Value::value));
    return new NamePairs(chosen, matchByRank(chosen, male));
  }

  /**
   * For each value of {@code from} (in order), the unused value of {@code to} nearest in log frequency rank; ties go to
   * the more frequent one. Greedy and one-to-one while {@code to} lasts; when every value of {@code to} has been used,
   * all become available again (so the result always has one match per value of {@code from}).
   */
  public static List<Value> matchByRank(List<Value> from, List<Value> to) {
    if (to.isEmpty()) {
      throw new IllegalArgumentException("no values to match " + from.size() + " value(s) with");
    }
    TreeMap<Double, List<Value>> unused = new TreeMap<>();
    List<Value> matched = new ArrayList<>();
    for (Value f : from) {
      if (unused.isEmpty()) {
        for (Value m : to) {
          unused.computeIfAbsent(Math.log(m.rank()), x -> new ArrayList<>()).add(m);
        }
      }
      double key = Math.log(f.rank());
      Double lo = unused.floorKey(key);
      Double hi = unused.ceilingKey(key);
      Double best = lo == null ? hi : hi == null ? lo : (key - lo <= hi - key ? lo : hi);
      List<Value> bucket = unused.get(best);
      matched.add(bucket.remove(0));
      if (bucket.isEmpty()) {
        unused.remove(best);
      }
    }
    return matched;
  }

  /** n values of an entity kind, seeded, from the 3n most frequent usable ones (most frequent first). */
  public List<Value> pickEntities(String kind, int n, long seed, Consumer<String> log) {
    List<Value> usable = usableEntities(kind);
    if (usable.size() < n) {
      log.accept("probes: only " + usable.size() + " usable " + kind + " values (asked for " + n + ")");
    }
    List<Value> pool = new ArrayList<>(usable.subList(0, Math.min(usable.size(), 3 * n)));
    Collections.shuffle(pool, new Random(seed ^ kind.hashCode()));
    List<Value> chosen = new ArrayList<>(pool.subList(0, Math.min(n, pool.size())));
    chosen.sort(Comparator.comparingInt(Value::rank).thenComparing(Value::value));
    return chosen;
  }

  /** Values that read the same to an uncased model ("Hanna", "HANNA") are kept once. */
  private static List<Value> dedupe(List<Value> sorted) {
    List<Value> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (Value v : sorted) {
      if (seen.add(String.join(" ", BertVocabulary.basicTokens(v.value())))) {
        out.add(v);
      }
    }
    return out;
  }
}
