package org.lrpaudit.explainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.HfVit;
import org.lrpaudit.model.TestCheckpoints;
import scala.collection.JavaConverters;

/**
 * explain-images --methods forward,lrp-ah-ln: each forward row holds the logits of {@link HfVit} (the plain-double
 * reference) on the image's gray values as the test wrote them, rescaled and normalised here by hand; its prediction
 * is their argmax; it has no relevance; and a bad image is an error row of the forward method too.
 */
class ImageForwardRowsTest {
  private static SparkSession spark;
  @TempDir
  static Path tmp;
  static Path model;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkTests.local(2);
    // Gray 8 x 8 images in 4 x 4 patches, 3 classes (ViTImageProcessor defaults: rescale 1/255, mean and std 0.5).
    model = TestCheckpoints.vit(tmp.resolve("model"), 1, 16, 2, 8, 4, 1, "gelu", false, 7);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void forwardRowsHoldTheReferenceLogitsAndNoRelevance() throws Exception {
    StructType schema = new StructType().add("id", DataTypes.StringType).add("label", DataTypes.IntegerType)
        .add("image", DataTypes.BinaryType);
    Map<String, double[]> pixels = new HashMap<>();
    List<Row> in = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      Random rnd = new Random(100 + k);
      BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
      double[] px = new double[64];
      for (int i = 0; i < 64; i++) {
        int v = rnd.nextInt(256);
        img.getRaster().setSample(i % 8, i / 8, 0, v);
        px[i] = (v / 255.0 - 0.5) / 0.5;
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      assertTrue(ImageIO.write(img, "png", png));
      pixels.put("g" + k, px);
      in.add(RowFactory.create("g" + k, k % 3, png.toByteArray()));
    }
    in.add(RowFactory.create("broken", 0, "not an image".getBytes()));
    Path table = tmp.resolve("images.parquet");
    spark.createDataFrame(in, schema).coalesce(1).write().parquet(table.toString());
    Path out = tmp.resolve("out");
    java.util.Properties p = SparkTests.settings(table, out, "model", model.toString(), "text-column", "image",
        "run-id", "f", "methods", "forward,lrp-ah-ln");
    ImageExplainJob.Summary summary = new ImageExplainJob(spark).run(ExplainSettings.from(p));
    assertEquals(Map.of("forward", 6L, "lrp-ah-ln", 6L), summary.rowsOut());
    assertEquals(List.of("forward", "lrp-ah-ln"), new ArrayList<>(summary.computeRowsPerSecond().keySet()));

    List<Row> forward = spark.read().parquet(out.toString()).where("method = 'forward'").collectAsList();
    assertEquals(6, forward.size());
    try (HfVit ref = HfVit.open(model)) {
      for (Row r : forward) {
        String id = r.getAs("id");
        if (id.equals("broken")) {
          assertEquals("undecodable_image", r.getAs("status"));
          assertTrue(r.<String>getAs("error").contains("broken"), r.<String>getAs("error"));
          continue;
        }
        assertEquals("ok", r.getAs("status"), String.valueOf(r.<String>getAs("error")));
        double[] want = ref.logits(pixels.get(id));
        List<Float> logits = JavaConverters.seqAsJavaList(r.<scala.collection.Seq<Float>>getAs("logits"));
        assertEquals(want.length, logits.size());
        int argmax = 0;
        for (int c = 0; c < want.length; c++) {
          assertEquals(want[c], logits.get(c), 1e-5, id + " logit " + c);
          argmax = want[c] > want[argmax] ? c : argmax;
        }
        assertEquals(argmax, (int) r.<Integer>getAs("predicted"), id);
        assertEquals("LABEL_" + argmax, r.getAs("predicted_label"), id);
        assertNull(r.getAs("patches"), id);
        assertNull(r.getAs("relevance_sum"), id);
        assertNull(r.getAs("explained_class"), id);
        assertEquals(8, (int) r.<Integer>getAs("image_width"), id);
      }
    }
  }
}
