package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.lrpaudit.runtime.JobException;

/**
 * Joins mentions to the relevance of their text by character offsets, in Spark SQL. Overlap rule: a unit (word or token)
 * with offsets [s, e) belongs to the mention [start, end) iff s < end and e > start (they share at least one character);
 * a unit is counted whole, never pro-rated, and zero-length units ([CLS], [SEP]) never overlap. Span relevance = sum of the
 * overlapping units' relevance; share = span relevance / sum over ALL units of the text (special ones included) of |R|;
 * top-3 = some overlapping unit has |R| >= the third largest |R| among the text's non-special units (ties count in).
 * Every mention gets a status; only "ok" ones enter the statistics, the others are counted in the summary.
 */
public final class MentionSpans {
  public static final String OK = "ok";
  public static final String NOT_IN_RELEVANCE = "id_not_in_relevance";
  public static final String DUPLICATE_ID = "duplicate_relevance_id";
  public static final String RELEVANCE_NOT_OK = "relevance_not_ok";
  public static final String MISSING_FIELD = "missing_field";
  public static final String EMPTY_SPAN = "empty_span";
  public static final String OUTSIDE_TEXT = "offsets_outside_text";
  public static final String NO_UNIT = "no_overlapping_unit";
  public static final String ZERO_RELEVANCE = "zero_total_relevance";

  static final List<String> MENTION_COLUMNS = List.of("id", "start", "end", "surface", "kind");
  static final List<String> RELEVANCE_COLUMNS = List.of("id", "status", "model_id", "predicted", "predicted_label",
      "explained_label", "text_length", "run_id", "method");

  private MentionSpans() {}

  /** Fails, naming the input and the columns, when a required column is missing. */
  public static void requireColumns(Dataset<Row> df, List<String> required, String what) {
    List<String> have = Arrays.asList(df.columns());
    List<String> missing = required.stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new JobException(what + " lacks column(s) " + missing + " (it has " + have + ")");
    }
  }

  /**
   * One row per mention: the mention, its status, and for ok mentions the text's prediction and the span statistics.
   * Columns: id, start, end, surface, kind, term, status, relevance_status (the status of the text's relevance row, null
   * when there is none), predicted, predicted_label, label, span_relevance, share, top3, then the group columns of the
   * relevance table (as strings, null for mentions without a relevance row).
   */
  /**
   * The text's units: for a sentence pair (explain --pair-column) only those of segment 0, the text that annotate's
   * mentions index; the second text's units carry offsets into the other text and would overlap mentions by accident.
   * Tables written before the segment field existed hold single texts only.
   */
  private static Column units(Dataset<Row> relevance, String unit) {
    org.apache.spark.sql.types.DataType type = relevance.schema().apply(unit).dataType();
    boolean segments = type instanceof org.apache.spark.sql.types.ArrayType a
        && a.elementType() instanceof org.apache.spark.sql.types.StructType st
        && Arrays.asList(st.fieldNames()).contains("segment");
    return segments ? expr("filter(`" + unit + "`, x -> coalesce(x.segment, 0) = 0)") : col(unit);
  }

  static Dataset<Row> join(Dataset<Row> relevance, Dataset<Row> mentions, String unit, List<String> groupCols) {
    boolean hasLabel = Arrays.asList(relevance.columns()).contains("label");
    List<Column> fields = new ArrayList<>(List.of(col("status"), col("predicted"), col("predicted_label"),
        hasLabel ? col("label") : lit(null).cast(DataTypes.IntegerType).as("label"), col("text_length"),
        units(relevance, unit).as("units")));
    for (int g = 0; g < groupCols.size(); g++) {
      fields.add(col(groupCols.get(g)).cast(DataTypes.StringType).as("g" + g));
    }
    Dataset<Row> rel = relevance.groupBy(col("id")).agg(count(lit(1)).as("copies"),
        first(struct(fields.toArray(Column[]::new))).as("r"));
    Dataset<Row> m = mentions.select(col("id"), col("start").cast(DataTypes.IntegerType).as("start"),
        col("end").cast(DataTypes.IntegerType).as("end"), col("surface"), col("kind"));
    Dataset<Row> j = m.join(rel, m.col("id").equalTo(rel.col("id")), "left").drop(rel.col("id"));

    Column status = when(col("r").isNull(), lit(NOT_IN_RELEVANCE))
        .when(col("copies").gt(1), lit(DUPLICATE_ID))
        .when(col("r.status").isNull().or(col("r.status").notEqual(lit("ok"))), lit(RELEVANCE_NOT_OK))
        .when(col("start").isNull().or(col("end").isNull()).or(col("kind").isNull()), lit(MISSING_FIELD))
        .when(col("end").leq(col("start")), lit(EMPTY_SPAN))
        .when(col("start").lt(0).or(col("r.text_length").isNotNull().and(col("end").gt(col("r.text_length")))),
            lit(OUTSIDE_TEXT))
        .when(expr("size(filter(r.units, x -> x.start < `end` AND x.`end` > start)) = 0"), lit(NO_UNIT))
        .when(expr("aggregate(r.units, 0D, (a, x) -> a + abs(x.relevance)) = 0"), lit(ZERO_RELEVANCE))
        .otherwise(lit(OK));
    // Span statistics only for ok mentions (null otherwise).
    Column ok = col("status").equalTo(OK);
    Column spanRel = expr("aggregate(filter(r.units, x -> x.start < `end` AND x.`end` > start), 0D, "
        + "(a, x) -> a + x.relevance)");
    Column absTotal = expr("aggregate(r.units, 0D, (a, x) -> a + abs(x.relevance))");
    Column third = expr("element_at(sort_array(transform(filter(r.units, x -> x.`end` > x.start), "
        + "x -> abs(x.relevance)), false), least(3, size(filter(r.units, x -> x.`end` > x.start))))");
    Column top3 = expr("exists(filter(r.units, x -> x.start < `end` AND x.`end` > start AND x.`end` > x.start), "
        + "x -> abs(x.relevance) >= _third)");
    List<Column> out = new ArrayList<>(List.of(col("id"), col("start"), col("end"), col("surface"), col("kind"),
        coalesce(lower(col("surface")), lit("")).as("term"),
        col("status"), col("r.status").as("relevance_status"), col("r.predicted").as("predicted"),
        col("r.predicted_label").as("predicted_label"),
        col("r.label").as("label"),
        when(ok, spanRel).as("span_relevance"),
        when(ok, spanRel.divide(absTotal)).as("share"),
        when(ok, when(top3, lit(1.0)).otherwise(lit(0.0))).as("top3")));
    for (int g = 0; g < groupCols.size(); g++) {
      out.add(col("r.g" + g).as(groupCols.get(g)));
    }
    return j.withColumn("status", status)
        .withColumn("_third", third)
        .select(out.toArray(Column[]::new));
  }
}
