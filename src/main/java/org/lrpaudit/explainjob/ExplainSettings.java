package org.lrpaudit.explainjob;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.runtime.CorpusSource;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowErrors;

/**
 * Settings of one explain job. Read from properties (keys as the command-line options without "--"): conf/explain.properties
 * holds the defaults, a --conf FILE overrides them, options on the command line override both. Keys starting with
 * "spark." are Spark settings and go to the Spark session.
 */
public record ExplainSettings(
    String model,
    String input,
    String output,
    String inputFormat,
    String format,
    String idColumn,
    String textColumn,
    String labelColumn,
    String pairColumn,
    List<String> methods,
    String target,
    String runId,
    boolean overwrite,
    int maxLength,
    int maxChars,
    int batchTokens,
    int batchRows,
    int chunkRows,
    int partitions,
    int partitionRows,
    int progressSeconds,
    int igSteps,
    long seed,
    double maxErrorRate) implements Serializable {

  /** The output "method" that runs the forward pass only (logits and prediction, no relevance). */
  public static final String FORWARD = "forward";

  /** Built-in defaults; conf/explain.properties states the same values for people to read and change. */
  public static Properties defaults() {
    Properties p = new Properties();
    p.setProperty("input-format", "auto");
    p.setProperty("format", "parquet");
    p.setProperty("id-column", "id");
    p.setProperty("text-column", "text");
    p.setProperty("label-column", "label");
    p.setProperty("methods", "lrp-ah-ln");
    p.setProperty("target", "predicted");
    p.setProperty("overwrite", "false");
    p.setProperty("max-length", "512");
    p.setProperty("max-chars", "1000000");
    p.setProperty("batch-tokens", Integer.toString(TokenBudget.DEFAULT_TOKENS));
    p.setProperty("batch-rows", Integer.toString(TokenBudget.DEFAULT_ROWS));
    p.setProperty("chunk-rows", Integer.toString(PartitionRunner.DEFAULT_CHUNK_ROWS));
    p.setProperty("partitions", "0");
    p.setProperty("partition-rows", "5000");
    p.setProperty("progress-seconds", "10");
    p.setProperty("ig-steps", "20");
    p.setProperty("seed", "0");
    p.setProperty("max-error-rate", Double.toString(RowErrors.DEFAULT_MAX_ERROR_RATE));
    return p;
  }

  public static Properties read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read settings file " + file + " (" + e.getMessage() + ")", e);
    }
    return p;
  }

  public static ExplainSettings from(Properties p) {
    ExplainSettings s = new ExplainSettings(
        required(p, "model"), required(p, "input"), required(p, "output"),
        p.getProperty("input-format", "auto").trim().toLowerCase(), p.getProperty("format", "parquet").trim().toLowerCase(),
        p.getProperty("id-column", "id").trim(), p.getProperty("text-column", "text").trim(),
        p.getProperty("label-column", "label").trim(), blankToNull(p.getProperty("pair-column")),
        Arrays.stream(p.getProperty("methods", "lrp-ah-ln").split(",")).map(String::trim).filter(m -> !m.isEmpty())
            .distinct().toList(),
        p.getProperty("target", "predicted").trim(), blankToNull(p.getProperty("run-id")),
        Boolean.parseBoolean(p.getProperty("overwrite", "false").trim()),
        integer(p, "max-length"), integer(p, "max-chars"), integer(p, "batch-tokens"), integer(p, "batch-rows"),
        integer(p, "chunk-rows"), integer(p, "partitions"), integer(p, "partition-rows"), integer(p, "progress-seconds"),
        integer(p, "ig-steps"), longValue(p, "seed"),
        RowErrors.parseMax(p.getProperty("max-error-rate", Double.toString(RowErrors.DEFAULT_MAX_ERROR_RATE))));
    s.validate();
    return s;
  }

  private void validate() {
    CorpusSource.checkFormat(inputFormat);
    if (!OutputTable.FORMATS.contains(format)) {
      throw new IllegalArgumentException("format must be one of " + OutputTable.FORMATS + ", not '" + format + "'");
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("methods: name at least one of " + Method.names() + ", " + FORWARD);
    }
    for (String m : methods) {
      if (!m.equals(FORWARD)) {
        Method.parse(m);
      }
    }
    Target.parse(target);
    if (runId != null && !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
      throw new IllegalArgumentException("run-id '" + runId + "' must be 1-128 characters of letters, digits, '.', '_' "
          + "and '-' (it names a table partition)");
    }
    if (maxLength < 2 || maxChars < 1 || batchTokens < 1 || batchRows < 1 || chunkRows < 1 || partitions < 0
        || partitionRows < 1 || progressSeconds < 1 || igSteps < 1) {
      throw new IllegalArgumentException("max-length must be >= 2; max-chars, batch-tokens, batch-rows, chunk-rows, "
          + "partition-rows, progress-seconds and ig-steps positive; partitions >= 0");
    }
  }

  public ExplainSettings withRunId(String id) {
    return new ExplainSettings(model, input, output, inputFormat, format, idColumn, textColumn, labelColumn, pairColumn,
        methods, target, id, overwrite, maxLength, maxChars, batchTokens, batchRows, chunkRows, partitions, partitionRows,
        progressSeconds, igSteps, seed, maxErrorRate);
  }

  /** The corpus to read; gold labels are needed when the target is the label; pairs when a pair column is named. */
  public CorpusSource corpus() {
    return new CorpusSource(input, inputFormat, idColumn, textColumn, labelColumn, target.equals("label"), pairColumn);
  }

  /**
   * The images of explain-images: text-column names the encoded-image column; a folder's files get the gold label
   * their names hold (ImageSource.FILE_LABEL).
   */
  public ImageSource.Spec images() {
    return new ImageSource.Spec(input, inputFormat, idColumn, textColumn, labelColumn, ImageSource.FILE_LABEL);
  }

  /** The settings of the methods that have any (ig steps, random seed). */
  public MethodOptions methodOptions() {
    return new MethodOptions(igSteps, seed);
  }

  private static String required(Properties p, String key) {
    String v = blankToNull(p.getProperty(key));
    if (v == null) {
      throw new IllegalArgumentException("--" + key + " is required");
    }
    return v.trim();
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static long longValue(Properties p, String key) {
    String v = p.getProperty(key);
    try {
      return Long.parseLong(v.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + " must be an integer, not '" + v + "'");
    }
  }

  private static int integer(Properties p, String key) {
    String v = p.getProperty(key);
    try {
      return Integer.parseInt(v.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + " must be an integer, not '" + v + "'");
    }
  }
}
