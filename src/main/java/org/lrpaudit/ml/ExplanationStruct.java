package org.lrpaudit.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.explainjob.RelevanceTable;

/**
 * The struct RelevanceExplainer nests into its output column: the relevance table's fields (docs/jobs.md) without the
 * ones that belong to the job's table rather than to a row's explanation (id, label: the user's own columns stay beside
 * it; run_id). Derived from RelevanceTable.SCHEMA, so the two cannot drift apart.
 */
final class ExplanationStruct {
  private static final Set<String> TABLE_ONLY = Set.of("id", "label", RelevanceTable.RUN_ID);

  static final StructType TYPE;
  /** Position in a relevance table row of each field of TYPE. */
  private static final int[] FROM;

  static {
    List<StructField> fields = new ArrayList<>();
    List<Integer> from = new ArrayList<>();
    StructField[] all = RelevanceTable.SCHEMA.fields();
    for (int i = 0; i < all.length; i++) {
      if (!TABLE_ONLY.contains(all[i].name())) {
        fields.add(all[i]);
        from.add(i);
      }
    }
    TYPE = DataTypes.createStructType(fields);
    FROM = from.stream().mapToInt(Integer::intValue).toArray();
  }

  private ExplanationStruct() {}

  /** The output column's type: one struct for one method, an array of structs (in the methods' order) for several. */
  static org.apache.spark.sql.types.DataType columnType(int methods) {
    return methods == 1 ? TYPE : DataTypes.createArrayType(TYPE, false);
  }

  /** A relevance table row as the nested struct. */
  static Row of(Row relevanceRow) {
    Object[] values = new Object[FROM.length];
    for (int i = 0; i < FROM.length; i++) {
      values[i] = relevanceRow.get(FROM[i]);
    }
    return RowFactory.create(values);
  }
}
