package org.lrpaudit.corpus;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Deterministic train / validation / test assignment from a hash of the row id and a seed: SHA-256 of
 * {@code seed + ":" + id}, its first 8 bytes read as a fraction u in [0, 1); u below {@code train} is train, below
 * {@code train + validation} validation, else test. A row's split depends only on its own id and the seed, so it stays
 * put when other rows are added or dropped; the proportions are met in expectation (binomial spread, about
 * sqrt(p(1-p)/n)).
 */
public final class Splits {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  public static final List<String> ALL = List.of(TRAIN, VALIDATION, TEST);

  private final double train;
  private final double validation;
  private final long seed;

  public Splits(double train, double validation, long seed) {
    if (train < 0 || validation < 0 || train + validation > 1 + 1e-12) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "split fractions must be >= 0 with train + validation <= 1, not %.3f / %.3f", train, validation));
    }
    this.train = train;
    this.validation = validation;
    this.seed = seed;
  }

  /** 80 / 10 / 10. */
  public static Splits standard(long seed) {
    return new Splits(0.8, 0.1, seed);
  }

  public String assign(String id) {
    double u = unit(seed + ":" + id);
    if (u < train) {
      return TRAIN;
    }
    return u < train + validation ? VALIDATION : TEST;
  }

  /** A uniform fraction in [0, 1) from SHA-256 of the key (53 bits). */
  static double unit(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      long bits = ByteBuffer.wrap(h, 0, 8).getLong() >>> 11;
      return bits / (double) (1L << 53);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
