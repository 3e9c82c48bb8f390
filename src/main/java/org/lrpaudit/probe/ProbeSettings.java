package org.lrpaudit.probe;

import java.io.Serializable;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.runtime.RowErrors;

/**
 * Settings of the probe job; see ProbeCommand for their meaning. {@code names}: the first-name table whose US births
 * rank the names for pairing (first_names_en.tsv), or null to rank them by vocabulary id. {@code method}: the
 * explanation method of both versions of a text (default lrp-ah-ln); {@code batchTokens}: padded tokens per batch.
 */
public record ProbeSettings(String model, String input, String mentions, String output, int positiveClass,
    int maxLength, int replicates, int permutations, long seed, double maxErrorRate, String names, String method,
    int batchTokens) implements Serializable {
  public static final String DEFAULT_METHOD = Method.LRP_AH_LN.id();

  public ProbeSettings {
    if (replicates < 10 || permutations < 10) {
      throw new IllegalArgumentException("replicates and permutations must be at least 10");
    }
    RowErrors.checkMax(maxErrorRate);
    if (positiveClass < 0 || maxLength < 2 || batchTokens < 1) {
      throw new IllegalArgumentException("positive-class must be >= 0, max-length >= 2 and batch-tokens positive");
    }
    Method.parse(method); // names the method and the known ones when it is not one
  }

  /** With the default method (lrp-ah-ln) and token budget. */
  public ProbeSettings(String model, String input, String mentions, String output, int positiveClass, int maxLength,
      int replicates, int permutations, long seed, double maxErrorRate, String names) {
    this(model, input, mentions, output, positiveClass, maxLength, replicates, permutations, seed, maxErrorRate, names,
        DEFAULT_METHOD, TokenBudget.DEFAULT_TOKENS);
  }

  /** With the default --max-error-rate, names ranked by vocabulary id. */
  public ProbeSettings(String model, String input, String mentions, String output, int positiveClass, int maxLength,
      int replicates, int permutations, long seed) {
    this(model, input, mentions, output, positiveClass, maxLength, replicates, permutations, seed,
        RowErrors.DEFAULT_MAX_ERROR_RATE, null);
  }

  public static ProbeSettings of(String model, String input, String mentions, String output) {
    return new ProbeSettings(model, input, mentions, output, 1, 512, 1000, 1000, 20261126L);
  }
}
