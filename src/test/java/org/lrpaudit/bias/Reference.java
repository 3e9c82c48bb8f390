package org.lrpaudit.bias;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain-Java re-computation of the bias statistics, written from the README's definitions without Spark, the job's
 * aggregators or commons-math: span relevance by the overlap rule, share, top-3, means, Poisson-bootstrap percentiles
 * (own R-7 percentile), and exact permutation p-values by enumerating every subset recursively.
 */
final class Reference {
  /** One mention with its statistics. */
  record Span(String docId, String kind, String term, String predictedLabel, int predicted, Integer label,
      double relevance, double share, double top3, int start, int end) {}

  private Reference() {}

  static Span span(BiasTables.Doc d, BiasTables.Mention m) {
    double span = 0;
    double abs = 0;
    List<Double> plain = new ArrayList<>();
    for (BiasTables.Unit u : d.units()) {
      abs += Math.abs(u.relevance());
      if (u.end() > u.start()) {
        plain.add(Math.abs(u.relevance()));
      }
    }
    plain.sort((a, b) -> Double.compare(b, a));
    double third = plain.get(Math.min(3, plain.size()) - 1);
    boolean top3 = false;
    int overlapping = 0;
    for (BiasTables.Unit u : d.units()) {
      if (u.start() < m.end() && u.end() > m.start()) {
        span += u.relevance();
        overlapping++;
        top3 |= u.end() > u.start() && Math.abs(u.relevance()) >= third;
      }
    }
    if (overlapping == 0) {
      throw new IllegalArgumentException("no unit overlaps " + m);
    }
    return new Span(d.id(), m.kind(), m.surface().toLowerCase(), d.predictedLabel(), d.predicted(), d.label(), span,
        span / abs, top3 ? 1 : 0, m.start(), m.end());
  }

  /** value and interval of a mean statistic over spans (stat 0 relevance, 1 share, 2 top3), documents resampled. */
  static double[] mean(List<Span> spans, int stat, int replicates, long seed) {
    double total = 0;
    for (Span s : spans) {
      total += value(s, stat);
    }
    Map<String, double[]> perDoc = new TreeMap<>();
    for (Span s : spans) {
      double[] a = perDoc.computeIfAbsent(s.docId(), k -> new double[2]);
      a[0] += value(s, stat);
      a[1] += 1;
    }
    double[] reps = new double[replicates];
    for (int b = 0; b < replicates; b++) {
      double num = 0;
      double den = 0;
      for (Map.Entry<String, double[]> e : perDoc.entrySet()) {
        int w = ReplicateRandom.poisson1(seed, ReplicateRandom.key(e.getKey()), b);
        num += w * e.getValue()[0];
        den += w * e.getValue()[1];
      }
      reps[b] = den > 0 ? num / den : Double.NaN;
    }
    double[] ci = percentiles(reps);
    return new double[] {total / spans.size(), ci[0], ci[1]};
  }

  static double value(Span s, int stat) {
    return stat == 0 ? s.relevance() : stat == 1 ? s.share() : s.top3();
  }

  /** R-7 percentiles 2.5 and 97.5 of the finite values: h = (n - 1) p, interpolate between floor and ceil. */
  static double[] percentiles(double[] values) {
    double[] v = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    return new double[] {r7(v, 0.025), r7(v, 0.975)};
  }

  static double r7(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  /** Exact two-sided permutation p of mean(a) - mean(b): every subset of size |a| of the pooled values. */
  static double exactPermutationP(double[] a, double[] b) {
    double[] pooled = new double[a.length + b.length];
    System.arraycopy(a, 0, pooled, 0, a.length);
    System.arraycopy(b, 0, pooled, a.length, b.length);
    double total = Arrays.stream(pooled).sum();
    double observed = Arrays.stream(a).sum() / a.length - Arrays.stream(b).sum() / b.length;
    long[] counts = new long[2]; // extreme, all
    enumerate(pooled, 0, a.length, 0.0, a.length, b.length, total, Math.abs(observed) * (1 - 1e-9), counts);
    return (double) counts[0] / counts[1];
  }

  private static void enumerate(double[] v, int from, int left, double sumA, int nA, int nB, double total, double bound,
      long[] counts) {
    if (left == 0) {
      double t = sumA / nA - (total - sumA) / nB;
      counts[1]++;
      if (Math.abs(t) >= bound) {
        counts[0]++;
      }
      return;
    }
    for (int i = from; i <= v.length - left; i++) {
      enumerate(v, i + 1, left - 1, sumA + v[i], nA, nB, total, bound, counts);
    }
  }
}
