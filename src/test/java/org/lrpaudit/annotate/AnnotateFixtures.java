package org.lrpaudit.annotate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A data folder with small lexicons written by the tests (the layout jobs/setup-data makes, without third-party data),
 * read through the shipped conf/lexicons/lexicons.conf. Public for the end-to-end tests of other packages.
 */
public final class AnnotateFixtures {
  static final Path SHIPPED = Path.of("conf", "lexicons", "lexicons.conf");

  public static final List<String> FEMALE = List.of("Alice", "Emma", "Zoë", "Ann", "Anne", "Jo", "Georgia", "Rose", "Grace",
      "January", "Le", "Hanna", "Katherine");
  public static final List<String> MALE = List.of("Bob", "Will", "Bill", "Woody", "Denver", "Omar", "Hugo", "Floyd");
  static final List<String> AMBIGUOUS = List.of("Sam", "Alex", "Jordan");
  /** Per-language first names (conf/lexicons/lexicons.conf: language = de, es, fr). */
  static final Map<String, List<List<String>>> BY_LANGUAGE = Map.of(
      "de", List.of(List.of("Greta", "Anna", "Ursula"), List.of("Jürgen", "Hans", "Wolfgang"), List.of("Kai", "Kim")),
      "es", List.of(List.of("María", "Carmen", "Lucía"), List.of("José", "Alberto", "Javier"), List.of("Guadalupe")),
      "fr", List.of(List.of("Marie", "Élodie"), List.of("Jean-Pierre", "Pierre", "Julien"), List.of("Camille", "Dominique")));
  static final List<String> COUNTRIES = List.of("France", "Georgia", "Sri Lanka", "China", "Côte d'Ivoire", "Jordan",
      "Peru");
  static final List<String> CITIES = List.of("New York", "York", "Denver", "São Paulo", "Phoenix", "Oslo");
  static final List<String> ORGS = List.of("Alfa Romeo", "Mercedes-Benz", "Apple", "BMW", "Nokia");
  /** Ordinary words (SCOWL's lowercase entries in the real data folder). */
  static final List<String> WORDS = List.of("will", "rose", "grace", "bill", "apple", "phoenix", "china", "my", "so",
      "the", "a", "film", "movie", "was", "in", "it");

  private AnnotateFixtures() {
  }

  public static Path dataDir(Path dir) throws IOException {
    Path lex = Files.createDirectories(dir.resolve("lexicons"));
    write(lex.resolve("female_first_names.txt"), FEMALE);
    write(lex.resolve("male_first_names.txt"), MALE);
    write(lex.resolve("ambiguous_first_names.txt"), AMBIGUOUS);
    for (var e : BY_LANGUAGE.entrySet()) {
      Path langDir = Files.createDirectories(lex.resolve(e.getKey()));
      write(langDir.resolve("female_first_names.txt"), e.getValue().get(0));
      write(langDir.resolve("male_first_names.txt"), e.getValue().get(1));
      write(langDir.resolve("ambiguous_first_names.txt"), e.getValue().get(2));
    }
    write(lex.resolve("countries.txt"), COUNTRIES);
    write(lex.resolve("cities.txt"), CITIES);
    write(lex.resolve("organizations.txt"), ORGS);
    write(lex.resolve("english_words.txt"), WORDS);
    return dir;
  }

  private static void write(Path file, List<String> terms) throws IOException {
    Files.writeString(file, "# test lexicon written by the test (provenance line, skipped)\n" + String.join("\n", terms)
        + "\n");
  }
}
