package org.lrpaudit.eval;

import java.io.Serializable;
import java.util.List;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.runtime.CorpusSource;
import org.lrpaudit.runtime.RowErrors;

/**
 * Settings of one evaluate job. split selects rows by the input's split column (null: all rows); limit 0 means no limit.
 * keepSpecial keeps [CLS] and [SEP] out of the perturbations (the paper's protocol, the default, perturbs them too).
 * pairColumn (or null) names the column holding the second text of a sentence pair, as explain's --pair-column: each
 * row is then evaluated as the pair, the tokens of both texts are perturbed, and the special tokens never are
 * (keepSpecial is set: replacing the separators by [UNK] would join the two texts into one).
 */
public record EvaluateSettings(
    String model,
    String input,
    String output,
    String inputFormat,
    String idColumn,
    String textColumn,
    String labelColumn,
    List<String> split,
    String splitColumn,
    List<String> methods,
    int steps,
    long limit,
    boolean keepSpecial,
    int igSteps,
    long seed,
    int maxLength,
    int batchTokens,
    int batchRows,
    int chunkRows,
    int partitions,
    boolean overwrite,
    double maxErrorRate,
    String pairColumn) implements Serializable {

  public static final List<String> ALL_METHODS = java.util.Arrays.stream(Method.values()).map(Method::id).toList();

  public EvaluateSettings {
    if (pairColumn != null && pairColumn.isBlank()) {
      pairColumn = null;
    }
    keepSpecial = keepSpecial || pairColumn != null;
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("methods: name at least one of " + Method.names());
    }
    methods.forEach(Method::parse);
    if (steps < 2) {
      throw new IllegalArgumentException("steps must be at least 2 (fractions 0 and 1), got " + steps);
    }
    if (limit < 0 || maxLength < 2 || batchTokens < 1 || batchRows < 1 || chunkRows < 1 || partitions < 0) {
      throw new IllegalArgumentException("limit and partitions must be >= 0, max-length >= 2, batch-tokens, batch-rows "
          + "and chunk-rows positive");
    }
    new MethodOptions(igSteps, seed); // validates
    RowErrors.checkMax(maxErrorRate);
    if (split != null && split.isEmpty()) {
      throw new IllegalArgumentException("split: name at least one split value");
    }
    for (String v : split == null ? List.<String>of() : split) {
      if (!v.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("split value '" + v + "' must be letters, digits, '.', '_' or '-'");
      }
    }
  }

  /** With the default --max-error-rate. */
  public EvaluateSettings(String model, String input, String output, String inputFormat, String idColumn,
      String textColumn, String labelColumn, List<String> split, String splitColumn, List<String> methods, int steps,
      long limit, boolean keepSpecial, int igSteps, long seed, int maxLength, int batchTokens, int batchRows,
      int chunkRows, int partitions, boolean overwrite) {
    this(model, input, output, inputFormat, idColumn, textColumn, labelColumn, split, splitColumn, methods, steps, limit,
        keepSpecial, igSteps, seed, maxLength, batchTokens, batchRows, chunkRows, partitions, overwrite,
        RowErrors.DEFAULT_MAX_ERROR_RATE, null);
  }

  /** Statuses of the texts table that are the row's own fault (the corpus's, and no gold label). */
  public static final java.util.Set<String> INPUT_ERRORS = inputErrors();

  private static java.util.Set<String> inputErrors() {
    java.util.Set<String> s = new java.util.HashSet<>(RowErrors.CORPUS_INPUT_ERRORS);
    s.add(FaithfulnessTable.NO_LABEL);
    return java.util.Set.copyOf(s);
  }

  public MethodOptions methodOptions() {
    return new MethodOptions(igSteps, seed);
  }

  public List<Method> methodList() {
    return methods.stream().map(Method::parse).toList();
  }

  /** The Spark SQL condition selecting the splits, or null. */
  public String where() {
    if (split == null) {
      return null;
    }
    return "`" + splitColumn.replace("`", "``") + "` IN (" + String.join(", ", split.stream().map(v -> "'" + v + "'")
        .toList()) + ")";
  }

  /** The corpus to read: gold labels needed (relevance explains the gold label's logit), and the pair column if any. */
  public CorpusSource corpus() {
    return new CorpusSource(input, inputFormat, idColumn, textColumn, labelColumn, true, pairColumn);
  }
}
