package org.lrpaudit.bias;

import java.io.Serializable;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Poisson bootstrap of ratio statistics, computed inside a Spark aggregation. Input: one row per (group, document) with
 * three numerators and three denominators (e.g. sum of span relevance, sum of shares, top-3 hits over the mention count).
 * Each document gets, in replicate b, the weight w_b ~ Poisson(1) drawn from (seed, document key, b): documents are the
 * resampling unit (mentions of one text are not independent), and the same document gets the same weight in every group,
 * so differences between groups are resampled jointly. Statistic j in replicate b is sum w num_j / sum w den_j.
 * Only B x 6 sums per group travel; no row reaches the driver.
 */
public final class BootstrapAggregator extends Aggregator<Row, BootstrapAggregator.Buffer, BootstrapAggregator.Estimate> {
  public static final int STATS = 3;

  /** The input rows: the group key, the document key, then numerators and denominators. */
  public static final StructType INPUT = new StructType(new StructField[] {
      DataTypes.createStructField("group_key", DataTypes.StringType, false),
      DataTypes.createStructField("doc_key", DataTypes.LongType, false),
      DataTypes.createStructField("num0", DataTypes.DoubleType, false),
      DataTypes.createStructField("num1", DataTypes.DoubleType, false),
      DataTypes.createStructField("num2", DataTypes.DoubleType, false),
      DataTypes.createStructField("den0", DataTypes.DoubleType, false),
      DataTypes.createStructField("den1", DataTypes.DoubleType, false),
      DataTypes.createStructField("den2", DataTypes.DoubleType, false)});

  /** Running sums: exact (unweighted) and per replicate (weighted), replicate-major: [b * STATS + j]. */
  public static final class Buffer implements Serializable {
    long documents;
    double[] num = new double[STATS];
    double[] den = new double[STATS];
    double[] wnum;
    double[] wden;
  }

  /** The result for one group: exact values, 95% intervals and (if asked) the replicate values. */
  public static final class Estimate implements Serializable {
    public long documents;
    public double[] num;
    public double[] den;
    public double[] value = new double[STATS];
    public double[] ciLow = new double[STATS];
    public double[] ciHigh = new double[STATS];
    /** [j][b], NaN where replicate b resampled no document with den_j > 0; null unless kept. */
    public double[][] replicates;
  }

  private final int replicates;
  private final long seed;
  private final boolean keepReplicates;

  public BootstrapAggregator(int replicates, long seed, boolean keepReplicates) {
    this.replicates = replicates;
    this.seed = seed;
    this.keepReplicates = keepReplicates;
  }

  @Override
  public Buffer zero() {
    Buffer b = new Buffer();
    b.wnum = new double[replicates * STATS];
    b.wden = new double[replicates * STATS];
    return b;
  }

  @Override
  public Buffer reduce(Buffer b, Row r) {
    long doc = r.getLong(1);
    double n0 = r.getDouble(2);
    double n1 = r.getDouble(3);
    double n2 = r.getDouble(4);
    double d0 = r.getDouble(5);
    double d1 = r.getDouble(6);
    double d2 = r.getDouble(7);
    b.documents++;
    b.num[0] += n0;
    b.num[1] += n1;
    b.num[2] += n2;
    b.den[0] += d0;
    b.den[1] += d1;
    b.den[2] += d2;
    for (int rep = 0; rep < replicates; rep++) {
      int w = ReplicateRandom.poisson1(seed, doc, rep);
      if (w != 0) {
        int o = rep * STATS;
        b.wnum[o] += w * n0;
        b.wnum[o + 1] += w * n1;
        b.wnum[o + 2] += w * n2;
        b.wden[o] += w * d0;
        b.wden[o + 1] += w * d1;
        b.wden[o + 2] += w * d2;
      }
    }
    return b;
  }

  @Override
  public Buffer merge(Buffer a, Buffer b) {
    a.documents += b.documents;
    for (int j = 0; j < STATS; j++) {
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
    double[][] reps = new double[STATS][replicates];
    for (int j = 0; j < STATS; j++) {
      e.value[j] = b.den[j] > 0 ? b.num[j] / b.den[j] : Double.NaN;
      for (int rep = 0; rep < replicates; rep++) {
        double den = b.wden[rep * STATS + j];
        reps[j][rep] = den > 0 ? b.wnum[rep * STATS + j] / den : Double.NaN;
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
