package org.lrpaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.TestCheckpoints;

/** explain-image end to end through Main.run: good and bad images in one call, JSON lines, heatmap PNGs, exit status. */
class ExplainImageCommandTest {
  private static final List<String> FIELDS = List.of("image", "method", "model_id", "logits", "predicted",
      "predicted_label", "explained_class", "explained_label", "explained_logit", "patches", "relevance_sum",
      "conservation_gap");

  @TempDir
  static Path tmp;
  static Path model;
  static String sha;

  @BeforeAll
  static void writeModel() throws IOException {
    // Gray 8 x 8 images in 4 x 4 patches: [CLS] and 4 patches.
    model = TestCheckpoints.vit(tmp.resolve("model"), 1, 16, 2, 8, 4, 1, "gelu", false, 5);
    sha = TestCheckpoints.sha256(model.resolve(Checkpoint.WEIGHTS));
  }

  private static Path png(String name, int w, int h, int type, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, type);
    Random rnd = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rnd.nextInt());
      }
    }
    Path file = tmp.resolve(name);
    Files.createDirectories(file.getParent());
    ImageIO.write(img, "png", file.toFile());
    return file;
  }

  @Test
  void goodImagesAreExplainedAndBadOnesReported() throws IOException {
    Path a = png("a.png", 8, 8, BufferedImage.TYPE_BYTE_GRAY, 1);
    Path b = png("b.png", 20, 12, BufferedImage.TYPE_INT_RGB, 2); // colour, resized to 8 x 8
    Path sameName = png("sub/a.png", 8, 8, BufferedImage.TYPE_BYTE_GRAY, 3);
    Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
    byte[] big = Files.readAllBytes(png("big.png", 64, 64, BufferedImage.TYPE_INT_RGB, 4));
    Path truncated = Files.write(tmp.resolve("truncated.png"), Arrays.copyOf(big, big.length / 2));
    Path tiny = png("tiny.png", 1, 1, BufferedImage.TYPE_BYTE_GRAY, 5);
    Path huge = Files.write(tmp.resolve("huge.png"), TestCheckpoints.pngHeader(20_000, 20_000));
    Path heatmaps = tmp.resolve("heatmaps");

    ExplainTextCommandTest.Run run = ExplainTextCommandTest.runWithStdin("", "explain-image", "--model",
        model.toString(), "--heatmap", heatmaps.toString(), "--batch-images", "3", a.toString(), b.toString(),
        empty.toString(), truncated.toString(), tiny.toString(), huge.toString(), sameName.toString());
    assertEquals(2, run.exit(), run.err());
    assertTrue(run.err().contains("4 of 7 images not explained"), run.err());
    List<JsonNode> lines = run.lines();
    assertEquals(7, lines.size(), run.out());
    String[] statuses = {null, null, "empty_image", "undecodable_image", "image_too_small", "image_too_large", null};
    String[] heatmapFiles = {"a.png", "b.png", null, null, null, null, "a-7.png"};
    Path[] inputs = {a, b, empty, truncated, tiny, huge, sameName};
    for (int i = 0; i < lines.size(); i++) {
      JsonNode line = lines.get(i);
      assertEquals(inputs[i].toString(), line.get("image").asText(), "line " + i);
      if (statuses[i] != null) {
        assertEquals(statuses[i], line.get("status").asText(), line.toString());
        assertFalse(line.get("error").asText().isEmpty());
        continue;
      }
      FIELDS.forEach(f -> assertTrue(line.has(f), f + " missing in " + line));
      assertEquals("lrp-ah-ln", line.get("method").asText());
      assertEquals(sha, line.get("model_id").asText());
      JsonNode patches = line.get("patches");
      assertEquals(5, patches.size());
      double sum = 0;
      for (int t = 0; t < patches.size(); t++) {
        JsonNode p = patches.get(t);
        assertEquals(t, p.get("index").asInt());
        assertEquals(t == 0 ? -1 : (t - 1) / 2, p.get("row").asInt(), "row of " + t);
        assertEquals(t == 0 ? -1 : (t - 1) % 2, p.get("col").asInt(), "col of " + t);
        sum += p.get("relevance").asDouble();
      }
      assertEquals(sum, line.get("relevance_sum").asDouble(), 1e-9);
      assertEquals(line.get("explained_logit").asDouble() - sum, line.get("conservation_gap").asDouble(), 1e-9);
      int predicted = line.get("predicted").asInt();
      assertEquals(predicted, line.get("explained_class").asInt());
      Path heatmap = heatmaps.resolve(heatmapFiles[i]);
      assertEquals(heatmap.toString(), line.get("heatmap").asText());
      BufferedImage png = ImageIO.read(heatmap.toFile());
      // Three 128 x 128 panels (8 pixels enlarged 16 times: input, patches, pixels) and two 4-pixel gaps.
      assertEquals(3 * 128 + 2 * 4, png.getWidth());
      assertEquals(128, png.getHeight());
    }
  }

  @Test
  void baselinesHaveNoPixelPanelAndTextModelsAreRefused() throws IOException {
    Path a = png("c.png", 8, 8, BufferedImage.TYPE_BYTE_GRAY, 9);
    Path heatmaps = tmp.resolve("rollout");
    ExplainTextCommandTest.Run run = ExplainTextCommandTest.runWithStdin("", "explain-image", "--model",
        model.toString(), "--method", "rollout", "--target", "label:2", "--heatmap", heatmaps.toString(), a.toString());
    assertEquals(0, run.exit(), run.err());
    JsonNode line = run.lines().get(0);
    assertEquals("rollout", line.get("method").asText());
    assertEquals(2, line.get("explained_class").asInt());
    assertEquals(2 * 128 + 4, ImageIO.read(heatmaps.resolve("c.png").toFile()).getWidth());

    // A random ViT written by random-model, as a user would make one for a smoke test.
    Path generated = tmp.resolve("generated");
    ExplainTextCommandTest.Run made = ExplainTextCommandTest.runWithStdin("", "random-model", "--type", "vit", "--out",
        generated.toString(), "--image-size", "8", "--patch-size", "4", "--channels", "1", "--zero-biases");
    assertEquals(0, made.exit(), made.err());
    ExplainTextCommandTest.Run onGenerated = ExplainTextCommandTest.runWithStdin("", "explain-image", "--model",
        generated.toString(), a.toString());
    assertEquals(0, onGenerated.exit(), onGenerated.err());
    JsonNode g = onGenerated.lines().get(0);
    assertEquals(5, g.get("patches").size());
    assertEquals(0, g.get("conservation_gap").asDouble(), 1e-4 * Math.abs(g.get("explained_logit").asDouble()),
        "bias-free: lrp-ah-ln conserves");

    Path bert = TestCheckpoints.tinyBert(tmp.resolve("bert"), 3);
    ExplainTextCommandTest.Run text = ExplainTextCommandTest.runWithStdin("", "explain-image", "--model",
        bert.toString(), a.toString());
    assertEquals(2, text.exit());
    assertTrue(text.err().contains("is a text classifier; explain it with explain-text"), text.err());
  }
}
