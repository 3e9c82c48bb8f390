package org.lrpaudit.probe;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.bias.BiasStatistics;
import org.lrpaudit.bias.BiasStats;
import org.lrpaudit.bias.BootstrapAggregator;
import org.lrpaudit.bias.Intervals;
import org.lrpaudit.bias.MentionSpans;
import org.lrpaudit.bias.RelabelAggregator;
import org.lrpaudit.bias.Relabellings;
import org.lrpaudit.bias.ReplicateRandom;
import org.lrpaudit.bias.Statistic;
import org.lrpaudit.bias.Statistics;
import scala.Tuple2;

/**
 * The probe's statistics as a function over a probe_pairs Dataset: per swap direction, and pooled over both directions
 * oriented female -> male ({@link #POOLED}), every {@link Statistics#PROBE} statistic with a Poisson-bootstrap interval
 * (texts resampled) and a sign-flip p-value, computed in Spark. The probe job is the pairs' computation plus this.
 */
public final class ProbeStatistics {
  static final String POOLED = "male_minus_female";

  /** probe_stats: one row per direction and statistic. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("group", DataTypes.StringType, false),
      DataTypes.createStructField("statistic", DataTypes.StringType, false),
      DataTypes.createStructField("value", DataTypes.DoubleType, true),
      DataTypes.createStructField("ci_low", DataTypes.DoubleType, true),
      DataTypes.createStructField("ci_high", DataTypes.DoubleType, true),
      DataTypes.createStructField("p_value", DataTypes.DoubleType, true),
      DataTypes.createStructField("n", DataTypes.LongType, false)});

  /** Bootstrap replicates, sign flips per test, and their seed. */
  public record Options(int replicates, int permutations, long seed) implements Serializable {
    public Options {
      if (replicates < 10 || permutations < 10) {
        throw new IllegalArgumentException("replicates and permutations must be at least 10");
      }
    }
  }

  /** probe_stats rows and the summary's headline of them. */
  record Result(List<Row> stats, Map<String, Object> headline) {}

  private ProbeStatistics() {}

  /**
   * The probe_stats rows (schema {@link #SCHEMA}) of a pairs Dataset with the columns id, direction, status and one
   * column per statistic (delta_p, delta_share): rows with status ok and a direction female_to_male or male_to_female.
   * The statistics are computed when this is called (a few Spark jobs); the result is a small local Dataset.
   */
  public static Dataset<Row> compute(Dataset<Row> pairs, Options options) {
    return pairs.sparkSession().createDataFrame(of(pairs, options).stats(), SCHEMA);
  }

  static Result of(Dataset<Row> pairs, Options o) {
    List<Statistic> statistics = Statistics.PROBE;
    List<String> required = new ArrayList<>(List.of("id", "direction", "status"));
    statistics.forEach(st -> required.add(st.name()));
    MentionSpans.requireColumns(pairs, required, "probe pairs");
    Dataset<Row> ok = pairs.where(col("status").equalTo("ok").and(col("direction").isin(
        Counterfactual.FEMALE_TO_MALE, Counterfactual.MALE_TO_FEMALE)));
    Column sign = when(col("direction").equalTo(Counterfactual.FEMALE_TO_MALE), lit(1.0)).otherwise(lit(-1.0));
    List<Column> byDirection = new ArrayList<>(List.of(col("direction"), col("id")));
    List<Column> pooled = new ArrayList<>(List.of(lit(POOLED).as("direction"), col("id")));
    for (Statistic st : statistics) {
      byDirection.add(col(st.name()));
      pooled.add(col(st.name()).multiply(sign).as(st.name()));
    }
    Dataset<Row> deltas = ok.select(byDirection.toArray(Column[]::new)).union(ok.select(pooled.toArray(Column[]::new)));

    Map<String, BootstrapAggregator.Estimate> estimates = new TreeMap<>();
    for (Tuple2<Row, BootstrapAggregator.Estimate> t : BootstrapAggregator.bootstrap(deltas, List.of("direction"), "id",
        statistics, o.replicates(), o.seed(), false).collectAsList()) {
      estimates.put(t._1().getAs("direction"), t._2());
    }
    Map<String, Object> headline = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>();
    estimates.forEach((group, e) -> {
      double[] pv = signFlipP(deltas.where(col("direction").equalTo(group)), e, o, group, statistics);
      for (int j = 0; j < statistics.size(); j++) {
        Statistic st = statistics.get(j);
        rows.add(RowFactory.create(group, st.name(), BiasStats.finite(e.value[j]), BiasStats.finite(e.ciLow[j]),
            BiasStats.finite(e.ciHigh[j]), BiasStats.finite(pv[j]), e.documents));
        String name = group.equals(POOLED) ? POOLED + "_" + st.gapName() : group + "_" + st.name();
        headline.put(name, BiasStatistics.entry(e.value[j], e.ciLow[j], e.ciHigh[j], pv[j], e.documents,
            group.equals(POOLED) ? "mean change of " + st.description() + " from the female to the male version of a "
                + "text (swaps of both directions, oriented female -> male); bootstrap interval, sign-flip p"
                : "mean change of " + st.description() + " when names are swapped " + group.replace('_', ' ')
                + "; bootstrap interval, sign-flip p"));
      }
    });
    return new Result(rows, headline);
  }

  /** Two-sided sign-flip p-values of the mean paired differences of one group, one per statistic. */
  private static double[] signFlipP(Dataset<Row> rows, BootstrapAggregator.Estimate e, Options o, String group,
      List<Statistic> statistics) {
    long n = e.documents;
    RelabelAggregator.Relabelling flips = Relabellings.signFlips(n, o.permutations(), o.seed() ^ ReplicateRandom.key(group));
    List<String> names = statistics.stream().map(Statistic::name).toList();
    // Texts numbered 0..n-1 by id without a window over one partition (sort + zipWithIndex, as the bias job does).
    List<Column> columns = new ArrayList<>(List.of(col("index")));
    names.forEach(c -> columns.add(col(c)));
    Dataset<Row> indexed = RelabelAggregator.numberRows(rows, col("id")).select(columns.toArray(Column[]::new))
        .repartition(rows.sparkSession().sparkContext().defaultParallelism());
    double[] sums = indexed.select(new RelabelAggregator(flips, names).toColumn()).first();
    int k = flips.relabellings();
    boolean exact = Relabellings.signFlipExact(n, o.permutations());
    double[] p = new double[statistics.size()];
    for (int j = 0; j < p.length; j++) {
      double[] t = new double[k];
      for (int r = 0; r < k; r++) {
        t[r] = sums[r * p.length + j] / n;
      }
      p[j] = statistics.get(j).test() == Statistic.Test.SIGN_FLIP ? Intervals.pValue(e.num[j] / n, t, exact)
          : Double.NaN;
    }
    return p;
  }
}
