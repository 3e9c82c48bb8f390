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
import org.lrpaudit.runtime.JobException;

/** The shipped lexicon configuration, user additions, path resolution, case split and errors (no Spark). */
class LexiconConfigTest {
  @TempDir
  Path tmp;

  @Test
  void shippedConfigurationLoadsInPriorityOrderWithCaseSplit() throws IOException {
    Path data = AnnotateFixtures.dataDir(tmp.resolve("data"));
    LexiconConfig.Loaded loaded = LexiconConfig.load(LexiconConfig.read(List.of(AnnotateFixtures.SHIPPED)), data, "en");
    List<String> names = loaded.lexicons().stream().map(l -> l.spec().name()).toList();
    // Ambiguous first names before places (except after a place preposition), gendered ones after them.
    assertEquals(List.of("persons", "ambiguous_first_names", "countries", "cities", "organizations",
        "female_first_names", "male_first_names"), names);
    LexiconSpec ambiguous = byNameOf(loaded).get("ambiguous_first_names").spec();
    assertTrue(ambiguous.notAfter().contains("de") && ambiguous.yieldAfter().containsAll(List.of("in", "from")),
        ambiguous.toString());
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
    LexiconConfig.Loaded loaded = LexiconConfig.load(LexiconConfig.read(List.of(AnnotateFixtures.SHIPPED, user)), data,
        "en");
    assertEquals(8, loaded.lexicons().size(), "the defaults stay, the user's is added");
    LexiconTerms films = loaded.lexicons().get(0); // priority 1 sorts first
    assertEquals("films", films.spec().name());
    assertEquals("film_title", films.spec().kind());
    assertEquals(CaseRule.EXACT, films.spec().caseRule());
    assertEquals(List.of("Casablanca", "The Third Man"), films.exactCase());
    assertEquals(userDir.resolve("films.txt").toString(), films.spec().file());
  }

  private static Map<String, LexiconTerms> byNameOf(LexiconConfig.Loaded loaded) {
    return loaded.lexicons().stream().collect(Collectors.toMap(l -> l.spec().name(), l -> l));
  }

  /** --language picks the first-name lists of that language; lexicons without a language serve every language. */
  @Test
  void languageSelectsThePerLanguageNameLists() throws IOException {
    Path data = AnnotateFixtures.dataDir(tmp.resolve("data"));
    var config = LexiconConfig.read(List.of(AnnotateFixtures.SHIPPED));
    assertEquals(java.util.Set.of("de", "en", "es", "fr"), LexiconConfig.languages(LexiconConfig.specs(config, data)));
    for (String lang : List.of("de", "es", "fr")) {
      Map<String, LexiconTerms> byName = byNameOf(LexiconConfig.load(config, data, lang));
      assertEquals(java.util.Set.of("persons", "countries", "cities", "organizations", "female_first_names_" + lang,
          "male_first_names_" + lang, "ambiguous_first_names_" + lang), byName.keySet(), lang);
      List<List<String>> lists = AnnotateFixtures.BY_LANGUAGE.get(lang);
      assertEquals("female_name", byName.get("female_first_names_" + lang).spec().kind());
      assertEquals(lang, byName.get("male_first_names_" + lang).spec().language());
      assertTrue(byName.get("male_first_names_" + lang).anyCase().containsAll(lists.get(1)), lang);
      assertEquals(8, byName.get("ambiguous_first_names_" + lang).spec().priority());
    }
    assertEquals(16, LexiconConfig.load(config, data).lexicons().size(), "no language: every lexicon");
    JobException e = assertThrows(JobException.class, () -> LexiconConfig.load(config, data, "it"));
    assertTrue(e.getMessage().contains("--language it") && e.getMessage().contains("de, en, es, fr"), e.getMessage());
    // A configuration without any language setting applies whole to every language.
    Path plain = tmp.resolve("plain.conf");
    Files.writeString(plain, "annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\", case = ignore } ]\n");
    Files.writeString(tmp.resolve("t.txt"), "Alice\n");
    assertEquals(1, LexiconConfig.load(LexiconConfig.read(List.of(plain)), data, "it").lexicons().size());
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
    assertError("annotate.lexicons = [ { name = x, kind = k, file = \"t.txt\", case = ignore, language = English } ]",
        data, "annotate.lexicons[0] 'x'.language = 'English'");
  }

  private void assertError(String conf, Path data, String expected) throws IOException {
    Path file = tmp.resolve("c" + Math.abs(conf.hashCode()) + ".conf");
    Files.writeString(file, conf + "\n");
    JobException e = assertThrows(JobException.class, () -> LexiconConfig.load(LexiconConfig.read(List.of(file)), data));
    assertTrue(e.getMessage().contains(expected), "'" + expected + "' not in: " + e.getMessage());
  }
}
