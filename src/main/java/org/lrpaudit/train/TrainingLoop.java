package org.lrpaudit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.CheckpointWriter;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.Weights;
import org.lrpaudit.tensor.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop every kind of input shares (text tokens, images): cross-entropy on a batch's logits, AdamW with
 * linear warm-up then linear decay, a validation score after each epoch, progress to the log, and the model folder with
 * training-report.json written atomically. What a row is and how a batch of rows becomes logits is the {@link Input}'s.
 *
 * <p>Dropout is off: without it a rerun with the same seed gives the same weights (torch CPU kernels are deterministic
 * for a fixed thread count).
 */
final class TrainingLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
  static final String REPORT = "training-report.json";

  private TrainingLoop() {}

  /** What the optimisation does, whatever the input. */
  record Schedule(int epochs, double learningRate, double warmupFraction, double weightDecay, long seed) {}

  /** The input side of training: the training rows, how an epoch is cut into batches, and a batch's logits. */
  interface Input {
    /** Number of training rows. */
    int size();

    /** The class index of training row i. */
    int label(int row);

    /** The id of training row i (for messages). */
    String id(int row);

    /** One epoch's batches of training row indices, every row once, in an order drawn from rnd. */
    List<List<Integer>> batches(Random rnd);

    /** Logits [B, labels] of the rows in batch order, computed in m with the graph recorded (grad mode is on). */
    NDArray logits(NDManager m, List<Integer> batch);
  }

  /**
   * Per epoch: the mean loss of its batches and the validation accuracy after it (NaN where there is no validation data);
   * and the last batch's loss.
   */
  record Result(List<Double> trainLoss, List<Double> validationAccuracy, double finalLoss) {}

  /**
   * Trains every parameter of model in place for the schedule's epochs. validation is called with gradients off after
   * each epoch. Parameters are left without gradient.
   */
  static Result run(SequenceClassifier model, Input input, Schedule schedule, DoubleSupplier validation) {
    List<Weights.Parameter> params = model.parameters();
    Random rnd = new Random(schedule.seed());
    List<List<List<Integer>>> epochBatches = new ArrayList<>();
    for (int e = 0; e < schedule.epochs(); e++) {
      epochBatches.add(input.batches(rnd));
    }
    int totalSteps = epochBatches.stream().mapToInt(List::size).sum();
    int warmup = (int) Math.ceil(schedule.warmupFraction() * totalSteps);
    AdamW optimizer = new AdamW(params, schedule.weightDecay());
    Progress progress = new Progress(totalSteps, (long) input.size() * schedule.epochs());
    List<Double> scores = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    double lastLoss = Double.NaN;
    int step = 0;
    try {
      for (int e = 0; e < schedule.epochs(); e++) {
        requireGradient(params, true);
        double lossSum = 0;
        for (List<Integer> batch : epochBatches.get(e)) {
          double lr = schedule.learningRate() * (step < warmup ? (step + 1.0) / warmup
              : Math.max(0, (totalSteps - step) / (double) Math.max(1, totalSteps - warmup)));
          lastLoss = step(model, input, batch, optimizer, lr);
          lossSum += lastLoss;
          step++;
          progress.update(step, batch.size(), lastLoss, e + 1);
        }
        losses.add(lossSum / Math.max(1, epochBatches.get(e).size()));
        requireGradient(params, false); // evaluation needs no graph
        double acc = validation.getAsDouble();
        scores.add(acc);
        LOG.info("epoch {}/{}: validation accuracy {}", e + 1, schedule.epochs(),
            Double.isNaN(acc) ? "n/a (no validation rows)" : String.format("%.4f", acc));
      }
    } finally {
      requireGradient(params, false);
    }
    return new Result(losses, scores, lastLoss);
  }

  private static void requireGradient(List<Weights.Parameter> params, boolean on) {
    for (Weights.Parameter p : params) {
      p.array().setRequiresGradient(on);
    }
  }

  /**
   * One optimisation step on a batch; returns its mean cross-entropy. A non-finite loss or gradient stops training with the
   * batch named, before any weight is touched: it means divergence (learning rate too high) or a numerical fault, and
   * neither is mended by computing the batch again.
   */
  private static double step(SequenceClassifier model, Input input, List<Integer> batch, AdamW optimizer, double lr) {
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      JniUtils.setGradMode(true);
      NDArray logits = input.logits(m, batch);
      int c = (int) logits.getShape().get(1);
      float[] onehot = new float[batch.size() * c];
      for (int k = 0; k < batch.size(); k++) {
        onehot[k * c + input.label(batch.get(k))] = 1;
      }
      NDArray target = m.create(onehot, new Shape(batch.size(), c)).toType(logits.getDataType(), false);
      NDArray loss = logits.logSoftmax(1).mul(target).sum().neg();
      loss = loss.div(Constants.of(loss, batch.size()));
      double value = loss.getFloat();
      if (!Double.isFinite(value)) {
        throw nonFinite("loss " + value, batch, input);
      }
      JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
      JniUtils.setGradMode(false);
      if (!optimizer.gradientsFinite()) {
        optimizer.discardGradients();
        throw nonFinite("gradient (loss " + value + ")", batch, input);
      }
      optimizer.step(lr);
      return value;
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  private static IllegalStateException nonFinite(String what, List<Integer> batch, Input input) {
    return new IllegalStateException("training stopped: non-finite " + what + " on a batch of " + batch.size()
        + " rows (first id " + input.id(batch.get(0)) + "); try a lower --lr");
  }

  /** Fraction of rows whose argmax logit is their label; NaN for no rows. */
  static double accuracy(float[][] logits, int[] labels) {
    if (labels.length == 0) {
      return Double.NaN;
    }
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int c = 1; c < logits[i].length; c++) {
        if (logits[i][c] > logits[i][best]) {
          best = c;
        }
      }
      correct += best == labels[i] ? 1 : 0;
    }
    return correct / (double) labels.length;
  }

  /**
   * Writes the trained weights, the files extras puts beside them (config, tokenizer or image processor) and the report
   * (made from the new folder's model id) to out, atomically; returns the report as written.
   */
  static TrainingReport save(Path out, SequenceClassifier model, CheckpointWriter.Contents extras,
      Function<String, TrainingReport> report) throws IOException {
    CheckpointWriter.writeAtomically(out, dir -> {
      CheckpointWriter.writeSafetensors(model.parameters(), dir.resolve(Checkpoint.WEIGHTS));
      extras.writeInto(dir);
      TrainingReport r = report.apply(Checkpoint.openLocal(dir).modelId());
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve(REPORT).toFile(), r);
    });
    return new ObjectMapper().readValue(out.resolve(REPORT).toFile(), TrainingReport.class);
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
