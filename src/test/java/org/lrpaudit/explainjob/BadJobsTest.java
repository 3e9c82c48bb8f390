package org.lrpaudit.explainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.runtime.FaultInjection;

/** Bad jobs fail before any compute with a clear message; a job that fails mid-way leaves no partial partition. */
class BadJobsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkTests.local(2);
  }

  @AfterAll
  static void stop() {
    FaultInjection.clear();
    spark.stop();
  }

  private static String fails(Path input, Path out, String... kv) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> SparkTests.run(spark, input, out, kv));
    assertFalse(Files.exists(out.resolve("run_id=r")), "no output written: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void inputProblemsFailUpFront(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path noText = Files.writeString(dir.resolve("notext.csv"), "id,body\n1,hello\n");
    assertTrue(fails(noText, out, "run-id", "r").contains("no text column 'text' (columns: id, body)"));
    Path noId = Files.writeString(dir.resolve("noid.csv"), "key,text\n1,hello\n");
    assertTrue(fails(noId, out, "run-id", "r").contains("no id column 'id'"));
    assertTrue(fails(dir.resolve("nothing.jsonl"), out, "run-id", "r").contains("input not found"));
    Path corrupt = Files.write(dir.resolve("corrupt.parquet"), "this is not a parquet file at all".getBytes());
    String m = fails(corrupt, out, "run-id", "r");
    assertTrue(m.contains("cannot read input") && m.contains("corrupt.parquet"), m);
    Path noTextField = Files.writeString(dir.resolve("notext.jsonl"), "{\"id\": 1, \"body\": \"x\"}\n");
    assertTrue(fails(noTextField, out, "run-id", "r").contains("no 'text' field in any row"));

    StructType schema = new StructType().add("id", DataTypes.StringType).add("text", DataTypes.IntegerType);
    Path intText = dir.resolve("inttext.parquet");
    spark.createDataFrame(List.of(RowFactory.create("a", 1)), schema).write().parquet(intText.toString());
    assertTrue(fails(intText, out, "run-id", "r").contains("is int, not string"));
    Path unknown = Files.writeString(dir.resolve("corpus.xml"), "<a/>");
    assertTrue(fails(unknown, out, "run-id", "r").contains("--input-format"));
  }

  /**
   * Spark's multiLine CSV reader merges the rows after an unterminated quote into one text (3 physical rows -> 1 input
   * row) and shifts the cells of a row with a stray delimiter, without a word. The job fails first, naming file, lines
   * and ids; through the command line that is exit 2.
   */
  @Test
  void csvRowsRunTogetherFailTheJobNamingTheRows(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path merged = Files.writeString(dir.resolve("merged.csv"), "id,text,label\na,\"a good film,1\nb,a dull plot,0\n"
        + "c,fine,1\n");
    String m = fails(merged, out, "run-id", "r");
    assertTrue(m.contains("1 malformed CSV record") && m.contains("merged.csv: 1 malformed CSV record (4 lines read as 1 rows)")
        && m.contains("lines 2-4 (id 'a'): the quote opened on line 2 is never closed"), m);
    Path closedLater = Files.writeString(dir.resolve("later.tsv"), "id\ttext\na\t\"a good film\nb\t\"dull\"\nc\tok\n");
    m = fails(closedLater, out, "run-id", "r");
    assertTrue(m.contains("lines 2-3 (id 'a'): a quote opened on line 2 is closed on line 3"), m);
    Path stray = Files.writeString(dir.resolve("stray.csv"), "id,text,label\na,good, funny,1\nb,fine,0\n");
    m = fails(stray, out, "run-id", "r");
    assertTrue(m.contains("line 2 (id 'a'): 4 fields, but the header has 3"), m);
    assertEquals(2, org.lrpaudit.cli.Main.run("explain", "--model", SparkTests.model().toString(), "--input",
        merged.toString(), "--output", out.toString()));
    assertFalse(Files.exists(out));

    // CRLF files read as LF files do, with quoted line breaks kept.
    Path crlf = Files.writeString(dir.resolve("crlf.csv"), "id,text,label\r\na,\"two\r\nlines\",1\r\nb,fine,0\r\n");
    ExplainJob.ExplainSummary s = SparkTests.run(spark, crlf, out, "run-id", "crlf");
    assertEquals(2, s.rowsIn());
  }

  @Test
  void modelAndOutputProblemsFailUpFront(@TempDir Path dir) throws Exception {
    Path input = SparkTests.jsonl(dir.resolve("c.jsonl"), SparkTests.sentences(20, 8, 1));
    Path broken = Files.createDirectories(dir.resolve("model"));
    for (String f : List.of("config.json", "tokenizer.json")) {
      Files.copy(SparkTests.model().resolve(f), broken.resolve(f));
    }
    Path out = dir.resolve("out");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> SparkTests.run(spark, input, out, "run-id", "r", "model", broken.toString()));
    assertTrue(e.getMessage().contains("model.safetensors not found"), e.getMessage());
    assertFalse(Files.exists(out));
    assertTrue(fails(input, out, "run-id", "r", "target", "class:NOPE").contains("not a label of this model"));

    Path notATable = Files.createDirectories(dir.resolve("other"));
    Files.writeString(notATable.resolve("precious.txt"), "keep me");
    assertTrue(fails(input, notATable, "run-id", "r").contains("is not a relevance table"));
    assertTrue(Files.exists(notATable.resolve("precious.txt")));
  }

  @Test
  void rerunNeedsOverwriteAndReplacesTheRunWhole(@TempDir Path dir) throws Exception {
    Path input = SparkTests.jsonl(dir.resolve("c.jsonl"), SparkTests.sentences(30, 8, 2));
    Path out = dir.resolve("out");
    SparkTests.run(spark, input, out, "run-id", "keep", "methods", "gi");
    SparkTests.run(spark, input, out, "run-id", "r", "methods", "lrp-ah-ln,gi");
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> SparkTests.run(spark, input, out, "run-id", "r", "methods", "lrp-ah-ln"));
    assertTrue(e.getMessage().contains("run 'r' already exists") && e.getMessage().contains("--overwrite"));

    Path smaller = SparkTests.jsonl(dir.resolve("c2.jsonl"), SparkTests.sentences(12, 8, 3));
    ExplainJob.ExplainSummary s = SparkTests.run(spark, smaller, out, "run-id", "r", "methods", "lrp-ah-ln",
        "overwrite", "true");
    assertEquals(12, s.rowsIn());
    assertEquals(12, SparkTests.count(spark, out, "r"), "the rerun replaced the run whole: 12 new rows, no gi rows");
    assertEquals(List.of("method=lrp-ah-ln"), list(out.resolve("run_id=r")));
    assertEquals(30, SparkTests.count(spark, out, "keep"), "other runs untouched");
  }

  @Test
  void failedJobLeavesNoPartialPartition(@TempDir Path dir) throws Exception {
    List<String> texts = new ArrayList<>(SparkTests.sentences(200, 8, 4));
    texts.set(150, "this row fails its task");
    Path input = SparkTests.jsonl(dir.resolve("c.jsonl"), texts);
    Path out = dir.resolve("out");
    SparkTests.run(spark, SparkTests.jsonl(dir.resolve("old.jsonl"), texts.subList(0, 100)), out, "run-id", "r",
        "methods", "lrp-ah-ln");
    FaultInjection.failTaskOn("this row fails its task");
    try {
      // 8 partitions: most tasks succeed and commit their task output before the job fails.
      assertThrows(Exception.class, () -> SparkTests.run(spark, input, out, "run-id", "r", "overwrite", "true",
          "partitions", "8", "methods", "lrp-ah-ln,gi"));
      assertThrows(Exception.class, () -> SparkTests.run(spark, input, out, "run-id", "fresh", "partitions", "8"));
    } finally {
      FaultInjection.clear();
    }
    assertFalse(Files.exists(out.resolve("run_id=fresh")), "a failed new run is not visible at all");
    assertEquals(100, SparkTests.count(spark, out, "r"), "a failed rerun leaves the old run as it was");
    assertEquals(List.of("method=lrp-ah-ln"), list(out.resolve("run_id=r")));
    assertEquals(List.of("run_id=r"), list(out));
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")).sorted().toList();
    }
  }
}
