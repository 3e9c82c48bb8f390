package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.SequenceClassifier;

/**
 * One batch as a relevance method sees it: the model, the batch's manager, h0 (computed without gradient, not yet a leaf
 * that requires one) and the attention mask bias. The method reports the logits of the unchanged input through
 * {@link #chooseClasses}, which fixes the class each row explains (predicted, gold label or a named class).
 */
public final class BatchPass {
  /** Picks the explained class of row k from its predicted class (Target.resolve with the row's gold label). */
  @FunctionalInterface
  public interface ClassChoice {
    int explained(int row, int predicted);
  }

  private final SequenceClassifier model;
  private final NDManager manager;
  private final EncodedBatch enc;
  private final NDArray h0;
  private final NDArray maskBias;
  private final ClassChoice choice;
  private double[] logits;
  private int[] predicted;
  private int[] explained;

  BatchPass(SequenceClassifier model, NDManager manager, EncodedBatch enc, NDArray h0, NDArray maskBias,
      ClassChoice choice) {
    this.model = model;
    this.manager = manager;
    this.enc = enc;
    this.h0 = h0;
    this.maskBias = maskBias;
    this.choice = choice;
  }

  public SequenceClassifier model() {
    return model;
  }

  public NDManager manager() {
    return manager;
  }

  public EncodedBatch batch() {
    return enc;
  }

  public NDArray h0() {
    return h0;
  }

  public NDArray maskBias() {
    return maskBias;
  }

  /** Records the logits [B, C] of the unchanged input and returns the class each row explains. */
  public int[] chooseClasses(NDArray logitArray) {
    double[] v = logitArray.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    if (!Arrays.stream(v).allMatch(Double::isFinite)) {
      throw new IllegalStateException("the model produced non-finite logits " + Arrays.toString(v) + " for a batch of "
          + enc.size() + " texts of up to " + enc.length() + " tokens");
    }
    int c = classes(logitArray);
    logits = v;
    predicted = new int[enc.size()];
    explained = new int[enc.size()];
    for (int k = 0; k < enc.size(); k++) {
      predicted[k] = argmax(v, k * c, c);
      explained[k] = choice.explained(k, predicted[k]);
    }
    return explained;
  }

  /** One-hot [B, C] of the explained classes in the model's data type: the backward seed of sum_k f_{c_k}(row k). */
  public NDArray classSeed(NDArray logitArray) {
    int c = classes(logitArray);
    double[] select = new double[enc.size() * c];
    for (int k = 0; k < enc.size(); k++) {
      select[k * c + explained[k]] = 1;
    }
    return manager.create(select, new Shape(enc.size(), c)).toType(model.dataType(), false);
  }

  /** 1 for real tokens, 0 for padding, shaped [B, L, 1] in the model's data type (to zero padded query rows). */
  public NDArray realRows() {
    return manager.create(enc.mask(), new Shape(enc.size(), enc.length(), 1)).toType(model.dataType(), false);
  }

  double[] logits() {
    return requireChosen(logits);
  }

  int[] predicted() {
    return requireChosen(predicted);
  }

  int[] explained() {
    return requireChosen(explained);
  }

  private <T> T requireChosen(T v) {
    if (v == null) {
      throw new IllegalStateException("relevance method did not report the logits of its batch (chooseClasses)");
    }
    return v;
  }

  private static int classes(NDArray logitArray) {
    return (int) logitArray.getShape().get(1);
  }

  static int argmax(double[] v, int from, int n) {
    int best = 0;
    for (int i = 1; i < n; i++) {
      if (v[from + i] > v[from + best]) {
        best = i;
      }
    }
    return best;
  }

  /** Relevance of a [B, L] array as doubles, row-major. */
  static double[] toDoubles(NDArray a) {
    return a.toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
