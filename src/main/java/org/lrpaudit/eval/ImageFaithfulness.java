package org.lrpaudit.eval;

import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;

/**
 * Patch flipping: the paper's activation and pruning tasks (method.md, "Faithfulness") for an image classifier, with
 * patches where the text tasks have tokens. Each image's gold-label logit is explained; {@link Perturbation} ranks the
 * patches by that relevance exactly as it ranks tokens ([CLS] is no patch: it stays, as --keep-special keeps [CLS] and
 * [SEP]); a removed patch has all its processed pixel values set to 0, the image processor's mean (mid gray for
 * ViTImageProcessor's 0.5 / 0.5), where a text's removed token becomes [UNK]. Curves per image by {@link TextCurves},
 * averaged over the images; AUAC = area under the mean activation curve (higher: more faithful), AU-MSE = area under
 * the mean pruning change (lower: more faithful).
 */
public final class ImageFaithfulness {
  /** One method over the images: the mean curves (one value per step) and their areas. */
  public record Scores(String method, int images, double auac, double auMse, double[] activation,
      double[] pruningProbability, double[] pruningChange) {}

  private final ImageClassifier classifier;
  private final ImageExplainer explainer;
  private final int steps;

  public ImageFaithfulness(ImageClassifier classifier, int batchImages, MethodOptions options, int steps) {
    if (steps < 2) {
      throw new IllegalArgumentException("steps must be at least 2 (fractions 0 and 1), got " + steps);
    }
    this.classifier = classifier;
    this.explainer = new ImageExplainer(classifier, batchImages, options);
    this.steps = steps;
  }

  /** Scores per method, in the methods' order; every image needs its gold label. */
  public List<Scores> evaluate(List<ImageInput> images, List<Method> methods) {
    for (ImageInput i : images) {
      if (i.label() == null) {
        throw new IllegalArgumentException(i.name() + ": faithfulness needs the image's gold label");
      }
    }
    List<Scores> out = new ArrayList<>();
    for (Method m : methods) {
      List<ImageExplanation> explained = explainer.explain(images, m, new Target.GoldLabel());
      double[] act = new double[steps];
      double[] prob = new double[steps];
      double[] change = new double[steps];
      for (int i = 0; i < images.size(); i++) {
        TextCurves c = curves(images.get(i), explained.get(i));
        for (int k = 0; k < steps; k++) {
          act[k] += c.activation()[k] / images.size();
          prob[k] += c.pruningProbability()[k] / images.size();
          change[k] += c.pruningChange()[k] / images.size();
        }
      }
      out.add(new Scores(m.id(), images.size(), Curves.area(act), Curves.area(change), act, prob, change));
    }
    return out;
  }

  /** One image's curves under one explanation. */
  TextCurves curves(ImageInput image, ImageExplanation e) {
    PatchGrid grid = classifier.grid();
    double[] relevance = e.patches().stream().mapToDouble(p -> p.relevance()).toArray();
    long[] positions = new long[grid.length()];
    boolean[] special = new boolean[grid.length()];
    for (int t = 0; t < positions.length; t++) {
      positions[t] = t;
    }
    special[0] = true; // [CLS]
    Perturbation p = new Perturbation(positions, special, -1, true);
    List<float[]> inputs = new ArrayList<>(2 * steps);
    for (long[][] task : new long[][][] {p.activation(relevance, steps), p.pruning(relevance, steps)}) {
      for (long[] kept : task) {
        inputs.add(masked(image.pixels(), kept, grid));
      }
    }
    float[][] logits = explainer.logits(inputs);
    double[][] act = new double[steps][];
    double[][] prune = new double[steps][];
    for (int k = 0; k < steps; k++) {
      act[k] = FaithfulnessEvaluator.doubles(logits[k]);
      prune[k] = FaithfulnessEvaluator.doubles(logits[steps + k]);
    }
    return TextCurves.of(FaithfulnessEvaluator.doubles(e.logits()), act, prune, image.label());
  }

  /** The pixels with every patch whose entry in kept is -1 set to 0 (all channels). */
  static float[] masked(float[] pixels, long[] kept, PatchGrid grid) {
    float[] out = pixels.clone();
    int hw = grid.height() * grid.width();
    for (int c = 0; c < grid.channels(); c++) {
      for (int y = 0; y < grid.height(); y++) {
        for (int x = 0; x < grid.width(); x++) {
          if (kept[grid.position(y, x)] < 0) {
            out[c * hw + y * grid.width() + x] = 0;
          }
        }
      }
    }
    return out;
  }
}
