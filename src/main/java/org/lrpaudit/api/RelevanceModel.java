package org.lrpaudit.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.TextCheck;

/**
 * Explanations in one JVM, without Spark: load a checkpoint once, explain lists of texts (or sentence pairs) from any
 * number of threads at once (the Explainer uses torch's per-thread grad mode), close it when done. Texts are checked
 * and explained by the rules of explain-text and the explain job, so the numbers are theirs.
 *
 * <pre>{@code
 * try (RelevanceModel model = RelevanceModel.load("/models/my-sst2-bert")) {
 *   for (TextRelevance r : model.explain(List.of("a gripping film", "a dull mess"))) {
 *     r.tokens().forEach(t -> System.out.println(t.token() + " " + t.relevance()));
 *   }
 * }
 * }</pre>
 */
public final class RelevanceModel implements AutoCloseable {
  private final TextClassifier classifier;
  private final ExplainOptions options;
  private final Explainer explainer;
  private final Method method;
  private final Target target;

  private RelevanceModel(TextClassifier classifier, ExplainOptions options) {
    this.classifier = classifier;
    this.options = options;
    this.explainer = new Explainer(classifier, new TokenBudget(options.batchTokens(), 64), MethodOptions.DEFAULT);
    this.method = Method.parse(options.method());
    this.target = Target.parse(options.target());
  }

  /** A model folder (config.json, model.safetensors, tokenizer.json), local or a Hadoop FileSystem URI. */
  public static RelevanceModel load(String modelPath) {
    return load(modelPath, ExplainOptions.DEFAULT);
  }

  public static RelevanceModel load(String modelPath, ExplainOptions options) {
    TextClassifier classifier = TextClassifier.load(modelPath, options.maxLength());
    try {
      Target t = Target.parse(options.target());
      if (!(t instanceof Target.Predicted)) {
        t.resolve(0, null, classifier.config().labels()); // a fixed class must exist in this model
      }
      return new RelevanceModel(classifier, options);
    } catch (RuntimeException e) {
      classifier.close();
      throw e;
    }
  }

  public ExplainOptions options() {
    return options;
  }

  /** The model's class names, by class index. */
  public List<String> labels() {
    return classifier.config().labels();
  }

  public TextRelevance explain(String text) {
    return explain(List.of(text)).get(0);
  }

  /** One result per text, in order. */
  public List<TextRelevance> explain(List<String> texts) {
    return explainPairs(texts, Collections.nCopies(texts.size(), null));
  }

  /** One result per (text, pair); a null pair is a single text. */
  public List<TextRelevance> explainPairs(List<String> texts, List<String> pairs) {
    if (pairs.size() != texts.size()) {
      throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs: give one per text");
    }
    RowError[] errors = new RowError[texts.size()];
    List<TextInput> inputs = new ArrayList<>();
    List<TokenizedText> tokenized = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      String pair = pairs.get(i);
      errors[i] = TextCheck.check(text);
      if (errors[i] == null && pair != null) {
        errors[i] = TextCheck.check(pair);
      }
      TokenizedText tok = errors[i] == null ? classifier.tokenizer().encode(text, pair) : null;
      if (tok != null && (errors[i] = TextCheck.noTokens(tok)) == null) {
        inputs.add(new TextInput(text, null, pair));
        tokenized.add(tok);
      }
    }
    List<Explanation> done = explainer.explainTokenized(inputs, tokenized, method, target);
    List<TextRelevance> out = new ArrayList<>(texts.size());
    int next = 0;
    for (int i = 0; i < texts.size(); i++) {
      RowError e = errors[i];
      out.add(e == null ? new TextRelevance(texts.get(i), pairs.get(i), "ok", null, done.get(next++))
          : new TextRelevance(texts.get(i), pairs.get(i), e.status(), e.message(), null));
    }
    return out;
  }

  @Override
  public void close() {
    classifier.close();
  }
}
