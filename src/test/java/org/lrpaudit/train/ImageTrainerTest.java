package org.lrpaudit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;
import org.lrpaudit.corpus.IdxImages;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.model.Weights;

/**
 * Training a ViT on images a test writes: the loss falls, every weight moves, and the written folder, reloaded and fed
 * the same images as PNG files through explain-image's path, gives the logits the in-memory model gave.
 */
class ImageTrainerTest {
  private static final List<String> CLASSES = List.of("left", "middle", "right");
  private static final int SIDE = 12;

  @TempDir
  static Path tmp;
  static Path base;

  @BeforeAll
  static void writeBase() throws IOException {
    // 12 x 12 gray images in 4 x 4 patches, 3 classes; biases non-zero so they are trained too.
    base = TestCheckpoints.vit(tmp.resolve("base"), 1, 16, 2, SIDE, 4, 1, "gelu", false, 3);
  }

  /**
   * n images whose class is the column band (left, middle, right third) holding a bright 4 x 4 block at a random row
   * and offset, on dim noise.
   */
  static ImageTrainer.Labeled blocks(int n, long seed) {
    Random rnd = new Random(seed);
    byte[] pixels = new byte[n * SIDE * SIDE];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(3);
      for (int p = 0; p < SIDE * SIDE; p++) {
        pixels[i * SIDE * SIDE + p] = (byte) rnd.nextInt(60);
      }
      int x0 = labels[i] * 4 + rnd.nextInt(2) - (labels[i] == 2 ? 1 : 0);
      int y0 = rnd.nextInt(SIDE - 3);
      for (int y = y0; y < y0 + 4; y++) {
        for (int x = Math.max(0, x0); x < Math.min(SIDE, x0 + 4); x++) {
          pixels[(i * SIDE + y) * SIDE + x] = (byte) (180 + rnd.nextInt(76));
        }
      }
    }
    return new ImageTrainer.Labeled(new IdxImages.Images(n, SIDE, SIDE, pixels), labels);
  }

  @Test
  void lossFallsEveryWeightMovesAndTheSavedModelGivesTheSameLogits() throws Exception {
    ImageTrainer.Labeled train = blocks(240, 1);
    ImageTrainer.Labeled test = blocks(30, 2);
    Path out = tmp.resolve("trained");
    ImageTrainer.Trained trained = new ImageTrainer(new ImageTrainer.Settings(3, 1e-2, 16, 0.1, 0.01, 7))
        .train(base.toString(), null, CLASSES, train, blocks(30, 3), test, "blocks", out);
    TrainingReport report = trained.report();
    List<Double> loss = report.trainLoss();
    assertEquals(3, loss.size());
    assertTrue(loss.get(2) < 0.6 * loss.get(0), "mean loss per epoch " + loss);
    assertEquals(3, report.validationAccuracy().size());
    System.out.println("IMAGE-TRAINER-FIGURE loss per epoch " + loss + ", test accuracy " + report.testAccuracy());
    assertTrue(report.testAccuracy() >= 0.8, "test accuracy " + report.testAccuracy());
    assertEquals(Map.of("train", 240, "validation", 30, "test", 30), report.splitSizes());

    try (ImageClassifier before = ImageClassifier.load(base.toString());
        ImageClassifier after = ImageClassifier.load(out.toString())) {
      assertEquals(report.modelId(), after.modelId());
      assertEquals(CLASSES, after.config().labels());
      // Every tensor, the patch convolution included, was updated (a weight the graph did not reach would stay put).
      Map<String, float[]> old = new HashMap<>();
      for (Weights.Parameter p : before.model().parameters()) {
        old.put(p.name(), p.array().toFloatArray());
      }
      assertEquals(old.keySet().size(), after.model().parameters().size());
      for (Weights.Parameter p : after.model().parameters()) {
        float[] now = p.array().toFloatArray();
        double moved = 0;
        for (int i = 0; i < now.length; i++) {
          moved = Math.max(moved, Math.abs(now[i] - old.get(p.name())[i]));
        }
        assertTrue(moved > 1e-4, p.name() + " did not change (max change " + moved + ")");
      }

      // The reloaded folder, fed the test images as PNG files (decoded and processed as explain-image does), gives
      // the in-memory model's logits, and so its accuracy.
      List<ImageInput> inputs = new ArrayList<>();
      for (int i = 0; i < test.size(); i++) {
        Path png = tmp.resolve("test-" + i + ".png");
        ImageIO.write(test.images().image(i), "png", png.toFile());
        inputs.add(ImageInput.of(png.toString(), after.pixels(png)));
      }
      List<ImageExplanation> explained = new ImageExplainer(after).explain(inputs, Method.GI, Target.PREDICTED);
      int correct = 0;
      for (int i = 0; i < test.size(); i++) {
        float[] want = trained.testLogits()[i];
        float[] got = explained.get(i).logits();
        for (int c = 0; c < CLASSES.size(); c++) {
          assertEquals(want[c], got[c], 1e-4 * (1 + Math.abs(want[c])), "image " + i + " class " + c);
        }
        correct += explained.get(i).predicted() == test.labels()[i] ? 1 : 0;
      }
      assertEquals(report.testAccuracy(), correct / (double) test.size(), 1e-12);
    }
  }

  @Test
  void trainImageCommandWritesAViTFolderFromIdxFiles() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("idx"));
    writeIdx(blocks(200, 4), data, "train");
    writeIdx(blocks(40, 5), data, "t10k");
    Path out = tmp.resolve("cli-model");
    int status = Main.run("train-image", "--data", data.toString(), "--out", out.toString(), "--class-names",
        String.join(",", CLASSES), "--patch-size", "4", "--layers", "1", "--hidden", "16", "--heads", "2",
        "--intermediate", "32", "--epochs", "2", "--batch-images", "20", "--lr", "3e-3", "--validation", "40");
    assertEquals(Main.OK, status);
    JsonNode config = new ObjectMapper().readTree(out.resolve(Checkpoint.CONFIG).toFile());
    assertEquals("vit", config.path("model_type").asText());
    assertEquals(1, config.path("num_channels").asInt());
    assertEquals(SIDE, config.path("image_size").asInt());
    assertEquals(4, config.path("patch_size").asInt());
    assertEquals("right", config.path("id2label").path("2").asText());
    assertTrue(Files.exists(out.resolve(Checkpoint.PREPROCESSOR)));
    JsonNode report = new ObjectMapper().readTree(out.resolve("training-report.json").toFile());
    assertEquals(160, report.path("split_sizes").path("train").asInt());
    assertEquals(40, report.path("split_sizes").path("validation").asInt());
    assertEquals(40, report.path("split_sizes").path("test").asInt());
    assertTrue(report.path("base_model_id").isNull(), report.toString());
    assertTrue(report.path("base_model").asText().startsWith("random initialisation"), report.toString());
    assertFalse(report.has("batch_tokens"), report.toString());
    try (ImageClassifier reloaded = ImageClassifier.load(out.toString())) {
      assertEquals(report.path("test_accuracy").asDouble(), TrainingLoop.accuracy(
          ImageTrainer.logits(reloaded, blocks(40, 5).images()), blocks(40, 5).labels()), 1e-12);
    }

    // evaluate-idx on the trained model: one JSON line per method asked for, curves of --steps points.
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      assertEquals(Main.OK, Main.run("evaluate-idx", "--model", out.toString(), "--images",
          data.resolve("t10k-images-idx3-ubyte.gz").toString(), "--labels",
          data.resolve("t10k-labels-idx1-ubyte.gz").toString(), "--count", "10", "--steps", "5", "--methods",
          "lrp-ah-ln,random"));
    } finally {
      System.setOut(stdout);
    }
    List<String> lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    JsonNode lrp = new ObjectMapper().readTree(lines.get(0));
    assertEquals("lrp-ah-ln", lrp.path("method").asText());
    assertEquals(10, lrp.path("images").asInt());
    assertEquals(5, lrp.path("activation").size());
    assertEquals("random", new ObjectMapper().readTree(lines.get(1)).path("method").asText());

    // idx-to-png: the test images as PNG files, every pixel as the IDX file holds it, the label in the name.
    Path pngs = tmp.resolve("pngs");
    assertEquals(Main.OK, Main.run("idx-to-png", "--images", data.resolve("t10k-images-idx3-ubyte.gz").toString(),
        "--labels", data.resolve("t10k-labels-idx1-ubyte.gz").toString(), "--count", "3", "--out", pngs.toString()));
    ImageTrainer.Labeled test = blocks(40, 5);
    try (var files = Files.list(pngs)) {
      assertEquals(3, files.count());
    }
    for (int i = 0; i < 3; i++) {
      java.awt.image.BufferedImage png = ImageIO.read(pngs.resolve(String.format("%05d-label-%d.png", i,
          test.labels()[i])).toFile());
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          assertEquals(test.images().pixel(i, y, x), png.getRaster().getSample(x, y, 0), "image " + i);
        }
      }
    }
    assertEquals(Main.FAILED, Main.run("idx-to-png", "--images", data.resolve("t10k-images-idx3-ubyte.gz").toString(),
        "--out", pngs.toString()), "an existing folder is refused");
  }

  /** PREFIX-images-idx3-ubyte.gz and PREFIX-labels-idx1-ubyte.gz, written byte by byte. */
  static void writeIdx(ImageTrainer.Labeled data, Path dir, String prefix) throws IOException {
    try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
        dir.resolve(prefix + "-images-idx3-ubyte.gz"))))) {
      d.writeInt(0x803);
      d.writeInt(data.size());
      d.writeInt(data.images().rows());
      d.writeInt(data.images().cols());
      d.write(data.images().pixels());
    }
    try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
        dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
      d.writeInt(0x801);
      d.writeInt(data.size());
      for (int label : data.labels()) {
        d.writeByte(label);
      }
    }
  }
}
