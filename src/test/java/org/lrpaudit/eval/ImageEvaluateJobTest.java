package org.lrpaudit.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.model.HfVit;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.TestCheckpoints;
import org.lrpaudit.runtime.FaultInjection;

/**
 * evaluate-images on PNG files and a Parquet table the test writes, through cli.Main as a user runs it: rows in x
 * methods x units == rows out with bad images as error rows; every evaluated row's curves and the summary's areas equal
 * ImageFaithfulness run in this JVM on the same files (1e-6); the curves' ends equal the plain-double reference forward
 * (model.HfVit) of the image and of the all-mean image; pixel flipping under a ranking constant within each patch (the
 * baselines' spread patch relevance) gives exactly the patch curves; inputs without labels are refused before any work
 * and a job failing beyond --max-error-rate writes nothing.
 */
class ImageEvaluateJobTest {
  private static final List<String> METHODS = List.of("lrp-ah-ln", "gi", "random", "attn-last");
  private static final int STEPS = 4; // 3 intervals: 9 patches -> 3 per step, 144 pixels -> 48 = 3 patches per step
  private static SparkSession spark;
  @TempDir
  static Path tmp;
  static Path model;

  @BeforeAll
  static void start() throws IOException {
    spark = SparkSession.builder().master("local[2]").appName("lrp-image-eval-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    // Gray 12 x 12 images in 4 x 4 patches: [CLS] and 9 patches; 3 classes; biases on. Two layers: in a one-layer
    // pre-norm ViT a patch reaches [CLS] only through LN(h0_t), which scaling h0_t does not change, so gi gives every
    // patch exactly 0 and its ranking would be float noise (seen: batch size flipped it).
    model = TestCheckpoints.vit(tmp.resolve("model"), 2, 16, 2, 12, 4, 1, "gelu", false, 17);
  }

  @AfterAll
  static void stop() {
    FaultInjection.clear();
    spark.stop();
  }

  static byte[] png(int w, int h, long seed) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    Random rnd = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, rnd.nextInt(256));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Six good labelled images and one of each kind of bad file; name -> expected status. */
  private static Map<String, String> writeFolder(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    Map<String, String> expected = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      String name = String.format("%05d-label-%d.png", i, i % 3);
      Files.write(dir.resolve(i == 5 ? "sub/" + name : name), png(12, 12, 100 + i));
      expected.put(name, "ok");
    }
    Files.write(dir.resolve("00006-label-1.png"), new byte[0]);
    expected.put("00006-label-1.png", "empty_image");
    Files.writeString(dir.resolve("00007-label-0.png"), "not an image");
    expected.put("00007-label-0.png", "undecodable_image");
    Files.write(dir.resolve("00008.png"), png(12, 12, 7));
    expected.put("00008.png", "no_label");
    Files.write(dir.resolve("00009-label-7.png"), png(12, 12, 8));
    expected.put("00009-label-7.png", "bad_label");
    Files.write(dir.resolve("00010-label-2.png"), png(1, 1, 9));
    expected.put("00010-label-2.png", "image_too_small");
    return expected;
  }

  private static int run(Path input, Path output, String... more) {
    List<String> args = new ArrayList<>(List.of("evaluate-images", "--model", model.toString(), "--input",
        input.toString(), "--output", output.toString(), "--methods", String.join(",", METHODS), "--unit",
        "patch,pixel", "--steps", Integer.toString(STEPS), "--batch-images", "3", "--chunk-rows", "4",
        "--partitions", "3"));
    args.addAll(List.of(more));
    return Main.run(args.toArray(String[]::new));
  }

  private static String fileName(String id) {
    return id.substring(id.lastIndexOf('/') + 1);
  }

  private static double[] doubles(Row r, String column) {
    List<Double> v = r.getList(r.fieldIndex(column));
    return v.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void folderJobEqualsOneJvmEndsAreTheReferenceAndPixelsOfConstantPatchesArePatches() throws Exception {
    Path images = tmp.resolve("images");
    Map<String, String> expected = writeFolder(images);
    Path out = tmp.resolve("eval");
    assertEquals(Main.OK, run(images, out));

    List<Row> rows = spark.read().parquet(out.resolve("images").toString()).collectAsList();
    assertEquals(expected.size() * METHODS.size() * 2, rows.size(), "rows in x methods x units == rows out");
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : rows) {
      String name = fileName(r.getAs("id"));
      assertEquals(expected.get(name), r.getAs("status"), name + " " + r.getAs("error"));
      if (!"ok".equals(r.getAs("status"))) {
        assertTrue(r.<String>getAs("error").contains(name), "the message names the file: " + r.getAs("error"));
      }
      byKey.put(name + "|" + r.getAs("method") + "|" + r.getAs("unit"), r);
    }
    assertEquals(expected.size() * METHODS.size() * 2, byKey.size(), "one row per image, method and unit");

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertEquals(expected.size(), summary.get("rows_in").asLong());
    // input errors: empty, undecodable, no label, bad label, too small: 5 of 11 per method and unit
    assertEquals(5L * METHODS.size() * 2, summary.get("errors").get("input_errors").asLong());
    assertEquals(0, summary.get("errors").get("job_errors").asLong());

    // The same files, the same curve computation, in this JVM without Spark.
    List<String> good = expected.entrySet().stream().filter(e -> e.getValue().equals("ok")).map(Map.Entry::getKey)
        .sorted().toList();
    List<FlipUnit> units = List.of(FlipUnit.PATCH, FlipUnit.PIXEL);
    double worst = 0;
    try (ImageClassifier c = ImageClassifier.load(model.toString()); HfVit reference = HfVit.open(model)) {
      List<ImageInput> inputs = new ArrayList<>();
      for (String name : good) {
        Path file = Files.exists(images.resolve(name)) ? images.resolve(name) : images.resolve("sub").resolve(name);
        inputs.add(new ImageInput(name, c.pixels(file), Integer.parseInt(name.replaceAll(".*label-(\\d+).*", "$1"))));
      }
      ImageFaithfulness oneJvm = new ImageFaithfulness(c, 2, MethodOptions.DEFAULT, STEPS);
      for (String method : METHODS) {
        List<ImageFaithfulness.ImageCurves> curves = oneJvm.curves(inputs, Method.parse(method), units);
        for (int i = 0; i < inputs.size(); i++) {
          ImageInput in = inputs.get(i);
          double[] original = reference.logits(toDoubles(in.pixels()));
          double[] blank = reference.logits(new double[in.pixels().length]);
          for (FlipUnit u : units) {
            Row r = byKey.get(in.name() + "|" + method + "|" + u.id());
            TextCurves want = curves.get(i).curves().get(u);
            double[] act = doubles(r, "activation");
            double[] prob = doubles(r, "pruning_probability");
            double[] change = doubles(r, "pruning_change");
            for (int k = 0; k < STEPS; k++) {
              worst = Math.max(worst, Math.abs(want.activation()[k] - act[k]));
              worst = Math.max(worst, Math.abs(want.pruningProbability()[k] - prob[k]));
              worst = Math.max(worst, Math.abs(want.pruningChange()[k] - change[k]));
            }
            // The ends, independently: the image itself and the image with every pixel at the mean (0), through the
            // plain-double reference forward.
            String at = in.name() + " " + method + " " + u.id();
            int gold = in.label();
            assertEquals(Curves.probability(original, gold), act[STEPS - 1], 1e-5, at + ": all put back");
            assertEquals(Curves.probability(blank, gold), act[0], 1e-5, at + ": nothing put back");
            assertEquals(Curves.probability(original, gold), prob[0], 1e-5, at + ": nothing removed");
            assertEquals(Curves.probability(blank, gold), prob[STEPS - 1], 1e-5, at + ": all removed");
            assertEquals(0, change[0], 1e-9, at);
            assertEquals(Curves.squaredChange(original, blank), change[STEPS - 1],
                1e-4 * Math.max(1, Curves.squaredChange(original, blank)), at);
          }
          // A ranking constant within each patch (the baselines' spread patch relevance): with whole patches per
          // step, pixel flipping removes and puts back exactly the patches patch flipping does.
          if (!Method.parse(method).isPropagation()) {
            assertEquals("patch-spread", byKey.get(in.name() + "|" + method + "|pixel").getAs("ranking"));
            for (String curve : FaithfulnessTable.CURVE_COLUMNS) {
              double[] patch = doubles(byKey.get(in.name() + "|" + method + "|patch"), curve);
              double[] pixel = doubles(byKey.get(in.name() + "|" + method + "|pixel"), curve);
              for (int k = 0; k < STEPS; k++) {
                assertEquals(patch[k], pixel[k], 1e-6 * Math.max(1, Math.abs(patch[k])), in.name() + " " + method + " "
                    + curve + " step " + k);
              }
            }
          } else {
            assertEquals("pixel-gradient-x-input", byKey.get(in.name() + "|" + method + "|pixel").getAs("ranking"));
          }
        }
      }
      // The summary's areas: the trapezoid of the mean curves ImageFaithfulness.evaluate averages in this JVM.
      List<ImageFaithfulness.Scores> scores = oneJvm.evaluate(inputs, METHODS.stream().map(Method::parse).toList(),
          units);
      Map<String, JsonNode> results = new HashMap<>();
      summary.get("methods").forEach(m -> results.put(m.get("method").asText() + "|" + m.get("unit").asText(), m));
      assertEquals(METHODS.size() * 2, results.size());
      for (ImageFaithfulness.Scores s : scores) {
        JsonNode m = results.get(s.method() + "|" + s.unit());
        assertEquals(good.size(), m.get("images").asLong());
        assertEquals(s.auac(), m.get("auac").asDouble(), 1e-6, s.method() + " " + s.unit());
        assertEquals(s.auMse(), m.get("au_mse").asDouble(), 1e-6 * Math.max(1, s.auMse()), s.method() + " " + s.unit());
        assertEquals(s.aupc(), m.get("aupc").asDouble(), 1e-6, s.method() + " " + s.unit());
        assertEquals(s.auac(), summary.get("headline").get(s.method() + "_" + s.unit() + "_auac").get("value")
            .asDouble(), 1e-12);
      }
    }
    assertTrue(worst < 1e-6, "job vs one JVM, worst curve difference " + worst);
    System.out.printf("IMAGE-EVALUATE-FIGURE job vs one JVM: worst curve difference %.2e%n", worst);
    assertTrue(Files.exists(out.resolve("curves-patch.svg")) && Files.exists(out.resolve("curves-pixel.png")));
    assertEquals(METHODS.size() * 2 * 3 * STEPS, spark.read().parquet(out.resolve("curves").toString()).count());
  }

  @Test
  void tableInputBadRowsRefusalsAndFailures() throws Exception {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("image", DataTypes.BinaryType)
        .add("label", DataTypes.IntegerType);
    List<Row> table = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      table.add(RowFactory.create("t" + i, png(12, 12, 200 + i), i % 3));
    }
    table.add(RowFactory.create("nullimage", null, 1));
    table.add(RowFactory.create("broken", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2}, 1));
    table.add(RowFactory.create("nolabel", png(12, 12, 5), null));
    table.add(RowFactory.create(null, png(12, 12, 6), 0));
    Path input = tmp.resolve("table.parquet");
    spark.createDataFrame(table, schema).write().parquet(input.toString());
    Path out = tmp.resolve("table-eval");
    assertEquals(Main.OK, run(input, out));
    Map<String, String> status = new HashMap<>();
    List<Row> rows = spark.read().parquet(out.resolve("images").toString()).collectAsList();
    assertEquals(table.size() * METHODS.size() * 2, rows.size());
    for (Row r : rows) {
      status.put(String.valueOf((Object) r.getAs("id")), r.getAs("status"));
    }
    assertEquals(Map.of("t0", "ok", "t1", "ok", "t2", "ok", "t3", "ok", "nullimage", "empty_image", "broken",
        "undecodable_image", "nolabel", "no_label", "null", "missing_id"), status);
    // A rerun replaces the output only with --overwrite, and agrees.
    assertEquals(Main.FAILED, run(input, out));
    assertEquals(Main.OK, run(input, out, "--overwrite"));

    // No label anywhere: a table without the column, and a folder whose names hold none, are refused before any work.
    Path unlabelled = tmp.resolve("unlabelled.parquet");
    spark.createDataFrame(table.subList(0, 2), schema).drop("label").write().parquet(unlabelled.toString());
    assertEquals(Main.FAILED, run(unlabelled, tmp.resolve("x1")));
    assertFalse(Files.exists(tmp.resolve("x1")));
    Path plain = Files.createDirectories(tmp.resolve("plain"));
    Files.write(plain.resolve("a.png"), png(12, 12, 1));
    assertEquals(Main.FAILED, run(plain, tmp.resolve("x2")));
    assertFalse(Files.exists(tmp.resolve("x2")));
    // ... unless --label-pattern says where the name holds it (here: none does, so still refused; "a" is no digit).
    assertEquals(Main.FAILED, run(plain, tmp.resolve("x3"), "--label-pattern", "^(\\d)"));

    // One image of four attempted fails in the model (an injected fault): above --max-error-rate 0.2 the job exits 1
    // and writes nothing; under the default it is an explain_failed row naming the image.
    FaultInjection.failBatchesWith("t2");
    try {
      assertEquals(Main.WORK_FAILED, run(input, tmp.resolve("x4"), "--max-error-rate", "0.2"));
      assertFalse(Files.exists(tmp.resolve("x4")));
      assertEquals(Main.OK, run(input, tmp.resolve("x5")));
    } finally {
      FaultInjection.clear();
    }
    List<Row> failed = spark.read().parquet(tmp.resolve("x5").resolve("images").toString()).where("id = 't2'")
        .collectAsList();
    assertEquals(METHODS.size() * 2, failed.size());
    for (Row r : failed) {
      assertEquals("explain_failed", r.getAs("status"));
      assertTrue(r.<String>getAs("error").startsWith("t2: "), r.<String>getAs("error"));
    }
    assertTrue(tmp.toFile().list((d, n) -> n.contains(".staging-")).length == 0, "no staging folder left");
  }

  /**
   * The measured figures on the trained Fashion-MNIST ViT (docs/models.md); runs only with -Dlrp.fashion.images=DIR
   * (a folder of NNNNN-label-L.png files) and a model at $LRP_AUDIT_DATA/models/vit-fashion; the output goes to
   * -Dlrp.fashion.out (default target/fashion-evaluate-images).
   */
  @Test
  void fashionMnistFigures() throws IOException {
    String images = System.getProperty("lrp.fashion.images");
    String data = System.getenv("LRP_AUDIT_DATA");
    Assumptions.assumeTrue(images != null && data != null);
    Path fashion = Paths.get(data, "models", "vit-fashion");
    Assumptions.assumeTrue(Files.exists(fashion.resolve("model.safetensors")));
    String out = System.getProperty("lrp.fashion.out", "target/fashion-evaluate-images");
    long t0 = System.nanoTime();
    assertEquals(Main.OK, Main.run("evaluate-images", "--model", fashion.toString(), "--input", images, "--output", out,
        "--unit", "patch,pixel", "--overwrite"));
    System.out.printf("IMAGE-EVALUATE-FASHION-FIGURE %.0f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Paired per-image comparison of methods in an existing evaluate-images output (-Dlrp.fashion.eval=DIR): for each
   * unit, each method's per-image AUAC and AU-MSE (trapezoid of the image's own curves) against lrp-ah-ln's on the same
   * image: mean difference, its standard error, and on how many images lrp-ah-ln is better. Prints lines
   * IMAGE-EVALUATE-PAIRED.
   */
  @Test
  void pairedFigures() {
    String dir = System.getProperty("lrp.fashion.eval");
    Assumptions.assumeTrue(dir != null);
    Map<String, double[]> auac = new HashMap<>();
    Map<String, double[]> auMse = new HashMap<>();
    List<Row> rows = spark.read().parquet(Paths.get(dir, "images").toString()).where("status = 'ok'").collectAsList();
    List<String> ids = rows.stream().map(r -> r.<String>getAs("id")).distinct().sorted().toList();
    for (Row r : rows) {
      String key = r.getAs("method") + "|" + r.getAs("unit");
      int i = ids.indexOf(r.<String>getAs("id"));
      auac.computeIfAbsent(key, k -> new double[ids.size()])[i] = Curves.area(doubles(r, "activation"));
      auMse.computeIfAbsent(key, k -> new double[ids.size()])[i] = Curves.area(doubles(r, "pruning_change"));
    }
    for (String key : new java.util.TreeSet<>(auac.keySet())) {
      String unit = key.substring(key.indexOf('|') + 1);
      double[] a = auac.get("lrp-ah-ln|" + unit);
      double[] m = auMse.get("lrp-ah-ln|" + unit);
      System.out.printf("IMAGE-EVALUATE-PAIRED %s: AUAC %.4f, lrp-ah-ln minus it %s; AU-MSE %.2f, lrp-ah-ln minus it %s%n",
          key, mean(auac.get(key)), paired(a, auac.get(key), true), mean(auMse.get(key)),
          paired(m, auMse.get(key), false));
    }
  }

  private static double mean(double[] v) {
    return java.util.Arrays.stream(v).average().orElse(Double.NaN);
  }

  /** mean difference a - b, its standard error, and the images where a is better (higher, or lower). */
  private static String paired(double[] a, double[] b, boolean higherIsBetter) {
    double[] d = new double[a.length];
    int better = 0;
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
      better += (higherIsBetter ? d[i] > 0 : d[i] < 0) ? 1 : 0;
    }
    double mu = mean(d);
    double var = java.util.Arrays.stream(d).map(x -> (x - mu) * (x - mu)).sum() / Math.max(1, d.length - 1);
    return String.format("%+.4f (se %.4f; better on %d of %d)", mu, Math.sqrt(var / d.length), better, d.length);
  }

  private static double[] toDoubles(float[] v) {
    return FaithfulnessEvaluator.doubles(v);
  }
}
