package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.WordPieceVocabulary;

/** Small raw sources, lexicons and a tokenizer written by the tests themselves (no network, no setup-data). */
final class Fixtures {
  private Fixtures() {
  }

  /** The Pang & Lee layout: BOM, every cell quoted, "" inside, each text ending in " \r\n" inside its quotes. */
  static final String PANG_LEE = "\uFEFF\"1\",\"a \"\"gripping\"\" , funny film . \r\n\"\r\n"
      + "\"-1\",\"a dull , tedious mess . \r\n\"\r\n"
      + "\"1\",\"\"\r\n"
      + "\"-1\",\"lifeless and boring . \r\n\"\r\n";

  /** The UCI layout as npm sentiment ships it: {text, class}, trailing spaces, one empty record at the end. */
  static String uci(String positive, String negative) {
    return "[{\"text\":\"" + positive + "  \",\"class\":1},{\"text\":\"" + negative + "  \",\"class\":0},"
        + "{\"text\":\"\",\"class\":null}]";
  }

  static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /** A raw folder with all four sources: pang-lee 3 rows (+1 empty), each UCI file 2 rows (+1 empty). */
  static Path raw(Path dir) throws IOException {
    write(RawSources.file(dir, RawSources.PANG_LEE), PANG_LEE);
    write(RawSources.file(dir, RawSources.UCI_IMDB), uci("A very good movie.", "Not sure who was more lost \u0096 the cast or us."));
    write(RawSources.file(dir, RawSources.UCI_YELP), uci("I love this place.", "The food was cold."));
    // The amazon file repeats a yelp sentence (in other case): the corpus keeps only the first.
    write(RawSources.file(dir, RawSources.UCI_AMAZON), uci("Works great!", "i love THIS place."));
    tokenizer(dir.resolve("minilm").resolve("all-minilm-l6-v2-tokenizer.json"));
    return dir;
  }

  static final List<String> FEMALE = List.of("Alice", "Carol", "Emma", "Grace", "Zelda", "Georgia", "Maria", "Helen",
      "Julia", "Jessica");
  static final List<String> MALE = List.of("Bob", "David", "Frank", "John", "Peter", "Paul", "George", "Mark", "Quentin",
      "Samuel");
  static final List<String> COUNTRIES = List.of("France", "Japan", "Brazil", "China", "Georgia", "New Zealand",
      "Korea, Republic of", "Kenya");
  static final List<String> CITIES = List.of("Paris", "Tokyo", "Berlin", "Nairobi", "Mexico City", "Phoenix", "Lima");
  static final List<String> ORGS = List.of("Toyota", "Samsung", "Nokia", "Apple", "Air France", "Siemens");

  /**
   * A tokenizer whose whole words run in the order below (earlier = lower id = "more frequent"). "Zelda", "Quentin"
   * and "Kenya" are missing, so they would be split into pieces: not usable.
   */
  static void tokenizer(Path file) throws IOException {
    List<String> words = new ArrayList<>(List.of("the", "was", "movie", "film", "made", "me", "feel", "from"));
    words.addAll(List.of("john", "mary", "paul", "george", "david", "peter", "alice", "helen", "julia", "maria",
        "emma", "carol", "bob", "frank", "samuel", "jessica", "mark", "grace", "georgia"));
    words.addAll(List.of("france", "japan", "brazil", "china", "new", "zealand", "korea", "paris", "tokyo", "berlin",
        "nairobi", "mexico", "city", "phoenix", "lima", "toyota", "samsung", "nokia", "apple", "air", "siemens"));
    words.addAll(List.of("happy", "sad", "great", "awful", "wonderful", "terrible"));
    Files.createDirectories(file.getParent());
    new WordPieceVocabulary(words).write(file);
  }

  /** A lexicons folder as jobs/setup-data writes it (each file with its provenance header line). */
  static Path lexicons(Path dir) throws IOException {
    lexicon(dir.resolve(ProbeLexicons.FEMALE), FEMALE);
    lexicon(dir.resolve(ProbeLexicons.MALE), MALE);
    lexicon(dir.resolve(ProbeLexicons.AMBIGUOUS), List.of("Alex", "Sam"));
    lexicon(dir.resolve(ProbeLexicons.COUNTRIES), COUNTRIES);
    lexicon(dir.resolve(ProbeLexicons.CITIES), CITIES);
    lexicon(dir.resolve(ProbeLexicons.ORGANIZATIONS), ORGS);
    lexicon(dir.resolve(ProbeLexicons.REGIONS), List.of("Bavaria", "Texas"));
    lexicon(dir.resolve(ProbeLexicons.ENGLISH), List.of("grace", "mark", "china", "apple", "phoenix", "the", "city"));
    write(dir.resolve(ProbeLexicons.AFINN), "# test\nhappy\t3\nsad\t-2\ngreat\t3\nawful\t-3\n");
    return dir;
  }

  static void lexicon(Path file, List<String> terms) throws IOException {
    write(file, "# test lexicon written by the test\n" + String.join("\n", terms) + "\n");
  }

  static Path stoplist(Path file) throws IOException {
    write(file, "# test stop list\nJessica\n");
    return file;
  }

  static Path templates(Path file) throws IOException {
    write(file, "# test templates\n"
        + "p1\t{PERSON} made me feel {EMOTION}.\n"
        + "p2\tThe movie {PERSON} recommended was {ADJ}.\n"
        + "c1\tThe film from {COUNTRY} was {ADJ}.\n"
        + "y1\tThe film festival in {CITY} was {ADJ}.\n"
        + "o1\tDealing with {ORGANIZATION} made me feel {EMOTION}.\n");
    return file;
  }

  static Path words(Path file) throws IOException {
    write(file, "# test words\nhappy\tpositive\temotion\nsad\tnegative\temotion\ngreat\tpositive\tadj\n"
        + "wonderful\tpositive\tadj\nawful\tnegative\tadj\nterrible\tnegative\tadj\n");
    return file;
  }
}
