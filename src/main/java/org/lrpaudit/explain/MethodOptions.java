package org.lrpaudit.explain;

import java.io.Serializable;

/**
 * Settings of the methods that have any: the number of Integrated Gradients steps and the seed of the random baseline.
 */
public record MethodOptions(int igSteps, long seed) implements Serializable {
  public static final MethodOptions DEFAULT = new MethodOptions(20, 0);

  public MethodOptions {
    if (igSteps < 1) {
      throw new IllegalArgumentException("ig-steps must be at least 1, got " + igSteps);
    }
  }
}
