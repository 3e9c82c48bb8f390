package org.lrpaudit.bias;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link BiasStatistics#compute} computes, apart from the tables: see BiasCommand for each option's meaning.
 * groupCols split every statistic by those columns of the relevance table (e.g. language, source), beside the kinds.
 */
public record BiasOptions(String unit, int replicates, int permutations, long seed, List<List<String>> compare,
    int positiveClass, String permutationUnit, List<String> groupCols) implements Serializable {

  public static final String DEFAULT_COMPARE = "female_name:male_name";

  public BiasOptions {
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
    if (positiveClass < 0) {
      throw new IllegalArgumentException("positive class must be a class index, not " + positiveClass);
    }
    compare = List.copyOf(compare);
    groupCols = List.copyOf(groupCols);
    for (String c : groupCols) {
      if (c.isBlank() || BiasStats.SCHEMA.getFieldIndex(c).isDefined() || groupCols.indexOf(c) != groupCols.lastIndexOf(c)) {
        throw new IllegalArgumentException("group column '" + c + "' is blank, repeated, or a column of bias_stats "
            + "itself " + List.of(BiasStats.SCHEMA.fieldNames()));
      }
    }
  }

  /** The bias command's defaults: words, 1000 replicates and permutations, female_name:male_name, class 1. */
  public static BiasOptions defaults() {
    return new BiasOptions("words", 1000, 1000, 20261126L, parseCompare(DEFAULT_COMPARE), 1, "mention", List.of());
  }

  public BiasOptions withGroupCols(List<String> columns) {
    return new BiasOptions(unit, replicates, permutations, seed, compare, positiveClass, permutationUnit, columns);
  }

  public BiasOptions withCompare(String spec) {
    return new BiasOptions(unit, replicates, permutations, seed, parseCompare(spec), positiveClass, permutationUnit,
        groupCols);
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

  /** "language,source" -> [language, source]. */
  public static List<String> parseColumns(String spec) {
    List<String> out = new ArrayList<>();
    if (spec != null) {
      for (String c : spec.split(",")) {
        if (!c.isBlank()) {
          out.add(c.trim());
        }
      }
    }
    return out;
  }
}
