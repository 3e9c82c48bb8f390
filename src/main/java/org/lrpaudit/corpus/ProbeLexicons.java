package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The word lists probes are drawn from and checked against: the lexicons jobs/setup-data extracts into
 * {@code <data>/lexicons/}, plus the project's own stop list of first names not to use in probes.
 */
public record ProbeLexicons(List<String> femaleNames, List<String> maleNames, List<String> ambiguousNames,
    List<String> countries, List<String> cities, List<String> organizations, List<String> regions,
    List<String> englishWords, List<String> nameStoplist, Map<String, Integer> afinn, NameFrequencies nameFrequencies) {

  public ProbeLexicons(List<String> femaleNames, List<String> maleNames, List<String> ambiguousNames,
      List<String> countries, List<String> cities, List<String> organizations, List<String> regions,
      List<String> englishWords, List<String> nameStoplist, Map<String, Integer> afinn) {
    this(femaleNames, maleNames, ambiguousNames, countries, cities, organizations, regions, englishWords, nameStoplist,
        afinn, NameFrequencies.none());
  }

  public static final String FEMALE = "female_first_names.txt";
  public static final String MALE = "male_first_names.txt";
  public static final String AMBIGUOUS = "ambiguous_first_names.txt";
  public static final String COUNTRIES = "countries.txt";
  public static final String CITIES = "cities.txt";
  public static final String ORGANIZATIONS = "organizations.txt";
  public static final String REGIONS = "regions.txt";
  public static final String ENGLISH = "english_words.txt";
  public static final String AFINN = "afinn-165.tsv";

  /**
   * Reads the lexicons folder; AFINN-165 is optional (only used to check the sentiment words), and so is the first-name
   * table with US births (first_names_en.tsv: names are then paired by births rank, else by vocabulary rank); the rest
   * is required.
   */
  public static ProbeLexicons load(Path dir, Path nameStoplist) throws IOException {
    Path afinn = dir.resolve(AFINN);
    return new ProbeLexicons(
        Lexicon.read(dir.resolve(FEMALE), "female first names lexicon"),
        Lexicon.read(dir.resolve(MALE), "male first names lexicon"),
        Lexicon.read(dir.resolve(AMBIGUOUS), "ambiguous first names lexicon"),
        Lexicon.read(dir.resolve(COUNTRIES), "countries lexicon"),
        Lexicon.read(dir.resolve(CITIES), "cities lexicon"),
        Lexicon.read(dir.resolve(ORGANIZATIONS), "organizations lexicon"),
        Lexicon.read(dir.resolve(REGIONS), "regions lexicon"),
        Lexicon.read(dir.resolve(ENGLISH), "English words lexicon"),
        Lexicon.read(nameStoplist, "probe name stop list"),
        Files.isRegularFile(afinn) ? Lexicon.readScores(afinn, "AFINN-165 lexicon") : Map.of(),
        NameFrequencies.in(dir));
  }

  /** The lexicon a slot kind's values come from. */
  public List<String> values(String kind) {
    return switch (kind) {
      case ProbeKinds.FEMALE_NAME -> femaleNames;
      case ProbeKinds.MALE_NAME -> maleNames;
      case ProbeKinds.COUNTRY -> countries;
      case ProbeKinds.CITY -> cities;
      case ProbeKinds.ORGANIZATION -> organizations;
      default -> throw new IllegalArgumentException("unknown slot kind " + kind);
    };
  }
}
