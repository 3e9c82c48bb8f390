package org.lrpaudit.eval;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;

/**
 * Patch and pixel flipping: the paper's activation and pruning tasks (method.md, "Faithfulness") for an image
 * classifier, with patches or pixels ({@link FlipUnit}) where the text tasks have tokens. Each image's gold-label logit
 * is explained; {@link Perturbation} ranks the units by that relevance exactly as it ranks tokens ([CLS] is no patch: it
 * stays, as --keep-special keeps [CLS] and [SEP]); a removed unit has all its processed pixel values set to 0, the image
 * processor's mean (mid gray for ViTImageProcessor's 0.5 / 0.5), where a text's removed token becomes [UNK]. Curves per
 * image by {@link TextCurves}. This is the one curve computation of evaluate-idx (averaged here, in one JVM) and of the
 * evaluate-images Spark job (averaged by Spark). AUAC = area under the mean activation curve (higher: more faithful),
 * AU-MSE = area under the mean pruning change (lower: more faithful).
 */
public final class ImageFaithfulness {
  /** Images explained and flipped together when {@link #evaluate} averages a long list (bounds the memory). */
  static final int CHUNK_IMAGES = 64;

  /** One method and unit over the images: the mean curves (one value per step) and their areas. */
  public record Scores(String method, String unit, int images, double auac, double auMse, double aupc,
      double[] activation, double[] pruningProbability, double[] pruningChange) {}

  /** One image under one method: its explanation and its curves per unit. */
  public record ImageCurves(ImageExplanation explanation, Map<FlipUnit, TextCurves> curves) {}

  private final ImageClassifier classifier;
  private final ImageExplainer explainer;
  private final int steps;
  /** Logits of the all-mean image (every pixel value 0), computed once: see {@link #logitsOf}. */
  private float[] meanImageLogits;

  public ImageFaithfulness(ImageClassifier classifier, int batchImages, MethodOptions options, int steps) {
    if (steps < 2) {
      throw new IllegalArgumentException("steps must be at least 2 (fractions 0 and 1), got " + steps);
    }
    this.classifier = classifier;
    this.explainer = new ImageExplainer(classifier, batchImages, options);
    this.steps = steps;
  }

  /** Patch flipping: scores per method, in the methods' order; every image needs its gold label. */
  public List<Scores> evaluate(List<ImageInput> images, List<Method> methods) {
    return evaluate(images, methods, List.of(FlipUnit.PATCH));
  }

  /** Scores per method and unit (methods outer, units inner), averaged over the images. */
  public List<Scores> evaluate(List<ImageInput> images, List<Method> methods, List<FlipUnit> units) {
    List<Scores> out = new ArrayList<>();
    for (Method m : methods) {
      double[][][] sums = new double[units.size()][3][steps];
      for (int from = 0; from < images.size(); from += CHUNK_IMAGES) {
        for (ImageCurves ic : curves(images.subList(from, Math.min(images.size(), from + CHUNK_IMAGES)), m, units)) {
          for (int u = 0; u < units.size(); u++) {
            TextCurves c = ic.curves().get(units.get(u));
            double[][] curves = {c.activation(), c.pruningProbability(), c.pruningChange()};
            for (int j = 0; j < 3; j++) {
              for (int k = 0; k < steps; k++) {
                sums[u][j][k] += curves[j][k] / images.size();
              }
            }
          }
        }
      }
      for (int u = 0; u < units.size(); u++) {
        double[][] mean = sums[u];
        out.add(new Scores(m.id(), units.get(u).id(), images.size(), Curves.area(mean[0]), Curves.area(mean[2]),
            Curves.area(mean[1]), mean[0], mean[1], mean[2]));
      }
    }
    return out;
  }

  /**
   * Each image explained by the method (gold label), then flipped in every unit: all perturbed images of the list run
   * through the model together, in batches. Every image needs its gold label.
   */
  public List<ImageCurves> curves(List<ImageInput> images, Method method, List<FlipUnit> units) {
    for (ImageInput i : images) {
      if (i.label() == null) {
        throw new IllegalArgumentException(i.name() + ": faithfulness needs the image's gold label");
      }
    }
    List<ImageExplanation> explained = explainer.explain(images, method, new Target.GoldLabel());
    List<float[]> inputs = new ArrayList<>(images.size() * units.size() * 2 * steps);
    for (int i = 0; i < images.size(); i++) {
      for (FlipUnit u : units) {
        inputs.addAll(perturbed(images.get(i), explained.get(i), u));
      }
    }
    float[][] logits = logitsOf(inputs);
    List<ImageCurves> out = new ArrayList<>(images.size());
    int at = 0;
    for (int i = 0; i < images.size(); i++) {
      Map<FlipUnit, TextCurves> byUnit = new EnumMap<>(FlipUnit.class);
      for (FlipUnit u : units) {
        double[][] act = new double[steps][];
        double[][] prune = new double[steps][];
        for (int k = 0; k < steps; k++) {
          act[k] = FaithfulnessEvaluator.doubles(logits[at + k]);
          prune[k] = FaithfulnessEvaluator.doubles(logits[at + steps + k]);
        }
        at += 2 * steps;
        byUnit.put(u, TextCurves.of(FaithfulnessEvaluator.doubles(explained.get(i).logits()), act, prune,
            images.get(i).label()));
      }
      out.add(new ImageCurves(explained.get(i), byUnit));
    }
    return out;
  }

  /**
   * The model's logits of the perturbed inputs. The all-mean image starts every activation curve and ends every pruning
   * curve, the same for every image, method and unit: it runs once per instance, not twice per image, method and unit.
   */
  private float[][] logitsOf(List<float[]> inputs) {
    List<float[]> others = new ArrayList<>(inputs.size());
    boolean[] mean = new boolean[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      mean[i] = allZero(inputs.get(i));
      if (!mean[i]) {
        others.add(inputs.get(i));
      }
    }
    if (meanImageLogits == null && others.size() < inputs.size()) {
      meanImageLogits = explainer.logits(List.of(new float[classifier.grid().pixelValues()]))[0];
    }
    float[][] computed = explainer.logits(others);
    float[][] out = new float[inputs.size()][];
    for (int i = 0, k = 0; i < inputs.size(); i++) {
      out[i] = mean[i] ? meanImageLogits : computed[k++];
    }
    return out;
  }

  private static boolean allZero(float[] pixels) {
    for (float v : pixels) {
      if (v != 0) {
        return false;
      }
    }
    return true;
  }

  /** One image's perturbed inputs in one unit: the activation task's steps, then the pruning task's. */
  List<float[]> perturbed(ImageInput image, ImageExplanation e, FlipUnit unit) {
    PatchGrid grid = classifier.grid();
    long[] positions = new long[unit.positions(grid)];
    for (int t = 0; t < positions.length; t++) {
      positions[t] = t;
    }
    Perturbation p = new Perturbation(positions, unit.special(grid), -1, true);
    double[] ranking = unit.ranking(e);
    int[] positionOfPixel = unit.positionOfPixel(grid);
    List<float[]> inputs = new ArrayList<>(2 * steps);
    for (long[][] task : new long[][][] {p.activation(ranking, steps), p.pruning(ranking, steps)}) {
      for (long[] kept : task) {
        inputs.add(masked(image.pixels(), kept, positionOfPixel, grid));
      }
    }
    return inputs;
  }

  /** The pixels with every pixel whose position's entry in kept is -1 set to 0 (all channels). */
  static float[] masked(float[] pixels, long[] kept, int[] positionOfPixel, PatchGrid grid) {
    float[] out = pixels.clone();
    int hw = positionOfPixel.length;
    for (int c = 0; c < grid.channels(); c++) {
      for (int px = 0; px < hw; px++) {
        if (kept[positionOfPixel[px]] < 0) {
          out[c * hw + px] = 0;
        }
      }
    }
    return out;
  }
}
