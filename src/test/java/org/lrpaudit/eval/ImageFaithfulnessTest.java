package org.lrpaudit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.model.TestCheckpoints;

/**
 * Patch flipping against a second computation: the perturbed images rebuilt by hand (patches ranked here, pixels set to
 * 0 here) and run through the plain forward pass give the curves ImageFaithfulness reports; the curves' ends are the
 * unchanged and the all-removed image, the same for every method.
 */
class ImageFaithfulnessTest {
  @TempDir
  static Path tmp;

  @Test
  void curvesMatchImagesRebuiltByHandAndTheirEndsAreMethodFree() throws IOException {
    // Gray 12 x 12 images in 4 x 4 patches: [CLS] and 9 patches; 3 classes.
    Path dir = TestCheckpoints.vit(tmp.resolve("m"), 1, 16, 2, 12, 4, 1, "gelu", false, 9);
    int steps = 4;
    try (ImageClassifier c = ImageClassifier.load(dir.toString())) {
      PatchGrid grid = c.grid();
      List<ImageInput> images = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        images.add(new ImageInput("i" + i, TestCheckpoints.randomPixels(grid.pixelValues(), 40 + i), i % 3));
      }
      ImageFaithfulness f = new ImageFaithfulness(c, 4, MethodOptions.DEFAULT, steps);
      List<ImageFaithfulness.Scores> scores = f.evaluate(images, List.of(Method.LRP_AH_LN, Method.GI, Method.RANDOM));
      ImageExplainer plain = new ImageExplainer(c);
      float[][] original = plain.logits(images.stream().map(ImageInput::pixels).toList());
      float[][] blank = plain.logits(images.stream().map(i -> new float[grid.pixelValues()]).toList());
      double act0 = 0;
      double act1 = 0;
      double pruneEnd = 0;
      for (int i = 0; i < images.size(); i++) {
        int gold = images.get(i).label();
        act0 += Curves.probability(toDoubles(blank[i]), gold) / images.size();
        act1 += Curves.probability(toDoubles(original[i]), gold) / images.size();
        pruneEnd += Curves.squaredChange(toDoubles(original[i]), toDoubles(blank[i])) / images.size();
      }
      for (ImageFaithfulness.Scores s : scores) {
        assertEquals(act0, s.activation()[0], 1e-6, s.method() + ": nothing put back is the blank image");
        assertEquals(act1, s.activation()[steps - 1], 1e-6, s.method() + ": all put back is the image");
        assertEquals(0, s.pruningChange()[0], 1e-9, s.method() + ": nothing removed");
        assertEquals(pruneEnd, s.pruningChange()[steps - 1], 1e-5, s.method() + ": all removed");
        assertEquals(Curves.area(s.activation()), s.auac(), 1e-12);
      }

      // Step 1 of activation for lrp-ah-ln, rebuilt here: ceil(9 / 3) = 3 patches with the highest signed relevance
      // (ties by position) kept, the rest 0.
      List<ImageExplanation> e = plain.explain(images, Method.LRP_AH_LN, new Target.GoldLabel());
      double want = 0;
      for (int i = 0; i < images.size(); i++) {
        double[] r = e.get(i).patches().stream().mapToDouble(p -> p.relevance()).toArray();
        List<Integer> top = IntStream.rangeClosed(1, grid.patches()).boxed()
            .sorted(Comparator.comparingDouble((Integer t) -> -r[t]).thenComparingInt(t -> t)).limit(3).toList();
        float[] px = images.get(i).pixels().clone();
        for (int y = 0; y < grid.height(); y++) {
          for (int x = 0; x < grid.width(); x++) {
            if (!top.contains(grid.position(y, x))) {
              px[y * grid.width() + x] = 0;
            }
          }
        }
        want += Curves.probability(toDoubles(plain.logits(List.of(px))[0]), images.get(i).label()) / images.size();
      }
      assertEquals(want, scores.get(0).activation()[1], 1e-6);
    }
  }

  /**
   * Pixel flipping against images rebuilt by hand: at step 1 of 3 intervals, the 48 of 144 pixels with the highest
   * signed pixel-level Gradient x Input are kept (activation) and the 48 with the lowest absolute value removed
   * (pruning), every other / those pixels at 0; the rebuilt images run through the plain-double reference forward.
   */
  @Test
  void pixelFlippingMatchesImagesRebuiltByHand() throws IOException {
    Path dir = TestCheckpoints.vit(tmp.resolve("px"), 1, 16, 2, 12, 4, 1, "gelu", false, 23);
    int steps = 4;
    try (ImageClassifier c = ImageClassifier.load(dir.toString());
        org.lrpaudit.model.HfVit reference = org.lrpaudit.model.HfVit.open(dir)) {
      PatchGrid grid = c.grid();
      int n = grid.height() * grid.width();
      List<ImageInput> images = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        images.add(new ImageInput("p" + i, TestCheckpoints.randomPixels(grid.pixelValues(), 60 + i), (i + 1) % 3));
      }
      ImageFaithfulness f = new ImageFaithfulness(c, 2, MethodOptions.DEFAULT, steps);
      List<ImageFaithfulness.ImageCurves> curves = f.curves(images, Method.LRP_AH_LN, List.of(FlipUnit.PIXEL));
      for (int i = 0; i < images.size(); i++) {
        double[] r = curves.get(i).explanation().pixelGradientTimesInput();
        List<Integer> top = IntStream.range(0, n).boxed()
            .sorted(Comparator.comparingDouble((Integer t) -> -r[t]).thenComparingInt(t -> t)).limit(n / 3).toList();
        List<Integer> weakest = IntStream.range(0, n).boxed()
            .sorted(Comparator.comparingDouble((Integer t) -> Math.abs(r[t])).thenComparingInt(t -> t)).limit(n / 3)
            .toList();
        double[] kept = new double[n];
        double[] pruned = toDoubles(images.get(i).pixels());
        for (int t = 0; t < n; t++) {
          kept[t] = top.contains(t) ? images.get(i).pixels()[t] : 0;
          if (weakest.contains(t)) {
            pruned[t] = 0;
          }
        }
        int gold = images.get(i).label();
        TextCurves got = curves.get(i).curves().get(FlipUnit.PIXEL);
        assertEquals(Curves.probability(reference.logits(kept), gold), got.activation()[1], 1e-5, "activation " + i);
        assertEquals(Curves.probability(reference.logits(pruned), gold), got.pruningProbability()[1], 1e-5,
            "pruning " + i);
      }
    }
  }

  /**
   * The measured figures on the trained Fashion-MNIST ViT (docs/models.md); runs only with -Dlrp.fashion.figures=N (the
   * first N test images) and a model at $LRP_AUDIT_DATA/models/vit-fashion.
   */
  @Test
  void fashionMnistFigures() throws IOException {
    String n = System.getProperty("lrp.fashion.figures");
    String data = System.getenv("LRP_AUDIT_DATA");
    Assumptions.assumeTrue(n != null && data != null);
    Path model = Paths.get(data, "models", "vit-fashion");
    Path raw = Paths.get(data, "raw", "dataset-fashion-mnist");
    Assumptions.assumeTrue(Files.exists(model.resolve("model.safetensors")));
    long t0 = System.nanoTime();
    assertEquals(0, org.lrpaudit.cli.Main.run("evaluate-idx", "--model", model.toString(), "--images",
        raw.resolve("t10k-images-idx3-ubyte.gz").toString(), "--labels", raw.resolve("t10k-labels-idx1-ubyte.gz")
        .toString(), "--count", n));
    System.out.printf("IMAGE-FAITHFULNESS-FIGURE %.0f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static double[] toDoubles(float[] v) {
    return FaithfulnessEvaluator.doubles(v);
  }
}
