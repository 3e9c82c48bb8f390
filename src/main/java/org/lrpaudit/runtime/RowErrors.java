package org.lrpaudit.runtime;

import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How a job's rows went, split by whose fault a failure is. An <b>input error</b> is the row's own fault: its text, id,
 * label or offsets cannot be used (null_text, empty_text, ...: each job lists its own). A <b>job error</b> is any other
 * failure: the model, the tokenizer or the wiring between tables failed on a row that was fine (explain_failed,
 * tokenize_failed, id_not_in_relevance, ...). Any status a job does not list as an input error counts as a job error, so
 * a status added later fails closed.
 *
 * <p>error_rate = job errors / rows attempted (rows minus input errors): input errors are left out of the denominator,
 * or a corpus of mostly empty texts would hide a model that fails on every real one. A job with several methods has a
 * rate per method and reports the worst. The job fails (exit 1, nothing committed) when error_rate exceeds
 * --max-error-rate; and (exit 2, nothing committed) when it had rows but not one could be used, all for their own fault.
 */
public record RowErrors(String unit, long rows, long ok, long inputErrors, long jobErrors, double errorRate,
    double inputErrorRate, double maxErrorRate, String worst, Map<String, Long> status) implements Serializable {

  public static final String OK = "ok";
  /** The default of --max-error-rate: a job fails when more than half of the rows it attempted failed. */
  public static final double DEFAULT_MAX_ERROR_RATE = 0.5;

  /** Input errors of the jobs that read a corpus (explain, annotate, probe's input): the row's own fault. */
  public static final Set<String> CORPUS_INPUT_ERRORS = Set.of(RowError.NULL_TEXT, RowError.EMPTY_TEXT,
      RowError.INVALID_TEXT, RowError.INVALID_UNICODE, RowError.MALFORMED_LINE, RowError.MISSING_ID, RowError.NO_TOKENS,
      RowError.BAD_LABEL, RowError.BAD_TARGET);

  /** group (a method, or "all") -> status -> rows; inputErrorStatuses: the statuses that are the row's own fault. */
  public static RowErrors byMethod(String unit, Map<String, Map<String, Long>> byGroup, Set<String> inputErrorStatuses,
      double maxErrorRate) {
    long rows = 0;
    long ok = 0;
    long input = 0;
    long job = 0;
    double worstRate = 0;
    String worst = null;
    Map<String, Long> status = new TreeMap<>();
    for (Map.Entry<String, Map<String, Long>> g : byGroup.entrySet()) {
      long gRows = 0;
      long gInput = 0;
      long gJob = 0;
      for (Map.Entry<String, Long> s : g.getValue().entrySet()) {
        long n = s.getValue();
        gRows += n;
        status.merge(s.getKey(), n, Long::sum);
        if (s.getKey().equals(OK)) {
          ok += n;
        } else if (inputErrorStatuses.contains(s.getKey())) {
          gInput += n;
        } else {
          gJob += n;
        }
      }
      rows += gRows;
      input += gInput;
      job += gJob;
      double rate = gRows - gInput == 0 ? 0 : (double) gJob / (gRows - gInput);
      if (worst == null || rate > worstRate) {
        worstRate = rate;
        worst = g.getKey();
      }
    }
    return new RowErrors(unit, rows, ok, input, job, worstRate, rows == 0 ? 0 : (double) input / rows, maxErrorRate,
        worst, status);
  }

  /** One group of rows. */
  public static RowErrors ofStatus(String unit, Map<String, Long> status, Set<String> inputErrorStatuses,
      double maxErrorRate) {
    return byMethod(unit, Map.of("all", status), inputErrorStatuses, maxErrorRate);
  }

  /**
   * One group of rows whose job errors were counted by the caller (a status that is sometimes the row's fault and
   * sometimes not, e.g. the bias job's relevance_not_ok, whose cause is the upstream row's status).
   */
  public static RowErrors counted(String unit, Map<String, Long> status, long jobErrors, double maxErrorRate) {
    long rows = status.values().stream().mapToLong(Long::longValue).sum();
    long ok = status.getOrDefault(OK, 0L);
    long input = rows - ok - jobErrors;
    double rate = rows - input == 0 ? 0 : (double) jobErrors / (rows - input);
    return new RowErrors(unit, rows, ok, input, jobErrors, rate, rows == 0 ? 0 : (double) input / rows, maxErrorRate,
        null, new TreeMap<>(status));
  }

  /** Rows the job attempted: those without an input error. */
  public long attempted() {
    return rows - inputErrors;
  }

  /** Checks --max-error-rate; throws before anything is committed. job names the job in messages. */
  public RowErrors enforce(String job) {
    if (rows > 0 && ok == 0 && jobErrors == 0) {
      throw new JobException(job + ": not one of the " + rows + " " + unit + " could be used, each for its own "
          + "content: " + status + " (fix the input or the column options)");
    }
    if (errorRate > maxErrorRate) {
      throw new ErrorRateException(String.format(Locale.ROOT, "%s: %d of %d %s failed for reasons other than their own "
          + "content (error rate %.4f%s > --max-error-rate %s; by status: %s); nothing was committed", job, jobErrors,
          attempted(), unit, errorRate, worst == null || worst.equals("all") ? "" : ", method " + worst,
          format(maxErrorRate), status), this);
    }
    return this;
  }

  private static String format(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  /** Parses --max-error-rate: a share between 0 and 1. */
  public static double parseMax(String value) {
    double v;
    try {
      v = Double.parseDouble(value.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("max-error-rate must be a number between 0 and 1, not '" + value + "'");
    }
    return checkMax(v);
  }

  public static double checkMax(double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException("max-error-rate must be between 0 and 1 (a share of rows), not " + v);
    }
    return v;
  }

  /** The "errors" object of a job summary (snake_case), which the audit reads for each stage. */
  @JsonValue
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("unit", unit);
    m.put("rows", rows);
    m.put("ok", ok);
    m.put("input_errors", inputErrors);
    m.put("job_errors", jobErrors);
    m.put("error_rate", errorRate);
    m.put("input_error_rate", inputErrorRate);
    m.put("max_error_rate", maxErrorRate);
    if (worst != null && !worst.equals("all")) {
      m.put("worst_method", worst);
    }
    m.put("status", status);
    return m;
  }
}
