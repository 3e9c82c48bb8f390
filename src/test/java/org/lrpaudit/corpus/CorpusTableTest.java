package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus table survives CSV and Parquet round trips, awkward texts included. */
class CorpusTableTest {
  @TempDir
  Path tmp;

  static final List<String> AWKWARD = List.of(
      "plain text",
      "a comma, in it",
      "a \"quoted\" word",
      "\"starts and ends with quotes\"",
      "line one\nline two",
      "windows\r\nline break and a lone \r carriage return",
      "  leading and trailing spaces  ",
      "commas,,, quotes \"\"\" and\n\nnewlines, all \"at\nonce\"",
      "unicode: caf\u00e9, na\u00efve, \u2013 dash, \u201ccurly\u201d, emoji \uD83C\uDFAC",
      "ends with a backslash \\",
      "#not a comment");

  static List<CorpusRow> rows() {
    List<CorpusRow> rows = new java.util.ArrayList<>();
    for (int i = 0; i < AWKWARD.size(); i++) {
      rows.add(new CorpusRow("pang-lee-" + i, AWKWARD.get(i), i % 2, "pang-lee", Splits.ALL.get(i % 3), null));
    }
    rows.add(new CorpusRow("probe-p1-female_name-Alice-happy", "Alice, \"the\" critic, made me feel happy.", 1,
        CorpusColumns.PROBE_SOURCE, Splits.TEST,
        new CorpusRow.Probe("p1", "{PERSON}, \"the\" critic, made me feel {EMOTION}.", "happy", "p1-pos-001",
            ProbeKinds.FEMALE_NAME, "Alice", 0, 5, 34, 39)));
    rows.add(new CorpusRow("probe-c1-country-New_Zealand-awful", "The film from New Zealand was awful.", 0,
        CorpusColumns.PROBE_SOURCE, Splits.TEST,
        new CorpusRow.Probe("c1", "The film from {COUNTRY} was {ADJ}.", "awful", null, ProbeKinds.COUNTRY,
            "New Zealand", 14, 25, 30, 35)));
    return rows;
  }

  @Test
  void csvRoundTripWithCommasQuotesAndNewlines() throws Exception {
    for (boolean probeColumns : new boolean[] {false, true}) {
      Path f = tmp.resolve("t" + probeColumns + ".csv");
      List<CorpusRow> rows = probeColumns ? rows() : rows().subList(0, AWKWARD.size());
      CorpusCsv.write(f, rows, probeColumns);
      assertEquals(rows, CorpusCsv.read(f));
    }
  }

  @Test
  void csvIsRfc4180() throws Exception {
    Path f = tmp.resolve("rfc.csv");
    CorpusCsv.write(f, List.of(
        new CorpusRow("a", "x, \"y\"", 1, "s", Splits.TRAIN, null),
        new CorpusRow("b", "two\nlines", 0, "s", Splits.TEST, null),
        new CorpusRow("c", "plain", 0, "s", Splits.VALIDATION, null)), false);
    String csv = Files.readString(f, StandardCharsets.UTF_8);
    assertEquals("id,text,label,source,split\n"
        + "a,\"x, \"\"y\"\"\",1,s,train\n"
        + "b,\"two\nlines\",0,s,test\n"
        + "c,plain,0,s,validation\n", csv);
    assertFalse(csv.startsWith("\uFEFF"));
  }

  @Test
  void parquetRoundTripAndSchema() throws Exception {
    Path f = tmp.resolve("t.parquet");
    CorpusParquet.write(f, rows(), true);
    assertEquals(rows(), CorpusParquet.read(f));
    // Overwrite in place.
    CorpusParquet.write(f, rows().subList(0, 2), true);
    assertEquals(rows().subList(0, 2), CorpusParquet.read(f));

    try (ParquetFileReader r = ParquetFileReader.open(new CorpusParquet.LocalInputFile(f))) {
      MessageType schema = r.getFooter().getFileMetaData().getSchema();
      assertEquals(CorpusColumns.of(true), schema.getFields().stream().map(Type::getName).toList());
      assertEquals(PrimitiveTypeName.INT32, schema.getType("label").asPrimitiveType().getPrimitiveTypeName());
      assertEquals(LogicalTypeAnnotation.stringType(), schema.getType("text").getLogicalTypeAnnotation());
      assertTrue(schema.getType("id").isRepetition(Type.Repetition.REQUIRED));
      assertTrue(schema.getType("slot_start").isRepetition(Type.Repetition.OPTIONAL));
    }
    assertFalse(Files.exists(tmp.resolve(".t.parquet.crc")), "no Hadoop checksum side file");
  }

  @Test
  void baseColumnsOnlyParquet() throws Exception {
    Path f = tmp.resolve("base.parquet");
    List<CorpusRow> rows = rows().subList(0, AWKWARD.size());
    CorpusParquet.write(f, rows, false);
    assertEquals(rows, CorpusParquet.read(f));
  }

  @Test
  void missingCsvOrHeaderColumnIsAClearError() throws Exception {
    assertThrows(SourceFileMissingException.class, () -> CorpusCsv.read(tmp.resolve("none.csv")));
    Path f = tmp.resolve("nolabel.csv");
    Files.writeString(f, "id,text,source,split\na,b,c,train\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CorpusCsv.read(f));
    assertTrue(e.getMessage().contains("'label'"), e.getMessage());
  }
}
