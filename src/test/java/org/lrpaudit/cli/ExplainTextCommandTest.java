package org.lrpaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.TestCheckpoints;

/** explain-text end to end through Main.run, with standard input, output and error swapped for buffers. */
class ExplainTextCommandTest {
  private static final List<String> FIELDS = List.of("text", "method", "model_id", "logits", "predicted", "predicted_label",
      "explained_class", "explained_label", "explained_logit", "tokens", "words", "relevance_sum", "conservation_gap",
      "truncated");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;
  static String model;
  static String modelSha;

  @BeforeAll
  static void writeModel() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 31);
    model = dir.toString();
    modelSha = TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS));
  }

  record Run(int exit, String out, String err) {
    List<JsonNode> lines() {
      List<JsonNode> rows = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isEmpty()) {
          try {
            rows.add(JSON.readTree(line));
          } catch (IOException e) {
            throw new AssertionError("not a JSON line: " + line, e);
          }
        }
      }
      return rows;
    }
  }

  static Run runWithStdin(String stdin, String... args) {
    return runWithStdinBytes(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  static synchronized Run runWithStdinBytes(byte[] stdin, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InputStream in = System.in;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      System.setIn(new ByteArrayInputStream(stdin));
      int exit = Main.run(args);
      System.out.flush();
      System.err.flush();
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
      System.setIn(in);
    }
  }

  static Run run(String... args) {
    return runWithStdin("", args);
  }

  /** Checks one output row against its text and the invariants every row must satisfy. */
  static void assertRow(JsonNode row, String text) {
    assertRow(row, text, modelSha);
  }

  static void assertRow(JsonNode row, String text, String sha) {
    List<String> names = new ArrayList<>();
    row.fieldNames().forEachRemaining(names::add);
    assertEquals(FIELDS, names);
    assertEquals(text, row.get("text").asText());
    assertEquals(sha, row.get("model_id").asText());
    JsonNode logits = row.get("logits");
    assertEquals(2, logits.size());
    int predicted = logits.get(1).asDouble() > logits.get(0).asDouble() ? 1 : 0;
    assertEquals(predicted, row.get("predicted").asInt());
    assertEquals(predicted == 1 ? "POSITIVE" : "NEGATIVE", row.get("predicted_label").asText());
    int c = row.get("explained_class").asInt();
    assertEquals(c == 1 ? "POSITIVE" : "NEGATIVE", row.get("explained_label").asText());
    double logit = row.get("explained_logit").asDouble();
    assertEquals(logits.get(c).asDouble(), logit, 1e-6 * Math.max(1, Math.abs(logit)));

    JsonNode tokens = row.get("tokens");
    assertTrue(tokens.size() >= 2);
    assertToken(tokens.get(0), "[CLS]", 2);
    assertToken(tokens.get(tokens.size() - 1), "[SEP]", 3);
    double sum = 0;
    for (JsonNode t : tokens) {
      assertEquals(List.of("token", "id", "start", "end", "relevance"), fieldNames(t));
      sum += t.get("relevance").asDouble();
      String token = t.get("token").asText();
      if (!token.startsWith("[") && !token.startsWith("##")) {
        assertEquals(token, text.substring(t.get("start").asInt(), t.get("end").asInt()).toLowerCase(Locale.ROOT));
      }
    }
    double relevanceSum = row.get("relevance_sum").asDouble();
    assertEquals(sum, relevanceSum, 1e-9);
    assertEquals(logit - relevanceSum, row.get("conservation_gap").asDouble(), 1e-12);

    JsonNode words = row.get("words");
    assertEquals("[CLS]", words.get(0).get("token").asText());
    assertEquals("[SEP]", words.get(words.size() - 1).get("token").asText());
    double wordSum = 0;
    for (JsonNode w : words) {
      wordSum += w.get("relevance").asDouble();
    }
    assertEquals(relevanceSum, wordSum, 1e-9);
  }

  static void assertToken(JsonNode t, String token, long id) {
    assertEquals(token, t.get("token").asText());
    assertEquals(id, t.get("id").asLong());
    assertEquals(0, t.get("start").asInt());
    assertEquals(0, t.get("end").asInt());
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  static List<String> tokens(JsonNode row) {
    List<String> out = new ArrayList<>();
    row.get("tokens").forEach(t -> out.add(t.get("token").asText()));
    return out;
  }

  @Test
  void oneJsonLinePerTextWithAllFields() {
    Run r = run("explain-text", "--model", model, "The movie was great!", "a boring , predictable mess",
        "I \uD83D\uDE00 loved this movie");
    assertEquals(0, r.exit(), r.err());
    List<JsonNode> rows = r.lines();
    assertEquals(3, rows.size());
    assertEquals(3, r.out().split("\n").length, "one line per text, nothing else on stdout");
    assertRow(rows.get(0), "The movie was great!");
    assertRow(rows.get(1), "a boring , predictable mess");
    assertRow(rows.get(2), "I \uD83D\uDE00 loved this movie");
    for (JsonNode row : rows) {
      assertEquals("lrp-ah-ln", row.get("method").asText());
      assertEquals(row.get("predicted").asInt(), row.get("explained_class").asInt());
      assertFalse(row.get("truncated").asBoolean());
    }
    assertEquals(List.of("[CLS]", "the", "movie", "was", "great", "!", "[SEP]"), tokens(rows.get(0)));
    JsonNode loved = rows.get(2).get("tokens").get(3);
    assertEquals("loved", loved.get("token").asText());
    assertEquals(5, loved.get("start").asInt(), "UTF-16 offset: the emoji counts 2");
    assertEquals(10, loved.get("end").asInt());
  }

  @Test
  void lrpAhLnIsConservativeOnABiasFreeModelAndGiIsNot() throws IOException {
    Path dir = TestCheckpoints.bert(tmp.resolve("bias-free"), 2, 128, true, 32);
    String text = "the actors were wonderful but the script was a mess";
    JsonNode lrp = run("explain-text", "--model", dir.toString(), text).lines().get(0);
    JsonNode gi = run("explain-text", "--model", dir.toString(), "--method", "gi", text).lines().get(0);
    String sha = TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS));
    assertRow(lrp, text, sha);
    assertRow(gi, text, sha);
    assertEquals("gi", gi.get("method").asText());
    double logit = lrp.get("explained_logit").asDouble();
    assertTrue(Math.abs(lrp.get("conservation_gap").asDouble()) <= 1e-4 * Math.abs(logit) + 1e-6,
        "lrp-ah-ln gap " + lrp.get("conservation_gap") + " for logit " + logit);
    assertEquals(logit, gi.get("explained_logit").asDouble(), 1e-5, "the rules do not change the forward pass");
    assertTrue(Math.abs(gi.get("conservation_gap").asDouble()) > 1e-3, "gi is not conservative: " + gi);
  }

  @Test
  void textsFromStandardInputOnePerLine() {
    Run r = runWithStdin("the movie was great\n\n   \nA boring mess\r\nfun\n", "explain-text", "--model", model);
    assertEquals(2, r.exit(), "two lines could not be explained: " + r.err());
    List<JsonNode> rows = r.lines();
    assertEquals(5, rows.size());
    String[] texts = {"the movie was great", "", "   ", "A boring mess", "fun"};
    for (int i : new int[] {0, 3, 4}) {
      assertRow(rows.get(i), texts[i]);
    }
    assertError(rows.get(1), "", "empty_text");
    assertError(rows.get(2), "   ", "empty_text");
    assertEquals(List.of("[CLS]", "a", "boring", "mess", "[SEP]"), tokens(rows.get(3)));
    assertTrue(r.err().contains("2 of 5 texts not explained {empty_text=2}"), r.err());
  }

  /**
   * The explain job's rules (README, "Error codes"), row for row: explain-text used to explain "[CLS] [SEP]" for an
   * empty text and to turn a lone surrogate into U+FFFD. BadRowsTest checks the job gives these same statuses.
   */
  @Test
  void emptyWhitespaceControlOnlyAndInvalidUnicodeTextsGetTheJobsStatus() {
    Run r = run("explain-text", "--model", model, "", " \t \u00a0", "\u0001\u0002\u0003", "a lone \ud800 surrogate",
        "a good film");
    assertEquals(2, r.exit(), r.err());
    List<JsonNode> rows = r.lines();
    assertEquals(5, rows.size());
    assertError(rows.get(0), "", "empty_text");
    assertError(rows.get(1), " \t \u00a0", "empty_text");
    assertError(rows.get(2), "\u0001\u0002\u0003", "no_tokens");
    assertError(rows.get(3), "a lone \ud800 surrogate", "invalid_unicode");
    assertTrue(rows.get(3).get("error").asText().contains("U+D800"), rows.get(3).toString());
    assertTrue(r.out().contains("\\uD800"), "the surrogate is printed as a JSON escape, not as '?': " + r.out());
    assertRow(rows.get(4), "a good film");
  }

  @Test
  void aStandardInputLineThatIsNotUtf8IsInvalidUnicodeNotReplaced() {
    byte[] surrogate = {'o', 'k', '\n', 'a', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80, ' ', 'b', '\n', (byte) 0xFF, '\n'};
    Run r = runWithStdinBytes(surrogate, "explain-text", "--model", model);
    assertEquals(2, r.exit(), r.err());
    List<JsonNode> rows = r.lines();
    assertEquals(3, rows.size());
    assertRow(rows.get(0), "ok");
    assertEquals("invalid_unicode", rows.get(1).get("status").asText(), rows.get(1).toString());
    assertTrue(rows.get(1).get("error").asText().contains("line 2 of standard input is not valid UTF-8 (byte 0xED at "
        + "byte 2)"), rows.get(1).toString());
    assertEquals("invalid_unicode", rows.get(2).get("status").asText());
  }

  private static void assertError(JsonNode row, String text, String status) {
    assertEquals(List.of("text", "status", "error"), fieldNames(row), row.toString());
    assertEquals(text, row.get("text").asText());
    assertEquals(status, row.get("status").asText(), row.toString());
    assertFalse(row.get("error").asText().isEmpty());
  }

  @Test
  void targetSelectsTheExplainedClass() {
    String text = "a great film";
    JsonNode one = run("explain-text", "--model", model, "--target", "label:1", text).lines().get(0);
    JsonNode neg = run("explain-text", "--model", model, "--target", "class:NEGATIVE", text).lines().get(0);
    JsonNode zero = run("explain-text", "--model", model, "--target", "label:0", text).lines().get(0);
    assertRow(one, text);
    assertRow(neg, text);
    assertEquals(1, one.get("explained_class").asInt());
    assertEquals("POSITIVE", one.get("explained_label").asText());
    assertEquals(one.get("logits").get(1).asDouble(), one.get("explained_logit").asDouble(), 1e-6);
    assertEquals(0, neg.get("explained_class").asInt());
    assertEquals("NEGATIVE", neg.get("explained_label").asText());
    assertEquals(neg.get("logits").get(0).asDouble(), neg.get("explained_logit").asDouble(), 1e-6);
    assertEquals(zero.get("relevance_sum").asDouble(), neg.get("relevance_sum").asDouble(), 1e-9);
    assertFalse(Math.abs(one.get("relevance_sum").asDouble() - neg.get("relevance_sum").asDouble()) < 1e-9,
        "explaining another class gives other relevance");
  }

  @Test
  void longTextIsTruncatedAndFlagged() throws IOException {
    String longText = String.join(" ", Collections.nCopies(12, "the good movie was"));
    JsonNode capped = run("explain-text", "--model", model, "--max-length", "8", longText, "a film").lines().get(0);
    assertRow(capped, longText);
    assertTrue(capped.get("truncated").asBoolean());
    assertEquals(List.of("[CLS]", "the", "good", "movie", "was", "the", "good", "[SEP]"), tokens(capped));

    Path small = TestCheckpoints.bert(tmp.resolve("positions-16"), 1, 16, false, 33);
    Run r = run("explain-text", "--model", small.toString(), longText, "a film");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("\"truncated\":true"), r.out());
    List<JsonNode> rows = r.lines();
    assertRow(rows.get(0), longText, TestCheckpoints.sha256(small.resolve(Checkpoint.WEIGHTS)));
    assertTrue(rows.get(0).get("truncated").asBoolean());
    assertEquals(16, rows.get(0).get("tokens").size(), "cut at max_position_embeddings");
    assertFalse(rows.get(1).get("truncated").asBoolean());
  }

  @Test
  void batchCompositionDoesNotChangeResults() {
    String[] texts = {"the movie was great", "a long and boring film that was a waste of my time", "fun"};
    List<JsonNode> together = run(args("--batch-tokens", "4096", texts)).lines();
    List<JsonNode> apart = run(args("--batch-tokens", "1", texts)).lines();
    for (int k = 0; k < texts.length; k++) {
      JsonNode a = together.get(k).get("tokens");
      JsonNode b = apart.get(k).get("tokens");
      assertEquals(a.size(), b.size());
      for (int i = 0; i < a.size(); i++) {
        assertEquals(a.get(i).get("relevance").asDouble(), b.get(i).get("relevance").asDouble(), 1e-5,
            "text " + k + " token " + i);
      }
    }
  }

  private static String[] args(String option, String value, String... texts) {
    List<String> a = new ArrayList<>(List.of("explain-text", "--model", model, option, value));
    a.addAll(List.of(texts));
    return a.toArray(String[]::new);
  }

  private static void assertUsageError(Run r, String... parts) {
    assertEquals(2, r.exit(), r.err());
    assertEquals("", r.out(), "nothing on stdout");
    for (String p : parts) {
      assertTrue(r.err().contains(p), "expected '" + p + "' on stderr: " + r.err());
    }
  }

  @Test
  void unknownClassName() {
    assertUsageError(run("explain-text", "--model", model, "--target", "class:NEUTRAL", "a film"),
        "lrp-audit explain-text: error: class 'NEUTRAL' is not a label of this model (labels: [NEGATIVE, POSITIVE])");
  }

  @Test
  void classIndexOutOfRange() {
    assertUsageError(run("explain-text", "--model", model, "--target", "label:2", "a film"),
        "class index 2 is out of range: the model has 2 labels");
  }

  @Test
  void badTargets() {
    assertUsageError(run("explain-text", "--model", model, "--target", "label", "a film"),
        "--target label needs gold labels");
    assertUsageError(run("explain-text", "--model", model, "--target", "label:x", "a film"),
        "target 'label:x': label:N needs a class index N");
    assertUsageError(run("explain-text", "--model", model, "--target", "best", "a film"),
        "target 'best' is not one of predicted, label, label:N, class:NAME");
  }

  @Test
  void badMethod() {
    assertUsageError(run("explain-text", "--model", model, "--method", "lrp", "a film"),
        "unknown method 'lrp' (choose from gi, lrp-ah, lrp-ln, lrp-ah-ln, random, attn-last, rollout, gae, ig)");
  }

  @Test
  void missingModelFolder() {
    Path absent = tmp.resolve("no-such-model");
    assertUsageError(run("explain-text", "--model", absent.toString(), "a film"),
        "lrp-audit explain-text: error: model folder not found: " + absent);
  }

  @Test
  void brokenModelFolder() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("broken"), 34);
    Files.delete(dir.resolve(Checkpoint.WEIGHTS));
    Files.writeString(dir.resolve("pytorch_model.bin"), "not really a pickle");
    assertUsageError(run("explain-text", "--model", dir.toString(), "a film"), "pytorch_model.bin", "safe_serialization=True");
  }

  @Test
  void missingModelOption() {
    assertUsageError(run("explain-text", "a film"), "Missing required option: '--model=DIR'");
  }

  @Test
  void badMaxLength() {
    assertUsageError(run("explain-text", "--model", model, "--max-length", "1", "a film"),
        "max length must be at least 2");
    assertUsageError(run("explain-text", "--model", model, "--max-length", "many", "a film"), "--max-length");
  }

  @Test
  void helpMentionsEveryOption() {
    Run r = run("explain-text", "--help");
    assertEquals(0, r.exit());
    for (String option : List.of("--model", "--method", "--target", "--max-length", "--batch-tokens", "TEXT",
        "gi | lrp-ah | lrp-ln | lrp-ah-ln", "label:N", "class:NAME", "relevance_sum", "conservation_gap", "truncated")) {
      assertTrue(r.out().contains(option), "help lacks " + option + ":\n" + r.out());
    }
    Run top = run("--help");
    assertEquals(0, top.exit());
    assertTrue(top.out().contains("explain-text"), top.out());
  }
}
