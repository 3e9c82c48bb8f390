package org.lrpaudit.explainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.runtime.FaultInjection;
import scala.collection.JavaConverters;

/**
 * explain-images on real PNG / JPEG files the test writes, good and bad, and on a Parquet table of encoded images: one
 * row per image and method, bad images as error rows naming the file, every explained row equal to explain-image's
 * in-process explanation of the same file (read without Spark), sums recomputed from the patches; a failed job leaves
 * no output.
 */
class ImageExplainJobTest {
  private static SparkSession spark;
  @TempDir
  static Path tmp;
  static Path model;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkTests.local(2);
    // Gray 8 x 8 images in 4 x 4 patches: [CLS] and 4 patches; 3 classes.
    model = TestCheckpoints.vit(tmp.resolve("model"), 1, 16, 2, 8, 4, 1, "gelu", false, 5);
  }

  @AfterAll
  static void stop() {
    FaultInjection.clear();
    spark.stop();
  }

  private static byte[] encode(int w, int h, int type, String format, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, type);
    Random rnd = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (type == BufferedImage.TYPE_USHORT_GRAY) {
          img.getRaster().setSample(x, y, 0, rnd.nextInt(65536));
        } else {
          img.setRGB(x, y, rnd.nextInt());
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out), format);
    return out.toByteArray();
  }

  private static Path file(Path dir, String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.createDirectories(f.getParent());
    return Files.write(f, bytes);
  }

  /** The output rows of a run, by id and method. */
  private static Map<String, Row> rows(Path out, String runId) {
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : spark.read().parquet(out.toString()).where("run_id = '" + runId + "'").collectAsList()) {
      assertEquals(null, byKey.put(r.<String>getAs("id") + " " + r.<String>getAs("method"), r), "one row per image "
          + "and method");
    }
    return byKey;
  }

  /** An ok row against explain-image's path for the same bytes, and its sums against its own patches. */
  private static void checkExplained(Row r, ImageExplanation want) {
    assertEquals("ok", r.getAs("status"), String.valueOf(r.<String>getAs("error")));
    List<Float> logits = JavaConverters.seqAsJavaList(r.<scala.collection.Seq<Float>>getAs("logits"));
    for (int c = 0; c < want.logits().length; c++) {
      assertEquals(want.logits()[c], logits.get(c), 1e-5, "logit " + c);
    }
    int argmax = 0;
    for (int c = 1; c < logits.size(); c++) {
      argmax = logits.get(c) > logits.get(argmax) ? c : argmax;
    }
    assertEquals(argmax, (int) r.<Integer>getAs("predicted"));
    List<Row> patches = JavaConverters.seqAsJavaList(r.<scala.collection.Seq<Row>>getAs("patches"));
    assertEquals(want.patches().size(), patches.size());
    double sum = 0;
    for (int t = 0; t < patches.size(); t++) {
      Row p = patches.get(t);
      assertEquals(t, p.getInt(0));
      assertEquals(want.patches().get(t).row(), p.getInt(1));
      assertEquals(want.patches().get(t).col(), p.getInt(2));
      assertEquals(want.patches().get(t).relevance(), p.getDouble(3), 1e-5 * (1 + Math.abs(p.getDouble(3))));
      sum += p.getDouble(3);
    }
    assertEquals(sum, r.<Double>getAs("relevance_sum"), 1e-9);
    assertEquals(r.<Double>getAs("explained_logit") - sum, r.<Double>getAs("conservation_gap"), 1e-9);
    assertEquals(want.explainedClass(), (int) r.<Integer>getAs("explained_class"));
  }

  @Test
  void aFolderOfGoodAndBadFilesGivesOneRowPerImageAndMethod() throws Exception {
    Path images = Files.createDirectories(tmp.resolve("images"));
    Map<String, int[]> good = new HashMap<>(); // name -> width, height
    file(images, "gray.png", encode(8, 8, BufferedImage.TYPE_BYTE_GRAY, "png", 1));
    good.put("gray.png", new int[] {8, 8});
    file(images, "colour.png", encode(20, 12, BufferedImage.TYPE_INT_RGB, "png", 2)); // resized to 8 x 8
    good.put("colour.png", new int[] {20, 12});
    file(images, "photo.jpg", encode(16, 16, BufferedImage.TYPE_INT_RGB, "jpg", 3));
    good.put("photo.jpg", new int[] {16, 16});
    file(images, "deep.png", encode(8, 8, BufferedImage.TYPE_USHORT_GRAY, "png", 4)); // 16-bit gray
    good.put("deep.png", new int[] {8, 8});
    file(images, "sub/alpha.png", encode(9, 9, BufferedImage.TYPE_INT_ARGB, "png", 5)); // alpha dropped, to gray
    good.put("alpha.png", new int[] {9, 9});
    Map<String, String> bad = new HashMap<>(); // name -> status
    file(images, "empty.png", new byte[0]);
    bad.put("empty.png", "empty_image");
    byte[] whole = encode(64, 64, BufferedImage.TYPE_INT_RGB, "png", 6);
    file(images, "truncated.png", Arrays.copyOf(whole, whole.length / 2));
    bad.put("truncated.png", "undecodable_image");
    file(images, "dot.png", encode(1, 1, BufferedImage.TYPE_BYTE_GRAY, "png", 7));
    bad.put("dot.png", "image_too_small");
    file(images, "huge.png", TestCheckpoints.pngHeader(20_000, 20_000));
    bad.put("huge.png", "image_too_large");
    file(images, "notes.png", "not an image at all\n".getBytes());
    bad.put("notes.png", "undecodable_image");

    Path out = tmp.resolve("folder-out");
    assertEquals(Main.OK, Main.run("explain-images", "--model", model.toString(), "--input", images.toString(),
        "--output", out.toString(), "--methods", "lrp-ah-ln,gi", "--run-id", "r", "--batch-images", "3"));
    Map<String, Row> rows = rows(out, "r");
    assertEquals(2 * (good.size() + bad.size()), rows.size(), "rows in x methods == rows out");
    assertFalse(Files.list(out).anyMatch(p -> p.getFileName().toString().startsWith("_staging")), "staging removed");
    try (ImageClassifier classifier = ImageClassifier.load(model.toString())) {
      for (String method : List.of("lrp-ah-ln", "gi")) {
        int seen = 0;
        for (Row r : rows.values()) {
          if (!r.getAs("method").equals(method)) {
            continue;
          }
          String id = r.getAs("id");
          Path local = Paths.get(URI.create(id));
          String name = local.getFileName().toString();
          if (bad.containsKey(name)) {
            assertEquals(bad.get(name), r.getAs("status"), id);
            assertTrue(r.<String>getAs("error").contains(name), r.<String>getAs("error"));
            assertTrue(r.isNullAt(r.fieldIndex("patches")), id);
          } else {
            // explain-image's path: the file read from disk by ImageFiles, not by Spark.
            ImageExplanation want = new ImageExplainer(classifier).explain(
                List.of(ImageInput.of(id, classifier.pixels(local))), Method.parse(method), Target.PREDICTED).get(0);
            checkExplained(r, want);
            assertEquals(good.get(name)[0], (int) r.<Integer>getAs("image_width"), name);
            assertEquals(good.get(name)[1], (int) r.<Integer>getAs("image_height"), name);
            assertEquals(classifier.modelId(), r.getAs("model_id"));
          }
          seen++;
        }
        assertEquals(good.size() + bad.size(), seen, method);
      }
    }

    // A task that fails mid-job (a fault injected at one image) fails the job and leaves no output at all.
    String victim = rows.values().stream().map(r -> r.<String>getAs("id")).filter(i -> i.endsWith("gray.png"))
        .findFirst().orElseThrow();
    Path failed = tmp.resolve("failed-out");
    FaultInjection.failTaskOn(victim);
    try {
      Exception e = assertThrows(Exception.class, () -> new ImageExplainJob(spark).run(ExplainSettings.from(
          settings(images, failed, "partitions", "4"))));
      String chain = "";
      for (Throwable t = e; t != null; t = t.getCause()) {
        chain += t.getMessage() + "\n";
      }
      assertTrue(chain.contains("injected fault"), chain);
    } finally {
      FaultInjection.clear();
    }
    assertFalse(Files.exists(failed), "a failed job leaves nothing behind");
  }

  /** The shared test settings, for this test's ViT, images in the column "image", run "r". */
  private static java.util.Properties settings(Path input, Path output, String... kv) {
    java.util.Properties p = SparkTests.settings(input, output, "model", model.toString(), "text-column", "image",
        "run-id", "r");
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  @Test
  void aParquetTableOfEncodedImagesWithLabels() throws Exception {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("label", DataTypes.IntegerType)
        .add("image", DataTypes.BinaryType);
    byte[] a = encode(8, 8, BufferedImage.TYPE_BYTE_GRAY, "png", 11);
    byte[] b = encode(12, 12, BufferedImage.TYPE_INT_RGB, "jpg", 12);
    List<Row> in = new ArrayList<>(List.of(RowFactory.create("p0", 1, a), RowFactory.create("p1", 2, b),
        RowFactory.create("p2", 0, null), RowFactory.create("p3", 0, "GIF89a broken".getBytes()),
        RowFactory.create("p4", null, a), RowFactory.create(null, 1, a)));
    Path table = tmp.resolve("images.parquet");
    spark.createDataFrame(in, schema).repartition(2).write().parquet(table.toString());
    Path out = tmp.resolve("table-out");
    ImageExplainJob.Summary summary = new ImageExplainJob(spark).run(ExplainSettings.from(settings(table, out,
        "target", "label", "methods", "lrp-ah-ln")));
    assertEquals("parquet", summary.inputFormat());
    assertEquals(6, summary.rowsIn());
    assertEquals(Map.of("lrp-ah-ln", 6L), summary.rowsOut());
    Map<String, Row> rows = rows(out, "r");
    assertEquals(6, rows.size());
    try (ImageClassifier classifier = ImageClassifier.load(model.toString())) {
      ImageExplainer explainer = new ImageExplainer(classifier);
      for (Object[] good : new Object[][] {{"p0", a, 1}, {"p1", b, 2}}) {
        Row r = rows.get(good[0] + " lrp-ah-ln");
        assertNotNull(r);
        float[] px = classifier.processor().pixels(ImageIO.read(new java.io.ByteArrayInputStream((byte[]) good[1])));
        ImageExplanation want = explainer.explain(List.of(new ImageInput((String) good[0], px, (Integer) good[2])),
            Method.LRP_AH_LN, new Target.GoldLabel()).get(0);
        assertEquals((int) (Integer) good[2], want.explainedClass());
        checkExplained(r, want);
        assertEquals((Integer) good[2], r.getAs("label"));
      }
    }
    assertEquals("empty_image", rows.get("p2 lrp-ah-ln").getAs("status"));
    assertTrue(rows.get("p2 lrp-ah-ln").<String>getAs("error").contains("p2"));
    assertEquals("undecodable_image", rows.get("p3 lrp-ah-ln").getAs("status"));
    assertEquals("bad_target", rows.get("p4 lrp-ah-ln").getAs("status"));
    assertEquals("missing_id", rows.get("null lrp-ah-ln").getAs("status"));
    assertEquals(6, summary.errors().rows());
    assertEquals(4, summary.errors().inputErrors());
    assertEquals(0, summary.errors().jobErrors());
  }
}
