package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain-text", mixinStandardHelpOptions = true,
    description = {"Explain texts given as arguments (or one per line on standard input) and print one JSON object per "
        + "text on standard output. Logs go to standard error.",
        "",
        "Fields: text, method, model_id, logits, predicted, predicted_label, explained_class, explained_label, "
        + "explained_logit, tokens [{token, id, start, end, relevance}] (every model token, [CLS] and [SEP] included; "
        + "start/end are UTF-16 character offsets into text), words (same shape, sub-words summed; id -1 for merged "
        + "words), relevance_sum, conservation_gap (explained_logit - relevance_sum), truncated."})
final class ExplainTextCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "HuggingFace model folder (config.json, model.safetensors, tokenizer.json): a local path or a Hadoop "
          + "FileSystem URI (file:, hdfs:, s3a:), copied once to a local cache keyed by content hash.")
  String model;

  @Option(names = "--method", defaultValue = "lrp-ah-ln", paramLabel = "METHOD",
      description = "gi | lrp-ah | lrp-ln | lrp-ah-ln (default: ${DEFAULT-VALUE}, the paper's LRP(AH+LN)), or a "
          + "baseline: random | attn-last | rollout | gae | ig.")
  String method;

  @Option(names = "--ig-steps", defaultValue = "20", paramLabel = "N",
      description = "Integrated Gradients steps (method ig; default ${DEFAULT-VALUE}).")
  int igSteps;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the random baseline (default 0).")
  long seed;

  @Option(names = "--target", defaultValue = "predicted", paramLabel = "TARGET",
      description = "Class whose logit is explained: predicted (default), label:N (class index N) or class:NAME "
          + "(an id2label name).")
  String target;

  @Option(names = "--max-length", defaultValue = "512", paramLabel = "N",
      description = "Longest token sequence, [CLS] and [SEP] included (default ${DEFAULT-VALUE}; capped at the model's "
          + "max_position_embeddings). Longer texts are truncated and flagged truncated=true.")
  int maxLength;

  @Option(names = "--batch-tokens", defaultValue = "4096", paramLabel = "N",
      description = "Token budget of one batch (rows x longest row; default ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(names = "--pair", paramLabel = "TEXT",
      description = "Second text of a sentence pair (NLI hypothesis, answer), once per TEXT in order. Tokens of the "
          + "second text carry segment 1 and offsets into it.")
  List<String> pairs = new ArrayList<>();

  @Option(names = "--tab-pairs", description = "Standard input holds sentence pairs: text TAB second text, one per line.")
  boolean tabPairs;

  @Parameters(paramLabel = "TEXT", arity = "0..*",
      description = "Texts to explain; without any, one text per line is read from standard input.")
  List<String> texts = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Method m = Method.parse(method);
    Target t = Target.parse(target);
    if (t instanceof Target.GoldLabel) {
      throw new IllegalArgumentException("--target label needs gold labels, which explain-text does not take; "
          + "use label:N for class N");
    }
    List<TextInput> inputs = new ArrayList<>();
    if (texts.isEmpty()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        int tab = tabPairs ? line.indexOf('\t') : -1;
        inputs.add(tab < 0 ? TextInput.of(line) : TextInput.pair(line.substring(0, tab), line.substring(tab + 1)));
      }
    } else {
      if (!pairs.isEmpty() && pairs.size() != texts.size()) {
        throw new IllegalArgumentException("--pair was given " + pairs.size() + " times for " + texts.size()
            + " texts; give one --pair per text");
      }
      for (int i = 0; i < texts.size(); i++) {
        inputs.add(pairs.isEmpty() ? TextInput.of(texts.get(i)) : TextInput.pair(texts.get(i), pairs.get(i)));
      }
    }
    ObjectMapper json = new ObjectMapper();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    try (TextClassifier classifier = TextClassifier.load(model, maxLength)) {
      Explainer explainer = new Explainer(classifier, new TokenBudget(batchTokens, 64),
          new MethodOptions(igSteps, seed));
      for (Explanation e : explainer.explain(inputs, m, t)) {
        out.println(json.writeValueAsString(ExplanationJson.of(e)));
      }
    }
    out.flush();
    return 0;
  }
}
