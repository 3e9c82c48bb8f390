package org.lrpaudit.bias;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.runtime.RowErrors;

/** Settings of the bias job; see BiasCommand for their meaning. */
public record BiasSettings(String relevance, String mentions, String output, String method, String runId, String unit,
    int replicates, int permutations, long seed, List<List<String>> compare, String positiveClass, int topTerms,
    boolean overwrite, String permutationUnit, double maxErrorRate) implements Serializable {

  public static final String DEFAULT_COMPARE = "female_name:male_name";

  public BiasSettings {
    if (!unit.equals("words") && !unit.equals("tokens")) {
      throw new IllegalArgumentException("unit must be words or tokens, not '" + unit + "'");
    }
    if (replicates < 10 || permutations < 10) {
      throw new IllegalArgumentException("replicates and permutations must be at least 10 (got " + replicates + ", "
          + permutations + ")");
    }
    if (!permutationUnit.equals("mention") && !permutationUnit.equals("term")) {
      throw new IllegalArgumentException("permutation-unit must be mention or term, not '" + permutationUnit + "'");
    }
    RowErrors.checkMax(maxErrorRate);
    if (runId != null && !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException("run-id '" + runId + "' must be 1-128 letters, digits, '.', '_' or '-'");
    }
  }

  /** With the default --max-error-rate. */
  public BiasSettings(String relevance, String mentions, String output, String method, String runId, String unit,
      int replicates, int permutations, long seed, List<List<String>> compare, String positiveClass, int topTerms,
      boolean overwrite, String permutationUnit) {
    this(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare, positiveClass,
        topTerms, overwrite, permutationUnit, RowErrors.DEFAULT_MAX_ERROR_RATE);
  }

  /** "a:b,c:d" -> [[a, b], [c, d]]. */
  public static List<List<String>> parseCompare(String spec) {
    List<List<String>> out = new ArrayList<>();
    for (String pair : spec.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] ab = pair.trim().split(":");
      if (ab.length != 2 || ab[0].isBlank() || ab[1].isBlank() || ab[0].equals(ab[1])) {
        throw new IllegalArgumentException("compare: '" + pair + "' is not KIND_A:KIND_B with two different kinds");
      }
      out.add(List.of(ab[0].trim(), ab[1].trim()));
    }
    return out;
  }

  public static BiasSettings of(String relevance, String mentions, String output) {
    return new BiasSettings(relevance, mentions, output, "lrp-ah-ln", null, "words", 1000, 1000, 20261126L,
        parseCompare(DEFAULT_COMPARE), null, 20, false, "mention");
  }

  public BiasSettings with(int replicates, int permutations, long seed, List<List<String>> compare) {
    return new BiasSettings(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, overwrite, permutationUnit, maxErrorRate);
  }

  public BiasSettings withOverwrite(boolean o) {
    return new BiasSettings(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, o, permutationUnit, maxErrorRate);
  }

  public BiasSettings withPermutationUnit(String unit) {
    return new BiasSettings(relevance, mentions, output, method, runId, this.unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, overwrite, unit, maxErrorRate);
  }
}
