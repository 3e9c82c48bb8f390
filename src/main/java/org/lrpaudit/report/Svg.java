package org.lrpaudit.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard's charts as clean inline SVG (no script, no external resource): an interval ("forest") chart with
 * optional bars, and a trend chart with threshold lines. Geometry is in viewBox units; the charts scale with the page.
 */
final class Svg {
  /** Okabe-Ito colours, distinguishable with colour-vision deficiencies. */
  static final String[] PALETTE = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
      "#000000"};
  static final String PASS = "#1a7f37";
  static final String FAIL = "#cf222e";
  static final String NEUTRAL = "#0072B2";

  private Svg() {}

  /** One row of an interval chart: label, colour, value and optional 95% interval, a note printed at the right. */
  record Interval(String label, String colour, double value, Double low, Double high, String note) {}

  /** One audit in a trend chart. */
  record Point(String label, double value, Double low, Double high, String colour) {}

  /** A horizontal reference line in a trend chart, e.g. a threshold. */
  record Line(double y, String label, String colour) {}

  /** Rows top to bottom, a dot at the value and a whisker over the interval (bars from 0 when bars is true). */
  static String intervals(List<Interval> rows, String axisLabel, boolean bars) {
    int left = 300;
    int right = 230;
    int width = 1040;
    int rowH = 24;
    int top = 10;
    int plotW = width - left - right;
    int height = top + rows.size() * rowH + 48;
    List<Double> span = new ArrayList<>(List.of(0.0));
    rows.forEach(r -> addSpan(span, r.value(), r.low(), r.high()));
    Scale x = Scale.of(span, left, left + plotW, false);
    StringBuilder s = open(width, height, axisLabel);
    s.append(x.verticalGrid(top, top + rows.size() * rowH));
    double zero = x.at(0);
    s.append(line(zero, top, zero, top + rows.size() * rowH, "#444", 1, null));
    for (int i = 0; i < rows.size(); i++) {
      Interval r = rows.get(i);
      double cy = top + i * rowH + rowH / 2.0;
      if (i % 2 == 1) {
        s.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#f6f8fa\"/>",
            cy - rowH / 2.0, width, rowH));
      }
      s.append(text(left - 8, cy + 4, "end", 12, shorten(r.label(), 46)));
      s.append(text(left + plotW + 10, cy + 4, "start", 11, r.note()));
      if (!Double.isFinite(r.value())) { // nothing to draw; the note says what the value is
        continue;
      }
      if (bars) {
        double a = Math.min(zero, x.at(r.value()));
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
            + "fill-opacity=\"0.35\"/>", a, cy - 7, Math.abs(x.at(r.value()) - zero), 14, r.colour()));
      }
      if (finite(r.low()) && finite(r.high())) {
        s.append(line(x.at(r.low()), cy, x.at(r.high()), cy, r.colour(), 2, null));
        s.append(line(x.at(r.low()), cy - 5, x.at(r.low()), cy + 5, r.colour(), 2, null));
        s.append(line(x.at(r.high()), cy - 5, x.at(r.high()), cy + 5, r.colour(), 2, null));
      }
      s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>", x.at(r.value()),
          cy, r.colour()));
    }
    s.append(x.bottomAxis(top + rows.size() * rowH, axisLabel));
    return s.append("</svg>").toString();
  }

  /**
   * Values over audits (left to right, oldest first), interval whiskers, and dashed reference lines; points and lines
   * that are not finite are left out (the dashboard's table shows them).
   */
  static String trend(List<Point> allPoints, List<Line> allLines, String title) {
    List<Point> points = allPoints.stream().filter(p -> Double.isFinite(p.value())).toList();
    List<Line> lines = allLines.stream().filter(l -> Double.isFinite(l.y())).toList();
    int width = 520;
    int height = 240;
    int left = 64;
    int right = 118;
    int top = 16;
    int bottom = 62;
    List<Double> span = new ArrayList<>();
    points.forEach(p -> addSpan(span, p.value(), p.low(), p.high()));
    lines.forEach(l -> span.add(l.y()));
    Scale y = Scale.of(span, height - bottom, top, true);
    StringBuilder s = open(width, height, title);
    s.append(y.horizontalGrid(left, width - right));
    for (Line l : lines) {
      double ly = y.at(l.y());
      s.append(line(left, ly, width - right, ly, l.colour(), 1.5, "6 4"));
      s.append(text(width - right + 6, ly + 4, "start", 11, l.label(), l.colour()));
    }
    int n = points.size();
    double step = n == 1 ? 0 : (width - left - right - 40) / (double) (n - 1);
    double x0 = n == 1 ? (left + width - right) / 2.0 : left + 20;
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < n; i++) {
      Point p = points.get(i);
      double px = x0 + i * step;
      path.append(i == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, y.at(p.value())));
    }
    if (n > 1) {
      s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#57606a\" stroke-width=\"1.5\"/>");
    }
    int labelEvery = Math.max(1, (int) Math.ceil(n / 6.0));
    for (int i = 0; i < n; i++) {
      Point p = points.get(i);
      double px = x0 + i * step;
      if (finite(p.low()) && finite(p.high())) {
        s.append(line(px, y.at(p.low()), px, y.at(p.high()), p.colour(), 2, null));
      }
      s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"><title>%s: %s"
          + "</title></circle>", px, y.at(p.value()), p.colour(), Html.text(p.label()), Html.num(p.value())));
      if (i % labelEvery == 0 || i == n - 1) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"end\" "
            + "transform=\"rotate(-25 %.1f %d)\">%s</text>", px, height - bottom + 16, px, height - bottom + 16,
            Html.text(shorten(p.label(), 22))));
      }
    }
    s.append(line(left, height - bottom, width - right, height - bottom, "#444", 1, null));
    return s.append("</svg>").toString();
  }

  private static boolean finite(Double v) {
    return v != null && Double.isFinite(v);
  }

  /** The values a scale must cover: a value and its interval ends, when known (the scale ignores non-finite ones). */
  private static void addSpan(List<Double> span, double value, Double low, Double high) {
    span.add(value);
    if (low != null) {
      span.add(low);
    }
    if (high != null) {
      span.add(high);
    }
  }

  private static StringBuilder open(int width, int height, String title) {
    return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
        + "width=\"100%%\" role=\"img\" aria-label=\"%s\" font-family=\"system-ui, sans-serif\" class=\"chart\">",
        width, height, Html.text(title)));
  }

  static String line(double x1, double y1, double x2, double y2, String colour, double w, String dash) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
        + "stroke-width=\"%.1f\"%s/>", x1, y1, x2, y2, colour, w, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
  }

  static String text(double x, double y, String anchor, int size, String content) {
    return text(x, y, anchor, size, content, "#1f2328");
  }

  static String text(double x, double y, String anchor, int size, String content, String colour) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\">%s"
        + "</text>", x, y, size, anchor, colour, Html.text(content));
  }

  /**
   * s cut to at most max UTF-16 units, an ellipsis included; never between the two halves of a surrogate pair (an
   * emoji): a lone surrogate is not Unicode, and the page could not be written as UTF-8.
   */
  static String shorten(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = Math.max(0, max - 1);
    if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1)) && Character.isLowSurrogate(s.charAt(cut))) {
      cut--;
    }
    return s.substring(0, cut) + "\u2026";
  }

  /**
   * A linear scale from data to viewBox units with 1-2-5 ticks. Terminates for every input: the domain is at least
   * {@link #MIN_RELATIVE_WIDTH} of its magnitude wide (so a tick step is never below the spacing of doubles there),
   * values beyond {@link #LIMIT} in magnitude are drawn at the edge (so no width overflows to infinity), ticks are
   * counted, not accumulated, and there are at most {@link #MAX_TICKS}.
   */
  record Scale(double lo, double hi, double from, double to, double step) {
    /** Values are clamped to +-LIMIT: hi - lo and the padding stay finite. */
    static final double LIMIT = 1e300;
    /** The smallest domain width relative to the largest magnitude, far above the spacing of doubles (2.2e-16). */
    static final double MIN_RELATIVE_WIDTH = 1e-9;
    static final int MAX_TICKS = 12;

    static Scale of(List<Double> values, double from, double to, boolean vertical) {
      double lo = values.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Scale::clamp).min()
          .orElse(0);
      double hi = values.stream().filter(v -> v != null && Double.isFinite(v)).mapToDouble(Scale::clamp).max()
          .orElse(1);
      double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
      if (hi - lo < Math.max(1e-12, magnitude * MIN_RELATIVE_WIDTH)) {
        double pad = Math.max(magnitude * 0.1, 1e-3);
        lo -= pad;
        hi += pad;
      }
      if (vertical) { // room above and below, so whiskers and threshold lines do not sit on the frame
        double pad = (hi - lo) * 0.06;
        lo -= pad;
        hi += pad;
      }
      double step = niceStep((hi - lo) / 5);
      double first = Math.floor(lo / step) * step;
      double last = Math.ceil(hi / step) * step;
      return new Scale(first > lo ? first - step : first, last < hi ? last + step : last, from, to, step);
    }

    private static double clamp(double v) {
      return Math.max(-LIMIT, Math.min(LIMIT, v));
    }

    /** The 1-2-5 step at or above raw (raw positive and finite; anything else gives 1). */
    static double niceStep(double raw) {
      if (!(raw > 0) || !Double.isFinite(raw)) {
        return 1;
      }
      double mag = Math.pow(10, Math.floor(Math.log10(raw)));
      double f = raw / mag;
      return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    /** The viewBox coordinate of v; values outside the domain (only those beyond LIMIT) are drawn at its edge. */
    double at(double v) {
      double c = Double.isNaN(v) ? lo : Math.max(lo, Math.min(hi, v));
      return from + (c - lo) / (hi - lo) * (to - from);
    }

    /** lo, lo + step, ..., hi: computed from the tick's index, so a step below a value's ulp cannot stall the loop. */
    List<Double> ticks() {
      List<Double> out = new ArrayList<>();
      double count = Math.rint((hi - lo) / step);
      for (int i = 0; i <= count && i < MAX_TICKS; i++) {
        double t = i == count ? hi : lo + i * step;
        out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
      }
      return out;
    }

    String verticalGrid(double y1, double y2) {
      StringBuilder s = new StringBuilder();
      ticks().forEach(t -> s.append(line(at(t), y1, at(t), y2, "#d0d7de", 1, null)));
      return s.toString();
    }

    String horizontalGrid(double x1, double x2) {
      StringBuilder s = new StringBuilder();
      for (double t : ticks()) {
        s.append(line(x1, at(t), x2, at(t), "#d0d7de", 1, null));
        s.append(text(x1 - 6, at(t) + 4, "end", 11, Html.num(t)));
      }
      return s.toString();
    }

    String bottomAxis(double y, String label) {
      StringBuilder s = new StringBuilder(line(from, y, to, y, "#444", 1, null));
      ticks().forEach(t -> s.append(text(at(t), y + 16, "middle", 11, Html.num(t))));
      s.append(text((from + to) / 2, y + 36, "middle", 12, label));
      return s.toString();
    }
  }
}
