package org.lrpaudit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.lrpaudit.model.Weights;
import org.lrpaudit.rules.PropagationRules;
import org.lrpaudit.tensor.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a sequence classifier (encoder and head) with cross-entropy and AdamW, linear warm-up then linear decay.
 * Dropout is off: the demo model is small and data is plentiful for it, and without dropout a rerun with the same seed
 * gives the same weights (torch CPU kernels are deterministic for a fixed thread count).
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

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
      List<Weights.Parameter> params = model.parameters();
      for (Weights.Parameter p : params) {
        p.array().setRequiresGradient(true);
      }
      List<TokenizedText> tokens = train.stream().map(r -> classifier.tokenizer().encode(r.text())).toList();
      Random rnd = new Random(settings.seed());
      List<List<List<Integer>>> epochBatches = new ArrayList<>();
      for (int e = 0; e < settings.epochs(); e++) {
        epochBatches.add(shuffledBatches(tokens, rnd));
      }
      int totalSteps = epochBatches.stream().mapToInt(List::size).sum();
      int warmup = (int) Math.ceil(settings.warmupFraction() * totalSteps);
      AdamW optimizer = new AdamW(params, settings.weightDecay());
      Progress progress = new Progress(totalSteps, (long) train.size() * settings.epochs());
      List<Double> validation = new ArrayList<>();
      double lastLoss = Double.NaN;
      int step = 0;
      for (int e = 0; e < settings.epochs(); e++) {
        for (List<Integer> batch : epochBatches.get(e)) {
          double lr = settings.learningRate() * (step < warmup ? (step + 1.0) / warmup
              : Math.max(0, (totalSteps - step) / (double) Math.max(1, totalSteps - warmup)));
          lastLoss = step(model, classifier.tokenizer().padId(), batch, tokens, train, optimizer, lr);
          step++;
          progress.update(step, batch.size(), lastLoss, e + 1);
        }
        for (Weights.Parameter p : params) { // evaluation needs no graph
          p.array().setRequiresGradient(false);
        }
        double acc = accuracy(classifier, splits.get("validation"));
        validation.add(acc);
        LOG.info("epoch {}/{}: validation accuracy {}", e + 1, settings.epochs(),
            Double.isNaN(acc) ? "n/a (no validation rows)" : String.format("%.4f", acc));
        for (Weights.Parameter p : params) {
          p.array().setRequiresGradient(true);
        }
      }
      for (Weights.Parameter p : params) {
        p.array().setRequiresGradient(false);
      }
      double test = accuracy(classifier, splits.get("test"));
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Integer> sizes = new LinkedHashMap<>();
      splits.forEach((k, v) -> sizes.put(k, v.size()));
      Path base = classifier.checkpoint().dir();
      double finalLoss = lastLoss;
      String[] modelId = new String[1];
      CheckpointWriter.writeAtomically(out, dir -> {
        CheckpointWriter.writeSafetensors(params, dir.resolve(Checkpoint.WEIGHTS));
        Files.copy(base.resolve(Checkpoint.CONFIG), dir.resolve(Checkpoint.CONFIG));
        Files.copy(base.resolve(Checkpoint.TOKENIZER), dir.resolve(Checkpoint.TOKENIZER));
        modelId[0] = Checkpoint.openLocal(dir).modelId();
        TrainingReport report = new TrainingReport(baseModel, classifier.modelId(), modelId[0], dataName, sizes,
            settings.epochs(), settings.learningRate(), settings.batchTokens(), settings.warmupFraction(),
            settings.weightDecay(), settings.seed(), Integer.getInteger("ai.djl.pytorch.num_threads", -1), validation,
            Double.isNaN(test) ? null : test, seconds, finalLoss);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("training-report.json").toFile(),
            report);
      });
      return new ObjectMapper().readValue(out.resolve("training-report.json").toFile(), TrainingReport.class);
    }
  }

  /**
   * One optimisation step on a batch; returns its mean cross-entropy. A non-finite loss or gradient stops training with the
   * batch named, before any weight is touched: it means divergence (learning rate too high) or a numerical fault, and
   * neither is mended by computing the batch again.
   */
  private static double step(SequenceClassifier model, long padId, List<Integer> batch, List<TokenizedText> tokens,
      List<LabeledText> rows, AdamW optimizer, double lr) {
    EncodedBatch enc = EncodedBatch.of(batch.stream().map(i -> tokens.get(i).ids()).toList(),
        batch.stream().map(i -> tokens.get(i).typeIds()).toList(), padId);
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      JniUtils.setGradMode(true);
      NDArray logits = model.logits(model.embed(m, enc), model.maskBias(m, enc), PropagationRules.GRADIENT, null);
      int c = (int) logits.getShape().get(1);
      float[] onehot = new float[batch.size() * c];
      for (int k = 0; k < batch.size(); k++) {
        onehot[k * c + rows.get(batch.get(k)).label()] = 1;
      }
      NDArray target = m.create(onehot, new Shape(batch.size(), c)).toType(logits.getDataType(), false);
      NDArray loss = logits.logSoftmax(1).mul(target).sum().neg();
      loss = loss.div(Constants.of(loss, batch.size()));
      double value = loss.getFloat();
      if (!Double.isFinite(value)) {
        throw nonFinite("loss " + value, batch, rows);
      }
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
      JniUtils.setGradMode(false);
      if (!optimizer.gradientsFinite()) {
        optimizer.discardGradients();
        throw nonFinite("gradient (loss " + value + ")", batch, rows);
      }
      optimizer.step(lr);
      return value;
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private static IllegalStateException nonFinite(String what, List<Integer> batch, List<LabeledText> rows) {
    return new IllegalStateException("training stopped: non-finite " + what + " on a batch of " + batch.size()
        + " rows (first id " + rows.get(batch.get(0)).id() + "); try a lower --lr");
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
    if (rows.isEmpty()) {
      return Double.NaN;
    }
    List<TokenizedText> tokens = rows.stream().map(r -> classifier.tokenizer().encode(r.text())).toList();
    float[][] logits = new Explainer(classifier).logits(tokens);
    int correct = 0;
    for (int i = 0; i < rows.size(); i++) {
      int best = 0;
      for (int c = 1; c < logits[i].length; c++) {
        if (logits[i][c] > logits[i][best]) {
          best = c;
        }
      }
      correct += best == rows.get(i).label() ? 1 : 0;
    }
    return correct / (double) rows.size();
  }

  /** Loss, rows/s and ETA to the log every few seconds. */
  private static final class Progress {
    private final int totalSteps;
    private final long totalRows;
    private final long start = System.nanoTime();
    private long rows;
    private long lastLog;
    private double smoothLoss = Double.NaN;

    Progress(int totalSteps, long totalRows) {
      this.totalSteps = totalSteps;
      this.totalRows = totalRows;
    }

    void update(int step, int batchRows, double loss, int epoch) {
      rows += batchRows;
      smoothLoss = Double.isNaN(smoothLoss) ? loss : 0.95 * smoothLoss + 0.05 * loss;
      long now = System.nanoTime();
      if (now - lastLog > 10_000_000_000L || step == totalSteps) {
        lastLog = now;
        double secs = (now - start) / 1e9;
        double rate = rows / Math.max(secs, 1e-9);
        LOG.info(String.format("epoch %d step %d/%d loss %.4f  %.1f rows/s  ETA %.0f s", epoch, step, totalSteps,
            smoothLoss, rate, (totalRows - rows) / Math.max(rate, 1e-9)));
      }
    }
  }
}
