package org.lrpaudit.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Which explained rows the dashboard shows (text and image relevance tables alike): the ids asked for that the table
 * holds, then the most confident row of each predicted class in turn (highest explained logit, ties by id), so a
 * handful of examples covers the classes instead of repeating the easiest one.
 */
final class ExampleChoice {
  private ExampleChoice() {}

  /** table: explained rows with columns id, predicted_label, explained_logit. Returns ids in the order to show. */
  static List<String> ids(Dataset<Row> table, List<String> asked, int count) {
    Set<String> chosen = new LinkedHashSet<>();
    if (!asked.isEmpty()) {
      Set<String> present = new LinkedHashSet<>();
      table.where(col("id").isin(asked.toArray())).select("id").collectAsList().forEach(r -> present.add(r.getString(0)));
      asked.stream().filter(present::contains).forEach(chosen::add);
    }
    int limit = Math.max(count, asked.size());
    List<Row> ranked = table.withColumn("rank", row_number().over(Window.partitionBy("predicted_label")
            .orderBy(col("explained_logit").desc(), col("id"))))
        .where(col("rank").leq(count)).orderBy(col("rank"), col("predicted_label")).select("id").collectAsList();
    for (Row r : ranked) {
      if (chosen.size() >= limit) {
        break;
      }
      chosen.add(r.getString(0));
    }
    return new ArrayList<>(chosen);
  }
}
