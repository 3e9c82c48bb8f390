package org.lrpaudit.audit;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One threshold of audit.conf, in the audit's small threshold language (README, "Thresholds"):
 * <pre>
 *   STATISTIC[.FIELD] OP NUMBER            female_male_share_gap.abs_value &lt;= 0.05,  female_male_share_gap.p_value &gt;= 0.01
 *   STATISTIC interval excludes NUMBER     the 95% interval [ci_low, ci_high] does not contain NUMBER
 *   STATISTIC interval includes NUMBER     it contains NUMBER (ends included)
 * </pre>
 * STATISTIC is a name of a summary's headline map; FIELD is one of {@link Field} (default value); OP is one of
 * &lt;= &lt; &gt;= &gt; == !=. The check passes when the statement is true. A {@code change} / {@code abs_change} check
 * is skipped when there is no previous audit of the same corpus.
 */
public record Check(String expression, String statistic, Field field, String op, double limit) {
  /** The fields a check can read. change: value minus the value of the previous audit of the same corpus. */
  public enum Field {
    VALUE, ABS_VALUE, CI_LOW, CI_HIGH, P_VALUE, N, CHANGE, ABS_CHANGE;

    String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    boolean isDrift() {
      return this == CHANGE || this == ABS_CHANGE;
    }
  }

  static final String EXCLUDES = "excludes";
  static final String INCLUDES = "includes";
  private static final String NAME = "([A-Za-z_][A-Za-z0-9_-]*)";
  private static final String NUMBER = "([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)";
  private static final Pattern COMPARISON =
      Pattern.compile("\\s*" + NAME + "(?:\\.([a-z_]+))?\\s*(<=|>=|==|!=|<|>)\\s*" + NUMBER + "\\s*");
  private static final Pattern INTERVAL =
      Pattern.compile("\\s*" + NAME + "\\s+interval\\s+(excludes|includes)\\s+" + NUMBER + "\\s*");

  /** Parses one threshold; a malformed one is a configuration error naming it and the accepted forms. */
  public static Check parse(String expression) {
    Matcher m = INTERVAL.matcher(expression);
    if (m.matches()) {
      return new Check(expression.trim(), m.group(1), null, m.group(2), limit(expression, m.group(3)));
    }
    m = COMPARISON.matcher(expression);
    if (!m.matches()) {
      throw new AuditException("threshold \"" + expression + "\" is not of the form 'STATISTIC[.FIELD] OP NUMBER' "
          + "(OP one of <= < >= > == !=) or 'STATISTIC interval excludes|includes NUMBER'");
    }
    Field field = Field.VALUE;
    if (m.group(2) != null) {
      try {
        field = Field.valueOf(m.group(2).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new AuditException("threshold \"" + expression + "\": unknown field '" + m.group(2) + "' (fields: "
            + "value, abs_value, ci_low, ci_high, p_value, n, change, abs_change)");
      }
    }
    return new Check(expression.trim(), m.group(1), field, m.group(3), limit(expression, m.group(4)));
  }

  /** The number of a threshold; one that overflows to an infinity would make its check always pass or fail. */
  private static double limit(String expression, String number) {
    double v = Double.parseDouble(number);
    if (!Double.isFinite(v)) {
      throw new AuditException("threshold \"" + expression + "\": " + number + " is not a finite number");
    }
    return v;
  }

  public boolean isInterval() {
    return field == null;
  }

  /**
   * Evaluates the check against this audit's headline statistics and, for drift fields, the previous audit's values
   * (empty when there is none). A statistic that is missing, or a field it does not have, is a configuration error.
   * A value that is not a finite number (NaN, an infinity; also a previous value, for drift), or an interval whose
   * ends are out of order, fails the check whatever its operator (IEEE comparisons with NaN are false, so NaN would
   * otherwise pass {@code !=} and {@code interval excludes}).
   */
  public CheckResult evaluate(Map<String, Headline> headline, Map<String, Double> previousValues) {
    Headline h = headline.get(statistic);
    if (h == null) {
      throw new AuditException("threshold \"" + expression + "\": no headline statistic '" + statistic
          + "' in the summaries (available: " + String.join(", ", headline.keySet()) + ")");
    }
    if (isInterval()) {
      double low = required(h.ciLow(), "ci_low");
      double high = required(h.ciHigh(), "ci_high");
      String problem = !Double.isFinite(low) || !Double.isFinite(high)
          ? statistic + " interval [" + low + ", " + high + "] is not finite"
          : low > high ? statistic + " interval [" + low + ", " + high + "] has its ends out of order" : null;
      boolean inside = low <= limit && limit <= high;
      boolean pass = problem == null && op.equals(INCLUDES) == inside;
      return new CheckResult(expression, statistic, "interval", op, limit, null, low, high,
          pass ? CheckResult.PASS : CheckResult.FAIL, problem);
    }
    double value = required(h.value(), "value");
    Double actual = switch (field) {
      case VALUE -> value;
      case ABS_VALUE -> Math.abs(value);
      case CI_LOW -> required(h.ciLow(), "ci_low");
      case CI_HIGH -> required(h.ciHigh(), "ci_high");
      case P_VALUE -> required(h.pValue(), "p_value");
      case N -> (double) required(h.n() == null ? null : h.n().doubleValue(), "n");
      case CHANGE, ABS_CHANGE -> {
        Double previous = previousValues.get(statistic);
        if (previous == null) {
          yield null;
        }
        double change = value - previous;
        yield field == Field.CHANGE ? change : Math.abs(change);
      }
    };
    if (actual == null) {
      return new CheckResult(expression, statistic, field.key(), op, limit, null, null, null, CheckResult.SKIPPED,
          "no previous audit of this corpus has " + statistic);
    }
    if (!Double.isFinite(actual)) {
      String why = field.isDrift()
          ? "the change of " + statistic + " (" + value + " now, " + previousValues.get(statistic)
              + " in the previous audit) is not finite"
          : statistic + "." + field.key() + " = " + actual + " is not finite";
      return new CheckResult(expression, statistic, field.key(), op, limit, actual, null, null, CheckResult.FAIL, why);
    }
    boolean pass = switch (op) {
      case "<=" -> actual <= limit;
      case "<" -> actual < limit;
      case ">=" -> actual >= limit;
      case ">" -> actual > limit;
      case "==" -> actual == limit;
      case "!=" -> actual != limit;
      default -> throw new IllegalStateException(op);
    };
    return new CheckResult(expression, statistic, field.key(), op, limit, actual, null, null,
        pass ? CheckResult.PASS : CheckResult.FAIL);
  }

  private double required(Double v, String name) {
    if (v == null) {
      throw new AuditException("threshold \"" + expression + "\": headline statistic '" + statistic + "' has no "
          + name);
    }
    return v;
  }
}
