package org.lrpaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.runtime.FaultInjection;

/**
 * Issue 14, "nothing lost, nothing silently wrong": a job whose work failed never exits 0. Every job runs through the
 * command line (cli.Main), as a user or an audit stage runs it, in one local[2] Spark session that the commands share.
 * Exit status: 0 done, 1 the job's work failed (nothing committed), 2 bad usage or input (before any compute).
 */
class FailClosedTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;
  @TempDir
  static Path tmp;
  private static Path good;
  /** The model under the fault: rows with "terrible" fail for it. */
  private static Path failing;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("fail-closed-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    good = TestCheckpoints.tinyBert(tmp.resolve("good"), 3);
    // Texts holding "terrible" fail to be explained, as an unexpected error in the model would (the job's fault, not
    // the text's: the same text is fine under a sound model). A checkpoint cannot be made to do this for real: the
    // loader refuses non-finite weights, and every id the tokenizer can emit is checked against the embedding.
    failing = TestCheckpoints.tinyBert(tmp.resolve("failing"), 3);
  }

  @AfterAll
  static void stop() {
    FaultInjection.clear();
    spark.stop();
  }

  /**
   * One command line in this JVM: status, standard output, standard error. A command line naming the failing model runs
   * with the fault on (texts with "terrible" fail to be explained).
   */
  record Run(int status, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  static synchronized Run main(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    if (Arrays.asList(args).contains(failing.toString())) {
      FaultInjection.failBatchesWith("terrible");
    }
    int status;
    try {
      status = Main.run(args);
    } finally {
      FaultInjection.clear();
      System.setOut(out);
      System.setErr(err);
    }
    String errText = e.toString(StandardCharsets.UTF_8);
    err.print(errText);
    return new Run(status, o.toString(StandardCharsets.UTF_8), errText);
  }

  private static void assertContains(String text, String... parts) {
    for (String p : parts) {
      assertTrue(text.contains(p), "expected '" + p + "' in: " + text);
    }
  }

  /** n JSON lines; every third text (starting with the first) holds "terrible" when bad is true. */
  private static Path corpus(Path file, int n, boolean withId, boolean bad) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String text = (bad && i % 3 == 0 ? "a terrible film" : "a good film") + (i % 2 == 0 ? " with a great cast" : "");
      lines.add("{" + (withId ? "\"id\": \"t" + i + "\", " : "") + "\"text\": \"" + text + "\", \"label\": " + (i % 2)
          + "}");
    }
    return Files.write(file, lines);
  }

  private static List<String> visible(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")).sorted()
          .toList();
    }
  }

  // ---- explain ----

  /** An image classifier's folder is refused on the driver by the text jobs, before any compute. */
  @Test
  void textJobsRefuseAnImageClassifier() throws IOException {
    Path model = TestCheckpoints.vit(tmp.resolve("vit"), 1, 16, 2, 8, 4, 1, "gelu", false, 3);
    Path input = corpus(tmp.resolve("vit.jsonl"), 12, true, false);
    for (String job : List.of("explain", "evaluate")) {
      Path out = tmp.resolve("vit-" + job);
      Run r = main(job, "--model", model.toString(), "--input", input.toString(), "--output", out.toString());
      assertEquals(2, r.status(), job + ": refused as bad input");
      assertContains(r.err(), "is an image classifier; explain it with explain-image");
      // Without the driver's check the executors refuse it too, but only once the job's stage has started.
      assertFalse(r.err().contains("executors cannot read the model"), job + ": refused on the driver: " + r.err());
      assertFalse(Files.exists(out), job + ": nothing written");
    }
  }

  @Test
  void explainRefusesAModelWhosePostProcessorEmitsAnIdOutsideTheVocabulary() throws IOException {
    Path model = TestCheckpoints.tinyBert(tmp.resolve("bad-cls"), 3);
    TestCheckpoints.editTokenizer(model, t -> ((ArrayNode) t.get("post_processor").get("special_tokens").get("[CLS]")
        .get("ids")).removeAll().add(999999));
    Path input = corpus(tmp.resolve("cls.jsonl"), 12, true, false);
    Path out = tmp.resolve("cls-out");
    Run r = main("explain", "--model", model.toString(), "--input", input.toString(), "--output", out.toString(),
        "--run-id", "r");
    assertEquals(2, r.status(), "refused before any compute, as bad input");
    assertContains(r.err(), "[CLS]", "999999", "vocab_size");
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void explainFailsWhenEveryRowFailsForTheModel() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add("{\"id\": \"t" + i + "\", \"text\": \"a terrible film number " + i + "\"}");
    }
    Path input = Files.write(tmp.resolve("all-fail.jsonl"), lines);
    Path out = tmp.resolve("all-fail-out");
    Run r = main("explain", "--model", failing.toString(), "--input", input.toString(), "--output", out.toString(),
        "--run-id", "r");
    assertEquals(1, r.status(), "every row explain_failed: the job failed (default --max-error-rate 0.5)");
    assertContains(r.err(), "6 of 6 rows", "explain_failed");
    assertFalse(Files.exists(out.resolve("run_id=r")), "nothing committed");
  }

  @Test
  void explainFailsWhenMoreRowsFailThanMaxErrorRateAndCommitsNothing() throws IOException {
    Path input = corpus(tmp.resolve("nan.jsonl"), 12, true, true); // 4 of 12 texts hold "terrible"
    Path out = tmp.resolve("nan-out");
    // a previous good run of the same id, which a failed rerun must leave as it was
    assertEquals(0, main("explain", "--model", good.toString(), "--input", input.toString(), "--output",
        out.toString(), "--run-id", "r").status());

    Run failed = main("explain", "--model", failing.toString(), "--input", input.toString(), "--output",
        out.toString(), "--run-id", "r", "--overwrite", "--max-error-rate", "0.25");
    assertEquals(1, failed.status(), "4 of 12 rows failed for the model (0.333 > 0.25): the job failed");
    assertContains(failed.err(), "4 of 12 rows", "explain_failed", "--max-error-rate 0.25", "nothing was committed");
    assertEquals(List.of("run_id=r"), visible(out));
    assertEquals(12, spark.read().parquet(out.toString()).where("status = 'ok'").count(), "the previous run is intact");

    Run fresh = main("explain", "--model", failing.toString(), "--input", input.toString(), "--output",
        out.toString(), "--run-id", "fresh", "--max-error-rate", "0.25");
    assertEquals(1, fresh.status());
    assertEquals(List.of("run_id=r"), visible(out), "a failed new run is not visible at all");

    // Within the limit (default 0.5), the run is committed and its summary states the error rate.
    Run ok = main("explain", "--model", failing.toString(), "--input", input.toString(), "--output",
        out.toString(), "--run-id", "r", "--overwrite");
    assertEquals(0, ok.status(), ok.err());
    JsonNode errors = ok.json().get("errors");
    assertEquals(12, errors.get("rows").asLong());
    assertEquals(4, errors.get("job_errors").asLong());
    assertEquals(0, errors.get("input_errors").asLong());
    assertEquals(4.0 / 12, errors.get("error_rate").asDouble(), 1e-12);
    assertEquals(4, spark.read().parquet(out.toString()).where("status = 'explain_failed'").count());
  }

  @Test
  void explainErrorRateLeavesInputErrorsOutOfTheDenominator() throws IOException {
    // 6 empty texts (their own fault) and 6 texts of which 2 fail for the model: 2 / 6 attempted, not 2 / 12.
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add("{\"id\": \"e" + i + "\", \"text\": \"  \"}");
      lines.add("{\"id\": \"t" + i + "\", \"text\": \"" + (i % 3 == 0 ? "a terrible film" : "a good film") + "\"}");
    }
    Path input = Files.write(tmp.resolve("mixed.jsonl"), lines);
    Path out = tmp.resolve("mixed-out");
    Run r = main("explain", "--model", failing.toString(), "--input", input.toString(), "--output", out.toString(),
        "--run-id", "r", "--max-error-rate", "0.3");
    assertEquals(1, r.status(), "2 of 6 attempted rows failed: 0.333 > 0.3");
    assertContains(r.err(), "2 of 6 rows");
    assertFalse(Files.exists(out.resolve("run_id=r")));

    // every row empty: nothing could be explained, for the rows' own fault: bad input, not committed
    Path empty = Files.write(tmp.resolve("empty-texts.jsonl"), List.of("{\"id\": 1, \"text\": \"\"}",
        "{\"id\": 2, \"text\": \" \"}"));
    Run none = main("explain", "--model", good.toString(), "--input", empty.toString(), "--output", out.toString(),
        "--run-id", "r");
    assertEquals(2, none.status());
    assertContains(none.err(), "not one of the 2 rows could be used", "empty_text");
    assertFalse(Files.exists(out.resolve("run_id=r")));
  }

  @Test
  void explainRefusesJsonLinesWithoutTheIdField() throws IOException {
    Path input = corpus(tmp.resolve("noid-explain.jsonl"), 20, false, false);
    Path out = tmp.resolve("noid-explain-out");
    Run r = main("explain", "--model", good.toString(), "--input", input.toString(), "--output", out.toString());
    assertEquals(2, r.status());
    assertContains(r.err(), "no 'id' value in any of its 20 rows", "--id-column");
    assertFalse(Files.exists(out));
  }

  // ---- evaluate ----

  @Test
  void evaluateRefusesJsonLinesWithoutTheIdField() throws IOException {
    Path input = corpus(tmp.resolve("noid.jsonl"), 400, false, false);
    Path out = tmp.resolve("noid-eval");
    Run r = main("evaluate", "--model", good.toString(), "--input", input.toString(), "--output", out.toString(),
        "--methods", "lrp-ah-ln,random", "--steps", "3");
    assertEquals(2, r.status(), "refused before any work, not 400 rows skipped as missing_id and NaN areas");
    assertContains(r.err(), "'id'", "--id-column");
    assertFalse(Files.exists(out));
  }

  @Test
  void evaluateFailsWhenEveryRowFailsForTheModel() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add("{\"id\": \"t" + i + "\", \"text\": \"a terrible film number " + i + "\", \"label\": 1}");
    }
    Path input = Files.write(tmp.resolve("eval-all-fail.jsonl"), lines);
    Path out = tmp.resolve("eval-all-fail");
    Run r = main("evaluate", "--model", failing.toString(), "--input", input.toString(), "--output",
        out.toString(), "--methods", "lrp-ah-ln", "--steps", "3");
    assertEquals(1, r.status(), "not NaN areas and exit 0");
    assertContains(r.err(), "6 of 6", "explain_failed");
    assertFalse(Files.exists(out));
  }

  @Test
  void evaluateFailsWhenMoreRowsFailThanMaxErrorRate() throws IOException {
    Path input = corpus(tmp.resolve("eval-nan.jsonl"), 12, true, true);
    Path out = tmp.resolve("eval-nan");
    Run r = main("evaluate", "--model", failing.toString(), "--input", input.toString(), "--output",
        out.toString(), "--methods", "lrp-ah-ln", "--steps", "3", "--max-error-rate", "0.2");
    assertEquals(1, r.status());
    assertContains(r.err(), "4 of 12", "explain_failed", "nothing was committed");
    assertFalse(Files.exists(out));

    Run ok = main("evaluate", "--model", failing.toString(), "--input", input.toString(), "--output",
        out.toString(), "--methods", "lrp-ah-ln", "--steps", "3");
    assertEquals(0, ok.status(), ok.err());
    JsonNode errors = JSON.readTree(out.resolve("summary.json").toFile()).get("errors");
    assertEquals(4, errors.get("job_errors").asLong());
    assertEquals(4.0 / 12, errors.get("error_rate").asDouble(), 1e-12);
  }

  @Test
  void evaluateRefusesAnInputWithoutAnyGoldLabel() throws IOException {
    Path input = Files.write(tmp.resolve("nolabel.jsonl"), List.of("{\"id\": 1, \"text\": \"a good film\"}",
        "{\"id\": 2, \"text\": \"a bad film\"}"));
    Path out = tmp.resolve("nolabel-eval");
    Run r = main("evaluate", "--model", good.toString(), "--input", input.toString(), "--output", out.toString(),
        "--methods", "random", "--steps", "3");
    assertEquals(2, r.status());
    assertContains(r.err(), "'label'", "--label-column");
    assertFalse(Files.exists(out));
  }

  // ---- probe and bias ----

  private static Path mentions(Path file, String... rows) throws IOException {
    List<String> lines = new ArrayList<>(List.of("id,start,end,surface,kind,lexicon"));
    lines.addAll(Arrays.asList(rows));
    return Files.write(file, lines);
  }

  private static Path nameCorpus() throws IOException {
    return Files.write(tmp.resolve("names.jsonl"), List.of(
        "{\"id\": \"n0\", \"text\": \"mary made a terrible film\"}",
        "{\"id\": \"n1\", \"text\": \"john made a terrible film\"}",
        "{\"id\": \"n2\", \"text\": \"emma made a good film\"}",
        "{\"id\": \"n3\", \"text\": \"james made a good film\"}"));
  }

  private static Path nameMentions() throws IOException {
    return mentions(tmp.resolve("names-mentions.csv"), "n0,0,4,mary,female_name,t", "n1,0,4,john,male_name,t",
        "n2,0,4,emma,female_name,t", "n3,0,5,james,male_name,t");
  }

  @Test
  void probeRefusesAPositiveClassTheModelDoesNotHave() throws IOException {
    Path out = tmp.resolve("probe-class");
    Run r = main("probe", "--model", good.toString(), "--input", nameCorpus().toString(), "--mentions",
        nameMentions().toString(), "--output", out.toString(), "--positive-class", "5", "--replicates", "10",
        "--permutations", "10");
    assertEquals(2, r.status(), "not every pair explain_failed with exit 0");
    assertContains(r.err(), "positive-class 5", "2 labels");
    assertFalse(Files.exists(out.resolve("probe_pairs")));
  }

  @Test
  void probeFailsWhenMorePairsFailThanMaxErrorRate() throws IOException {
    Path out = tmp.resolve("probe-nan");
    Run r = main("probe", "--model", failing.toString(), "--input", nameCorpus().toString(), "--mentions",
        nameMentions().toString(), "--output", out.toString(), "--replicates", "10", "--permutations", "10",
        "--max-error-rate", "0.4");
    assertEquals(1, r.status(), "2 of 4 texts failed for the model");
    assertContains(r.err(), "2 of 4", "explain_failed", "nothing was committed");
    assertFalse(Files.exists(out.resolve("probe_pairs")));
    assertFalse(Files.exists(out.resolve("probe_summary.json")));
  }

  @Test
  void biasFailsWhenMentionsDoNotMatchTheRelevanceTable() throws IOException {
    Path input = corpus(tmp.resolve("bias.jsonl"), 6, true, false);
    Path relevance = tmp.resolve("bias-relevance");
    assertEquals(0, main("explain", "--model", good.toString(), "--input", input.toString(), "--output",
        relevance.toString(), "--run-id", "r").status());
    // mentions of another corpus: no id is in the relevance table
    Path other = mentions(tmp.resolve("other-mentions.csv"), "x0,0,1,a,female_name,t", "x1,0,1,a,male_name,t",
        "x2,0,1,a,female_name,t");
    Path out = tmp.resolve("bias-out");
    Run r = main("bias", "--relevance", relevance.toString(), "--mentions", other.toString(), "--output",
        out.toString(), "--replicates", "10", "--permutations", "10");
    assertEquals(1, r.status(), "no mention could be joined: the job's work failed");
    assertContains(r.err(), "3 of 3 mentions", "id_not_in_relevance", "nothing was committed");
    assertFalse(Files.exists(out.resolve("bias_summary.json")));
    assertFalse(Files.exists(out.resolve("bias_stats")));
  }

  // ---- annotate ----

  @Test
  void annotateRefusesJsonLinesWithoutTheIdField() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("annotate-data/lexicons"));
    for (String f : List.of("female_first_names", "male_first_names", "ambiguous_first_names", "countries", "cities",
        "organizations", "english_words")) {
      Files.writeString(data.resolve(f + ".txt"), "# test\nalice\n");
    }
    Path input = corpus(tmp.resolve("noid-annotate.jsonl"), 10, false, false);
    Path out = tmp.resolve("annotate-out");
    Run r = main("annotate", "--input", input.toString(), "--output", out.toString(), "--data",
        data.getParent().toString());
    assertEquals(2, r.status());
    assertContains(r.err(), "'id'", "--id-column");
    assertFalse(Files.exists(out.resolve("mentions")));
  }
}
