package org.lrpaudit.bench;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Measures the annotate job on the audit corpus, where each probe's planted entity is known (slot_kind, slot_value,
 * slot_start, slot_end): per kind, planted slots found with the exact span and kind (recall), found with another kind,
 * and mentions in probes that are not the planted slot (false positives: templates hold no other entity). Also prints
 * every mention in the real sentences (rows without a slot), for judging by hand.
 * Usage: AnnotateProbeCheck AUDIT_CORPUS_CSV MENTIONS_FOLDER
 */
public final class AnnotateProbeCheck {
  private AnnotateProbeCheck() {
  }

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("annotate-probe-check")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      Dataset<Row> corpus = spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"")
          .csv(args[0]);
      Map<String, Row> probes = new HashMap<>();
      Map<String, String> real = new TreeMap<>();
      for (Row r : corpus.select("id", "text", "slot_kind", "slot_value", "slot_start", "slot_end").collectAsList()) {
        if (r.isNullAt(2) || r.getString(2).isEmpty()) {
          real.put(r.getString(0), r.getString(1));
        } else {
          probes.put(r.getString(0), r);
        }
      }
      Map<String, int[]> perKind = new TreeMap<>(); // planted, found, other kind
      Map<String, Integer> extra = new TreeMap<>();
      List<String> realMentions = new ArrayList<>();
      Map<String, Boolean> found = new HashMap<>();
      for (Row m : spark.read().parquet(args[1]).orderBy(col("id"), col("start")).collectAsList()) {
        String id = m.getString(0);
        Row p = probes.get(id);
        if (p == null) {
          realMentions.add(id + "\t" + m.getInt(1) + "\t" + m.getInt(2) + "\t" + m.getString(3) + "\t" + m.getString(4));
          continue;
        }
        boolean sameSpan = Integer.parseInt(p.getString(4)) == m.getInt(1) && Integer.parseInt(p.getString(5)) == m.getInt(2);
        if (sameSpan) {
          found.put(id, p.getString(2).equals(m.getString(4)));
        } else {
          extra.merge(p.getString(2), 1, Integer::sum);
          System.out.println("extra mention in probe " + id + ": '" + m.getString(3) + "' " + m.getString(4) + " in \""
              + p.getString(1) + "\"");
        }
      }
      for (Row p : probes.values()) {
        int[] c = perKind.computeIfAbsent(p.getString(2), k -> new int[3]);
        c[0]++;
        Boolean f = found.get(p.getString(0));
        if (f != null && f) {
          c[1]++;
        } else if (f != null) {
          c[2]++;
          System.out.println("wrong kind in probe " + p.getString(0) + ": " + p.getString(3));
        } else {
          System.out.println("missed in probe " + p.getString(0) + ": " + p.getString(3) + " in \"" + p.getString(1) + "\"");
        }
      }
      System.out.println("kind\tplanted\tfound (span and kind)\twrong kind\trecall\textra mentions in probes");
      for (var e : perKind.entrySet()) {
        int[] c = e.getValue();
        System.out.printf("%s\t%d\t%d\t%d\t%.4f\t%d%n", e.getKey(), c[0], c[1], c[2], c[1] / (double) c[0],
            extra.getOrDefault(e.getKey(), 0));
      }
      System.out.println("real sentences: " + real.size() + ", mentions in them: " + realMentions.size());
      realMentions.forEach(s -> System.out.println("real\t" + s + "\t" + real.get(s.split("\t")[0])));
    } finally {
      spark.stop();
    }
  }
}
