package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lrpaudit.rules.PropagationRules;

/**
 * The ViT forward pass against {@link HfVit} (plain doubles, the patch embedding as a convolution sum) on seeded random
 * checkpoints with biases: a batch of 5 images through the production model, each image alone through the reference.
 */
class VitForwardTest {
  @TempDir
  static Path tmp;

  @ParameterizedTest(name = "channels={0} image={1} patch={2} act={3}")
  @CsvSource({"3, 12, 4, gelu", "1, 16, 4, gelu_new", "3, 8, 2, gelu"})
  void logitsEqualTheReferenceImplementation(int channels, int image, int patch, String act) throws IOException {
    Path dir = TestCheckpoints.vit(tmp.resolve("vit-" + channels + "-" + image + "-" + patch), 2, 32, 4, image, patch,
        channels, act, false, 41);
    float[][] images = new float[5][];
    for (int k = 0; k < images.length; k++) {
      images[k] = TestCheckpoints.randomPixels(channels * image * image, 100 + k);
    }
    double worst32 = compare(dir, images, DataType.FLOAT32, 2e-4);
    double worst64 = compare(dir, images, DataType.FLOAT64, 1e-9);
    System.out.printf("VIT-REFERENCE-FIGURE channels %d image %d patch %d %s max abs logit difference float32 %.2e "
        + "float64 %.2e%n", channels, image, patch, act, worst32, worst64);
  }

  private static double compare(Path dir, float[][] images, DataType dtype, double tolerance) {
    try (ImageClassifier model = ImageClassifier.load(dir.toString(), Device.cpu(), dtype);
        HfVit ref = HfVit.open(dir);
        NDManager m = NDManager.newBaseManager()) {
      PatchGrid g = model.grid();
      float[] flat = new float[images.length * g.pixelValues()];
      for (int k = 0; k < images.length; k++) {
        System.arraycopy(images[k], 0, flat, k * g.pixelValues(), g.pixelValues());
      }
      boolean grad = JniUtils.isGradMode();
      JniUtils.setGradMode(false);
      double[] ours;
      try {
        SequenceClassifier net = model.model();
        NDArray px = m.create(flat, new Shape(images.length, g.channels(), g.height(), g.width())).toType(dtype, false);
        NDArray h0 = net.embedPixels(px);
        NDArray noMask = m.zeros(new Shape(images.length, 1, 1, g.length()), dtype);
        ours = net.logits(h0, noMask, PropagationRules.GRADIENT, null).toType(DataType.FLOAT64, false)
            .toDoubleArray();
      } finally {
        JniUtils.setGradMode(grad);
      }
      int c = model.config().numLabels();
      double worst = 0;
      double scale = 0;
      for (int k = 0; k < images.length; k++) {
        double[] px = new double[g.pixelValues()];
        for (int i = 0; i < px.length; i++) {
          px[i] = images[k][i];
        }
        double[] expected = ref.logits(px);
        for (int j = 0; j < c; j++) {
          assertEquals(expected[j], ours[k * c + j], tolerance * Math.max(1, Math.abs(expected[j])),
              dtype + " image " + k + " class " + j);
          worst = Math.max(worst, Math.abs(expected[j] - ours[k * c + j]));
          scale = Math.max(scale, Math.abs(expected[j]));
        }
      }
      assertTrue(scale > 1e-2, "logits all ~0: vacuous comparison");
      return worst;
    }
  }
}
