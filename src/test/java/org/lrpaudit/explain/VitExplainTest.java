package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrpaudit.model.HfVit;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.model.Weights;

/**
 * Vision Transformer explanations against computations that do not share their code: conservation of lrp-ah-ln on
 * bias-free random ViTs, gi and the pixel-level view against central finite differences of the independent reference
 * forward ({@link HfVit}, float64), batch invariance, and the patch heatmap's pixels summing to the patch relevance.
 */
class VitExplainTest {
  @TempDir
  static Path tmp;

  static Path model(String name, int layers, int hidden, int heads, int image, int patch, int channels, boolean zeroBiases,
      long seed) throws IOException {
    Path dir = tmp.resolve(name);
    return Files.isDirectory(dir) ? dir
        : TestCheckpoints.vit(dir, layers, hidden, heads, image, patch, channels, "gelu", zeroBiases, seed);
  }

  static List<ImageInput> images(PatchGrid g, int n, long seed) {
    List<ImageInput> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      out.add(ImageInput.of("image-" + k, TestCheckpoints.randomPixels(g.pixelValues(), seed + k)));
    }
    return out;
  }

  /**
   * Bias-free (every bias and LayerNorm beta 0): lrp-ah-ln sums to f_c for every class within 1e-4 relative; gi does not
   * (the paper's point, and proof that the check can fail).
   */
  @ParameterizedTest(name = "layers={0} hidden={1} heads={2} image={3} patch={4} channels={5}")
  @CsvSource({"1, 16, 2, 8, 4, 1", "2, 32, 4, 12, 4, 3", "3, 48, 4, 16, 2, 1"})
  void lrpAhLnIsConservativeOnBiasFreeVits(int layers, int hidden, int heads, int image, int patch, int channels)
      throws IOException {
    Path dir = model("free-" + layers + "-" + hidden + "-" + channels, layers, hidden, heads, image, patch, channels,
        true, 7L * layers + hidden);
    try (ImageClassifier model = ImageClassifier.load(dir.toString())) {
      ImageExplainer explainer = new ImageExplainer(model);
      List<ImageInput> images = images(model.grid(), 6, 50);
      double worst = 0;
      double giWorst = 0;
      for (int c = 0; c < model.config().numLabels(); c++) {
        Target target = new Target.ClassIndex(c);
        List<ImageExplanation> lrp = explainer.explain(images, Method.LRP_AH_LN, target);
        List<ImageExplanation> gi = explainer.explain(images, Method.GI, target);
        for (int k = 0; k < images.size(); k++) {
          ImageExplanation e = lrp.get(k);
          double f = e.explainedLogit();
          assertTrue(Math.abs(f) > 1e-3, "logit ~0: vacuous check");
          double rel = Math.abs(e.relevanceSum() - f) / Math.abs(f);
          assertTrue(rel <= 1e-4, "class " + c + " image " + k + ": sum " + e.relevanceSum() + " vs f_c " + f);
          assertEquals(f - e.relevanceSum(), e.conservationGap(), 1e-12);
          worst = Math.max(worst, rel);
          giWorst = Math.max(giWorst, Math.abs(gi.get(k).relevanceSum() - f) / Math.abs(f));
        }
      }
      assertTrue(giWorst > 1e-2, "gi conserved as well (" + giWorst + "): the model does not exercise the rules");
      System.out.printf("VIT-CONSERVATION-FIGURE layers %d hidden %d channels %d lrp-ah-ln worst relative error %.2e, "
          + "gi worst %.2e%n", layers, hidden, channels, worst, giWorst);
    }
  }

  /**
   * gi at h0 against the reference forward's central differences along each position's own embedding (R_t is the
   * derivative of f_c along h0_t), and the pixel view of gi against central differences in each pixel value: both in
   * float64, where differences with eps 1e-5 are accurate to about 1e-9.
   */
  @Test
  void giAndItsPixelViewEqualFiniteDifferencesOfTheReference() throws IOException {
    Path dir = model("fd", 2, 16, 2, 8, 4, 3, false, 3);
    try (ImageClassifier model = ImageClassifier.load(dir.toString(), Device.cpu(), DataType.FLOAT64);
        HfVit ref = HfVit.open(dir)) {
      PatchGrid g = model.grid();
      ImageInput image = images(g, 1, 9).get(0);
      ImageExplanation e = new ImageExplainer(model).explain(List.of(image), Method.GI, Target.PREDICTED).get(0);
      int c = e.explainedClass();
      double[] px = new double[g.pixelValues()];
      for (int i = 0; i < px.length; i++) {
        px[i] = image.pixels()[i];
      }
      double eps = 1e-5;
      double[][] h0 = ref.embeddings(px);
      double worstPatch = 0;
      for (int t = 0; t < g.length(); t++) {
        double fd = (ref.fromEmbeddings(scaled(h0, t, 1 + eps))[c] - ref.fromEmbeddings(scaled(h0, t, 1 - eps))[c])
            / (2 * eps);
        double r = e.patches().get(t).relevance();
        assertEquals(fd, r, 1e-6 * Math.max(1, Math.abs(fd)), "position " + t);
        worstPatch = Math.max(worstPatch, Math.abs(fd - r));
      }
      double[] fdPixels = new double[g.height() * g.width()];
      int hw = g.height() * g.width();
      for (int i = 0; i < px.length; i++) {
        double keep = px[i];
        px[i] = keep + eps;
        double up = ref.logits(px)[c];
        px[i] = keep - eps;
        double down = ref.logits(px)[c];
        px[i] = keep;
        fdPixels[i % hw] += keep * (up - down) / (2 * eps);
      }
      double worstPixel = 0;
      for (int i = 0; i < hw; i++) {
        assertEquals(fdPixels[i], e.pixelGradientTimesInput()[i], 1e-6 * Math.max(1, Math.abs(fdPixels[i])),
            "pixel " + i);
        worstPixel = Math.max(worstPixel, Math.abs(fdPixels[i] - e.pixelGradientTimesInput()[i]));
      }
      assertTrue(e.patches().stream().anyMatch(p -> Math.abs(p.relevance()) > 1e-3), "relevance ~0: vacuous test");
      System.out.printf("VIT-GRADIENT-FIGURE gi vs finite differences: worst abs difference per position %.2e, "
          + "per pixel %.2e%n", worstPatch, worstPixel);
    }
  }

  private static double[][] scaled(double[][] h0, int t, double factor) {
    double[][] out = new double[h0.length][];
    for (int i = 0; i < h0.length; i++) {
      out[i] = h0[i].clone();
    }
    for (int d = 0; d < out[t].length; d++) {
      out[t][d] *= factor;
    }
    return out;
  }

  /**
   * With the patch bias, [CLS] and the position embeddings set to 0 on a bias-free ViT, h0 is linear in the pixels, so
   * lrp-ah-ln conserves down to the pixels: the pixel view sums to f_c, and [CLS] (h0 row 0 = 0) gets exactly 0.
   */
  @Test
  void lrpAhLnConservesDownToThePixelsWhenTheEmbeddingIsLinear() throws IOException {
    Path dir = model("linear-embedding", 2, 32, 4, 12, 4, 3, true, 13);
    try (ImageClassifier model = ImageClassifier.load(dir.toString())) {
      for (Weights.Parameter p : model.model().parameters()) {
        if (p.name().equals("vit.embeddings.cls_token") || p.name().equals("vit.embeddings.position_embeddings")) {
          p.array().muli(0);
        }
      }
      double worst = 0;
      for (ImageExplanation e : new ImageExplainer(model).explain(images(model.grid(), 4, 70), Method.LRP_AH_LN,
          Target.PREDICTED)) {
        assertEquals(0.0, e.patches().get(0).relevance(), "[CLS] relevance");
        double pixelSum = java.util.Arrays.stream(e.pixelGradientTimesInput()).sum();
        double rel = Math.abs(pixelSum - e.explainedLogit()) / Math.abs(e.explainedLogit());
        assertTrue(rel <= 1e-4, e.image() + ": pixels sum to " + pixelSum + ", f_c " + e.explainedLogit());
        worst = Math.max(worst, rel);
      }
      System.out.printf("VIT-PIXEL-CONSERVATION-FIGURE worst relative error %.2e%n", worst);
    }
  }

  /** An image's relevance, pixel view and logits do not depend on the images that share its batch. */
  @Test
  void explanationsDoNotDependOnTheBatch() throws IOException {
    Path dir = model("batch", 2, 32, 4, 12, 4, 3, false, 17);
    try (ImageClassifier model = ImageClassifier.load(dir.toString())) {
      List<ImageInput> images = images(model.grid(), 7, 80);
      double worst = 0;
      for (Method m : List.of(Method.LRP_AH_LN, Method.GI, Method.RANDOM)) {
        List<ImageExplanation> alone = new ImageExplainer(model, 1, MethodOptions.DEFAULT)
            .explain(images, m, Target.PREDICTED);
        for (int rows : new int[] {3, 7}) {
          List<ImageExplanation> batched = new ImageExplainer(model, rows, MethodOptions.DEFAULT)
              .explain(images, m, Target.PREDICTED);
          for (int k = 0; k < images.size(); k++) {
            for (int t = 0; t < model.grid().length(); t++) {
              double d = Math.abs(alone.get(k).patches().get(t).relevance() - batched.get(k).patches().get(t).relevance());
              assertTrue(d <= 1e-5, m + " rows " + rows + " image " + k + " position " + t + ": " + d);
              worst = Math.max(worst, d);
            }
            if (m.isPropagation()) {
              for (int i = 0; i < alone.get(k).pixelGradientTimesInput().length; i++) {
                double d = Math.abs(alone.get(k).pixelGradientTimesInput()[i] - batched.get(k).pixelGradientTimesInput()[i]);
                assertTrue(d <= 1e-5, m + " rows " + rows + " image " + k + " pixel " + i + ": " + d);
              }
            }
          }
        }
      }
      System.out.printf("VIT-BATCH-FIGURE worst abs difference %.2e%n", worst);
    }
  }

  /**
   * The patch heatmap: the pixels of each patch sum to its relevance, [CLS] is left out, and every pixel of a patch
   * carries the same value. Every method runs and gives finite values; the baselines have no pixel view.
   */
  @Test
  void patchHeatmapPixelsSumToThePatchRelevance() throws IOException {
    Path dir = model("heatmap", 2, 32, 4, 16, 4, 1, false, 19);
    try (ImageClassifier model = ImageClassifier.load(dir.toString())) {
      PatchGrid g = model.grid();
      for (Method m : Method.values()) {
        for (ImageExplanation e : new ImageExplainer(model).explain(images(g, 2, 90), m, Target.PREDICTED)) {
          double[] map = e.patchHeatmap();
          double[] perPatch = new double[g.length()];
          for (int y = 0; y < g.height(); y++) {
            for (int x = 0; x < g.width(); x++) {
              perPatch[g.position(y, x)] += map[y * g.width() + x];
              assertEquals(map[(y / g.patch()) * g.patch() * g.width() + (x / g.patch()) * g.patch()],
                  map[y * g.width() + x], "uneven patch at " + y + "," + x);
            }
          }
          double total = 0;
          for (int t = 1; t < g.length(); t++) {
            double r = e.patches().get(t).relevance();
            assertTrue(Double.isFinite(r), m + " position " + t);
            assertEquals(r, perPatch[t], 1e-12 * Math.max(1, Math.abs(r)), m + " patch " + t);
            total += perPatch[t];
          }
          assertEquals(e.relevanceSum() - e.patches().get(0).relevance(), total, 1e-9, m + " total");
          if (m.isPropagation()) {
            assertEquals(g.height() * g.width(), e.pixelGradientTimesInput().length);
          } else {
            assertNull(e.pixelGradientTimesInput(), m + " has no pixel view");
          }
        }
      }
    }
  }
}
