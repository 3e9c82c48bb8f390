package org.lrpaudit.bias;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The random primitives behind bootstrap and permutation tests, against their distributions and exact enumeration. */
class RelabellingTest {
  @Test
  void poissonWeightsHavePoissonOneFrequencies() {
    int draws = 200_000;
    long[] counts = new long[8];
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < draws; i++) {
      int k = ReplicateRandom.poisson1(42, ReplicateRandom.key("doc" + (i % 5000)), i / 5000);
      counts[Math.min(k, 7)]++;
      sum += k;
      sumSq += (double) k * k;
    }
    double factorial = 1;
    for (int k = 0; k < 5; k++) {
      factorial *= Math.max(1, k);
      double p = Math.exp(-1) / factorial;
      double se = Math.sqrt(p * (1 - p) / draws);
      assertEquals(p, counts[k] / (double) draws, 4 * se, "P(K = " + k + ")");
    }
    double mean = sum / draws;
    assertEquals(1.0, mean, 0.01);
    assertEquals(1.0, sumSq / draws - mean * mean, 0.02);
  }

  @Test
  void feistelPermutationsAreBijectionsAndUniform() {
    for (long n : new long[] {1, 2, 3, 7, 64, 1000, 12_345}) {
      FeistelPermutation p = new FeistelPermutation(n, 9, 3);
      Set<Long> seen = new HashSet<>();
      for (long i = 0; i < n; i++) {
        long y = p.permute(i);
        assertTrue(y >= 0 && y < n && seen.add(y), "n " + n + ": " + i + " -> " + y);
      }
    }
    // Where index 1 goes over 20,000 keys: each place about equally often (chi-square below its 0.999 quantile).
    int[] sizes = {3, 10, 37};
    double[] quantile999 = {13.82, 27.88, 67.99}; // chi-square 0.999 quantiles for 2, 9, 36 degrees of freedom
    for (int c = 0; c < sizes.length; c++) {
      int n = sizes[c];
      long[] where = new long[n];
      for (int r = 0; r < 20_000; r++) {
        where[(int) new FeistelPermutation(n, 5, r).permute(1)]++;
      }
      double expected = 20_000.0 / n;
      double chi = 0;
      for (long k : where) {
        chi += (k - expected) * (k - expected) / expected;
      }
      assertTrue(chi < quantile999[c], "n " + n + ": chi-square " + chi);
    }
  }

  @Test
  void subsetsAreAllSubsetsOfTheirSize() {
    long[] masks = Relabellings.subsets(7, 3);
    assertEquals(35, masks.length);
    Set<Long> distinct = new HashSet<>();
    for (long m : masks) {
      assertEquals(3, Long.bitCount(m));
      assertTrue(m < (1L << 7));
      distinct.add(m);
    }
    assertEquals(35, distinct.size());
  }

  @Test
  void signFlipPValuesInSparkMatchExactEnumeration() {
    SparkSession spark = BiasTables.spark();
    Random r = new Random(4);
    for (int n : new int[] {8, 16}) {
      double[] d = new double[n];
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        d[i] = 0.25 + r.nextGaussian();
        rows.add(RowFactory.create((long) i, d[i]));
      }
      Dataset<Row> ds = spark.createDataFrame(rows, new StructType().add("index", DataTypes.LongType)
          .add("d", DataTypes.DoubleType)).repartition(3);
      int permutations = 20_000;
      RelabelAggregator.Relabelling flips = Relabellings.signFlips(n, permutations, 11);
      double[] sums = ds.select(new RelabelAggregator(flips, List.of("d")).toColumn()).first();
      double observed = java.util.Arrays.stream(d).sum() / n;
      double[] t = new double[flips.relabellings()];
      for (int k = 0; k < t.length; k++) {
        t[k] = sums[k] / n;
      }
      boolean exact = Relabellings.signFlipExact(n, permutations);
      double p = Intervals.pValue(observed, t, exact);
      double reference = exactSignFlip(d);
      if (exact) {
        assertEquals(reference, p, 1e-12, "n " + n);
      } else {
        double se = Math.sqrt(reference * (1 - reference) / permutations);
        assertTrue(Math.abs(p - reference) < 4 * se + 1e-4, "n " + n + ": " + p + " vs exact " + reference);
      }
    }
  }

  /** Plain enumeration of all 2^n sign vectors. */
  static double exactSignFlip(double[] d) {
    double observed = Math.abs(java.util.Arrays.stream(d).sum()) * (1 - 1e-9);
    long extreme = 0;
    for (long mask = 0; mask < (1L << d.length); mask++) {
      double s = 0;
      for (int i = 0; i < d.length; i++) {
        s += ((mask >>> i) & 1) == 0 ? d[i] : -d[i];
      }
      if (Math.abs(s) >= observed) {
        extreme++;
      }
    }
    return extreme / (double) (1L << d.length);
  }
}
