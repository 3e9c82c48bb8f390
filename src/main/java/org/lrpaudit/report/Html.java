package org.lrpaudit.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import org.apache.commons.text.StringEscapeUtils;

/** Escaping and number formatting for the dashboard: every string from the corpus or a summary goes through text(). */
final class Html {
  private Html() {}

  /**
   * Escaped for HTML text and double-quoted attribute values (also inside inline SVG). An unpaired UTF-16 surrogate
   * (not Unicode: a JSON summary can hold "\\ud800") becomes U+FFFD, visibly, instead of making the page unwritable as
   * UTF-8.
   */
  static String text(String s) {
    return s == null ? "" : StringEscapeUtils.escapeHtml4(wellFormed(s));
  }

  /** s with every unpaired surrogate replaced by U+FFFD (s itself when there is none). */
  static String wellFormed(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(s.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
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
      return String.format(Locale.ROOT, "%.3e", v); // not the JVM's locale: 1,000e+07 in German
    }
    return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
  }
}
