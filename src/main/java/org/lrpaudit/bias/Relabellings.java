package org.lrpaudit.bias;

import org.apache.commons.math3.util.CombinatoricsUtils;

/**
 * The relabellings behind the p-values. Two groups of fixed sizes (difference of means): all C(n, nA) subsets when that is
 * at most the asked number of permutations and n <= 62 (an exact test), otherwise R random subsets by keyed Feistel
 * permutations. Sign flips (paired differences): all 2^n sign vectors when 2^n is at most the asked number, otherwise R
 * random ones. Every choice is a function of (seed, relabelling, row index): reruns and partitionings agree.
 */
public final class Relabellings {
  private Relabellings() {}

  /** True when the two-group test enumerates every relabelling. */
  public static boolean twoGroupExact(long n, long nA, int permutations) {
    return n <= 62 && CombinatoricsUtils.binomialCoefficientDouble((int) n, (int) nA) <= permutations;
  }

  public static boolean signFlipExact(long n, int permutations) {
    return n <= 30 && (1L << n) <= permutations;
  }

  /** Group A indicator: 1 if row i is in group A under relabelling r. */
  public static RelabelAggregator.Relabelling twoGroups(long n, long nA, int permutations, long seed) {
    if (twoGroupExact(n, nA, permutations)) {
      long[] masks = subsets((int) n, (int) nA);
      return new RelabelAggregator.Relabelling() {
        @Override
        public int relabellings() {
          return masks.length;
        }

        @Override
        public int coefficient(int r, long index) {
          return (int) ((masks[r] >>> index) & 1L);
        }
      };
    }
    return new RandomSubsets(n, nA, permutations, seed);
  }

  /** Signs +1/-1 of row i under relabelling r. */
  public static RelabelAggregator.Relabelling signFlips(long n, int permutations, long seed) {
    boolean exact = signFlipExact(n, permutations);
    int count = exact ? (int) (1L << n) : permutations;
    return new RelabelAggregator.Relabelling() {
      @Override
      public int relabellings() {
        return count;
      }

      @Override
      public int coefficient(int r, long index) {
        return exact ? (((r >>> index) & 1) == 0 ? 1 : -1) : ReplicateRandom.sign(seed, index, r);
      }
    };
  }

  /** All subsets of size k of {0..n-1} as bit masks, in increasing order (Gosper's hack). */
  static long[] subsets(int n, int k) {
    long total = CombinatoricsUtils.binomialCoefficient(n, k);
    long[] out = new long[(int) total];
    if (k == 0) {
      return out; // the one empty subset: mask 0
    }
    long mask = (1L << k) - 1;
    for (int i = 0; i < total; i++) {
      out[i] = mask;
      long c = mask & -mask;
      long r = mask + c;
      mask = (((r ^ mask) >>> 2) / c) | r;
    }
    return out;
  }

  private static final class RandomSubsets implements RelabelAggregator.Relabelling {
    private final long n;
    private final long nA;
    private final int permutations;
    private final long seed;
    private transient FeistelPermutation[] perms;

    RandomSubsets(long n, long nA, int permutations, long seed) {
      this.n = n;
      this.nA = nA;
      this.permutations = permutations;
      this.seed = seed;
    }

    @Override
    public int relabellings() {
      return permutations;
    }

    @Override
    public int coefficient(int r, long index) {
      FeistelPermutation[] p = perms;
      if (p == null) {
        p = new FeistelPermutation[permutations];
        for (int k = 0; k < permutations; k++) {
          p[k] = new FeistelPermutation(n, seed, k);
        }
        perms = p;
      }
      return p[r].permute(index) < nA ? 1 : 0;
    }
  }
}
