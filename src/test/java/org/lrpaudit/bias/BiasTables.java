package org.lrpaudit.bias;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.explainjob.RelevanceTable;

/** Hand-built relevance and mentions tables for the bias tests (schemas of the README / the table contract). */
final class BiasTables {
  static final StructType MENTIONS = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("start", DataTypes.IntegerType, true),
      DataTypes.createStructField("end", DataTypes.IntegerType, true),
      DataTypes.createStructField("surface", DataTypes.StringType, true),
      DataTypes.createStructField("kind", DataTypes.StringType, true),
      DataTypes.createStructField("lexicon", DataTypes.StringType, true)});

  /** A word with offsets and relevance; [CLS]/[SEP] are (0, 0). */
  record Unit(String token, int start, int end, double relevance) {}

  /** One relevance row: a text made of words separated by single spaces, with the given relevance per word. */
  record Doc(String id, String status, int predicted, String predictedLabel, Integer label, List<Unit> units,
      int textLength) {}

  record Mention(String id, int start, int end, String surface, String kind) {}

  private BiasTables() {}

  /** [CLS] (relevance cls), the words with their relevance, [SEP] (relevance sep). */
  static Doc doc(String id, int predicted, Integer label, List<String> words, double[] relevance, double cls, double sep) {
    List<Unit> units = new ArrayList<>();
    units.add(new Unit("[CLS]", 0, 0, cls));
    int pos = 0;
    for (int i = 0; i < words.size(); i++) {
      units.add(new Unit(words.get(i), pos, pos + words.get(i).length(), relevance[i]));
      pos += words.get(i).length() + 1;
    }
    units.add(new Unit("[SEP]", 0, 0, sep));
    return new Doc(id, "ok", predicted, predicted == 1 ? "POSITIVE" : "NEGATIVE", label, units, Math.max(0, pos - 1));
  }

  static Doc failed(String id) {
    return new Doc(id, "text_too_long", 0, null, null, null, 10);
  }

  static Path writeRelevance(SparkSession spark, Path dir, List<Doc> docs, String runId, String method) {
    List<Row> rows = new ArrayList<>();
    for (Doc d : docs) {
      List<Row> units = null;
      if (d.units() != null) {
        units = new ArrayList<>();
        for (Unit u : d.units()) {
          units.add(RowFactory.create(u.token(), u.start(), u.end(), u.relevance(), 0));
        }
      }
      boolean ok = d.status().equals("ok");
      rows.add(RowFactory.create(d.id(), d.label(), d.status(), ok ? null : "failed", "model-x",
          ok ? d.predicted() : null, d.predictedLabel(), ok ? d.predicted() : null, d.predictedLabel(), ok ? 0.5 : null,
          ok ? List.of(0.1f, 0.2f) : null, units, units, null, null, false, d.textLength(), null, runId, method));
    }
    Path out = dir.resolve("relevance");
    spark.createDataFrame(rows, RelevanceTable.SCHEMA).write().mode(SaveMode.Append).partitionBy("run_id", "method")
        .parquet(out.toString());
    return out;
  }

  static Path writeMentions(SparkSession spark, Path file, List<Mention> mentions) {
    List<Row> rows = new ArrayList<>();
    for (Mention m : mentions) {
      rows.add(RowFactory.create(m.id(), m.start(), m.end(), m.surface(), m.kind(), "test"));
    }
    spark.createDataFrame(rows, MENTIONS).coalesce(1).write().mode(SaveMode.Overwrite).parquet(file.toString());
    return file;
  }

  static SparkSession spark() {
    return SparkSession.builder().master("local[2]").appName("lrp-bias-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }
}
