package org.lrpaudit.bias;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * Sums of coefficient x value over rows for R relabellings at once, inside a Spark aggregation: the null distribution of a
 * permutation or sign-flip test as R x K sums (K values per row), without collecting rows. Input rows have a long
 * column "index" (0..n-1 within the tested set) and the K double value columns named by the caller; the sums come out
 * relabelling-major: [r * K + k] for value column k.
 */
public final class RelabelAggregator extends Aggregator<Row, double[], double[]> {
  /** The coefficient of row i in relabelling r (1/0 for a group indicator, +1/-1 for a sign flip). */
  public interface Relabelling extends Serializable {
    int relabellings();

    int coefficient(int r, long index);
  }

  static final String INDEX = "index";

  private final Relabelling relabelling;
  private final String[] valueColumns;
  private final int values;

  public RelabelAggregator(Relabelling relabelling, List<String> valueColumns) {
    this.relabelling = relabelling;
    this.valueColumns = valueColumns.toArray(String[]::new);
    this.values = this.valueColumns.length;
  }

  @Override
  public double[] zero() {
    return new double[relabelling.relabellings() * values];
  }

  @Override
  public double[] reduce(double[] sums, Row row) {
    long index = row.getLong(row.fieldIndex(INDEX));
    double[] v = new double[values];
    for (int k = 0; k < values; k++) {
      v[k] = row.getDouble(row.fieldIndex(valueColumns[k]));
    }
    for (int r = 0; r < relabelling.relabellings(); r++) {
      int c = relabelling.coefficient(r, index);
      if (c != 0) {
        for (int k = 0; k < values; k++) {
          sums[r * values + k] += c * v[k];
        }
      }
    }
    return sums;
  }

  @Override
  public double[] merge(double[] a, double[] b) {
    for (int k = 0; k < a.length; k++) {
      a[k] += b[k];
    }
    return a;
  }

  @Override
  public double[] finish(double[] sums) {
    return sums;
  }

  @Override
  public Encoder<double[]> bufferEncoder() {
    return Encoders.kryo(double[].class);
  }

  @Override
  public Encoder<double[]> outputEncoder() {
    return Encoders.kryo(double[].class);
  }

  /**
   * rows with the INDEX column: 0..n-1 in the given total order, computed in parallel (sort + zipWithIndex; a window
   * without partitioning would move every row into one partition).
   */
  public static Dataset<Row> numberRows(Dataset<Row> rows, Column... order) {
    Dataset<Row> sorted = rows.orderBy(order);
    org.apache.spark.sql.types.StructType schema = sorted.schema().add(INDEX, org.apache.spark.sql.types.DataTypes.LongType,
        false);
    org.apache.spark.api.java.JavaRDD<Row> indexed = sorted.javaRDD().zipWithIndex().map(t -> {
      Row r = t._1();
      Object[] v = new Object[r.size() + 1];
      for (int i = 0; i < r.size(); i++) {
        v[i] = r.get(i);
      }
      v[r.size()] = t._2();
      return org.apache.spark.sql.RowFactory.create(v);
    });
    return rows.sparkSession().createDataFrame(indexed, schema);
  }
}
