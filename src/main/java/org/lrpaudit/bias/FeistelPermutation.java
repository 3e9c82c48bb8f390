package org.lrpaudit.bias;

/**
 * A keyed pseudo-random bijection of {0, ..., n-1}: a balanced Feistel network on the smallest even number of bits
 * covering n, restricted to [0, n) by cycle walking (Black and Rogaway 2002). Ten rounds: with four, tiny domains were
 * measurably non-uniform (RelabellingTest: where index 0 of 10 goes, chi-square 45.6 on 9 df over 20,000 keys). It lets every executor decide, row by row and
 * without sorting or communicating, which rows a random relabelling with fixed group sizes puts in the first group:
 * row i is in group A of permutation r iff permute(i) < nA.
 */
public final class FeistelPermutation {
  private static final int ROUNDS = 10;
  private final long n;
  private final int halfBits;
  private final long halfMask;
  private final long[] roundKeys = new long[ROUNDS];

  public FeistelPermutation(long n, long seed, long replicate) {
    if (n < 1) {
      throw new IllegalArgumentException("a permutation needs n >= 1, got " + n);
    }
    int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
    bits += bits % 2;
    this.n = n;
    this.halfBits = bits / 2;
    this.halfMask = (1L << halfBits) - 1;
    for (int k = 0; k < ROUNDS; k++) {
      roundKeys[k] = ReplicateRandom.bits(seed, replicate, k);
    }
  }

  public long permute(long i) {
    if (i < 0 || i >= n) {
      throw new IndexOutOfBoundsException("index " + i + " outside [0, " + n + ")");
    }
    long y = encrypt(i);
    while (y >= n) {
      y = encrypt(y);
    }
    return y;
  }

  private long encrypt(long x) {
    long left = x >>> halfBits;
    long right = x & halfMask;
    for (long k : roundKeys) {
      long next = left ^ (ReplicateRandom.mix(right ^ k) & halfMask);
      left = right;
      right = next;
    }
    return (left << halfBits) | right;
  }
}
