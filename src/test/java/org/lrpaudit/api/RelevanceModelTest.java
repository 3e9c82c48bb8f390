package org.lrpaudit.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lrpaudit.cli.Main;
import org.lrpaudit.explain.TokenRelevance;
import org.lrpaudit.model.RandomCheckpoint;

/** The Java API against explain-text's JSON output, and from several threads at once. */
class RelevanceModelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static String modelPath;
  private static RelevanceModel model;

  @BeforeAll
  static void load() throws Exception {
    modelPath = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 2, 32, 4, 64, false, 41),
        Files.createTempDirectory("lrp-api-model")).toString();
    model = RelevanceModel.load(modelPath, ExplainOptions.DEFAULT.withMaxLength(128));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static List<String> texts() {
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#")).toList();
    java.util.Random rnd = new java.util.Random(4);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      StringBuilder b = new StringBuilder();
      for (int w = 1 + rnd.nextInt(25); w > 0; w--) {
        b.append(b.length() == 0 ? "" : " ").append(vocab.get(rnd.nextInt(vocab.size())));
      }
      out.add(b.toString());
    }
    return out;
  }

  /** explain-text's standard output, one JSON object per text. */
  private static synchronized List<JsonNode> cli(String... args) throws Exception {
    PrintStream out = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      exit = Main.run(args);
    } finally {
      System.setOut(out);
    }
    List<JsonNode> rows = new ArrayList<>();
    for (String line : buffer.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        rows.add(JSON.readTree(line));
      }
    }
    rows.add(JSON.valueToTree(exit));
    return rows;
  }

  private static double compare(JsonNode cli, TextRelevance api) {
    if (cli.has("status")) {
      assertEquals(cli.get("status").asText(), api.status(), api.text());
      assertFalse(api.ok());
      return 0;
    }
    assertTrue(api.ok(), api.text() + ": " + api.error());
    assertEquals(cli.get("model_id").asText(), api.explanation().modelId());
    assertEquals(cli.get("predicted").asInt(), api.explanation().predicted());
    double d = Math.abs(cli.get("explained_logit").asDouble() - api.explanation().explainedLogit());
    JsonNode tokens = cli.get("tokens");
    assertEquals(tokens.size(), api.tokens().size(), api.text());
    for (int t = 0; t < tokens.size(); t++) {
      TokenRelevance mine = api.tokens().get(t);
      assertEquals(tokens.get(t).get("token").asText(), mine.token());
      assertEquals(tokens.get(t).get("start").asInt(), mine.start());
      d = Math.max(d, Math.abs(tokens.get(t).get("relevance").asDouble() - mine.relevance()));
    }
    return d;
  }

  @Test
  void sameNumbersAsExplainText() throws Exception {
    List<String> texts = new ArrayList<>(texts());
    texts.add(""); // empty_text in both
    List<String> args = new ArrayList<>(List.of("explain-text", "--model", modelPath, "--max-length", "128"));
    args.addAll(texts);
    List<JsonNode> cli = cli(args.toArray(new String[0]));
    assertEquals(2, cli.get(cli.size() - 1).asInt(), "explain-text exits 2 for the empty text");
    List<TextRelevance> api = model.explain(texts);
    double max = 0;
    for (int i = 0; i < texts.size(); i++) {
      max = Math.max(max, compare(cli.get(i), api.get(i)));
    }
    System.err.printf("Java API vs explain-text: max |difference| = %.3g over %d texts%n", max, texts.size());
    assertTrue(max <= 1e-6, "API and explain-text differ by " + max);

    // sentence pairs and a fixed target class, as explain-text --pair --target --method
    List<String> premises = texts.subList(0, 5);
    List<String> hypotheses = texts.subList(5, 10);
    List<String> pairArgs = new ArrayList<>(List.of("explain-text", "--model", modelPath, "--max-length", "128",
        "--method", "gi", "--target", "class:NEGATIVE"));
    for (int i = 0; i < 5; i++) {
      pairArgs.add(premises.get(i));
      pairArgs.add("--pair");
      pairArgs.add(hypotheses.get(i));
    }
    List<JsonNode> cliPairs = cli(pairArgs.toArray(new String[0]));
    try (RelevanceModel gi = RelevanceModel.load(modelPath, ExplainOptions.DEFAULT.withMaxLength(128).withMethod("gi")
        .withTarget("class:NEGATIVE"))) {
      List<TextRelevance> pairs = gi.explainPairs(premises, hypotheses);
      for (int i = 0; i < 5; i++) {
        assertEquals(0, pairs.get(i).explanation().explainedClass());
        assertTrue(compare(cliPairs.get(i), pairs.get(i)) <= 1e-6);
      }
    }
  }

  @Test
  void severalThreadsGetTheSingleThreadedNumbers() throws Exception {
    List<String> texts = texts();
    List<List<TextRelevance>> expected = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      expected.add(model.explain(texts.subList(k * 7, k * 7 + 7)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<TextRelevance>>> runs = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (int k = 0; k < 4; k++) {
          int from = k * 7;
          runs.add(pool.submit(() -> model.explain(texts.subList(from, from + 7))));
        }
      }
      for (int r = 0; r < runs.size(); r++) {
        List<TextRelevance> got = runs.get(r).get();
        List<TextRelevance> want = expected.get(r % 4);
        for (int i = 0; i < 7; i++) {
          double[] a = want.get(i).relevance();
          double[] b = got.get(i).relevance();
          assertEquals(a.length, b.length);
          for (int t = 0; t < a.length; t++) {
            assertEquals(a[t], b[t], 1e-6, "thread run " + r + ", text " + i + ", token " + t);
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void badInputIsNamed() {
    assertThrows(IllegalArgumentException.class, () -> ExplainOptions.DEFAULT.withMethod("lrp-xx"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RelevanceModel.load(modelPath, ExplainOptions.DEFAULT.withTarget("class:NEUTRAL")));
    assertTrue(e.getMessage().contains("NEUTRAL"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> model.explainPairs(List.of("a"), List.of()));
    TextRelevance bad = model.explain("\ud800 broken");
    assertEquals("invalid_unicode", bad.status());
    assertEquals(0, bad.relevance().length);
  }
}
