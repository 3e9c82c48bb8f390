package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;

/** prepare-corpus end to end on fixtures the test writes, and its errors. */
class CorpusPreparationTest {
  @TempDir
  Path tmp;

  CorpusPreparation.Options options(Path raw, Path out) throws Exception {
    return new CorpusPreparation.Options(raw, Fixtures.lexicons(tmp.resolve("lex")), out, 42,
        Fixtures.templates(tmp.resolve("t.tsv")), Fixtures.words(tmp.resolve("w.tsv")),
        Fixtures.stoplist(tmp.resolve("stop.txt")), 3, 2);
  }

  @Test
  void writesCorpusAndAuditCorpusAsCsvAndParquet() throws Exception {
    Path out = tmp.resolve("out");
    List<String> log = new ArrayList<>();
    CorpusPreparation.Result r = CorpusPreparation.run(options(Fixtures.raw(tmp.resolve("raw")), out), log::add);

    // pang-lee 3 + imdb 2 + yelp 2 + amazon 2, less amazon's repeat of a yelp sentence; 4 empty records dropped.
    assertEquals(8, r.corpus().size());
    assertEquals(4, r.droppedEmpty());
    assertEquals(1, r.droppedDuplicates());
    assertTrue(r.corpus().stream().noneMatch(c -> c.id().equals("uci-amazon-00002")));
    Splits splits = Splits.standard(42);
    r.corpus().forEach(c -> assertEquals(splits.assign(c.id()), c.split(), c.id()));

    long testRows = r.corpus().stream().filter(c -> c.split().equals(Splits.TEST)).count();
    long probes = r.audit().stream().filter(CorpusRow::isProbe).count();
    assertEquals(3 * 2 * 2 * 2 + 2 * 2 * 3, probes);
    assertEquals(testRows + probes, r.audit().size());
    assertTrue(r.audit().stream().allMatch(c -> c.split().equals(Splits.TEST)));

    assertEquals(r.corpus(), CorpusCsv.read(out.resolve("corpus.csv")));
    assertEquals(r.corpus(), CorpusParquet.read(out.resolve("corpus.parquet")));
    assertEquals(r.audit(), CorpusCsv.read(out.resolve("audit_corpus.csv")));
    assertEquals(r.audit(), CorpusParquet.read(out.resolve("audit_corpus.parquet")));
    assertEquals("id,text,label,source,split", Files.readAllLines(out.resolve("corpus.csv")).get(0));
    try (var files = Files.list(out)) {
      assertEquals(4, files.count(), "no temporary files left");
    }
    String report = String.join("\n", log);
    assertTrue(report.contains("pang-lee pos") && report.contains("uci-amazon pos") && report.contains("female_name pos"),
        report);
  }

  /** A rerun replaces its own four files; a user's file of the same name in --out is never replaced. */
  @Test
  void aUsersCorpusFileInTheOutputFolderIsNeverReplaced() throws Exception {
    Path raw = Fixtures.raw(tmp.resolve("raw"));
    Path out = tmp.resolve("out");
    CorpusPreparation.run(options(raw, out), s -> { });
    CorpusPreparation.run(options(raw, out), s -> { }); // our own files: replaced
    Path mine = Files.createDirectories(tmp.resolve("mine"));
    Files.writeString(mine.resolve("corpus.csv"), "my,own,columns\n1,2,3\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CorpusPreparation.run(options(raw, mine), s -> { }));
    assertTrue(e.getMessage().contains(mine.resolve("corpus.csv") + " exists and was not written by prepare-corpus"),
        e.getMessage());
    assertEquals("my,own,columns\n1,2,3\n", Files.readString(mine.resolve("corpus.csv")));
    try (var files = Files.list(mine)) {
      assertEquals(1, files.count(), "nothing written beside it");
    }
    Files.delete(mine.resolve("corpus.csv"));
    Files.writeString(mine.resolve("audit_corpus.parquet"), "not parquet");
    e = assertThrows(IllegalArgumentException.class, () -> CorpusPreparation.run(options(raw, mine), s -> { }));
    assertTrue(e.getMessage().contains("audit_corpus.parquet exists and was not written"), e.getMessage());
    assertEquals("not parquet", Files.readString(mine.resolve("audit_corpus.parquet")));
  }

  /** An unterminated quote in the Pang & Lee CSV swallowed the records after it into one text. */
  @Test
  void aRawCsvRecordWithAnUnterminatedQuoteIsNamed() throws Exception {
    Path raw = Fixtures.raw(tmp.resolve("raw"));
    Path pang = RawSources.file(raw, RawSources.PANG_LEE);
    Files.writeString(pang, "1,\"a fine film \r\n\"\r\n-1,\"a dull one \r\n1,\"a third \r\n\"\r\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RawSources.readPangLee(pang));
    assertTrue(e.getMessage().startsWith(pang + ": ") && e.getMessage().contains(
        "lines 3-4 (id '-1'): a quote opened on line 3 is closed on line 4"), e.getMessage());
  }

  @Test
  void missingRawSourceFileIsNamedAndNothingIsWritten() throws Exception {
    Path raw = Fixtures.raw(tmp.resolve("raw"));
    Path gone = RawSources.file(raw, RawSources.UCI_YELP);
    Files.delete(gone);
    Path out = tmp.resolve("out");
    SourceFileMissingException e = assertThrows(SourceFileMissingException.class,
        () -> CorpusPreparation.run(options(raw, out), s -> { }));
    assertEquals(gone, e.file());
    assertTrue(e.getMessage().contains(gone.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("uci-yelp"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void missingTokenizerOrLexiconIsNamed() throws Exception {
    Path raw = Fixtures.raw(tmp.resolve("raw"));
    CorpusPreparation.Options o = options(raw, tmp.resolve("out"));
    Files.delete(o.lexicons().resolve(ProbeLexicons.CITIES));
    SourceFileMissingException e = assertThrows(SourceFileMissingException.class, () -> CorpusPreparation.run(o, s -> { }));
    assertTrue(e.getMessage().contains("cities.txt"), e.getMessage());
    Fixtures.lexicon(o.lexicons().resolve(ProbeLexicons.CITIES), Fixtures.CITIES);
    Files.delete(o.tokenizer());
    e = assertThrows(SourceFileMissingException.class, () -> CorpusPreparation.run(o, s -> { }));
    assertTrue(e.getMessage().contains("all-minilm-l6-v2-tokenizer.json"), e.getMessage());
  }

  @Test
  void commandLineReportsAMissingSourceWithExitCode2() throws Exception {
    Path raw = tmp.resolve("empty-raw");
    Files.createDirectories(raw);
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run("prepare-corpus", "--raw", raw.toString(), "--lexicons", tmp.resolve("lex").toString(),
          "--out", tmp.resolve("out").toString());
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
    String msg = err.toString(StandardCharsets.UTF_8);
    assertTrue(msg.contains("prepare-corpus: error: missing raw source file of 'pang-lee'"), msg);
    assertTrue(msg.contains("polarity-en-pang&lee2.csv"), msg);
  }

  @Test
  void dataFolderFromEnvironmentOrConf() throws Exception {
    Path home = tmp.resolve("home");
    Fixtures.write(home.resolve("conf").resolve("lrp-audit.conf"), "data.dir = \"store/data\"\n"
        + "probes.templates = \"conf/t.tsv\"\n");
    DataLayout conf = DataLayout.resolve(home.toString(), Map.of());
    assertEquals(home.resolve("store/data"), conf.data());
    assertEquals(home.resolve("store/data/raw"), conf.raw());
    assertEquals(home.resolve("conf/t.tsv"), conf.path("probes.templates", "x"));
    assertEquals(home.resolve("conf/lexicons/sentiment-words.tsv"),
        conf.path("probes.sentiment-words", "conf/lexicons/sentiment-words.tsv"));

    DataLayout env = DataLayout.resolve(home.toString(), Map.of(DataLayout.DATA_ENV, tmp.resolve("elsewhere").toString()));
    assertEquals(tmp.resolve("elsewhere"), env.data());
    assertEquals(tmp.resolve("elsewhere/lexicons"), env.lexicons());

    DataLayout none = DataLayout.resolve(tmp.resolve("no-conf-here").toString(), Map.of());
    assertEquals(tmp.resolve("no-conf-here/data"), none.data());
  }

  @Test
  void shippedConfIsValidHocon() {
    DataLayout layout = DataLayout.resolve(Path.of("").toAbsolutePath().toString(), Map.of());
    assertEquals(layout.home().resolve(layout.config().getString("data.dir")).normalize(), layout.data());
    assertTrue(Files.isRegularFile(layout.path("probes.templates", "-")));
    assertTrue(Files.isRegularFile(layout.path("probes.sentiment-words", "-")));
    assertTrue(Files.isRegularFile(layout.path("probes.name-stoplist", "-")));
  }
}
