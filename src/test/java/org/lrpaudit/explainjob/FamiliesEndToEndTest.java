package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.lrpaudit.annotate.AnnotateFixtures;
import org.lrpaudit.api.ExplainOptions;
import org.lrpaudit.api.RelevanceModel;
import org.lrpaudit.api.TextRelevance;
import org.lrpaudit.cli.Main;
import org.lrpaudit.explain.TokenRelevance;
import org.lrpaudit.model.ModelFamilies;
import org.lrpaudit.model.RandomCheckpoint;

/**
 * Every family end to end from the command line, in one Spark session: a bias-free random checkpoint of the family
 * explains a small corpus with the explain job and is evaluated by the faithfulness job. Checked on what the jobs wrote:
 * every input row comes out once per method, every row ok, token relevance sums to relevance_sum, and lrp-ah-ln's
 * relevance_sum equals the explained logit (conservation holds on a bias-free model of every family).
 * For RoBERTa (byte-level BPE) and DeBERTa-v2 (Unigram), also sentence pairs through the explain job against the Java
 * API; for every family but BERT and DistilBERT (whose WordPiece the audit tests cover), annotate then bias, with every
 * mention's relevance recomputed from the relevance table's tokens and words.
 */
class FamiliesEndToEndTest {
  private static final int TEXTS = 24;
  private static final int PAIRS = 8;
  /** --max-chars of the pair test: only its last premise is longer. */
  private static final int MAX_CHARS = 150;
  /** Pair rows that cannot be explained, by id, with the status each must get. */
  private static final Map<String, String> BAD_PAIRS = Map.of("b-null", "null_text", "b-missing", "null_text",
      "b-empty", "empty_text", "b-space", "empty_text", "b-number", "invalid_text", "b-surrogate", "invalid_unicode");

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static Path corpus;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTests.local(2);
    corpus = SparkTests.jsonl(tmp.resolve("corpus.jsonl"), SparkTests.sentences(TEXTS, 25, 13));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static List<String> families() {
    return ModelFamilies.textModelTypes();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void explainsAndEvaluatesFromTheCli(String type) throws IOException {
    Path model = RandomCheckpoint.write(RandomCheckpoint.spec(type, 2, 32, 4, 64, true, 31), tmp.resolve(type));
    Path relevance = tmp.resolve(type + "-relevance");
    assertEquals(0, Main.run("explain", "--model", model.toString(), "--input", corpus.toString(), "--output",
        relevance.toString(), "--run-id", "r", "--methods", "lrp-ah-ln,gi", "--max-length", "64", "--partitions", "2"));
    List<Row> rows = spark.read().parquet(relevance.toString()).where(col("run_id").equalTo("r"))
        .select(col("id"), col("method"), col("status"), col("explained_logit"), col("relevance_sum"),
            col("tokens.relevance")).collectAsList();
    assertEquals(2 * TEXTS, rows.size(), type + ": rows in x methods == rows out");
    assertEquals(TEXTS, rows.stream().filter(r -> r.getString(1).equals("lrp-ah-ln")).map(r -> r.getString(0))
        .distinct().count());
    double worst = 0;
    for (Row r : rows) {
      assertEquals("ok", r.getString(2), type + " " + r.getString(0));
      double sum = r.getList(5).stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
      assertEquals(sum, r.getDouble(4), 1e-9 * Math.max(1, Math.abs(sum)), type + ": relevance_sum is the token sum");
      if (r.getString(1).equals("lrp-ah-ln")) {
        double logit = r.getDouble(3);
        assertEquals(logit, r.getDouble(4), 1e-4 * Math.max(1, Math.abs(logit)), type + " conservation " + r.getString(0));
        worst = Math.max(worst, Math.abs(logit - r.getDouble(4)) / Math.max(1, Math.abs(logit)));
      }
    }

    Path evaluation = tmp.resolve(type + "-evaluation");
    assertEquals(0, Main.run("evaluate", "--model", model.toString(), "--input", corpus.toString(), "--output",
        evaluation.toString(), "--methods", "lrp-ah-ln,random", "--steps", "3", "--max-length", "64"));
    assertTrue(Files.isRegularFile(evaluation.resolve("summary.json")));
    List<Row> texts = spark.read().parquet(evaluation.resolve("texts").toString())
        .select(col("method"), col("status")).collectAsList();
    assertEquals(2 * TEXTS, texts.size(), type + ": evaluate rows in x methods == rows out");
    assertTrue(texts.stream().allMatch(r -> r.getString(1).equals("ok")), type + ": every evaluated text ok");
    System.out.printf("E2E-FIGURE %s explain+evaluate ok, %d texts, lrp-ah-ln worst relative conservation error %.2e%n",
        type, TEXTS, worst);
  }

  /**
   * A corpus of sentence pairs (premise in text, hypothesis in its own column) through the explain job with --pair-col
   * gives, row for row, the relevance the Java API gives the same pairs: every token (text, offsets, segment) and its
   * relevance within 1e-6; pairs without a usable second text become error rows with the text rules' statuses.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"roberta", "deberta-v2"})
  void pairCorpusGivesTheJavaApisRelevance(String type) throws IOException {
    Path model = RandomCheckpoint.write(RandomCheckpoint.spec(type, 2, 32, 4, 64, true, 37), tmp.resolve(type + "-p"));
    List<String> premises = new ArrayList<>(SparkTests.sentences(PAIRS, 12, 5));
    List<String> hypotheses = SparkTests.sentences(PAIRS, 8, 6);
    // The last premise is longer than --max-chars: the job cuts it (and flags the row truncated); the pair's tokens must
    // keep their segments through the cut.
    premises.set(PAIRS - 1, String.join(" ", SparkTests.sentences(4, 12, 7)) + " " + "a good film ".repeat(20).strip());
    assertTrue(premises.get(PAIRS - 1).length() > MAX_CHARS
        && premises.subList(0, PAIRS - 1).stream().allMatch(p -> p.length() <= MAX_CHARS));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      lines.add("{\"id\": \"p" + i + "\", \"text\": \"" + premises.get(i) + "\", \"hypothesis\": \""
          + hypotheses.get(i) + "\"}");
    }
    for (String bad : List.of("\"hypothesis\": null", "", "\"hypothesis\": \"\"", "\"hypothesis\": \"  \"",
        "\"hypothesis\": 5", "\"hypothesis\": \"a \\ud800 film\"")) {
      String id = List.of("b-null", "b-missing", "b-empty", "b-space", "b-number", "b-surrogate").get(lines.size() - PAIRS);
      lines.add("{\"id\": \"" + id + "\", \"text\": \"a good film\"" + (bad.isEmpty() ? "" : ", " + bad) + "}");
    }
    Path input = Files.write(tmp.resolve(type + "-pairs.jsonl"), lines);
    Path out = tmp.resolve(type + "-pair-relevance");
    assertEquals(0, Main.run("explain", "--model", model.toString(), "--input", input.toString(), "--output",
        out.toString(), "--run-id", "r", "--pair-col", "hypothesis", "--max-length", "64", "--partitions", "2", "--conf",
        Files.writeString(tmp.resolve(type + "-pairs.properties"), "max-chars = " + MAX_CHARS + "\n").toString()));
    Map<String, Row> rows = new TreeMap<>();
    for (Row r : spark.read().parquet(out.toString()).where(col("run_id").equalTo("r"))
        .select("id", "status", "explained_logit", "tokens", "truncated").collectAsList()) {
      assertEquals(null, rows.put(r.getString(0), r), "one row per id");
    }
    assertEquals(PAIRS + BAD_PAIRS.size(), rows.size(), "rows in == rows out");
    BAD_PAIRS.forEach((id, status) -> assertEquals(status, rows.get(id).getString(1), id));

    double worst = 0;
    try (RelevanceModel api = RelevanceModel.load(model.toString(), new ExplainOptions("lrp-ah-ln", "predicted", 64,
        4096))) {
      List<String> cut = premises.stream().map(p -> p.substring(0, Math.min(p.length(), MAX_CHARS))).toList();
      List<TextRelevance> expected = api.explainPairs(cut, hypotheses);
      for (int i = 0; i < PAIRS; i++) {
        Row r = rows.get("p" + i);
        assertEquals("ok", r.getString(1), "p" + i);
        assertEquals(i == PAIRS - 1, r.getBoolean(4), "p" + i + " truncated");
        assertEquals(expected.get(i).explanation().explainedLogit(), r.getDouble(2), 1e-6, "p" + i + " logit");
        List<TokenRelevance> want = expected.get(i).tokens();
        List<Row> got = r.getList(3);
        assertEquals(want.size(), got.size(), "p" + i + " tokens");
        for (int t = 0; t < want.size(); t++) {
          TokenRelevance w = want.get(t);
          Row g = got.get(t);
          String where = "p" + i + " token " + t;
          assertEquals(w.token(), g.getString(0), where);
          assertEquals(List.of(w.start(), w.end(), w.segment()), List.of(g.getInt(1), g.getInt(2),
              g.getInt(g.fieldIndex("segment"))), where + " offsets and segment");
          assertEquals(w.relevance(), g.getDouble(3), 1e-6, where);
          worst = Math.max(worst, Math.abs(w.relevance() - g.getDouble(3)));
        }
        // The second segment is there, and its offsets index the hypothesis.
        String hypothesis = hypotheses.get(i);
        List<Row> second = got.stream().filter(g -> g.getInt(4) == 1 && g.getInt(2) > g.getInt(1)).toList();
        assertTrue(!second.isEmpty(), "p" + i + " has hypothesis tokens");
        assertEquals(hypothesis.replace(" ", ""), second.stream().map(g -> hypothesis.substring(g.getInt(1), g.getInt(2))
            .strip()).collect(Collectors.joining()), "p" + i + " hypothesis tokens cover the hypothesis");
      }
    }
    System.out.printf("E2E-FIGURE %s pairs: %d pair rows equal the Java API's (worst token difference %.2e), %d bad "
        + "pair rows with their statuses%n", type, PAIRS, worst, BAD_PAIRS.size());
  }

  /**
   * The faithfulness job on a corpus of sentence pairs (evaluate --pair-column): rows in x methods == rows out (bad pairs
   * skipped with the reader's statuses), and each pair's curves start at the unperturbed pair: its explained logit and
   * its pruning curve's first point are the gold logit and probability of the pair as the model scores it here (not of
   * the first text alone, which scores differently), its pruning change starts at 0. Every pair has the same shape (5 +
   * 4 one-token words), so at the last pruning step and the first activation step, where every token of both texts is
   * [UNK] and no special token is, all pairs are one input: computed here by putting [UNK] at every non-special position
   * of the tokenized pair.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"roberta", "bert"})
  void evaluatesSentencePairsPerturbingBothTexts(String type) throws IOException {
    Path model = RandomCheckpoint.write(RandomCheckpoint.spec(type, 2, 32, 4, 64, true, 43), tmp.resolve(type + "-ev"));
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> w.matches("[a-z]+")).toList();
    java.util.Random rnd = new java.util.Random(11);
    List<String> premises = new ArrayList<>();
    List<String> hypotheses = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      // "the" first, so a byte-level BPE text's unmarked first word is the same pieces in every pair.
      StringBuilder a = new StringBuilder("the");
      StringBuilder b = new StringBuilder("the");
      for (int w = 0; w < 4; w++) {
        a.append(' ').append(vocab.get(rnd.nextInt(vocab.size())));
        b.append(w < 3 ? " " + vocab.get(rnd.nextInt(vocab.size())) : "");
      }
      premises.add(a.toString());
      hypotheses.add(b.toString());
      lines.add("{\"id\": \"p" + i + "\", \"text\": \"" + a + "\", \"hypothesis\": \"" + b + "\", \"label\": " + (i % 2)
          + "}");
    }
    lines.add("{\"id\": \"b-null\", \"text\": \"a good film\", \"hypothesis\": null, \"label\": 0}");
    lines.add("{\"id\": \"b-empty\", \"text\": \"a good film\", \"hypothesis\": \" \", \"label\": 1}");
    Path input = Files.write(tmp.resolve(type + "-ev-pairs.jsonl"), lines);
    Path out = tmp.resolve(type + "-ev-pairs");
    int steps = 4;
    assertEquals(0, Main.run("evaluate", "--model", model.toString(), "--input", input.toString(), "--output",
        out.toString(), "--methods", "lrp-ah-ln,random", "--steps", Integer.toString(steps), "--max-length", "64",
        "--pair-column", "hypothesis"));
    List<Row> rows = spark.read().parquet(out.resolve("texts").toString()).select("id", "method", "status", "label",
        "num_tokens", "explained_logit", "activation", "pruning_probability", "pruning_change").collectAsList();
    assertEquals(2 * (PAIRS + 2), rows.size(), type + ": rows in x methods == rows out");
    assertEquals(Map.of("b-null", "null_text", "b-empty", "empty_text"), rows.stream()
        .filter(r -> r.getString(0).startsWith("b-") && r.getString(1).equals("random"))
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(2))));

    try (org.lrpaudit.model.TextClassifier classifier = org.lrpaudit.model.TextClassifier.load(model.toString(), 64)) {
      org.lrpaudit.explain.Explainer explainer = new org.lrpaudit.explain.Explainer(classifier);
      List<org.lrpaudit.model.TokenizedText> pairs = new ArrayList<>();
      List<org.lrpaudit.model.TokenizedText> flipped = new ArrayList<>();
      List<org.lrpaudit.model.TokenizedText> alone = new ArrayList<>();
      long unk = classifier.tokenizer().unkId();
      for (int i = 0; i < PAIRS; i++) {
        org.lrpaudit.model.TokenizedText t = classifier.tokenizer().encode(premises.get(i), hypotheses.get(i));
        pairs.add(t);
        long[] ids = t.ids().clone();
        for (int k = 0; k < ids.length; k++) {
          ids[k] = t.special()[k] ? ids[k] : unk;
        }
        flipped.add(new org.lrpaudit.model.TokenizedText(ids, t.typeIds(), t.tokens(), t.starts(), t.ends(),
            t.wordIds(), t.special(), false, t.segments()));
        alone.add(classifier.tokenizer().encode(premises.get(i)));
        assertEquals(pairs.get(0).length(), t.length(), "every pair has the same shape");
        assertEquals(java.util.Arrays.toString(pairs.get(0).typeIds()), java.util.Arrays.toString(t.typeIds()));
      }
      assertTrue(java.util.Arrays.stream(pairs.get(0).segments()).anyMatch(g -> g == 1), "the pair has a 2nd text");
      float[][] logits = explainer.logits(pairs);
      float[][] all = explainer.logits(flipped);
      float[][] first = explainer.logits(alone);
      for (Row r : rows) {
        if (r.getString(0).startsWith("b-")) {
          continue;
        }
        int i = Integer.parseInt(r.getString(0).substring(1));
        String where = type + " " + r.getString(0) + " " + r.getString(1);
        int gold = r.getInt(3);
        assertEquals("ok", r.getString(2), where);
        assertEquals(pairs.get(i).length(), r.getInt(4), where + ": tokens of both texts");
        double logit = logits[i][gold];
        assertTrue(Math.abs(logit - first[i][gold]) > 1e-4, where + ": the pair scores differently from its first text");
        assertEquals(logit, r.getDouble(5), 1e-5, where + ": explained logit = the pair's gold logit");
        List<Double> act = r.getList(6);
        List<Double> prob = r.getList(7);
        List<Double> change = r.getList(8);
        assertEquals(steps, prob.size());
        assertEquals(softmax(logits[i], gold), prob.get(0), 1e-6,
            where + ": pruning starts at the unperturbed pair");
        assertEquals(0, change.get(0), 1e-9, where + ": no change before pruning");
        assertEquals(prob.get(0), act.get(steps - 1), 1e-6, where + ": activation ends at the unperturbed pair");
        double everyTokenUnk = softmax(all[i], gold);
        assertEquals(everyTokenUnk, prob.get(steps - 1), 1e-6, where + ": pruning ends with both texts [UNK]");
        assertEquals(everyTokenUnk, act.get(0), 1e-6, where + ": activation starts with both texts [UNK]");
      }
    }
    System.out.printf("E2E-FIGURE %s evaluate pairs: %d pair rows + 2 bad, curves start at the pair's logits and end "
        + "with both texts [UNK], specials kept%n", type, PAIRS);
  }

  /** softmax(logits)[c], as the curves define their probability. */
  private static double softmax(float[] logits, int c) {
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - logits[c]);
    }
    return 1 / sum;
  }

  /** A --pair-col the input lacks stops the job before any work, naming the column (CSV: the header; JSON lines: no row). */
  @Test
  void missingPairColumnIsRefusedUpFront() throws IOException {
    Path csv = Files.writeString(tmp.resolve("no-pair.csv"), "id,text\na,a good film\n");
    Path out = tmp.resolve("no-pair-out");
    assertEquals(2, Main.run("explain", "--model", SparkTests.model().toString(), "--input", csv.toString(),
        "--output", out.toString(), "--pair-col", "hypothesis"));
    assertTrue(!Files.exists(out.resolve("run_id=r")));
    for (Path input : List.of(csv, corpus)) {
      RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> SparkTests.run(
          spark, input, out, "run-id", "r", "pair-column", "hypothesis"));
      assertTrue(e.getMessage().contains("pair column 'hypothesis'") && e.getMessage().contains("--pair-column"),
          e.getMessage());
      assertTrue(!Files.exists(out.resolve("run_id=r")), "nothing written");
    }
  }

  /**
   * How each family's generated tokenizer marks a word (written here from the tokenizer kinds, not read from the code):
   * byte-level BPE and SentencePiece Unigram put a marker on the piece that starts a word after a space ('\u0120' for
   * BPE, '\u2581' for Unigram, which also marks a text's first word); WordPiece marks the pieces that continue a word
   * ('##').
   */
  private static final Map<String, String> WORD_START = Map.of("roberta", "\u0120", "modernbert", "\u0120",
      "xlm-roberta", "\u2581", "albert", "\u2581", "deberta-v2", "\u2581", "electra", "");

  /**
   * explain, annotate, bias from the command line on each family's tokenizer kind: every name the lexicons hold is
   * found, the tokens over its span spell it with the family's markers (one token when the vocabulary holds the name;
   * 'floyd' is held only as 'fl' + '##oyd', so it comes in pieces), and in bias_stats (term rows: one mention per term)
   * its relevance equals, with the default --unit words, the relevance of the one word over its span, which is exactly
   * the name (offsets and text, a trailing comma not included) and carries the sum of the name's tokens, and (RoBERTa,
   * DeBERTa-v2) with --unit tokens, the sum of the relevance of the tokens overlapping its span. All recomputed here from
   * the relevance table.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"roberta", "deberta-v2", "electra", "albert", "xlm-roberta", "modernbert"})
  void annotateAndBiasFindNamesInTheFamilysTokens(String type) throws IOException {
    // Lowercase, as the generated vocabularies are (annotate matches names in any case unless they are English words).
    List<String> names = new ArrayList<>();
    for (String n : List.of("Alice", "Emma", "Hanna", "Katherine", "Bob", "Omar", "Hugo", "Floyd")) {
      assertTrue(AnnotateFixtures.FEMALE.contains(n) || AnnotateFixtures.MALE.contains(n), n);
      names.add(n.toLowerCase(java.util.Locale.ROOT));
    }
    List<String> words = new ArrayList<>(RandomCheckpoint.DEMO_WORDS);
    words.addAll(names.subList(0, names.size() - 1));
    words.addAll(List.of("fl", "##oyd")); // the last name only as a word start and a continuation
    Path model = RandomCheckpoint.write(new RandomCheckpoint.Spec(type, 2, 32, 4, 64, 128, 2, "gelu", true, 41, words),
        tmp.resolve(type + "-names"));
    NamesCorpus corpus = NamesCorpus.annotated(names);
    Map<String, int[]> spans = corpus.spans();
    Map<String, String> texts = corpus.texts();
    Path input = corpus.input();
    Path annotated = corpus.annotated();
    Path relevance = tmp.resolve(type + "-names-relevance");
    assertEquals(0, Main.run("explain", "--model", model.toString(), "--input", input.toString(), "--output",
        relevance.toString(), "--run-id", "r", "--max-length", "64"));
    Map<String, Map<String, Double>> terms = new TreeMap<>(); // unit -> term -> mean_relevance
    // The default unit (words) on every family; tokens, whose join is the same SQL over the other column, on the two
    // families that test it since before words were checked (one bias job less per family: this test is slow).
    List<String> units = List.of("roberta", "deberta-v2").contains(type) ? List.of("tokens", "words") : List.of("words");
    for (String unit : units) {
      Path bias = tmp.resolve(type + "-names-bias-" + unit);
      assertEquals(0, Main.run("bias", "--relevance", relevance.toString(), "--mentions",
          annotated.resolve("mentions").toString(), "--output", bias.toString(), "--unit", unit, "--replicates", "10",
          "--permutations", "10"));
      Map<String, Double> got = new TreeMap<>();
      for (Row r : spark.read().parquet(bias.resolve("bias_stats").toString())
          .where("section = 'term' AND statistic = 'mean_relevance' AND predicted_class = 'all'")
          .select("term", "value", "n").collectAsList()) {
        assertEquals(1L, r.getLong(2), unit + " " + r.getString(0));
        got.put(r.getString(0), r.getDouble(1));
      }
      terms.put(unit, got);
    }

    Map<String, String> found = new TreeMap<>();
    for (Row m : spark.read().parquet(annotated.resolve("mentions").toString()).select("id", "start", "end", "surface")
        .collectAsList()) {
      found.put(m.getString(0), m.getInt(1) + " " + m.getInt(2) + " " + m.getString(3));
    }
    Map<String, String> planted = new TreeMap<>();
    spans.forEach((id, s) -> planted.put(id, s[0] + " " + s[1] + " " + names.get(Integer.parseInt(id.substring(1)))));
    assertEquals(planted, found, "annotate finds every name at its span");

    String marker = WORD_START.get(type);
    boolean wordPiece = marker.isEmpty();
    Map<String, Double> byTokens = new TreeMap<>(); // term -> relevance of the tokens over its one mention
    Map<String, Double> byWords = new TreeMap<>(); // term -> relevance of the word over its one mention
    int oneToken = 0;
    for (Row r : spark.read().parquet(relevance.toString()).select("id", "status", "tokens", "words").collectAsList()) {
      String id = r.getString(0);
      assertEquals("ok", r.getString(1), id);
      int[] span = spans.get(id);
      String name = names.get(Integer.parseInt(id.substring(1)));
      List<Row> over = r.<Row>getList(2).stream().filter(t -> t.getInt(1) < span[1] && t.getInt(2) > span[0]).toList();
      String where = type + " " + id + " '" + name + "': " + over;
      // The pieces spell the name: the first carries the word-start marker (after a space; for a text's first word only
      // Unigram's, which marks every word), WordPiece's continuations carry '##', nothing else is marked.
      StringBuilder spelled = new StringBuilder();
      for (int k = 0; k < over.size(); k++) {
        String piece = over.get(k).getString(0);
        String mark = k == 0 ? (span[0] > 0 || marker.equals("\u2581") ? marker : "") : wordPiece ? "##" : "";
        assertTrue(piece.startsWith(mark) && piece.length() > mark.length(), where + ": piece " + k + " marked '"
            + mark + "'");
        spelled.append(piece.substring(mark.length()));
      }
      assertEquals(name, spelled.toString(), where + ": the pieces spell the name");
      if (!name.equals("floyd") && !(span[0] == 0 && marker.equals("\u0120"))) {
        // A vocabulary word is one token (a BPE text's first word, unmarked, may come in pieces).
        assertEquals(1, over.size(), where + ": one token");
      }
      assertTrue(texts.get(id).substring(over.get(0).getInt(1), span[0]).isBlank(), where + ": starts at the name");
      assertEquals(span[1], over.get(over.size() - 1).getInt(2), where + ": the tokens end where the name does");
      double tokenSum = over.stream().mapToDouble(t -> t.getDouble(3)).sum();
      byTokens.put(name, tokenSum);
      oneToken += over.size() == 1 ? 1 : 0;

      List<Row> word = r.<Row>getList(3).stream().filter(w -> w.getInt(1) < span[1] && w.getInt(2) > span[0]).toList();
      assertEquals(1, word.size(), type + " " + id + ": one word over the name: " + word);
      assertEquals(List.of(name, span[0], span[1]), List.of(word.get(0).getString(0), word.get(0).getInt(1),
          word.get(0).getInt(2)), type + " " + id + ": the word is the name");
      assertEquals(tokenSum, word.get(0).getDouble(3), 1e-9, type + " " + id + ": the word carries its tokens' sum");
      byWords.put(name, word.get(0).getDouble(3));
    }
    for (String unit : units) {
      Map<String, Double> want = unit.equals("tokens") ? byTokens : byWords;
      Map<String, Double> got = terms.get(unit);
      assertEquals(want.keySet(), got.keySet(), unit + ": one term row per name");
      want.forEach((term, v) -> assertEquals(v, got.get(term), 1e-9, type + " " + unit + " " + term));
    }
    System.out.printf("E2E-FIGURE %s annotate+bias: %d names found, %d of them one token, bias_stats term relevance = "
        + "the relevance table's %s (1e-9)%n", type, names.size(), oneToken, units);
  }

  /**
   * The texts of the name test, each with one planted name, and their annotate output: the same for every family (annotate
   * reads texts, not tokens), so annotate runs once for all of them.
   */
  private record NamesCorpus(Path input, Path annotated, Map<String, int[]> spans, Map<String, String> texts) {
    private static NamesCorpus made;

    static NamesCorpus annotated(List<String> names) throws IOException {
      if (made != null) {
        return made;
      }
      // No lexicon term in them (the demo words hold "emma" and "france", which annotate would find too).
      List<String> filler = List.of("the film was good", "i loved the music", "a boring plot", "the cast was great",
          "what a mess", "we liked the ending", "a slow story", "the actors were brilliant");
      List<String> lines = new ArrayList<>(List.of("id,text"));
      Map<String, int[]> spans = new TreeMap<>(); // id -> the name's [start, end)
      Map<String, String> texts = new TreeMap<>();
      for (int i = 0; i < names.size(); i++) {
        // The first name opens its text (no space before it), one is followed by a comma, the others follow a space.
        String before = i == 0 ? "" : filler.get(i) + " ";
        String text = before + names.get(i) + (i == 1 ? ", " : " ") + filler.get((i + 1) % names.size());
        spans.put("n" + i, new int[] {before.length(), before.length() + names.get(i).length()});
        texts.put("n" + i, text);
        lines.add("n" + i + ",\"" + text + "\"");
      }
      Path input = Files.write(tmp.resolve("names.csv"), lines);
      Path annotated = tmp.resolve("names-annotated");
      assertEquals(0, Main.run("annotate", "--input", input.toString(), "--output", annotated.toString(), "--data",
          AnnotateFixtures.dataDir(tmp.resolve("lexicon-data")).toString()));
      made = new NamesCorpus(input, annotated, spans, texts);
      return made;
    }
  }
}
