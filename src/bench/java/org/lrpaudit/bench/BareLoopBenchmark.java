package org.lrpaudit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;

/**
 * The baseline the Spark job is measured against: one JVM, one thread, torch threads as set by -Dai.djl.pytorch.num_threads,
 * explaining all texts of a JSON-lines file (sorted by length and batched by the same token budget) with no Spark around.
 * Timed from the first tokenization to the last explanation (model load and file read excluded).
 * Usage: BareLoopBenchmark MODEL INPUT_JSONL METHOD [BATCH_TOKENS BATCH_ROWS MAX_LENGTH]. Prints one JSON object.
 */
public final class BareLoopBenchmark {
  private BareLoopBenchmark() {}

  public static void main(String[] args) throws Exception {
    String model = args[0];
    Method method = Method.parse(args[2]);
    int batchTokens = args.length > 3 ? Integer.parseInt(args[3]) : 4096;
    int batchRows = args.length > 4 ? Integer.parseInt(args[4]) : 64;
    int maxLength = args.length > 5 ? Integer.parseInt(args[5]) : 512;
    ObjectMapper json = new ObjectMapper();
    List<TextInput> inputs = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        JsonNode n = json.readTree(line);
        inputs.add(TextInput.of(n.get("text").asText()));
      }
    }
    try (TextClassifier classifier = TextClassifier.load(model, maxLength)) {
      TokenBudget budget = new TokenBudget(batchTokens, batchRows);
      Explainer explainer = new Explainer(classifier, budget);
      explainer.explain(inputs.subList(0, Math.min(64, inputs.size())), method, Target.PREDICTED); // warm-up
      long t0 = System.nanoTime();
      List<TokenizedText> tokenized = new ArrayList<>(inputs.size());
      for (TextInput in : inputs) {
        tokenized.add(classifier.tokenizer().encode(in.text()));
      }
      List<Explanation> out = explainer.explainTokenized(inputs, tokenized, method, Target.PREDICTED);
      double seconds = (System.nanoTime() - t0) / 1e9;
      long tokens = tokenized.stream().mapToLong(TokenizedText::length).sum();
      int[] lengths = tokenized.stream().mapToInt(TokenizedText::length).toArray();
      long slots = 0;
      for (List<Integer> batch : budget.batches(lengths)) {
        slots += (long) batch.stream().mapToInt(i -> lengths[i]).max().orElse(0) * batch.size();
      }
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("texts", out.size());
      r.put("tokens", tokens);
      r.put("seconds", seconds);
      r.put("textsPerSecond", out.size() / seconds);
      r.put("tokensPerSecond", tokens / seconds);
      r.put("paddingWaste", 1.0 - (double) tokens / slots);
      r.put("torchThreads", Integer.getInteger("ai.djl.pytorch.num_threads", -1));
      System.out.println(json.writeValueAsString(r));
    }
  }
}
