package org.lrpaudit.report;

import static org.apache.spark.sql.functions.col;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.explainjob.RelevanceTable;
import org.lrpaudit.model.ImageException;
import org.lrpaudit.model.ImageFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the images to show from an image relevance table (explain-images): for one run, the images chosen by
 * {@link ExampleChoice} among the first method's explained rows, each with every method's patch relevance as stored
 * (nothing is recomputed), and the image file its id names when there is one.
 */
final class ImageExamples {
  private static final Logger LOG = LoggerFactory.getLogger(ImageExamples.class);

  private ImageExamples() {}

  static List<ImageExample> read(SparkSession spark, ImageChoice src) {
    try {
      return chosen(spark, src);
    } catch (AuditException e) {
      throw e;
    } catch (Exception e) { // AnalysisException (checked, thrown from Scala): no such table, not this format
      throw new AuditException("cannot read the image relevance table " + src.table() + " as " + src.format() + ": "
          + e.getMessage());
    }
  }

  private static List<ImageExample> chosen(SparkSession spark, ImageChoice src) {
    Dataset<Row> all = spark.read().format(src.format()).load(src.table());
    String run = src.runId() != null ? src.runId() : onlyRun(all, src.table());
    Dataset<Row> ok = all.where(col(RelevanceTable.RUN_ID).equalTo(run).and(col("status").equalTo(RelevanceTable.OK)));
    List<String> present = new ArrayList<>();
    ok.select(RelevanceTable.METHOD).distinct().collectAsList().forEach(r -> present.add(r.getString(0)));
    List<String> methods = src.methods().stream().filter(present::contains).toList();
    if (methods.isEmpty()) {
      throw new AuditException("the image relevance table " + src.table() + " (run " + run + ") has no explained rows "
          + "of " + src.methods() + " (it has " + present + ")");
    }
    List<String> order = ExampleChoice.ids(ok.where(col(RelevanceTable.METHOD).equalTo(methods.get(0))), src.ids(),
        src.count());
    Map<String, Map<String, Row>> rows = new LinkedHashMap<>();
    order.forEach(id -> rows.put(id, new LinkedHashMap<>()));
    for (Row r : ok.where(col("id").isin(order.toArray()).and(col(RelevanceTable.METHOD).isin(methods.toArray())))
        .select("id", RelevanceTable.METHOD, "label", "predicted_label", "explained_label", "explained_logit",
            "patches").collectAsList()) {
      rows.get(r.getString(0)).put(r.getString(1), r);
    }
    List<ImageExample> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, Row>> e : rows.entrySet()) {
      Row first = e.getValue().get(methods.get(0));
      Map<String, ImageExample.Patches> byMethod = new LinkedHashMap<>();
      int[] grid = null;
      for (String m : methods) {
        Row r = e.getValue().get(m);
        if (r != null) {
          List<Row> patches = r.getList(6);
          grid = grid != null ? grid : grid(patches, e.getKey());
          byMethod.put(m, patches(patches, grid, e.getKey()));
        }
      }
      out.add(new ImageExample(e.getKey(), first.isNullAt(2) ? null : first.getInt(2), first.getString(3),
          first.getString(4), first.getDouble(5), grid[0], grid[1], byMethod, original(spark, e.getKey())));
    }
    return out;
  }

  private static String onlyRun(Dataset<Row> table, String path) {
    List<Row> runs = table.select(RelevanceTable.RUN_ID).distinct().collectAsList();
    if (runs.size() != 1) {
      throw new AuditException("the image relevance table " + path + " holds " + runs.size() + " runs "
          + runs.stream().map(r -> r.getString(0)).sorted().toList() + ": name one with --image-run-id");
    }
    return runs.get(0).getString(0);
  }

  /** rows and cols of the patch grid, from the largest row and col (the table's patches are the whole grid). */
  private static int[] grid(List<Row> patches, String id) {
    int rows = 0;
    int cols = 0;
    for (Row p : patches) {
      rows = Math.max(rows, p.getInt(1) + 1);
      cols = Math.max(cols, p.getInt(2) + 1);
    }
    if (rows == 0 || cols == 0) {
      throw new AuditException("image " + id + " has no patches in the image relevance table");
    }
    return new int[] {rows, cols};
  }

  private static ImageExample.Patches patches(List<Row> patches, int[] grid, String id) {
    double[] rel = new double[grid[0] * grid[1]];
    boolean[] seen = new boolean[rel.length];
    double cls = 0;
    for (Row p : patches) {
      int row = p.getInt(1);
      int c = p.getInt(2);
      if (row < 0) {
        cls = p.getDouble(3);
        continue;
      }
      if (row >= grid[0] || c < 0 || c >= grid[1] || seen[row * grid[1] + c]) {
        throw new AuditException("image " + id + ": patch (" + row + ", " + c + ") is outside the " + grid[0] + "x"
            + grid[1] + " grid or repeated in the image relevance table");
      }
      seen[row * grid[1] + c] = true;
      rel[row * grid[1] + c] = p.getDouble(3);
    }
    for (boolean s : seen) {
      if (!s) {
        throw new AuditException("image " + id + ": the image relevance table lacks some of its " + rel.length
            + " patches");
      }
    }
    return new ImageExample.Patches(rel, cls);
  }

  /** The file the id names (explain-images over a folder uses the path as id); null when it is not one. */
  private static BufferedImage original(SparkSession spark, String id) {
    try {
      Path p = new Path(id);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.isFile(p) || fs.getFileStatus(p).getLen() > ImageFiles.MAX_BYTES) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        return ImageFiles.decode(in.readAllBytes(), id, 1);
      }
    } catch (IOException | ImageException | IllegalArgumentException e) {
      LOG.info("dashboard: no original image for {} ({})", id, e.getMessage());
      return null;
    }
  }
}
