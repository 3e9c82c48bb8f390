package org.lrpaudit.bias;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The permutation test of the gaps between two kinds of mentions (BiasStatistics' group_gap rows). */
final class KindPermutations {
  /** Joins the parts of the string a comparison's permutation seed is derived from (kept so the seeds stay the same). */
  private static final String SEED_SEP = "\u0001";

  private KindPermutations() {}

  /**
   * Permutation p-values of the mean differences of the mention statistics between kinds a and b within one predicted
   * class. Units (mentions ordered by id and offsets, or with --permutation-unit term each (kind, term) with all its
   * mentions) are indexed 0..n-1 and relabelled with the number of units per group fixed; the statistic is always the
   * difference of mention means, so with term units the group's mention count is summed per relabelling.
   */
  static double[] pValues(Dataset<Row> ok, String a, String b, String cls, BootstrapAggregator.Estimate x,
      BootstrapAggregator.Estimate y, BiasOptions o) {
    List<Statistic> mention = Statistics.MENTION;
    Dataset<Row> rows = ok.where(col("kind").isin(a, b));
    if (!cls.equals(BiasStats.ALL)) {
      rows = rows.where(BiasStatistics.predictedClass().equalTo(cls));
    }
    boolean byTerm = o.permutationUnit().equals("term");
    long mentionsA = (long) x.den[0];
    long mentions = mentionsA + (long) y.den[0];
    // Units numbered 0..n-1 without funnelling rows through one partition (a window without partitioning did): a
    // distributed sort, then zipWithIndex (only per-partition counts reach the driver). Same numbers as row_number /
    // dense_rank over the order.
    Dataset<Row> numbered;
    if (byTerm) {
      Dataset<Row> units = RelabelAggregator.numberRows(rows.select(col("kind").as("u_kind"), col("term").as("u_term")).distinct(),
          col("u_kind"), col("u_term"));
      numbered = rows.join(units, col("kind").eqNullSafe(col("u_kind")).and(col("term").eqNullSafe(col("u_term"))));
    } else {
      numbered = RelabelAggregator.numberRows(rows, col("id"), col("start"), col("end"), col("kind"));
    }
    List<Column> values = new ArrayList<>(List.of(col(RelabelAggregator.INDEX)));
    List<String> valueNames = new ArrayList<>();
    for (int j = 0; j < mention.size(); j++) {
      values.add(mention.get(j).numerator().cast("double").as("v" + j));
      valueNames.add("v" + j);
    }
    values.add(lit(1.0).as("mentions"));
    valueNames.add("mentions");
    Dataset<Row> indexed = numbered.select(values.toArray(Column[]::new));
    long nA = mentionsA;
    long n = mentions;
    if (byTerm) {
      Row units = rows.agg(countDistinct(col("kind"), col("term")),
          countDistinct(when(col("kind").equalTo(a), col("term")))).first();
      n = units.getLong(0);
      nA = units.getLong(1);
    }
    long seed = o.seed() ^ ReplicateRandom.key(a + SEED_SEP + b + SEED_SEP + cls);
    RelabelAggregator.Relabelling relabel = Relabellings.twoGroups(n, nA, o.permutations(), seed);
    int width = valueNames.size();
    double[] sums = indexed.select(new RelabelAggregator(relabel, valueNames).toColumn()).first();
    int k = relabel.relabellings();
    boolean exact = Relabellings.twoGroupExact(n, nA, o.permutations());
    double[] p = new double[mention.size()];
    for (int j = 0; j < mention.size(); j++) {
      if (mention.get(j).test() != Statistic.Test.PERMUTATION) {
        p[j] = Double.NaN;
        continue;
      }
      double total = x.num[j] + y.num[j];
      double observed = x.num[j] / mentionsA - y.num[j] / (mentions - mentionsA);
      double[] t = new double[k];
      for (int r = 0; r < k; r++) {
        double sa = sums[r * width + j];
        double ca = sums[r * width + width - 1]; // mentions in group A under relabelling r (fixed unless units are terms)
        t[r] = sa / ca - (total - sa) / (mentions - ca);
      }
      p[j] = Intervals.pValue(observed, t, exact);
    }
    return p;
  }
}
