package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * A Poisson bootstrap of ratio statistics (see {@link Statistic}), computed inside a Spark aggregation. Input: one row
 * per (group, document) with the columns doc_key (long) and num, den (arrays: one numerator and one denominator sum per
 * statistic, in the order of the statistics' list). Each document gets, in replicate b, the weight w_b ~ Poisson(1)
 * drawn from (seed, document key, b): documents are the resampling unit (mentions of one text are not independent), and
 * the same document gets the same weight in every group, so differences between groups are resampled jointly. Statistic j
 * in replicate b is sum w num_j / sum w den_j. Only B x 2 x (number of statistics) sums per group travel; no row reaches
 * the driver. {@link #bootstrap} builds the input from rows and a list of statistics.
 */
public final class BootstrapAggregator extends Aggregator<Row, BootstrapAggregator.Buffer, BootstrapAggregator.Estimate> {
  static final String KEY = "key";
  static final String DOC_KEY = "doc_key";
  static final String NUM = "num";
  static final String DEN = "den";

  /** Running sums: exact (unweighted) and per replicate (weighted), replicate-major: [b * stats + j]. */
  public static final class Buffer implements Serializable {
    long documents;
    double[] num;
    double[] den;
    double[] wnum;
    double[] wden;
  }

  /** The result for one group: exact values, 95% intervals and (if asked) the replicate values, per statistic j. */
  public static final class Estimate implements Serializable {
    public long documents;
    public double[] num;
    public double[] den;
    public double[] value;
    public double[] ciLow;
    public double[] ciHigh;
    /** [j][b], NaN where replicate b resampled no document with den_j > 0; null unless kept. */
    public double[][] replicates;
  }

  private final int stats;
  private final int replicates;
  private final long seed;
  private final boolean keepReplicates;

  public BootstrapAggregator(int stats, int replicates, long seed, boolean keepReplicates) {
    this.stats = stats;
    this.replicates = replicates;
    this.seed = seed;
    this.keepReplicates = keepReplicates;
  }

  /**
   * Groups rows by the key columns and bootstraps every statistic in each group: per (key, document) the numerators and
   * denominators are summed in Spark, then each key's documents are resampled. The key comes back as a Row with the key
   * columns' names (read it by name).
   *
   * @param rows one row per unit (a mention, a text, a pair)
   * @param keys the names of the group's columns
   * @param document the column naming the unit's document (the resampling unit)
   */
  public static Dataset<Tuple2<Row, Estimate>> bootstrap(Dataset<Row> rows, List<String> keys, String document,
      List<Statistic> statistics, int replicates, long seed, boolean keepReplicates) {
    List<Column> groupBy = new ArrayList<>(keys.stream().map(k -> col(k)).toList());
    groupBy.add(col(document).cast(DataTypes.StringType).as("_document"));
    Column[] nums = statistics.stream().map(s -> sum(s.numerator())).toArray(Column[]::new);
    Column[] dens = statistics.stream().map(s -> sum(s.denominator())).toArray(Column[]::new);
    Dataset<Row> perDocument = rows.groupBy(groupBy.toArray(Column[]::new))
        .agg(array(nums).as(NUM), array(dens).as(DEN));
    Dataset<Row> input = perDocument.select(struct(keys.stream().map(k -> col(k)).toArray(Column[]::new)).as(KEY),
        DOCUMENT_KEY.apply(col("_document")).as(DOC_KEY), col(NUM), col(DEN));
    StructType keyType = (StructType) input.schema().apply(KEY).dataType();
    return input.groupByKey((MapFunction<Row, Row>) r -> r.getStruct(r.fieldIndex(KEY)), Encoders.row(keyType))
        .agg(new BootstrapAggregator(statistics.size(), replicates, seed, keepReplicates).toColumn());
  }

  private static final UserDefinedFunction DOCUMENT_KEY =
      udf((UDF1<String, Long>) ReplicateRandom::key, DataTypes.LongType);

  @Override
  public Buffer zero() {
    Buffer b = new Buffer();
    b.num = new double[stats];
    b.den = new double[stats];
    b.wnum = new double[replicates * stats];
    b.wden = new double[replicates * stats];
    return b;
  }

  @Override
  public Buffer reduce(Buffer b, Row r) {
    long doc = r.getLong(r.fieldIndex(DOC_KEY));
    List<Double> numList = r.getList(r.fieldIndex(NUM));
    List<Double> denList = r.getList(r.fieldIndex(DEN));
    double[] num = new double[stats];
    double[] den = new double[stats];
    for (int j = 0; j < stats; j++) {
      num[j] = numList.get(j);
      den[j] = denList.get(j);
      b.num[j] += num[j];
      b.den[j] += den[j];
    }
    b.documents++;
    for (int rep = 0; rep < replicates; rep++) {
      int w = ReplicateRandom.poisson1(seed, doc, rep);
      if (w != 0) {
        int o = rep * stats;
        for (int j = 0; j < stats; j++) {
          b.wnum[o + j] += w * num[j];
          b.wden[o + j] += w * den[j];
        }
      }
    }
    return b;
  }

  @Override
  public Buffer merge(Buffer a, Buffer b) {
    a.documents += b.documents;
    for (int j = 0; j < stats; j++) {
      a.num[j] += b.num[j];
      a.den[j] += b.den[j];
    }
    for (int k = 0; k < a.wnum.length; k++) {
      a.wnum[k] += b.wnum[k];
      a.wden[k] += b.wden[k];
    }
    return a;
  }

  @Override
  public Estimate finish(Buffer b) {
    Estimate e = new Estimate();
    e.documents = b.documents;
    e.num = b.num;
    e.den = b.den;
    e.value = new double[stats];
    e.ciLow = new double[stats];
    e.ciHigh = new double[stats];
    double[][] reps = new double[stats][replicates];
    for (int j = 0; j < stats; j++) {
      e.value[j] = b.den[j] > 0 ? b.num[j] / b.den[j] : Double.NaN;
      for (int rep = 0; rep < replicates; rep++) {
        double den = b.wden[rep * stats + j];
        reps[j][rep] = den > 0 ? b.wnum[rep * stats + j] / den : Double.NaN;
      }
      double[] ci = Intervals.percentile(reps[j]);
      e.ciLow[j] = ci[0];
      e.ciHigh[j] = ci[1];
    }
    e.replicates = keepReplicates ? reps : null;
    return e;
  }

  @Override
  public Encoder<Buffer> bufferEncoder() {
    return Encoders.kryo(Buffer.class);
  }

  @Override
  public Encoder<Estimate> outputEncoder() {
    return Encoders.kryo(Estimate.class);
  }
}
