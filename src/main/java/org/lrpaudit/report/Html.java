package org.lrpaudit.report;

import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.commons.text.StringEscapeUtils;

/** Escaping and number formatting for the dashboard: every string from the corpus or a summary goes through text(). */
final class Html {
  private Html() {}

  /** Escaped for HTML text and double-quoted attribute values (also inside inline SVG). */
  static String text(String s) {
    return s == null ? "" : StringEscapeUtils.escapeHtml4(s);
  }

  /** Four significant digits, plain notation for ordinary magnitudes; "n/a" for null, NaN shown as NaN. */
  static String num(Double v) {
    if (v == null) {
      return "n/a";
    }
    if (v.isNaN() || v.isInfinite()) {
      return v.toString();
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e6 || a < 1e-4) {
      return String.format("%.3e", v);
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
