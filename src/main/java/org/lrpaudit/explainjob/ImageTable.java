package org.lrpaudit.explainjob;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.PatchRelevance;
import org.lrpaudit.model.ImageException;
import org.lrpaudit.runtime.RowError;
import scala.collection.JavaConverters;

/**
 * The image relevance table of explain-images: one row per input image and method, partitioned by run_id and method
 * as the text relevance table is (and written by the same {@link OutputTable}). patches: every sequence position, [CLS]
 * first as index 0 (row and col -1), patch (row, col) at index 1 + row * cols + col. docs/jobs.md documents every
 * column; keep the two in step.
 */
public final class ImageTable {
  public static final StructType PATCH = new StructType(new StructField[] {
      DataTypes.createStructField("index", DataTypes.IntegerType, false),
      DataTypes.createStructField("row", DataTypes.IntegerType, false),
      DataTypes.createStructField("col", DataTypes.IntegerType, false),
      DataTypes.createStructField("relevance", DataTypes.DoubleType, false)});

  /** The columns both relevance tables begin with, id to logits, taken from the text table's schema. */
  private static final StructField[] SHARED = java.util.Arrays.copyOfRange(RelevanceTable.SCHEMA.fields(), 0,
      RelevanceTable.SCHEMA.fieldIndex("logits") + 1);

  public static final StructType SCHEMA = new StructType(java.util.stream.Stream.concat(java.util.Arrays.stream(SHARED),
      java.util.stream.Stream.of(
      DataTypes.createStructField("patches", DataTypes.createArrayType(PATCH, false), true),
      DataTypes.createStructField("relevance_sum", DataTypes.DoubleType, true),
      DataTypes.createStructField("conservation_gap", DataTypes.DoubleType, true),
      DataTypes.createStructField("image_width", DataTypes.IntegerType, true),
      DataTypes.createStructField("image_height", DataTypes.IntegerType, true),
      DataTypes.createStructField(RelevanceTable.RUN_ID, DataTypes.StringType, false),
      DataTypes.createStructField(RelevanceTable.METHOD, DataTypes.StringType, false))).toArray(StructField[]::new));

  /** Statuses that are an image's own fault (not counted in the error rate): its bytes, id or target. */
  public static final Set<String> INPUT_ERRORS = Set.of(ImageException.UNREADABLE, ImageException.EMPTY,
      ImageException.UNDECODABLE, ImageException.TOO_SMALL, ImageException.TOO_LARGE, ImageException.WRONG_SIZE,
      RowError.MISSING_ID, RowError.BAD_TARGET);

  private ImageTable() {}

  /** An explained image; width and height are the file's, before resizing. */
  static Row ok(String id, Integer label, ImageExplanation e, int width, int height, String runId) {
    List<Object> cells = new ArrayList<>(e.patches().size());
    for (PatchRelevance p : e.patches()) {
      cells.add(RowFactory.create(p.index(), p.row(), p.col(), p.relevance()));
    }
    return RowFactory.create(id, label, RelevanceTable.OK, null, e.modelId(), e.predicted(), e.predictedLabel(),
        e.explainedClass(), e.explainedLabel(), e.explainedLogit(), ExplanationStruct.floats(e.logits()),
        JavaConverters.asScalaBuffer(cells).toSeq(), e.relevanceSum(),
        e.conservationGap(), width, height, runId, e.method());
  }

  /** A forward-only row (method "forward"): logits and prediction, no relevance; width and height as in ok. */
  static Row forward(String id, Integer label, String modelId, float[] logits, int predicted, String predictedLabel,
      int width, int height, String runId) {
    return RowFactory.create(id, label, RelevanceTable.OK, null, modelId, predicted, predictedLabel, null, null, null,
        ExplanationStruct.floats(logits), null, null, null, width, height, runId, ExplainSettings.FORWARD);
  }

  /** An image that has no explanation: its status and message; width and height where known (else null). */
  static Row error(String id, Integer label, RowError error, String modelId, Integer width, Integer height,
      String runId, String method) {
    return RowFactory.create(id, label, error.status(), error.message(), modelId, null, null, null, null, null, null,
        null, null, null, width, height, runId, method);
  }
}
