package org.lrpaudit.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.model.SequenceClassifier;

/**
 * Explains images: relevance R_t = sum_d h0[t,d] df_c/dh0[t,d] at the patch embeddings' output h0 ([CLS] and position
 * embeddings added), through the graph a method's rules shape, exactly as {@link Explainer} does for tokens; every
 * method of {@link Method} runs on the same {@link BatchPass}. For the propagation methods it also chains h0's gradient
 * through the patch embedding to the pixels (pixel-level Gradient x Input of the same graph).
 *
 * <p>Every image has the same number of positions, so batches are runs of consecutive images and nothing is padded.
 */
public final class ImageExplainer {
  /** Images per batch where a caller sets none. */
  public static final int DEFAULT_ROWS = 16;

  private final ImageClassifier classifier;
  private final int rows;
  private final MethodOptions options;
  private final boolean pixelView;

  public ImageExplainer(ImageClassifier classifier, int rowsPerBatch, MethodOptions options) {
    this(classifier, rowsPerBatch, options, true);
  }

  private ImageExplainer(ImageClassifier classifier, int rowsPerBatch, MethodOptions options, boolean pixelView) {
    if (rowsPerBatch < 1) {
      throw new IllegalArgumentException("images per batch must be at least 1, got " + rowsPerBatch);
    }
    this.classifier = classifier;
    this.rows = rowsPerBatch;
    this.options = options;
    this.pixelView = pixelView;
  }

  /**
   * The same explainer without the pixel view (pixelGradientTimesInput null for every method): for callers that keep
   * only the patch relevance, such as the explain-images job, it saves a second autograd pass per batch.
   */
  public ImageExplainer withoutPixelView() {
    return new ImageExplainer(classifier, rows, options, false);
  }

  public ImageExplainer(ImageClassifier classifier) {
    this(classifier, DEFAULT_ROWS, MethodOptions.DEFAULT);
  }

  /** Explanations in input order. */
  public List<ImageExplanation> explain(List<ImageInput> images, Method method, Target target) {
    List<ImageExplanation> out = new ArrayList<>(images.size());
    for (int from = 0; from < images.size(); from += rows) {
      out.addAll(explainBatch(images.subList(from, Math.min(images.size(), from + rows)), method, target));
    }
    return out;
  }

  /** Logits [images][labels] of pixel values (each [channels * height * width]), forward only, in batches. */
  public float[][] logits(List<float[]> pixels) {
    SequenceClassifier model = classifier.model();
    PatchGrid grid = classifier.grid();
    float[][] out = new float[pixels.size()][];
    boolean grad = JniUtils.isGradMode();
    try {
      JniUtils.setGradMode(false);
      for (int from = 0; from < pixels.size(); from += rows) {
        List<float[]> batch = pixels.subList(from, Math.min(pixels.size(), from + rows));
        int b = batch.size();
        float[] flat = flatten(batch, k -> "image " + k);
        try (NDManager m = NDManager.newBaseManager(model.device())) {
          NDArray x = m.create(flat, new Shape(b, grid.channels(), grid.height(), grid.width()))
              .toType(model.dataType(), false);
          NDArray logits = model.logits(model.embedPixels(x), model.maskBias(m, patchBatch(flat, b, grid)),
              Method.GI.rules(), null);
          float[] values = logits.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
          int c = values.length / b;
          for (int k = 0; k < b; k++) {
            out[from + k] = Arrays.copyOfRange(values, k * c, (k + 1) * c);
          }
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    return out;
  }

  /** The images' pixel values one after another, each checked to be the model's size (name(k) in the message). */
  private float[] flatten(List<float[]> images, java.util.function.IntFunction<String> name) {
    PatchGrid grid = classifier.grid();
    float[] flat = new float[images.size() * grid.pixelValues()];
    for (int k = 0; k < images.size(); k++) {
      float[] px = images.get(k);
      if (px.length != grid.pixelValues()) {
        throw new IllegalArgumentException(name.apply(k) + ": " + px.length + " pixel values, the model takes "
            + grid.pixelValues() + " (" + grid.channels() + "x" + grid.height() + "x" + grid.width() + ")");
      }
      System.arraycopy(px, 0, flat, k * grid.pixelValues(), px.length);
    }
    return flat;
  }

  private List<ImageExplanation> explainBatch(List<ImageInput> images, Method method, Target target) {
    SequenceClassifier model = classifier.model();
    PatchGrid grid = classifier.grid();
    int b = images.size();
    float[] flat = flatten(images.stream().map(ImageInput::pixels).toList(), k -> images.get(k).name());
    EncodedBatch enc = patchBatch(flat, b, grid);
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      JniUtils.setGradMode(false);
      NDArray pixels = m.create(flat, new Shape(b, grid.channels(), grid.height(), grid.width()))
          .toType(model.dataType(), false);
      NDArray h0 = model.embedPixels(pixels); // made without gradient: a leaf for the method
      List<String> names = classifier.config().labels();
      BatchPass pass = new BatchPass(model, m, enc, h0, model.maskBias(m, enc),
          (k, predicted) -> target.resolve(predicted, images.get(k).label(), names));
      double[] relevance = method.create(options).relevance(pass);
      JniUtils.setGradMode(false);
      Explainer.requireFinite(relevance, b, grid.length());
      double[] view = pixelView && method.isPropagation() ? pixelGradientTimesInput(model, pixels, h0.getGradient())
          : null;
      double[] logits = pass.logits();
      int c = logits.length / b;
      List<ImageExplanation> out = new ArrayList<>(b);
      for (int k = 0; k < b; k++) {
        int explained = pass.explained()[k];
        int predicted = pass.predicted()[k];
        double[] own = Arrays.copyOfRange(logits, k * c, (k + 1) * c);
        List<PatchRelevance> patches = new ArrayList<>(grid.length());
        double sum = 0;
        for (int t = 0; t < grid.length(); t++) {
          double r = relevance[k * grid.length() + t];
          sum += r;
          patches.add(t == 0 ? new PatchRelevance(0, -1, -1, r)
              : new PatchRelevance(t, (t - 1) / grid.cols(), (t - 1) % grid.cols(), r));
        }
        int area = grid.height() * grid.width();
        out.add(new ImageExplanation(images.get(k).name(), method.id(), classifier.modelId(), Explainer.toFloats(own),
            predicted, names.get(predicted), explained, names.get(explained), own[explained], patches, sum,
            own[explained] - sum, grid,
            view == null ? null : Arrays.copyOfRange(view, k * area, (k + 1) * area)));
      }
      return out;
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /**
   * x * df_c/dx at the pixels, summed over channels, [B * H * W]: h0 is affine in the pixels, so df_c/dx is h0's
   * gradient (under the method's rules) pulled back through the patch embedding, here by autograd through embedPixels.
   */
  private static double[] pixelGradientTimesInput(SequenceClassifier model, NDArray pixels, NDArray h0Gradient) {
    NDArray x = pixels.duplicate();
    JniUtils.setGradMode(true);
    x.setRequiresGradient(true);
    NDArray h0 = model.embedPixels(x);
    JniUtils.backward((PtNDArray) h0, (PtNDArray) h0Gradient, false, false);
    JniUtils.setGradMode(false);
    return BatchPass.toDoubles(x.mul(x.getGradient()).sum(new int[] {1}));
  }

  /**
   * The batch as the relevance methods see it: every image one full row of 1 + patches positions (no padding). The ids
   * fingerprint each patch's pixel values ([CLS] 0), so the random baseline, which seeds on a row's ids, gives an image
   * the same values whatever batch it is in.
   */
  static EncodedBatch patchBatch(float[] flat, int b, PatchGrid grid) {
    int l = grid.length();
    long[] ids = new long[b * l];
    int[] lengths = new int[b];
    Arrays.fill(lengths, l);
    int hw = grid.height() * grid.width();
    for (int k = 0; k < b; k++) {
      for (int c = 0; c < grid.channels(); c++) {
        for (int y = 0; y < grid.height(); y++) {
          for (int x = 0; x < grid.width(); x++) {
            int t = k * l + grid.position(y, x);
            ids[t] = ids[t] * 0x9E3779B97F4A7C15L + Float.floatToIntBits(flat[k * grid.pixelValues() + c * hw
                + y * grid.width() + x]);
          }
        }
      }
    }
    return new EncodedBatch(ids, new long[b * l], lengths, b, l);
  }
}
