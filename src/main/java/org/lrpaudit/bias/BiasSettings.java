package org.lrpaudit.bias;

import java.io.Serializable;
import java.util.List;
import org.lrpaudit.runtime.RowErrors;

/**
 * Settings of the bias job: where to read and write, and the statistics' options (checked by {@link BiasOptions});
 * see BiasCommand for their meaning. corpus (may be null) is read only for the group columns missing from the relevance
 * table.
 */
public record BiasSettings(String relevance, String mentions, String output, String method, String runId, String unit,
    int replicates, int permutations, long seed, List<List<String>> compare, String positiveClass, int topTerms,
    boolean overwrite, String permutationUnit, double maxErrorRate, List<String> groupCols, String corpus)
    implements Serializable {

  public static final String DEFAULT_COMPARE = BiasOptions.DEFAULT_COMPARE;

  public BiasSettings {
    groupCols = List.copyOf(groupCols);
    if (positiveClass != null && !positiveClass.matches("\\d{1,9}")) {
      throw new IllegalArgumentException("--positive-class takes a class index, not '" + positiveClass + "'");
    }
    options(unit, replicates, permutations, seed, compare, positiveClass, permutationUnit, groupCols); // checks them
    RowErrors.checkMax(maxErrorRate);
    if (runId != null && !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException("run-id '" + runId + "' must be 1-128 letters, digits, '.', '_' or '-'");
    }
  }

  /** Ungrouped. */
  public BiasSettings(String relevance, String mentions, String output, String method, String runId, String unit,
      int replicates, int permutations, long seed, List<List<String>> compare, String positiveClass, int topTerms,
      boolean overwrite, String permutationUnit, double maxErrorRate) {
    this(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare, positiveClass,
        topTerms, overwrite, permutationUnit, maxErrorRate, List.of(), null);
  }

  /** Ungrouped, with the default --max-error-rate. */
  public BiasSettings(String relevance, String mentions, String output, String method, String runId, String unit,
      int replicates, int permutations, long seed, List<List<String>> compare, String positiveClass, int topTerms,
      boolean overwrite, String permutationUnit) {
    this(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare, positiveClass,
        topTerms, overwrite, permutationUnit, RowErrors.DEFAULT_MAX_ERROR_RATE);
  }

  /** The options of the statistics. */
  public BiasOptions options() {
    return options(unit, replicates, permutations, seed, compare, positiveClass, permutationUnit, groupCols);
  }

  private static BiasOptions options(String unit, int replicates, int permutations, long seed,
      List<List<String>> compare, String positiveClass, String permutationUnit, List<String> groupCols) {
    return new BiasOptions(unit, replicates, permutations, seed, compare,
        positiveClass == null ? 1 : Integer.parseInt(positiveClass), permutationUnit, groupCols);
  }

  /** "a:b,c:d" -> [[a, b], [c, d]]. */
  public static List<List<String>> parseCompare(String spec) {
    return BiasOptions.parseCompare(spec);
  }

  public static BiasSettings of(String relevance, String mentions, String output) {
    return new BiasSettings(relevance, mentions, output, "lrp-ah-ln", null, "words", 1000, 1000, 20261126L,
        parseCompare(DEFAULT_COMPARE), null, 20, false, "mention");
  }

  public BiasSettings with(int replicates, int permutations, long seed, List<List<String>> compare) {
    return new BiasSettings(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, overwrite, permutationUnit, maxErrorRate, groupCols, corpus);
  }

  public BiasSettings withOverwrite(boolean o) {
    return new BiasSettings(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, o, permutationUnit, maxErrorRate, groupCols, corpus);
  }

  public BiasSettings withPermutationUnit(String unit) {
    return new BiasSettings(relevance, mentions, output, method, runId, this.unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, overwrite, unit, maxErrorRate, groupCols, corpus);
  }

  /** Split every statistic by these columns, read from the relevance table or, where missing there, the corpus. */
  public BiasSettings withGroups(List<String> columns, String corpusPath) {
    return new BiasSettings(relevance, mentions, output, method, runId, unit, replicates, permutations, seed, compare,
        positiveClass, topTerms, overwrite, permutationUnit, maxErrorRate, columns, corpusPath);
  }
}
