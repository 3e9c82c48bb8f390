package org.lrpaudit.eval;

import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explainjob.ImageTable;
import org.lrpaudit.runtime.RowError;

/**
 * The images table of evaluate-images: one row per input image, method and unit, status ok with the image's three
 * curves (as the text job's texts table), or an error status and message. docs/models.md documents every column; keep
 * the two in step. The curves table has the text job's columns with unit after method and images in place of texts.
 */
public final class ImageFaithfulnessTable {
  public static final StructType IMAGES = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("label", DataTypes.IntegerType, true),
      DataTypes.createStructField("method", DataTypes.StringType, false),
      DataTypes.createStructField("unit", DataTypes.StringType, false),
      DataTypes.createStructField("ranking", DataTypes.StringType, false),
      DataTypes.createStructField("status", DataTypes.StringType, false),
      DataTypes.createStructField("error", DataTypes.StringType, true),
      DataTypes.createStructField("predicted", DataTypes.IntegerType, true),
      DataTypes.createStructField("explained_logit", DataTypes.DoubleType, true),
      DataTypes.createStructField("conservation_gap", DataTypes.DoubleType, true),
      DataTypes.createStructField("ranking_sum", DataTypes.DoubleType, true),
      DataTypes.createStructField("activation", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
      DataTypes.createStructField("pruning_probability", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
      DataTypes.createStructField("pruning_change", DataTypes.createArrayType(DataTypes.DoubleType, false), true),
      DataTypes.createStructField("image_width", DataTypes.IntegerType, true),
      DataTypes.createStructField("image_height", DataTypes.IntegerType, true)});

  /** Statuses that are the image's own fault (not counted in the error rate): its bytes, id or gold label. */
  public static final Set<String> INPUT_ERRORS = inputErrors();

  private ImageFaithfulnessTable() {}

  private static Set<String> inputErrors() {
    java.util.Set<String> s = new java.util.HashSet<>(ImageTable.INPUT_ERRORS);
    s.add(FaithfulnessTable.NO_LABEL);
    s.add(RowError.BAD_LABEL);
    return Set.copyOf(s);
  }

  /** An image flipped in one unit. */
  static Row ok(String id, int label, String method, FlipUnit unit, ImageExplanation e, TextCurves c, int width,
      int height) {
    double rankingSum = 0;
    for (double r : unit.ranking(e)) {
      rankingSum += r;
    }
    return RowFactory.create(id, label, method, unit.id(), unit.rankingName(org.lrpaudit.explain.Method.parse(method)),
        FaithfulnessTable.OK, null, e.predicted(), e.explainedLogit(), e.conservationGap(), rankingSum,
        FaithfulnessTable.seq(c.activation()), FaithfulnessTable.seq(c.pruningProbability()), FaithfulnessTable.seq(c.pruningChange()), width, height);
  }

  /** An image that has no curves: its status and message; width and height where known (else null). */
  static Row error(String id, Integer label, String method, FlipUnit unit, RowError error, Integer width,
      Integer height) {
    return RowFactory.create(id, label, method, unit.id(), unit.rankingName(org.lrpaudit.explain.Method.parse(method)),
        error.status(), error.message(), null, null, null, null, null, null, null, width, height);
  }
}
