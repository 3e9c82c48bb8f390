package org.lrpaudit.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;

/**
 * The cause of the non-finite gradients: DJL wraps a Java number in a temporary tensor over a direct buffer and closes it
 * when the op returns, while autograd has saved that tensor for the backward pass. Here the JVM collects such buffers and
 * hands their memory to new zero-filled buffers between the forward and the backward pass, which turns every use of a
 * freed temporary into a wrong gradient at once (not once in thousands of batches, as in the jobs).
 */
class CollectedTemporariesTest {
  @TempDir
  static Path tmp;

  /** Frees what the JVM can and refills freed small native blocks with zeros (what a saved scalar then reads). */
  static void collectAndReuseFreedMemory() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      try {
        Thread.sleep(20); // the Cleaner thread frees direct buffers after the collection
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      List<ByteBuffer> fill = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        fill.add(ByteBuffer.allocateDirect(8)); // zero-filled, the size of a float64 scalar's buffer
      }
      fill.clear();
    }
  }

  /** The harness has teeth: a gradient that crosses a DJL number op is wrong after the collection. */
  @Test
  void aNumberOpOnTheGradientPathReadsFreedMemory() {
    int wrong = 0;
    for (int trial = 0; trial < 5; trial++) {
      double[] g = gradientOfSum(x -> x.div(3.0), true);
      wrong += Arrays.stream(g).allMatch(v -> Math.abs(v - 1 / 3.0) < 1e-6) ? 0 : 1;
    }
    assertTrue(wrong > 0, "the collection between forward and backward no longer reproduces the freed temporary");
    double[] safe = gradientOfSum(x -> x.div(org.lrpaudit.tensor.Constants.of(x, 3.0)), true);
    assertTrue(Arrays.stream(safe).allMatch(v -> Math.abs(v - 1 / 3.0) < 1e-6), Arrays.toString(safe));
  }

  private static double[] gradientOfSum(Function<NDArray, NDArray> f, boolean collect) {
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(true);
      NDArray x = m.create(new float[] {1, 2, 3, 4});
      x.setRequiresGradient(true);
      NDArray y = f.apply(x).sum();
      if (collect) {
        collectAndReuseFreedMemory();
      }
      JniUtils.backward((PtNDArray) y, (PtNDArray) y.onesLike(), false, false);
      JniUtils.setGradMode(false);
      return x.getGradient().toType(DataType.FLOAT64, false).toDoubleArray();
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  static Stream<Arguments> models() {
    List<Arguments> out = new ArrayList<>();
    for (String type : org.lrpaudit.model.ModelFamilies.textModelTypes()) {
      for (String act : List.of("gelu", "gelu_new", "relu")) {
        for (Method method : List.of(Method.GI, Method.LRP_AH, Method.LRP_LN, Method.LRP_AH_LN)) {
          out.add(Arguments.of(type, act, method));
        }
      }
    }
    return out.stream();
  }

  /** Every rule set, activation and family: relevance with a collection before the backward pass equals relevance without. */
  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("models")
  void relevanceDoesNotDependOnWhenTheJvmCollects(String type, String activation, Method method) {
    RandomCheckpoint.Spec spec = new RandomCheckpoint.Spec(type, 2, 32, 4, 64, 64, 2, activation, false, 11,
        RandomCheckpoint.DEMO_WORDS);
    try (TextClassifier model = TestModels.load(spec, DataType.FLOAT32)) {
      List<TokenizedText> texts = List.of(model.tokenizer().encode(TestModels.words(9, 1)),
          model.tokenizer().encode(TestModels.words(4, 2)));
      double[] quiet = relevance(model.model(), texts, method, false);
      double[] collected = relevance(model.model(), texts, method, true);
      assertTrue(Arrays.stream(quiet).anyMatch(v -> Math.abs(v) > 1e-4), "relevance all ~0: vacuous test");
      for (int i = 0; i < quiet.length; i++) {
        assertTrue(Double.isFinite(collected[i]), "position " + i + ": " + collected[i]);
        assertEquals(quiet[i], collected[i], 1e-5 * Math.max(1, Math.abs(quiet[i])), "position " + i);
      }
    }
  }

  /** Gradient x Input at h0 through the method's rules, as GradientTimesInput computes it, with the collection inserted. */
  private static double[] relevance(SequenceClassifier net, List<TokenizedText> texts, Method method, boolean collect) {
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      EncodedBatch enc = EncodedBatch.of(texts.stream().map(TokenizedText::ids).toList(),
          texts.stream().map(TokenizedText::typeIds).toList(), 0);
      NDArray h0 = net.embed(m, enc);
      NDArray mask = net.maskBias(m, enc);
      JniUtils.setGradMode(true);
      h0.setRequiresGradient(true);
      NDArray logits = net.logits(h0, mask, method.rules(), null);
      NDArray seed = m.create(new float[] {0, 1, 0, 1}, new Shape(2, 2));
      if (collect) {
        collectAndReuseFreedMemory();
      }
      JniUtils.backward((PtNDArray) logits, (PtNDArray) seed, false, false);
      JniUtils.setGradMode(false);
      return h0.mul(h0.getGradient()).sum(new int[] {2}).toType(DataType.FLOAT64, false).toDoubleArray();
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  static Stream<Arguments> vits() {
    List<Arguments> out = new ArrayList<>();
    for (String act : List.of("gelu", "gelu_new", "relu")) {
      for (Method method : List.of(Method.GI, Method.LRP_AH, Method.LRP_LN, Method.LRP_AH_LN)) {
        out.add(Arguments.of(act, method));
      }
    }
    return out.stream();
  }

  /** The same for a ViT: its patch embedding, pre-norm blocks and final LayerNorm are on the gradient path too. */
  @ParameterizedTest(name = "vit {0} {1}")
  @MethodSource("vits")
  void vitRelevanceDoesNotDependOnWhenTheJvmCollects(String activation, Method method) throws IOException {
    Path dir = tmp.resolve("vit-" + activation);
    if (!dir.toFile().isDirectory()) {
      TestCheckpoints.vit(dir, 2, 32, 4, 12, 4, 1, activation, false, 11);
    }
    try (ImageClassifier model = ImageClassifier.load(dir.toString())) {
      PatchGrid grid = model.grid();
      float[] a = TestCheckpoints.randomPixels(grid.pixelValues(), 5);
      float[] b = TestCheckpoints.randomPixels(grid.pixelValues(), 6);
      float[] flat = new float[a.length + b.length];
      System.arraycopy(a, 0, flat, 0, a.length);
      System.arraycopy(b, 0, flat, a.length, b.length);
      double[] quiet = imageRelevance(model.model(), grid, flat, method, false);
      double[] collected = imageRelevance(model.model(), grid, flat, method, true);
      assertTrue(Arrays.stream(quiet).anyMatch(v -> Math.abs(v) > 1e-4), "relevance all ~0: vacuous test");
      for (int i = 0; i < quiet.length; i++) {
        assertTrue(Double.isFinite(collected[i]), "position " + i + ": " + collected[i]);
        assertEquals(quiet[i], collected[i], 1e-5 * Math.max(1, Math.abs(quiet[i])), "position " + i);
      }
    }
  }

  /** Two images' Gradient x Input at h0 (class 1 of each), as ImageExplainer computes it, the collection inserted. */
  private static double[] imageRelevance(SequenceClassifier net, PatchGrid grid, float[] flat, Method method,
      boolean collect) {
    boolean grad = JniUtils.isGradMode();
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      NDArray x = m.create(flat, new Shape(2, grid.channels(), grid.height(), grid.width()));
      NDArray h0 = net.embedPixels(x);
      NDArray mask = net.maskBias(m, ImageExplainer.patchBatch(flat, 2, grid));
      JniUtils.setGradMode(true);
      h0.setRequiresGradient(true);
      NDArray logits = net.logits(h0, mask, method.rules(), null);
      int labels = (int) logits.getShape().get(1);
      float[] seed = new float[2 * labels];
      seed[1] = 1;
      seed[labels + 1] = 1;
      NDArray seedArray = m.create(seed, new Shape(2, labels));
      if (collect) {
        collectAndReuseFreedMemory();
      }
      JniUtils.backward((PtNDArray) logits, (PtNDArray) seedArray, false, false);
      JniUtils.setGradMode(false);
      return h0.mul(h0.getGradient()).sum(new int[] {2}).toType(DataType.FLOAT64, false).toDoubleArray();
    } finally {
      JniUtils.setGradMode(grad);
    }
  }
}
