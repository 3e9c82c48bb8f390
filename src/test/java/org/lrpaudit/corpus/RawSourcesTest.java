package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawSourcesTest {
  @TempDir
  Path tmp;

  @Test
  void pangLeeCsvBomQuotingLabelsAndEmptyRecord() throws Exception {
    Path f = tmp.resolve("pl.csv");
    Fixtures.write(f, Fixtures.PANG_LEE);
    RawSources.Read read = RawSources.readPangLee(f);
    List<CorpusRow> rows = read.rows();
    assertEquals(3, rows.size());
    assertEquals(1, read.droppedEmpty());
    // BOM stripped from the first label, "" read as ", the " \r\n" inside the quotes trimmed.
    assertEquals("a \"gripping\" , funny film .", rows.get(0).text());
    assertEquals(CorpusRow.POSITIVE, rows.get(0).label());
    assertEquals(CorpusRow.NEGATIVE, rows.get(1).label());
    assertEquals("a dull , tedious mess .", rows.get(1).text());
    // Ids number the records of the file, the dropped empty one (record 3) included.
    assertEquals(List.of("pang-lee-00001", "pang-lee-00002", "pang-lee-00004"), rows.stream().map(CorpusRow::id).toList());
    rows.forEach(r -> assertEquals(RawSources.PANG_LEE, r.source()));
  }

  @Test
  void pangLeeBadLabelNamesFileAndRecord() throws Exception {
    Path f = tmp.resolve("bad.csv");
    Fixtures.write(f, "\"1\",\"fine .\"\n\"0\",\"zero is not a label here .\"\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RawSources.readPangLee(f));
    assertTrue(e.getMessage().contains("record 2"), e.getMessage());
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
  }

  @Test
  void uciJsonClassesTrailingEmptyRecordAndWindows1252() throws Exception {
    Path f = tmp.resolve("imdb.json");
    Fixtures.write(f, Fixtures.uci("A very good movie.", "Not sure who was more lost \u0096 the cast or us\u0085"));
    RawSources.Read read = RawSources.readUciJson(f, RawSources.UCI_IMDB);
    assertEquals(2, read.rows().size());
    assertEquals(1, read.droppedEmpty());
    CorpusRow pos = read.rows().get(0);
    CorpusRow neg = read.rows().get(1);
    assertEquals("uci-imdb-00001", pos.id());
    assertEquals("A very good movie.", pos.text());
    assertEquals(CorpusRow.POSITIVE, pos.label());
    assertEquals(CorpusRow.NEGATIVE, neg.label());
    // U+0096 / U+0085 are Windows-1252 bytes read as Latin-1: an en dash and an ellipsis.
    assertEquals("Not sure who was more lost \u2013 the cast or us\u2026", neg.text());
    assertEquals(RawSources.UCI_IMDB, neg.source());
  }

  @Test
  void uciJsonMissingClassOnATextIsAnError() throws Exception {
    Path f = tmp.resolve("yelp.json");
    Fixtures.write(f, "[{\"text\":\"ok\",\"class\":1},{\"text\":\"no class\"}]");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RawSources.readUciJson(f, RawSources.UCI_YELP));
    assertTrue(e.getMessage().contains("record 2"), e.getMessage());
  }

  @Test
  void missingRawFileIsNamed() {
    SourceFileMissingException e = assertThrows(SourceFileMissingException.class,
        () -> RawSources.read(tmp, RawSources.UCI_AMAZON));
    Path expected = tmp.resolve("uci-sentiment").resolve("amazon.json");
    assertEquals(expected, e.file());
    assertTrue(e.getMessage().contains(expected.toAbsolutePath().toString()), e.getMessage());
    assertTrue(e.getMessage().contains("uci-amazon") && e.getMessage().contains("jobs/setup-data"), e.getMessage());
  }

  @Test
  void normaliseCollapsesWhiteSpace() {
    assertEquals("a b c", RawSources.normalise("\uFEFF  a \r\n b\t\tc  "));
  }
}
