package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad rows become error rows with a reason and the job goes on; rows in == rows out, counted on the table. */
class BadRowsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.local(2);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void jsonLinesWithBadRows(@TempDir Path dir) throws Exception {
    String longText = "the movie was great and the acting was good . ".repeat(4400).substring(0, 200_000);
    List<String> lines = List.of(
        "{\"id\": \"ok1\", \"text\": \"the film was wonderful\", \"label\": 1}",
        "{\"id\": \"null\", \"text\": null}",
        "{\"id\": \"missing\"}",
        "{\"id\": \"empty\", \"text\": \"\"}",
        "{\"id\": \"blank\", \"text\": \"  \\t\\n \\u00a0 \"}",
        "{\"id\": \"long\", \"text\": \"" + longText + "\"}",
        "{\"id\": \"surrogate\", \"text\": \"a lone \\ud800 surrogate\"}",
        "{\"id\": \"control\", \"text\": \"the \\u0001plot\\u0007 was dull\\u0000\"}",
        "{\"id\": \"only-control\", \"text\": \"\\u0001\\u0002\\u0003\"}",
        "{\"id\": \"number\", \"text\": 12345}",
        "{\"id\": \"object\", \"text\": {\"a\": 1}}",
        "{\"id\": 7, \"text\": \"a numeric id is fine\"}",
        "{\"id\": \"dup\", \"text\": \"the first of two rows with one id\"}",
        "{\"id\": \"dup\", \"text\": \"the second of two rows with one id\"}",
        "{\"text\": \"no id at all\"}",
        "{this is not json",
        "[1, 2, 3]",
        "");
    Path input = dir.resolve("corpus.jsonl");
    Files.write(input, lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    ExplainJob.ExplainSummary s = SparkTests.run(spark, input, out, "run-id", "bad", "methods", "lrp-ah-ln,gi");
    assertEquals(lines.size(), s.rowsIn());
    assertEquals(Map.of("gi", (long) lines.size(), "lrp-ah-ln", (long) lines.size()), s.rowsOut());
    assertEquals(2L * lines.size(), SparkTests.count(spark, out, "bad"));

    Map<String, Row> byId = new HashMap<>();
    List<Row> rows = spark.read().parquet(out.toString()).where(col("method").equalTo("lrp-ah-ln")).collectAsList();
    Map<String, Long> statuses = new HashMap<>();
    for (Row r : rows) {
      statuses.merge(r.getAs("status"), 1L, Long::sum);
      if (r.getAs("id") != null && !"dup".equals(r.getAs("id"))) {
        byId.put(r.getAs("id"), r);
      }
    }
    assertEquals("ok", byId.get("ok1").getAs("status"));
    assertEquals("null_text", byId.get("null").getAs("status"));
    assertEquals("null_text", byId.get("missing").getAs("status"));
    assertEquals("empty_text", byId.get("empty").getAs("status"));
    assertEquals("empty_text", byId.get("blank").getAs("status"));
    Row longRow = byId.get("long");
    assertEquals("ok", longRow.getAs("status"));
    assertEquals(Boolean.TRUE, longRow.getAs("truncated"));
    assertEquals(128, (int) longRow.<Integer>getAs("num_tokens"));
    assertEquals(200_000, (int) longRow.<Integer>getAs("text_length"));
    assertEquals("invalid_unicode", byId.get("surrogate").getAs("status"));
    assertTrue(byId.get("surrogate").<String>getAs("error").contains("U+D800"));
    assertEquals("ok", byId.get("control").getAs("status"));
    assertEquals("no_tokens", byId.get("only-control").getAs("status"));
    assertEquals("invalid_text", byId.get("number").getAs("status"));
    assertTrue(byId.get("number").<String>getAs("error").contains("number"));
    assertEquals("invalid_text", byId.get("object").getAs("status"));
    assertEquals("ok", byId.get("7").getAs("status"));
    assertEquals(2, rows.stream().filter(r -> "dup".equals(r.getAs("id")) && "ok".equals(r.getAs("status"))).count(),
        "duplicate ids are kept and both explained");
    assertEquals(4, rows.stream().filter(r -> r.getAs("id") == null).count(), "missing id, 3 malformed lines");
    assertEquals(3, statuses.get("malformed_line"));
    assertEquals(1, statuses.get("missing_id"));
    for (Row r : rows) {
      boolean ok = "ok".equals(r.getAs("status"));
      assertEquals(ok, r.getAs("error") == null, "error message iff error status: " + r);
      assertEquals(ok, r.getAs("tokens") != null, "tokens iff ok: " + r);
      assertEquals(s.modelId(), r.getAs("model_id"));
    }
  }

  /**
   * explain-text and the job agree on texts that cannot be explained: the same status for empty, whitespace-only,
   * control-only and invalid-Unicode texts (explain-text used to explain [CLS] [SEP] and to replace a lone surrogate by
   * U+FFFD), and both explain the rest.
   */
  @Test
  void explainTextGivesTheJobsStatusForEveryText(@TempDir Path dir) throws Exception {
    List<String> texts = List.of("the film was wonderful", "", " \t \u00a0 ", "\u0001\u0002\u0003",
        "a lone \ud800 surrogate", "a \udc00 low one", "the \u0001plot\u0007 was dull");
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      lines.add("{\"id\": \"t" + i + "\", \"text\": " + new com.fasterxml.jackson.databind.ObjectMapper()
          .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.ESCAPE_NON_ASCII).writeValueAsString(texts.get(i)) + "}");
    }
    Path input = Files.write(dir.resolve("texts.jsonl"), lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    SparkTests.run(spark, input, out, "run-id", "agree");
    Map<String, String> job = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      job.put(r.getAs("id"), r.getAs("status"));
    }

    String[] args = new String[texts.size() + 3];
    args[0] = "explain-text";
    args[1] = "--model";
    args[2] = SparkTests.model().toString();
    for (int i = 0; i < texts.size(); i++) {
      args[i + 3] = texts.get(i);
    }
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = org.lrpaudit.cli.Main.run(args);
    } finally {
      System.setOut(stdout);
    }
    assertEquals(2, exit, "some texts were not explained");
    List<String> printed = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(texts.size(), printed.size());
    for (int i = 0; i < texts.size(); i++) {
      com.fasterxml.jackson.databind.JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(printed.get(i));
      String cli = row.has("status") ? row.get("status").asText() : "ok";
      assertEquals(job.get("t" + i), cli, "text " + i + " " + texts.get(i).codePoints().boxed().toList());
    }
    assertEquals(List.of("ok", "empty_text", "empty_text", "no_tokens", "invalid_unicode", "invalid_unicode", "ok"),
        java.util.stream.IntStream.range(0, texts.size()).mapToObj(i -> job.get("t" + i)).toList());
  }

  @Test
  void csvWithQuotesNewlinesEmptyFieldsAndGoldLabels(@TempDir Path dir) throws Exception {
    String csv = "\uFEFFid,text,label\n"
        + "a,\"a film, with a comma\",1\n"
        + "b,\"a film\nwith a newline\",0\n"
        + "c,,1\n"
        + "d,\"\",0\n"
        + "e,the plot was dull,\n"
        + "f,the plot was dull,POSITIVE\n"
        + "a,the same id again,1\n";
    Path input = dir.resolve("corpus.csv");
    Files.writeString(input, csv, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    ExplainJob.ExplainSummary s = SparkTests.run(spark, input, out, "run-id", "gold", "target", "label");
    assertEquals(7, s.rowsIn());
    assertEquals(7L, SparkTests.count(spark, out, "gold"));
    Map<String, String> status = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
      status.merge(r.getAs("id"), r.getAs("status"), (x, y) -> x + "+" + y);
      if ("ok".equals(r.getAs("status"))) {
        assertEquals(r.<Integer>getAs("label"), r.<Integer>getAs("explained_class"), "target label explains the gold label");
      }
    }
    assertEquals("ok+ok", status.get("a"));
    assertEquals("ok", status.get("b"));
    assertTrue(List.of("null_text", "empty_text").contains(status.get("c")), status.get("c"));
    assertTrue(List.of("null_text", "empty_text").contains(status.get("d")), status.get("d"));
    assertEquals("bad_target", status.get("e"));
    assertEquals("bad_label", status.get("f"));
    assertNull(status.get("missing"));
  }
}
