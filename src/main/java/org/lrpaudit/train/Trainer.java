package org.lrpaudit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.CheckpointWriter;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.rules.PropagationRules;

/**
 * Fine-tunes a text sequence classifier (encoder and head) with the shared {@link TrainingLoop} (cross-entropy, AdamW,
 * linear warm-up then linear decay, dropout off); this class is the text side: CSV rows, tokens, length-bucketed
 * batches. {@link ImageTrainer} is the image side.
 */
public final class Trainer {

  /** Settings of one run. */
  public record Settings(int epochs, double learningRate, int batchTokens, int maxRows, double warmupFraction,
      double weightDecay, long seed, int maxLength) {
    public static Settings defaults() {
      return new Settings(3, 5e-5, 1024, 32, 0.1, 0.01, 42, 128);
    }
  }

  private final Settings settings;

  public Trainer(Settings settings) {
    this.settings = settings;
  }

  /**
   * Trains on rows with split "train", reports accuracy on "validation" after each epoch and on "test" at the end,
   * and writes the model folder and training-report.json atomically to out.
   */
  public TrainingReport train(String baseModel, List<LabeledText> rows, String dataName, Path out) throws IOException {
    // Before any training: --out must be absent, empty or a model folder lrp-audit wrote, never a user's folder.
    CheckpointWriter.checkTarget(out.toAbsolutePath());
    if (out.toAbsolutePath().normalize().equals(java.nio.file.Paths.get(baseModel).toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("--out " + out + " is the base model's folder; write the trained model to "
          + "another folder");
    }
    Map<String, List<LabeledText>> splits = new LinkedHashMap<>();
    for (String s : List.of("train", "validation", "test")) {
      splits.put(s, new ArrayList<>());
    }
    for (LabeledText r : rows) {
      List<LabeledText> target = splits.get(r.split());
      if (target == null) {
        throw new IllegalArgumentException("row " + r.id() + ": split '" + r.split() + "' is not train, validation or test");
      }
      target.add(r);
    }
    List<LabeledText> train = splits.get("train");
    if (train.isEmpty()) {
      throw new IllegalArgumentException(dataName + ": no rows with split 'train'");
    }
    long start = System.nanoTime();
    try (TextClassifier classifier = TextClassifier.load(baseModel, settings.maxLength())) {
      int labels = classifier.config().numLabels();
      java.util.Set<Integer> seen = new java.util.TreeSet<>();
      for (LabeledText r : rows) {
        if (r.label() < 0 || r.label() >= labels) {
          throw new IllegalArgumentException("row " + r.id() + ": label " + r.label() + " is outside the model's "
              + labels + " labels " + classifier.config().labels());
        }
        if (r.split().equals("train")) {
          seen.add(r.label());
        }
      }
      if (seen.size() < 2) {
        throw new IllegalArgumentException(dataName + ": the training split has only label(s) " + seen
            + "; a classifier needs examples of at least two classes");
      }
      SequenceClassifier model = classifier.model();
      List<TokenizedText> tokens = train.stream().map(r -> classifier.tokenizer().encode(r.text())).toList();
      TrainingLoop.Result result = TrainingLoop.run(model, new Tokens(model, classifier.tokenizer().padId(), train,
          tokens), new TrainingLoop.Schedule(settings.epochs(), settings.learningRate(), settings.warmupFraction(),
          settings.weightDecay(), settings.seed()), () -> accuracy(classifier, splits.get("validation")));
      double test = accuracy(classifier, splits.get("test"));
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Integer> sizes = new LinkedHashMap<>();
      splits.forEach((k, v) -> sizes.put(k, v.size()));
      Path base = classifier.checkpoint().dir();
      return TrainingLoop.save(out, model, dir -> {
        Files.copy(base.resolve(Checkpoint.CONFIG), dir.resolve(Checkpoint.CONFIG));
        Files.copy(base.resolve(Checkpoint.TOKENIZER), dir.resolve(Checkpoint.TOKENIZER));
      }, modelId -> new TrainingReport(baseModel, classifier.modelId(), modelId, dataName, sizes, settings.epochs(),
          settings.learningRate(), settings.batchTokens(), settings.maxRows(), settings.warmupFraction(),
          settings.weightDecay(), settings.seed(), TrainingReport.torchThreads(), result.trainLoss(),
          result.validationAccuracy(), Double.isNaN(test) ? null : test, seconds, result.finalLoss()));
    }
  }

  /** Text rows as the loop sees them: length-bucketed batches of token ids, padded per batch. */
  private final class Tokens implements TrainingLoop.Input {
    private final SequenceClassifier model;
    private final long padId;
    private final List<LabeledText> rows;
    private final List<TokenizedText> tokens;

    Tokens(SequenceClassifier model, long padId, List<LabeledText> rows, List<TokenizedText> tokens) {
      this.model = model;
      this.padId = padId;
      this.rows = rows;
      this.tokens = tokens;
    }

    @Override
    public int size() {
      return rows.size();
    }

    @Override
    public int label(int row) {
      return rows.get(row).label();
    }

    @Override
    public String id(int row) {
      return rows.get(row).id();
    }

    @Override
    public List<List<Integer>> batches(Random rnd) {
      return shuffledBatches(tokens, rnd);
    }

    @Override
    public NDArray logits(NDManager m, List<Integer> batch) {
      EncodedBatch enc = EncodedBatch.of(batch.stream().map(i -> tokens.get(i).ids()).toList(),
          batch.stream().map(i -> tokens.get(i).typeIds()).toList(), padId);
      return model.logits(model.embed(m, enc), model.maskBias(m, enc), PropagationRules.GRADIENT, null);
    }
  }

  private List<List<Integer>> shuffledBatches(List<TokenizedText> tokens, Random rnd) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, rnd);
    // Length-bucketed within chunks of the shuffled order: little padding, yet batches still differ every epoch.
    List<List<Integer>> batches = new ArrayList<>();
    int chunk = settings.maxRows() * 50;
    TokenBudget budget = new TokenBudget(settings.batchTokens(), settings.maxRows());
    for (int from = 0; from < order.size(); from += chunk) {
      List<Integer> part = order.subList(from, Math.min(order.size(), from + chunk));
      int[] lengths = part.stream().mapToInt(i -> tokens.get(i).length()).toArray();
      for (List<Integer> b : budget.batches(lengths)) {
        batches.add(b.stream().map(part::get).toList());
      }
    }
    Collections.shuffle(batches, rnd);
    return batches;
  }

  /** Accuracy of the argmax prediction; NaN for no rows. */
  public static double accuracy(TextClassifier classifier, List<LabeledText> rows) {
    List<TokenizedText> tokens = rows.stream().map(r -> classifier.tokenizer().encode(r.text())).toList();
    return TrainingLoop.accuracy(new Explainer(classifier).logits(tokens),
        rows.stream().mapToInt(LabeledText::label).toArray());
  }
}
