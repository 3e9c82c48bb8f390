package org.lrpaudit.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.spark.JobException;

/** The shipped lexicon configuration, user additions, path resolution, case split and errors (no Spark). */
class LexiconConfigTest {
  @TempDir
  Path tmp;

  @Test
  void shippedConfigurationLoadsInPriorityOrderWithCaseSplit() throws IOException {
    Path data = AnnotateFixtures.dataDir(tmp.resolve("data"));
    LexiconConfig.Loaded loaded = LexiconConfig.load(LexiconConfig.read(List.of(AnnotateFixtures.SHIPPED)), data);
    List<String> names = loaded.lexicons().stream().map(l -> l.spec().name()).toList();
    assertEquals(List.of("persons", "countries", "cities", "organizations", "female_first_names", "male_first_names",
        "ambiguous_first_names"), names);
    Map<String, LexiconTerms> byName = loaded.lexicons().stream()
        .collect(Collectors.toMap(l -> l.spec().name(), l -> l));
    LexiconTerms female = byName.get("female_first_names");
    // "Rose" and "Grace" are ordinary words: matched only as written; "Alice" in any case.
    assertTrue(female.exactCase().containsAll(List.of("Rose", "Grace")), female.exactCase().toString());
    assertTrue(female.anyCase().contains("Alice"));
    // "January" (probe stop list) and "Le" (not-names.txt) are left out of the first-name lists.
    assertTrue(!female.anyCase().contains("January") && !female.exactCase().contains("January"));
    assertTrue(!female.anyCase().contains("Le") && !female.exactCase().contains("Le"));
    assertEquals(2, female.excluded());
    // data-file paths resolve against the data folder, file paths against the configuration file's folder.
    assertEquals(data.resolve("lexicons/countries.txt").toString(), byName.get("countries").spec().file());
    assertEquals(AnnotateFixtures.SHIPPED.toAbsolutePath().getParent().resolve("persons.txt").normalize().toString(),
        byName.get("persons").spec().file());
  }

  @Test
  void userAddsALexiconByConfiguration() throws IOException {
    Path data = AnnotateFixtures.dataDir(tmp.resolve("data"));
    Path userDir = Files.createDirectories(tmp.resolve("user"));
    Files.writeString(userDir.resolve("films.txt"), "# my list\nCasablanca\nThe Third Man\n");
    Path user = userDir.resolve("mine.conf");
    Files.writeString(user, "annotate.lexicons += { name = films, kind = film_title, file = \"films.txt\", "
        + "case = exact, priority = 1 }\n");
    LexiconConfig.Loaded loaded = LexiconConfig.load(LexiconConfig.read(List.of(AnnotateFixtures.SHIPPED, user)), data);
    assertEquals(8, loaded.lexicons().size(), "the defaults stay, the user's is added");
    LexiconTerms films = loaded.lexicons().get(0); // priority 1 sorts first
    assertEquals("films", films.spec().name());
    assertEquals("film_title", films.spec().kind());
    assertEquals(CaseRule.EXACT, films.spec().caseRule());
    assertEquals(List.of("Casablanca", "The Third Man"), films.exactCase());
    assertEquals(userDir.resolve("films.txt").toString(), films.spec().file());
  }

  @Test
  void missingFileNamesTheFileAndTheSetting() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("empty-data")); // no lexicons extracted
    JobException e = assertThrows(JobException.class,
        () -> LexiconConfig.load(LexiconConfig.read(List.of(AnnotateFixtures.SHIPPED)), data));
    assertTrue(e.getMessage().contains(data.resolve("lexicons").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("annotate."), e.getMessage());
    assertTrue(e.getMessage().contains("jobs/setup-data"), e.getMessage());

    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "annotate.lexicons = [ { name = x, kind = x, file = \"nope.txt\", case = ignore } ]\n");
    e = assertThrows(JobException.class, () -> LexiconConfig.load(LexiconConfig.read(List.of(conf)), data));
    assertTrue(e.getMessage().contains(tmp.resolve("nope.txt").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("annotate.lexicons[0] 'x'.file"), e.getMessage());
  }

  @Test
  void badSettingsAreNamed() throws IOException {
    Path data = AnnotateFixtures.dataDir(tmp.resolve("data"));
    Files.writeString(tmp.resolve("t.txt"), "Term\n");
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\", case = ignore, colour = red } ]",
        data, "unknown key 'colour'");
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\", case = upper } ]", data,
        "annotate.lexicons[0] 'x'.case = 'upper'");
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\", case = ignore },"
        + " { name = x, kind = k, file = \"t.txt\", case = ignore } ]", data, "a second lexicon named 'x'");
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\", data-file = \"t.txt\" } ]", data,
        "exactly one of 'file'");
    assertError("annotate.lexicons = [ { name = x, kind = Kind, file = \"t.txt\", case = ignore } ]", data,
        "kind 'Kind'");
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\" } ]", data,
        "annotate.common-words must name");
    Files.writeString(tmp.resolve("empty.txt"), "# only a header\n\n");
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"empty.txt\", case = ignore } ]", data,
        "holds no terms");
    assertError("annotate.lexicons = []", data, "is empty");
  }

  private void assertError(String conf, Path data, String expected) throws IOException {
    Path file = tmp.resolve("c" + Math.abs(conf.hashCode()) + ".conf");
    Files.writeString(file, conf + "\n");
    JobException e = assertThrows(JobException.class, () -> LexiconConfig.load(LexiconConfig.read(List.of(file)), data));
    assertTrue(e.getMessage().contains(expected), "'" + expected + "' not in: " + e.getMessage());
  }
}
