package org.lrpaudit.bias;

import java.nio.charset.StandardCharsets;
import org.apache.commons.math3.distribution.PoissonDistribution;

/**
 * Counter-based randomness for resampling inside Spark: every draw is a pure function of (seed, key, replicate), so a
 * row's bootstrap weights and relabellings do not depend on partitioning, task order or retries, and reruns agree.
 * Mixing is SplitMix64's finaliser (Steele, Lea, Flood 2014), which passes BigCrush as a counter-based generator.
 */
public final class ReplicateRandom {
  private static final long GOLDEN = 0x9e3779b97f4a7c15L;
  /** P(K <= k) for K ~ Poisson(1), k = 0..19; the tail beyond 19 (about 1e-18) is below double resolution. */
  private static final double[] POISSON1_CDF = new double[20];

  static {
    PoissonDistribution p = new PoissonDistribution(null, 1.0, PoissonDistribution.DEFAULT_EPSILON,
        PoissonDistribution.DEFAULT_MAX_ITERATIONS);
    for (int k = 0; k < POISSON1_CDF.length; k++) {
      POISSON1_CDF[k] = p.cumulativeProbability(k);
    }
  }

  private ReplicateRandom() {}

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A 64-bit key of a string (FNV-1a over its UTF-8 bytes, then mixed): document ids become resampling keys. */
  public static long key(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : (s == null ? "" : s).getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** The raw 64 random bits of (seed, key, replicate). */
  public static long bits(long seed, long key, long replicate) {
    return mix(mix(seed * GOLDEN ^ key) + GOLDEN * (replicate + 1));
  }

  /** Uniform on [0, 1) with 53 random bits. */
  public static double uniform(long seed, long key, long replicate) {
    return (bits(seed, key, replicate) >>> 11) * 0x1.0p-53;
  }

  /** A Poisson(1) draw by inversion of its CDF: the weight of one row in one Poisson-bootstrap replicate. */
  public static int poisson1(long seed, long key, long replicate) {
    double u = uniform(seed, key, replicate);
    int k = 0;
    while (k < POISSON1_CDF.length - 1 && u >= POISSON1_CDF[k]) {
      k++;
    }
    return k;
  }

  /** +1 or -1 with probability 1/2 each: one sign of a sign-flip permutation. */
  public static int sign(long seed, long key, long replicate) {
    return (bits(seed, key, replicate) >>> 63) == 0 ? 1 : -1;
  }
}
