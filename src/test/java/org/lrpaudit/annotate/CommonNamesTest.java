package org.lrpaudit.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.corpus.DataLayout;

/**
 * Issue 17's acceptance check, on the lexicons jobs/setup-data builds from the fetched data (not on test fixtures): the
 * real annotate job (Spark NLP, the shipped conf/lexicons/lexicons.conf) over "Yesterday I met NAME at the station." for
 * the 50 most common US female and male first names and six unisex names. At least 48 of 50 of each gender must get
 * their gender, and the unisex names must be ambiguous_name. The same for a few German, Spanish and French names with
 * --language. Skipped when the data folder ($LRP_AUDIT_DATA, else data/) has no name lexicons yet (run
 * jobs/setup-data); under CI (CI=true; .ci/run fetches the data before the tests) a missing data folder is a failure.
 */
class CommonNamesTest {
  static final List<String> MALE = List.of("James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph",
      "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul", "Andrew", "Joshua",
      "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary",
      "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory",
      "Alexander", "Frank", "Patrick", "Raymond", "Jack", "Dennis", "Jerry", "Thomas");
  static final List<String> FEMALE = List.of("Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan",
      "Jessica", "Sarah", "Karen", "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna",
      "Michelle", "Carol", "Amanda", "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura",
      "Cynthia", "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen",
      "Samantha", "Katherine", "Christine", "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather");
  static final List<String> UNISEX = List.of("Jordan", "Taylor", "Alex", "Jamie", "Casey", "Riley");
  static final String TEMPLATE = "Yesterday I met %s at the station.";

  private static SparkSession spark;
  private static Path data;
  @TempDir
  static Path tmp;

  @BeforeAll
  static void start() {
    data = DataLayout.fromEnvironment().data();
    boolean present = Files.isRegularFile(data.resolve("lexicons").resolve("first_names_en.tsv"));
    if (!present && "true".equals(System.getenv("CI"))) {
      fail("no name lexicons in " + data + "/lexicons: CI must run jobs/setup-data before the tests");
    }
    Assumptions.assumeTrue(present, "no name lexicons in " + data + "/lexicons: run jobs/setup-data");
    spark = SparkSession.builder().master("local[2]").appName("common-names-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** Annotates one sentence per name; returns name -> the kinds found on exactly the name's span ("none" if none). */
  private static Map<String, String> kinds(List<String> names, String template, String language, String tag)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, String> texts = new LinkedHashMap<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String text = String.format(template, names.get(i));
      texts.put("n" + i, text);
      lines.add(json.writeValueAsString(Map.of("id", "n" + i, "text", text)));
    }
    Path input = tmp.resolve(tag + ".jsonl");
    Files.write(input, lines, StandardCharsets.UTF_8);
    Path out = tmp.resolve("out-" + tag);
    AnnotateJob.Summary s = new AnnotateJob(spark).run(new AnnotateSettings(input.toString(), out.toString(), "auto",
        "id", "text", List.of(AnnotateFixtures.SHIPPED), data, false, language));
    assertEquals(names.size(), s.rowsAnnotated());
    Map<String, String> found = new TreeMap<>();
    for (Row r : spark.read().parquet(out.resolve(MentionsTable.FOLDER).toString()).collectAsList()) {
      int i = Integer.parseInt(r.getString(0).substring(1));
      String name = names.get(i);
      int at = texts.get(r.getString(0)).indexOf(name);
      if (r.getInt(1) == at && r.getInt(2) == at + name.length()) {
        found.merge(name, r.getString(4), (a, b) -> a + "+" + b);
      }
    }
    Map<String, String> out2 = new LinkedHashMap<>();
    for (String n : names) {
      out2.put(n, found.getOrDefault(n, "none"));
    }
    return out2;
  }

  private static List<String> misses(Map<String, String> kinds, String expected) {
    return kinds.entrySet().stream().filter(e -> !e.getValue().equals(expected)).map(e -> e.getKey() + "=" + e.getValue())
        .toList();
  }

  @Test
  void theMostCommonUsNamesGetTheirGenderAndUnisexNamesAreAmbiguous() throws IOException {
    List<String> all = new ArrayList<>(FEMALE);
    all.addAll(MALE);
    all.addAll(UNISEX);
    Map<String, String> k = kinds(all, TEMPLATE, "en", "en");
    Map<String, String> female = new LinkedHashMap<>();
    Map<String, String> male = new LinkedHashMap<>();
    Map<String, String> unisex = new LinkedHashMap<>();
    k.forEach((n, v) -> (FEMALE.contains(n) ? female : MALE.contains(n) ? male : unisex).put(n, v));
    List<String> fMiss = misses(female, "female_name");
    List<String> mMiss = misses(male, "male_name");
    System.out.printf("common names: female %d/50 (misses %s), male %d/50 (misses %s), unisex ambiguous %d/6 (%s)%n",
        50 - fMiss.size(), fMiss, 50 - mMiss.size(), mMiss, 6 - misses(unisex, "ambiguous_name").size(), unisex);
    assertTrue(fMiss.size() <= 2, "female names not female_name: " + fMiss);
    assertTrue(mMiss.size() <= 2, "male names not male_name: " + mMiss);
    assertEquals(List.of(), misses(unisex, "ambiguous_name"), "unisex names");
  }

  @Test
  void summaryCountsNameKindsAndTheAmbiguousShare() throws IOException {
    List<String> names = List.of("Mary", "John", "Jordan", "Taylor");
    ObjectMapper json = new ObjectMapper();
    Path input = tmp.resolve("summary.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      lines.add(json.writeValueAsString(Map.of("id", "s" + i, "text", String.format(TEMPLATE, names.get(i)))));
    }
    Files.write(input, lines, StandardCharsets.UTF_8);
    Path out = tmp.resolve("out-summary");
    AnnotateJob.Summary s = new AnnotateJob(spark).run(new AnnotateSettings(input.toString(), out.toString(), "auto",
        "id", "text", List.of(AnnotateFixtures.SHIPPED), data, false));
    assertEquals(Map.of("female_name", 1L, "male_name", 1L, "ambiguous_name", 2L), s.nameMentions());
    assertEquals(0.5, s.ambiguousNameShare(), 1e-12);
    Map<?, ?> file = json.readValue(out.resolve(MentionsTable.SUMMARY).toFile(), Map.class);
    Map<?, ?> headline = (Map<?, ?>) ((Map<?, ?>) file.get("headline")).get("ambiguous_name_share");
    assertEquals(0.5, ((Number) headline.get("value")).doubleValue(), 1e-12);
    assertEquals(4, ((Number) headline.get("n")).intValue());
  }

  /**
   * The planted-bias test (bias.PlantedBiasTest) plants names of its own; they must be names the lexicons give the same
   * gender (under datafaker's lists 7 of its 8 male names were ambiguous_name).
   */
  @Test
  void plantedBiasTestNamesHaveTheirGenderInTheLexicons() throws IOException {
    Map<String, String> kinds = new java.util.HashMap<>();
    for (String[] row : org.lrpaudit.corpus.Lexicon.readTsv(data.resolve("lexicons").resolve("first_names_en.tsv"),
        "first names")) {
      kinds.put(row[0].toLowerCase(java.util.Locale.ROOT), row[1]);
    }
    for (String n : org.lrpaudit.bias.PlantedBiasNames.FEMALE) {
      assertEquals("female_name", kinds.get(n), n);
    }
    for (String n : org.lrpaudit.bias.PlantedBiasNames.MALE) {
      assertEquals("male_name", kinds.get(n), n);
    }
  }

  /** German, Spanish and French text with --language: that language's lists (clearly gendered and epicene names). */
  @Test
  void germanSpanishAndFrenchNamesWithLanguage() throws IOException {
    Map<String, Map<String, String>> expected = Map.of(
        "de", Map.of("Jürgen", "male_name", "Wolfgang", "male_name", "Ursula", "female_name", "Sabine", "female_name"),
        "es", Map.of("Javier", "male_name", "Alejandro", "male_name", "Lucia", "female_name", "Carmen", "female_name"),
        "fr", Map.of("Pierre", "male_name", "Julien", "male_name", "Élodie", "female_name", "Nathalie", "female_name",
            "Dominique", "ambiguous_name"));
    Map<String, String> templates = Map.of("de", "Gestern traf ich %s am Bahnhof.",
        "es", "Ayer vi a %s en la estación.", "fr", "Hier, j'ai vu %s à la gare.");
    for (var e : expected.entrySet()) {
      List<String> names = new ArrayList<>(e.getValue().keySet());
      Map<String, String> got = kinds(names, templates.get(e.getKey()), e.getKey(), "lang-" + e.getKey());
      assertEquals(new TreeMap<>(e.getValue()), new TreeMap<>(got), e.getKey());
    }
  }
}
