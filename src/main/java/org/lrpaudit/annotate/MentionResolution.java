package org.lrpaudit.annotate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The last stage of the annotate pipeline: from the Spark NLP matchers' chunk columns to the mentions rows
 * (MentionsTable.SCHEMA), one row per mention, overlaps resolved ({@link MentionExtractor}). It changes the number of
 * rows, as the mentions table does. A column {@code row} of the input (the annotate job's row key, for counting) is
 * carried through as the last column; without one, the output is exactly the mentions table.
 */
public final class MentionResolution extends Transformer {
  private static final long serialVersionUID = 1L;
  static final String ROW = "row";

  private final String uid;
  private final List<String> matchColumns;
  private final MentionExtractor extractor;

  MentionResolution(List<String> matchColumns, MentionExtractor extractor) {
    this(Identifiable$.MODULE$.randomUID("mentionResolution"), matchColumns, extractor);
  }

  private MentionResolution(String uid, List<String> matchColumns, MentionExtractor extractor) {
    this.uid = uid;
    this.matchColumns = List.copyOf(matchColumns);
    this.extractor = extractor;
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> rows = dataset.toDF();
    boolean keyed = Arrays.asList(rows.columns()).contains(ROW);
    List<Column> select = new ArrayList<>(List.of(keyed ? col(ROW) : monotonically_increasing_id().as(ROW),
        col(MentionsTable.ID).cast(DataTypes.StringType), col(MentionPipeline.TEXT)));
    matchColumns.forEach(c -> select.add(col(c)));
    Dataset<Row> mentions = rows.select(select.toArray(Column[]::new))
        .flatMap(extractor, Encoders.row(MentionsTable.SCHEMA.add(ROW, DataTypes.LongType, false)));
    return keyed ? mentions : mentions.drop(ROW);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    List<String> have = Arrays.asList(schema.fieldNames());
    List<String> needed = new ArrayList<>(List.of(MentionsTable.ID, MentionPipeline.TEXT));
    needed.addAll(matchColumns);
    List<String> missing = needed.stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("mention resolution needs the column(s) " + missing + " (it has " + have
          + ")");
    }
    return have.contains(ROW) ? MentionsTable.SCHEMA.add(ROW, DataTypes.LongType, false) : MentionsTable.SCHEMA;
  }

  @Override
  public MentionResolution copy(ParamMap extra) {
    return new MentionResolution(uid, matchColumns, extractor);
  }
}
