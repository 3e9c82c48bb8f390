package org.lrpaudit.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.corpus.ProbeKinds;
import org.lrpaudit.corpus.ProbeTemplate;
import org.lrpaudit.corpus.SentimentWord;
import org.lrpaudit.explainjob.ExplainJob;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.runtime.JobException;

/**
 * The annotate job end to end on one local Spark session: planted probe slots all found and nothing else, a name-free
 * control set without mentions, the capitalisation rule, overlaps and whole words, a user lexicon, UTF-16 offsets (also
 * against the explain job's word offsets, which runs DJL beside Spark NLP in the same JVM), bad rows counted, atomic
 * output and reruns.
 */
class AnnotateJobTest {
  private static SparkSession spark;
  @TempDir
  static Path shared;
  private static Path data;

  @TempDir
  Path tmp;

  /** A mention read back from the table. */
  record M(String id, int start, int end, String surface, String kind, String lexicon) {
  }

  @BeforeAll
  static void start() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("annotate-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate();
    data = AnnotateFixtures.dataDir(shared.resolve("data"));
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** id -> text as JSON lines (properly escaped, so any Unicode goes through). */
  private Path jsonl(Map<String, String> texts) throws IOException {
    List<String> lines = new ArrayList<>();
    for (var e : texts.entrySet()) {
      Map<String, String> row = new LinkedHashMap<>();
      row.put("id", e.getKey());
      row.put("text", e.getValue());
      lines.add(JSON.writeValueAsString(row));
    }
    Path file = Files.createTempFile(tmp, "in", ".jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  private AnnotateJob.Summary run(Path input, Path output, boolean overwrite, Path... userConfs) {
    List<Path> confs = new ArrayList<>(List.of(AnnotateFixtures.SHIPPED));
    confs.addAll(List.of(userConfs));
    return new AnnotateJob(spark).run(new AnnotateSettings(input.toString(), output.toString(), "auto", "id", "text",
        confs, data, overwrite));
  }

  private static List<M> mentions(Path output) {
    List<M> out = new ArrayList<>();
    for (Row r : spark.read().parquet(output.resolve(MentionsTable.FOLDER).toString())
        .orderBy("id", "start").collectAsList()) {
      out.add(new M(r.getString(0), r.getInt(1), r.getInt(2), r.getString(3), r.getString(4), r.getString(5)));
    }
    return out;
  }

  private List<M> annotate(Map<String, String> texts, Path... userConfs) throws IOException {
    Path out = tmp.resolve("out-" + System.nanoTime());
    run(jsonl(texts), out, false, userConfs);
    List<M> found = mentions(out);
    for (M m : found) { // the table's own invariant, on every run
      assertEquals(texts.get(m.id()).substring(m.start(), m.end()), m.surface(), m.toString());
    }
    return found;
  }

  private static List<String> kindsAndSurfaces(List<M> mentions, String id) {
    return mentions.stream().filter(m -> m.id().equals(id)).map(m -> m.kind() + ":" + m.surface()).toList();
  }

  @Test
  void everyPlantedProbeSlotIsFoundAndNothingElse() throws IOException {
    List<ProbeTemplate> templates = ProbeTemplate.read(Path.of("conf", "probes", "templates.tsv"));
    List<SentimentWord> words = SentimentWord.read(Path.of("conf", "lexicons", "sentiment-words.tsv"));
    Map<String, List<String>> values = Map.of(
        ProbeKinds.FEMALE_NAME, List.of("Alice", "Emma", "Zoë", "Hanna", "Katherine", "Anne", "Ann", "Jo"),
        ProbeKinds.MALE_NAME, List.of("Bob", "Omar", "Hugo", "Floyd"),
        ProbeKinds.COUNTRY, List.of("France", "Sri Lanka", "Côte d'Ivoire", "Peru"),
        ProbeKinds.CITY, List.of("New York", "São Paulo", "Oslo"),
        ProbeKinds.ORGANIZATION, List.of("Alfa Romeo", "Mercedes-Benz", "BMW", "Nokia"));
    Map<String, String> texts = new LinkedHashMap<>();
    Map<String, M> planted = new HashMap<>();
    int n = 0;
    for (ProbeTemplate t : templates) {
      for (String kind : t.entity().kinds) {
        for (String value : values.get(kind)) {
          for (SentimentWord w : words.stream().filter(x -> x.kind().equals(t.wordKind())).limit(2).toList()) {
            ProbeTemplate.Filled f = t.fill(value, w.word());
            String id = "probe-" + n++;
            texts.put(id, f.text());
            planted.put(id, new M(id, f.slotStart(), f.slotEnd(), value, kind, null));
          }
        }
      }
    }
    List<M> found = annotate(texts);
    Map<String, List<M>> byId = new HashMap<>();
    found.forEach(m -> byId.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(m));
    for (M p : planted.values()) {
      List<M> got = byId.getOrDefault(p.id(), List.of());
      assertEquals(1, got.size(), "probe " + p.id() + " \"" + texts.get(p.id()) + "\": " + got);
      M m = got.get(0);
      assertEquals(List.of(p.start(), p.end(), p.surface(), p.kind()), List.of(m.start(), m.end(), m.surface(), m.kind()),
          "probe \"" + texts.get(p.id()) + "\"");
    }
    assertEquals(planted.size(), found.size()); // recall 100%, and no mention beside the planted ones
    assertTrue(planted.size() > 300, "probes: " + planted.size());
  }

  @Test
  void nameFreeControlSetHasNoMention() throws IOException {
    List<ProbeTemplate> templates = ProbeTemplate.read(Path.of("conf", "probes", "templates.tsv"));
    Map<String, String> texts = new LinkedHashMap<>();
    int n = 0;
    for (ProbeTemplate t : templates) {
      for (String filler : List.of("my neighbour", "the critic", "the studio", "everyone")) {
        texts.put("c" + n++, t.fill(filler, "wonderful").text());
      }
    }
    // Ordinary words that are also names, places or brands; names inside longer words; capitals at a sentence start.
    List<String> tricky = List.of("i will see it again , and bill me for the rose-tinted grace notes .",
        "apple pie on china plates ; the phoenix rises .", "What a Joke, Johnny: an Annex of Yorkshire pudding.",
        "Jordanian and Peruvian food; Francesca's Omaha dinner.", "Will it work? So far, so good.",
        "My wife liked it. Rose petals everywhere!", "\"Grace\" is a lovely word. Apple sauce.",
        "THE FILM WAS LOVELY.", "newyork and saopaulo are not words here .");
    for (String s : tricky) {
      texts.put("c" + n++, s);
    }
    assertEquals(List.of(), annotate(texts));
  }

  @Test
  void capitalisationRule() throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("lower", "i watched it with alice and bob in new york .");
    texts.put("lowerWords", "i met will and rose there , and grace too .");
    texts.put("capital", "I met Will and Rose there, and Grace too.");
    texts.put("start", "Will and Rose came. Grace left.");
    texts.put("upper", "I met WILL and ALICE there.");
    List<M> m = annotate(texts);
    assertEquals(List.of("female_name:alice", "male_name:bob", "city:new york"), kindsAndSurfaces(m, "lower"));
    assertEquals(List.of(), kindsAndSurfaces(m, "lowerWords"));
    assertEquals(List.of("male_name:Will", "female_name:Rose", "female_name:Grace"), kindsAndSurfaces(m, "capital"));
    assertEquals(List.of("female_name:Rose"), kindsAndSurfaces(m, "start"));
    assertEquals(List.of("female_name:ALICE"), kindsAndSurfaces(m, "upper"));
  }

  @Test
  void thePipelineModelGivesTheJobsMentionsInAUsersOwnDataFrame() throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("place", "She moved from Georgia to New York, then York.");
    texts.put("person", "Woody Allen shot it in Denver with Woody.");
    texts.put("glued", "kurosawa's film with Alice’s dog, (Bob) and 😀Emma/Hugo in new york's rain.");
    texts.put("start", "Will and Rose came. Grace left.");
    texts.put("none", "a film without any name at all");
    texts.put("orgs", "a mercedes-benz , an alfa romeo and a BMW .");
    Path out = tmp.resolve("job");
    run(jsonl(texts), out, false);
    List<M> job = mentions(out);
    assertTrue(job.size() >= 12, job.toString());

    org.apache.spark.ml.PipelineModel model = MentionPipeline.model(spark, List.of(AnnotateFixtures.SHIPPED), data,
        "en");
    assertTrue(model.stages()[model.stages().length - 1] instanceof MentionResolution);
    List<Row> rows = new ArrayList<>();
    texts.forEach((id, text) -> rows.add(org.apache.spark.sql.RowFactory.create(id, text, "extra")));
    Dataset<Row> mine = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
        .add("id", "string").add("text", "string").add("source", "string"));
    Dataset<Row> mentions = model.transform(mine);
    assertEquals(List.of(MentionsTable.SCHEMA.fieldNames()), List.of(mentions.columns()));
    List<M> fromModel = new ArrayList<>();
    for (Row r : mentions.orderBy("id", "start").collectAsList()) {
      fromModel.add(new M(r.getString(0), r.getInt(1), r.getInt(2), r.getString(3), r.getString(4), r.getString(5)));
    }
    assertEquals(job, fromModel);
    // The user's own aggregation on top, as in a notebook.
    assertEquals(job.stream().filter(x -> x.kind().equals("female_name")).count(),
        mentions.where("kind = 'female_name'").count());
  }

  @Test
  void overlapsLongestMatchAndWholeWords() throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("place", "She moved from Georgia to New York, then York.");
    texts.put("person", "Woody Allen shot it in Denver with Woody.");
    texts.put("whole", "A Joke for Jo, Anne and Ann; Annex, Jo-Jo.");
    texts.put("orgs", "a mercedes-benz , an alfa romeo and a BMW .");
    texts.put("glued", "kurosawa's film with Alice’s dog, (Bob) and 😀Emma/Hugo in new york's rain.");
    texts.put("same", "Jordan was filmed in Jordan.");
    texts.put("yield", "A letter from Sam, then a trip to Jordan.");
    texts.put("particles", "bob de hanna, o'floyd and Van Hugo met Alice."); // surnames, not first names
    List<M> m = annotate(texts);
    assertEquals(List.of("country:Georgia", "city:New York", "city:York"), kindsAndSurfaces(m, "place"));
    assertEquals(List.of("person:Woody Allen", "city:Denver", "male_name:Woody"), kindsAndSurfaces(m, "person"));
    // Tokens are runs of letters and digits: "Joke" and "Annex" are not "Jo" and "Ann"; "Jo-Jo" is two.
    assertEquals(List.of("female_name:Jo", "female_name:Anne", "female_name:Ann", "female_name:Jo", "female_name:Jo"),
        kindsAndSurfaces(m, "whole"));
    assertEquals(List.of("person:kurosawa", "female_name:Alice", "male_name:Bob", "female_name:Emma", "male_name:Hugo",
        "city:new york"), kindsAndSurfaces(m, "glued"));
    assertEquals(List.of("organization:mercedes-benz", "organization:alfa romeo", "organization:BMW"),
        kindsAndSurfaces(m, "orgs"));
    // An ambiguous first name before a place of the same name, except after a place preposition.
    assertEquals(List.of("ambiguous_name:Jordan", "country:Jordan"), kindsAndSurfaces(m, "same"));
    // After a place preposition an ambiguous name only yields to a place: with none there, it stays a name.
    assertEquals(List.of("ambiguous_name:Sam", "country:Jordan"), kindsAndSurfaces(m, "yield"));
    assertEquals(List.of("male_name:bob", "female_name:Alice"), kindsAndSurfaces(m, "particles"));
  }

  @Test
  void userLexiconByConfiguration() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(dir.resolve("films.txt"), "# films, my own list\nCasablanca\nThe Third Man\n");
    Files.writeString(dir.resolve("ogres.txt"), "Shrek\n");
    Path conf = dir.resolve("mine.conf");
    Files.writeString(conf, "annotate.lexicons += { name = films, kind = film_title, file = \"films.txt\", case = exact }\n"
        + "annotate.lexicons += { name = ogres, kind = ogre, file = \"ogres.txt\", case = ignore }\n");
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("a", "We saw Casablanca and The Third Man in Oslo with shrek.");
    texts.put("b", "we saw casablanca and the third man .");
    Path out = tmp.resolve("out-user");
    AnnotateJob.Summary s = run(jsonl(texts), out, false, conf);
    List<M> m = mentions(out);
    assertEquals(List.of("film_title:Casablanca", "film_title:The Third Man", "city:Oslo", "ogre:shrek"),
        kindsAndSurfaces(m, "a"));
    assertEquals(List.of(), kindsAndSurfaces(m, "b")); // exact: only as written
    assertEquals(2L, s.mentionsPerLexicon().get("films"));
    assertEquals(1L, s.mentionsPerKind().get("ogre"));
  }

  /** UTF-16 offsets: emoji and other surrogate pairs before the names; the same spans as the explain job's words. */
  @Test
  void offsetsAreUtf16AndMatchTheExplainJobsWords() throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("emoji", "😀😀 Alice met Bob in New York.");
    texts.put("math", "𝒜𝒷 café — Zoë and Omar visited São Paulo 🎬 with Hugo.");
    texts.put("flags", "🇫🇷🇫🇷 France, then 👩‍👩‍👧 Emma in Oslo");
    Path input = jsonl(texts);
    Path out = tmp.resolve("out-offsets");
    run(input, out, false);
    List<M> found = mentions(out);
    Map<String, List<String>> expected = Map.of("emoji", List.of("Alice", "Bob", "New York"),
        "math", List.of("Zoë", "Omar", "São Paulo", "Hugo"), "flags", List.of("France", "Emma", "Oslo"));
    for (var e : expected.entrySet()) {
      List<M> got = found.stream().filter(m -> m.id().equals(e.getKey())).toList();
      assertEquals(e.getValue(), got.stream().map(M::surface).toList());
      String text = texts.get(e.getKey());
      for (M m : got) {
        int at = text.indexOf(m.surface()); // each value occurs once: an independent UTF-16 position
        assertEquals(List.of(at, at + m.surface().length()), List.of(m.start(), m.end()), m.toString());
      }
    }

    // The explain job (a seeded random BERT; DJL and libtorch in the same JVM as Spark NLP) on the same texts.
    Path model = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 1, 16, 2, 32, false, 5),
        Files.createDirectories(tmp.resolve("model")));
    Properties p = ExplainSettings.defaults();
    p.setProperty("model", model.toString());
    p.setProperty("input", input.toString());
    p.setProperty("output", tmp.resolve("relevance").toString());
    p.setProperty("run-id", "t");
    p.setProperty("max-length", "128");
    new ExplainJob(spark).run(ExplainSettings.from(p));
    Map<String, List<int[]>> words = new HashMap<>();
    for (Row r : spark.read().parquet(tmp.resolve("relevance").toString()).selectExpr("id", "words").collectAsList()) {
      List<int[]> spans = new ArrayList<>();
      for (Row w : r.<Row>getList(1)) {
        spans.add(new int[] {w.getInt(w.fieldIndex("start")), w.getInt(w.fieldIndex("end"))});
      }
      words.put(r.getString(0), spans);
    }
    for (M m : found) {
      List<int[]> spans = words.get(m.id());
      assertTrue(spans.stream().anyMatch(w -> w[0] == m.start()), "no explain word starts where " + m + " starts");
      assertTrue(spans.stream().anyMatch(w -> w[1] == m.end()), "no explain word ends where " + m + " ends");
      if (!m.surface().contains(" ")) {
        assertTrue(spans.stream().anyMatch(w -> w[0] == m.start() && w[1] == m.end()), "no explain word is " + m);
      }
    }
  }

  @Test
  void badRowsAreCountedNotAnnotated() throws IOException {
    Path input = tmp.resolve("bad.jsonl");
    Files.writeString(input, String.join("\n",
        "{\"id\": \"good\", \"text\": \"Alice and Bob\"}",
        "{\"id\": \"null\", \"text\": null}",
        "{\"id\": \"nofield\"}",
        "{\"id\": \"empty\", \"text\": \"\"}",
        "{\"id\": \"blank\", \"text\": \"  \\t \"}",
        "{\"id\": \"number\", \"text\": 42}",
        "this is not json, Alice",
        "{\"text\": \"Alice without an id\"}",
        "{\"id\": \"surrogate\", \"text\": \"\\ud800 Alice\"}",
        "{\"id\": \"good2\", \"text\": \"nothing here\"}") + "\n");
    Path out = tmp.resolve("out-bad");
    AnnotateJob.Summary s = run(input, out, false);
    assertEquals(10, s.rowsRead());
    assertEquals(2, s.rowsAnnotated());
    assertEquals(Map.of("null_text", 2L, "empty_text", 2L, "invalid_text", 1L, "malformed_line", 1L, "missing_id", 1L,
        "invalid_unicode", 1L), s.rowsWithoutText());
    assertEquals(s.rowsRead(), s.rowsAnnotated() + s.rowsWithoutText().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(List.of(new M("good", 0, 5, "Alice", "female_name", "female_first_names"),
        new M("good", 10, 13, "Bob", "male_name", "male_first_names")), mentions(out));
    assertEquals(1, s.rowsWithMentions());
    // The summary file beside the table says the same.
    Map<?, ?> json = JSON.readValue(out.resolve(MentionsTable.SUMMARY).toFile(), Map.class);
    assertEquals(10, json.get("rowsRead"));
    assertEquals(Map.of("female_name", 1, "male_name", 1), json.get("mentionsPerKind"));
  }

  @Test
  void csvWithOtherColumnNames() throws IOException {
    Path input = tmp.resolve("c.csv");
    Files.writeString(input, "doc,body\nd1,\"Emma, from France\"\nd2,\n");
    Path out = tmp.resolve("out-csv");
    AnnotateJob.Summary s = new AnnotateJob(spark).run(new AnnotateSettings(input.toString(), out.toString(), "auto",
        "doc", "body", List.of(AnnotateFixtures.SHIPPED), data, false));
    assertEquals(2, s.rowsRead());
    assertEquals(Map.of("null_text", 1L), s.rowsWithoutText());
    assertEquals(List.of("female_name:Emma", "country:France"), kindsAndSurfaces(mentions(out), "d1"));
    JobException e = assertThrows(JobException.class, () -> new AnnotateJob(spark).run(new AnnotateSettings(
        input.toString(), tmp.resolve("o2").toString(), "auto", "id", "body", List.of(AnnotateFixtures.SHIPPED), data,
        false)));
    assertTrue(e.getMessage().contains("no id column 'id'"), e.getMessage());
  }

  @Test
  void outputIsReplacedOnlyWithOverwriteAndRerunsAgree() throws IOException {
    Map<String, String> texts = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      texts.put("r" + i, i % 3 == 0 ? "Alice saw Bob in Oslo, " + i : "nothing " + i);
    }
    Path input = jsonl(texts);
    Path out = tmp.resolve("out-rerun");
    run(input, out, false);
    List<M> first = mentions(out);
    assertEquals(14 * 3, first.size());

    JobException e = assertThrows(JobException.class, () -> run(input, out, false));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
    run(input, out, true);
    assertEquals(first, mentions(out), "a rerun gives the same table");

    Path other = jsonl(Map.of("x", "Emma only"));
    run(other, out, true);
    assertEquals(List.of(new M("x", 0, 4, "Emma", "female_name", "female_first_names")), mentions(out));
    try (Stream<Path> left = Files.list(out)) {
      assertEquals(List.of(MentionsTable.SUMMARY, MentionsTable.FOLDER),
          left.map(f -> f.getFileName().toString()).filter(f -> !f.startsWith(".")).sorted().toList(),
          "no temporary folder left behind"); // (hidden: Hadoop's .crc checksum files)
    }

    // A missing lexicon file fails before anything is written.
    Path badConf = tmp.resolve("bad.conf");
    Files.writeString(badConf, "annotate.lexicons += { name = gone, kind = k, file = \"gone.txt\" }\n");
    Path fresh = tmp.resolve("out-never");
    e = assertThrows(JobException.class, () -> run(input, fresh, false, badConf));
    assertTrue(e.getMessage().contains(tmp.resolve("gone.txt").toString()) && e.getMessage().contains("'gone'.file"),
        e.getMessage());
    assertFalse(Files.exists(fresh));
  }
}
