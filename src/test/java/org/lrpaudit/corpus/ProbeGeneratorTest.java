package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeGeneratorTest {
  @TempDir
  Path tmp;

  ProbeValues values;
  ProbeGenerator generator;
  List<String> log = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    ProbeLexicons lex = ProbeLexicons.load(Fixtures.lexicons(tmp.resolve("lex")), Fixtures.stoplist(tmp.resolve("stop.txt")));
    Path tok = tmp.resolve("tokenizer.json");
    Fixtures.tokenizer(tok);
    values = new ProbeValues(lex, BertVocabulary.load(tok));
    generator = new ProbeGenerator(ProbeTemplate.read(Fixtures.templates(tmp.resolve("t.tsv"))),
        SentimentWord.read(Fixtures.words(tmp.resolve("w.tsv"))));
  }

  List<CorpusRow> generate(long seed) {
    return generator.generate(values, 4, 3, seed, log::add).rows();
  }

  @Test
  void everySlotValueAppearsEquallyOftenPositiveAndNegative() {
    List<CorpusRow> rows = generate(5);
    Map<String, int[]> byValue = new HashMap<>();
    for (CorpusRow r : rows) {
      byValue.computeIfAbsent(r.probe().slotKind() + "/" + r.probe().slotValue(), k -> new int[2])[r.label()]++;
    }
    // 4 pairs of names x 2 person templates x 2 polarities x 2 names + 3 values x 1 template x 2 polarities x 3 kinds.
    assertEquals(4 * 2 * 2 * 2 + 3 * 2 * 3, rows.size());
    assertEquals(8 + 9, byValue.size());
    byValue.forEach((v, n) -> {
      assertEquals(n[0], n[1], v + ": negative vs positive probes");
      assertEquals(v.contains("_name/") ? 2 : 1, n[1], v);
    });
    Map<String, Long> kinds = rows.stream().collect(Collectors.groupingBy(r -> r.probe().slotKind(), Collectors.counting()));
    assertEquals(kinds.get(ProbeKinds.FEMALE_NAME), kinds.get(ProbeKinds.MALE_NAME));
  }

  @Test
  void offsetsLabelsAndIds() {
    Set<String> ids = new HashSet<>();
    Map<String, Integer> polarity = Map.of("happy", 1, "sad", 0, "great", 1, "wonderful", 1, "awful", 0, "terrible", 0);
    for (CorpusRow r : generate(5)) {
      CorpusRow.Probe p = r.probe();
      assertEquals(p.slotValue(), r.text().substring(p.slotStart(), p.slotEnd()), r.text());
      assertEquals(p.word(), r.text().substring(p.wordStart(), p.wordEnd()), r.text());
      assertEquals(polarity.get(p.word()), r.label(), r.text());
      assertEquals(Splits.TEST, r.split());
      assertEquals(CorpusColumns.PROBE_SOURCE, r.source());
      assertTrue(ids.add(r.id()), "duplicate id " + r.id());
      // The template with the two slots filled gives the text back.
      String expect = p.template().replaceFirst("\\{[A-Z]+}", "@E").replaceFirst("\\{(ADJ|EMOTION)}", "@W");
      assertEquals(expect.replace("@E", p.slotValue()).replace("@W", p.word()), r.text());
    }
  }

  @Test
  void namePairsAreCounterfactualTwins() {
    Map<String, List<CorpusRow>> pairs = generate(9).stream().filter(r -> r.probe().pair() != null)
        .collect(Collectors.groupingBy(r -> r.probe().pair()));
    assertEquals(4 * 2 * 2, pairs.size());
    pairs.forEach((id, twins) -> {
      assertEquals(2, twins.size(), id);
      CorpusRow f = twins.stream().filter(r -> r.probe().slotKind().equals(ProbeKinds.FEMALE_NAME)).findFirst().orElseThrow();
      CorpusRow m = twins.stream().filter(r -> r.probe().slotKind().equals(ProbeKinds.MALE_NAME)).findFirst().orElseThrow();
      assertEquals(f.label(), m.label());
      assertEquals(f.probe().word(), m.probe().word());
      assertEquals(f.text().replace(f.probe().slotValue(), "X"), m.text().replace(m.probe().slotValue(), "X"));
    });
  }

  @Test
  void sameSeedSameProbes() {
    assertEquals(generate(3), generate(3));
  }

  @Test
  void slotValuesPassTheFilters() {
    // Grace: an English word; Zelda: not a whole token; Georgia: a country; Jessica: stop-listed; Mark: English.
    assertEquals(List.of("Helen", "Julia", "Maria", "Alice", "Emma", "Carol").stream().sorted().toList(),
        values.usableNames(ProbeKinds.FEMALE_NAME).stream().map(ProbeValues.Value::value).sorted().toList());
    assertEquals(List.of("John", "Paul", "George", "David", "Peter", "Bob", "Frank", "Samuel"),
        values.usableNames(ProbeKinds.MALE_NAME).stream().map(ProbeValues.Value::value).toList());
    // China: English word; Georgia: a first name; "Korea, Republic of": comma; Kenya: not a whole token.
    assertEquals(Set.of("France", "Japan", "Brazil", "New Zealand"), names(values.usableEntities(ProbeKinds.COUNTRY)));
    // Mexico City: "city" is an ordinary word; Phoenix: an ordinary word.
    assertEquals(Set.of("Paris", "Tokyo", "Berlin", "Nairobi", "Lima"), names(values.usableEntities(ProbeKinds.CITY)));
    // Apple: an ordinary word; Air France: a country in the name.
    assertEquals(Set.of("Toyota", "Samsung", "Nokia", "Siemens"), names(values.usableEntities(ProbeKinds.ORGANIZATION)));
  }

  @Test
  void namesArePairedByFrequency() {
    ProbeValues.NamePairs p = values.pairNames(3, 1, log::add);
    assertEquals(3, p.female().size());
    assertEquals(3, p.male().size());
    for (int i = 0; i < 3; i++) {
      ProbeValues.Value f = p.female().get(i);
      ProbeValues.Value m = p.male().get(i);
      // The matched male name is the unused one nearest in log id: no unused male name is strictly nearer.
      double gap = Math.abs(Math.log(f.rank()) - Math.log(m.rank()));
      Set<String> used = p.male().subList(0, i).stream().map(ProbeValues.Value::value).collect(Collectors.toSet());
      for (ProbeValues.Value other : values.usableNames(ProbeKinds.MALE_NAME)) {
        if (!used.contains(other.value())) {
          assertTrue(Math.abs(Math.log(f.rank()) - Math.log(other.rank())) >= gap - 1e-12, f + " " + m + " " + other);
        }
      }
    }
    assertEquals(p.female().size(), new HashSet<>(p.male()).size(), "no male name used twice");
  }

  @Test
  void tooFewValuesIsReportedNotFatal() {
    generator.generate(values, 50, 50, 1, log::add);
    assertTrue(log.stream().anyMatch(s -> s.contains("usable name pairs")), log.toString());
    assertTrue(log.stream().anyMatch(s -> s.contains("usable city values")), log.toString());
  }

  @Test
  void templateParsing() {
    ProbeTemplate t = ProbeTemplate.parse("x1", "{PERSON} thought the film was {ADJ}.");
    assertEquals(ProbeTemplate.Slot.PERSON, t.entity());
    assertEquals(ProbeTemplate.ADJ, t.wordKind());
    ProbeTemplate.Filled f = t.fill("Ann", "dull");
    assertEquals("Ann thought the film was dull.", f.text());
    assertEquals("Ann", f.text().substring(f.slotStart(), f.slotEnd()));
    assertEquals("dull", f.text().substring(f.wordStart(), f.wordEnd()));
    assertThrows(IllegalArgumentException.class, () -> ProbeTemplate.parse("x2", "{PERSON} and {CITY} were {ADJ}."));
    assertThrows(IllegalArgumentException.class, () -> ProbeTemplate.parse("x3", "{PERSON} was there."));
    assertThrows(IllegalArgumentException.class, () -> ProbeTemplate.parse("x4", "{PLANET} was {ADJ}."));
  }

  @Test
  void shippedTemplatesAndWordsParseAndAgreeWithEachOther() throws Exception {
    List<ProbeTemplate> templates = ProbeTemplate.read(Path.of("conf/probes/templates.tsv"));
    List<SentimentWord> words = SentimentWord.read(Path.of("conf/lexicons/sentiment-words.tsv"));
    assertTrue(templates.size() >= 18, "templates: " + templates.size());
    new ProbeGenerator(templates, words); // every template's word kind has positive and negative words
    for (String kind : List.of(ProbeTemplate.ADJ, ProbeTemplate.EMOTION)) {
      long pos = words.stream().filter(w -> w.kind().equals(kind) && w.label() == 1).count();
      long neg = words.stream().filter(w -> w.kind().equals(kind) && w.label() == 0).count();
      assertEquals(pos, neg, kind + ": as many positive as negative words");
    }
    Set<ProbeTemplate.Slot> slots = templates.stream().map(ProbeTemplate::entity).collect(Collectors.toSet());
    assertEquals(Set.of(ProbeTemplate.Slot.values()), slots);
    assertTrue(Lexicon.read(Path.of("conf/lexicons/probe-name-stoplist.txt"), "stop list").contains("January"));
  }

  @Test
  void afinnCheckFlagsDisagreement() {
    List<String> log = new ArrayList<>();
    List<String> bad = CorpusPreparation.checkAgainstAfinn(
        List.of(new SentimentWord("happy", 1, "emotion"), new SentimentWord("sad", 1, "emotion"),
            new SentimentWord("zorg", 0, "adj")), Map.of("happy", 3, "sad", -2), log::add);
    assertEquals(List.of("sad (-2)"), bad);
    assertTrue(log.get(0).contains("not in AFINN-165: [zorg]"), log.toString());
  }

  private static Set<String> names(List<ProbeValues.Value> v) {
    return v.stream().map(ProbeValues.Value::value).collect(Collectors.toSet());
  }
}
