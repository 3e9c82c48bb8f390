package org.lrpaudit.report;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditConf;
import org.lrpaudit.explainjob.RelevanceTable;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.CorpusSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's example texts from an audit's relevance table, chosen by {@link ExampleChoice}, with their text
 * joined from the corpus (read as the explain job reads it).
 */
final class RelevanceExamples {
  private static final Logger LOG = LoggerFactory.getLogger(RelevanceExamples.class);

  private RelevanceExamples() {}

  static List<Heatmap.Example> read(SparkSession spark, AuditConf.RelevanceOutput rel, String corpus, String model,
      List<String> ids, int count) {
    Dataset<Row> table = spark.read().parquet(rel.path())
        .where(col(RelevanceTable.RUN_ID).equalTo(rel.runId()).and(col(RelevanceTable.METHOD).equalTo(rel.method()))
            .and(col("status").equalTo(RelevanceTable.OK)))
        .select("id", "label", "predicted_label", "explained_label", "explained_logit", "words", "truncated");
    List<String> order = ExampleChoice.ids(table, ids, count);
    Map<String, Row> chosen = new LinkedHashMap<>();
    order.forEach(id -> chosen.put(id, null));
    for (Row r : table.where(col("id").isin(order.toArray())).collectAsList()) {
      chosen.put(r.getString(0), r);
    }
    Map<String, String> texts = texts(spark, corpus, model, rel.path(), new ArrayList<>(chosen.keySet()));
    List<Heatmap.Example> out = new ArrayList<>();
    for (Row r : chosen.values()) {
      List<Heatmap.Word> words = new ArrayList<>();
      for (Row w : r.<Row>getList(5)) {
        words.add(new Heatmap.Word(w.getString(0), w.getInt(1), w.getInt(2), w.getDouble(3)));
      }
      out.add(new Heatmap.Example(r.getString(0), texts.get(r.getString(0)), r.isNullAt(1) ? null : r.getInt(1),
          r.getString(2), r.getString(3), r.getDouble(4), words, !r.isNullAt(6) && r.getBoolean(6)));
    }
    return out;
  }

  /** id -> text from the corpus; empty (the heatmaps then show the words alone) when the corpus cannot be read. */
  private static Map<String, String> texts(SparkSession spark, String corpus, String model, String relevance,
      List<String> ids) {
    Map<String, String> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try {
      for (Row r : new CorpusReader(spark, CorpusSource.of(corpus)).read().where(col("id").isin(ids.toArray()))
          .select("id", "text").collectAsList()) {
        out.put(r.getString(0), r.getString(1));
      }
    } catch (RuntimeException e) {
      LOG.warn("dashboard: cannot read the texts from {} ({}); the heatmaps show the words only", corpus,
          e.getMessage());
    }
    return out;
  }
}
