package org.lrpaudit.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Generates a synthetic relevance table and mentions table for the bias job benchmark, inside Spark (nothing is built on
 * the driver): N relevance rows of 6-20 words with seeded N(0, 1) relevance (0.1% of them error rows), and per row one
 * mention (a second one with probability 0.3) of a name or entity drawn from 5 kinds x 40 terms, whose word carries a
 * kind-dependent relevance shift; 0.1% of the mentions point at an id that does not exist.
 * Usage: BiasBenchData OUT_DIR [ROWS] [PARTITIONS]; writes OUT_DIR/relevance (run_id=bench/method=lrp-ah-ln) and
 * OUT_DIR/mentions.
 */
public final class BiasBenchData {
  static final String[] KINDS = {"female_name", "male_name", "country", "city", "organization"};
  static final double[] SHIFT = {-0.3, 0.3, 0.0, 0.1, -0.2};

  private BiasBenchData() {}

  public static void main(String[] args) {
    String out = args[0];
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000L;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    SparkSession spark = SparkSession.builder().appName("bias-bench-data").master("local[*]")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      StructType schema = org.lrpaudit.explainjob.RelevanceTable.SCHEMA;
      spark.range(0, rows, 1, partitions).map((MapFunction<Long, Row>) BiasBenchData::relevanceRow,
              Encoders.row(schema))
          .write().mode(SaveMode.Overwrite).partitionBy("run_id", "method").parquet(out + "/relevance");
      StructType mentions = new StructType().add("id", DataTypes.StringType).add("start", DataTypes.IntegerType)
          .add("end", DataTypes.IntegerType).add("surface", DataTypes.StringType).add("kind", DataTypes.StringType)
          .add("lexicon", DataTypes.StringType);
      spark.range(0, rows, 1, partitions).flatMap((FlatMapFunction<Long, Row>) BiasBenchData::mentionRows,
          Encoders.row(mentions)).write().mode(SaveMode.Overwrite).parquet(out + "/mentions");
      System.out.println("{\"relevance_rows\": " + spark.read().parquet(out + "/relevance").count()
          + ", \"mention_rows\": " + spark.read().parquet(out + "/mentions").count() + "}");
    } finally {
      spark.stop();
    }
  }

  /** The words of row i and where its mentions are: a pure function of i, shared by both tables. */
  record Layout(List<String> words, List<int[]> mentions) {}

  static Layout layout(long i) {
    Random r = new Random(i * 0x9E3779B97F4A7C15L + 17);
    int n = 6 + r.nextInt(15);
    List<String> words = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      words.add("w" + r.nextInt(5000));
    }
    List<int[]> mentions = new ArrayList<>();
    int count = r.nextDouble() < 0.3 ? 2 : 1;
    for (int m = 0; m < count; m++) {
      int pos = r.nextInt(n);
      int kind = r.nextInt(KINDS.length);
      int term = r.nextInt(40);
      words.set(pos, KINDS[kind].substring(0, 3) + term);
      mentions.add(new int[] {pos, kind});
    }
    return new Layout(words, mentions);
  }

  static Row relevanceRow(long i) {
    Layout l = layout(i);
    String id = "b" + i;
    if (i % 1000 == 999) {
      return RowFactory.create(id, null, "text_too_long", "generated error row", "bench-model", null, null, null, null,
          null, null, null, null, null, null, null, 100, null, "bench", "lrp-ah-ln");
    }
    Random r = new Random(i);
    List<Object> units = new ArrayList<>();
    units.add(RowFactory.create("[CLS]", 0, 0, r.nextGaussian(), 0));
    int pos = 0;
    double sum = 0;
    for (int k = 0; k < l.words().size(); k++) {
      String w = l.words().get(k);
      double rel = r.nextGaussian();
      for (int[] m : l.mentions()) {
        if (m[0] == k) {
          rel += SHIFT[m[1]];
        }
      }
      sum += rel;
      units.add(RowFactory.create(w, pos, pos + w.length(), rel, 0));
      pos += w.length() + 1;
    }
    units.add(RowFactory.create("[SEP]", 0, 0, r.nextGaussian(), 0));
    int predicted = sum > 0 ? 1 : 0;
    scala.collection.Seq<Object> seq = JavaConverters.asScalaBuffer(units).toSeq();
    return RowFactory.create(id, (int) (i % 2), "ok", null, "bench-model", predicted, predicted == 1 ? "POSITIVE"
        : "NEGATIVE", predicted, predicted == 1 ? "POSITIVE" : "NEGATIVE", sum,
        JavaConverters.asScalaBuffer(List.<Object>of(0f, 0f)).toSeq(), seq, seq, sum, 0.0, false, pos - 1,
        units.size(), "bench", "lrp-ah-ln");
  }

  static Iterator<Row> mentionRows(long i) {
    Layout l = layout(i);
    List<Row> out = new ArrayList<>();
    for (int[] m : l.mentions()) {
      int start = 0;
      for (int k = 0; k < m[0]; k++) {
        start += l.words().get(k).length() + 1;
      }
      String w = l.words().get(m[0]);
      String id = i % 1000 == 500 ? "missing-" + i : "b" + i;
      out.add(RowFactory.create(id, start, start + w.length(), w, KINDS[m[1]], "bench"));
    }
    return out.iterator();
  }
}
