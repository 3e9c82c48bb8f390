package org.lrpaudit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the dashboard's chart geometry terminates for every finite input and gives finite coordinates; labels are
 * never cut inside a surrogate pair.
 */
class SvgTest {
  /** The reported hang: trend values one ulp apart near 10,000 made ticks() add 0 to t forever. */
  @Test
  void valuesOneUlpApartNear10000() {
    double v = 10_000;
    List<Svg.Point> points = List.of(new Svg.Point("a1", v, null, null, Svg.PASS),
        new Svg.Point("a2", Math.nextUp(v), null, null, Svg.PASS));
    String svg = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> Svg.trend(points, List.of(), "t"));
    assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
    Svg.Scale s = assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> Svg.Scale.of(List.of(v, Math.nextUp(v)), 0, 100, true));
    checkScale(List.of(v, Math.nextUp(v)), s);
  }

  /**
   * A property test: random and adversarial ranges (ulp neighbours at every magnitude, the largest and smallest
   * doubles, subnormals, signed zeros, random bit patterns, values around 1-2-5 boundaries) all give a scale of 2 to
   * MAX_TICKS finite, increasing ticks that covers the values, with finite coordinates, in bounded time.
   */
  @Test
  void everyFiniteRangeTerminatesWithFiniteIncreasingTicks() {
    SplittableRandom random = new SplittableRandom(14);
    List<List<Double>> cases = new ArrayList<>();
    double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE,
        -Double.MAX_VALUE, 1e300, -1e300, 1e-300, 1, -1, 10_000, 1e15, 1e16, 9007199254740993.0, 0.1, 1e-12};
    for (double a : special) {
      for (double b : special) {
        cases.add(List.of(a, b));
      }
      cases.add(List.of(a));
      cases.add(List.of(a, Math.nextUp(a)));
      cases.add(List.of(Math.nextDown(a), a, Math.nextUp(a)));
    }
    for (int e = -324; e <= 308; e++) {
      double a = Math.pow(10, e);
      for (double x : new double[] {a, -a, 2 * a, 5 * a, 9.99 * a}) {
        if (Double.isFinite(x)) {
          cases.add(List.of(x, Math.nextUp(x)));
          cases.add(List.of(x, Math.nextUp(Math.nextUp(x)), Math.nextDown(x)));
          cases.add(List.of(x, x + x * 1e-10));
          cases.add(List.of(x, x * (1 + 1e-9)));
        }
      }
    }
    for (int i = 0; i < 10_000; i++) {
      int n = 1 + random.nextInt(5);
      List<Double> values = new ArrayList<>();
      while (values.size() < n) {
        double v = switch (random.nextInt(4)) {
          case 0 -> Double.longBitsToDouble(random.nextLong());
          case 1 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-20, 21));
          case 2 -> values.isEmpty() ? random.nextDouble() : Math.nextUp(values.get(values.size() - 1));
          default -> values.isEmpty() ? 1e4 : values.get(0) + random.nextInt(-3, 4) * Math.ulp(values.get(0));
        };
        if (Double.isFinite(v)) {
          values.add(v);
        }
      }
      cases.add(values);
    }
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (List<Double> values : cases) {
        checkScale(values, Svg.Scale.of(values, 300, 810, false));
        checkScale(values, Svg.Scale.of(values, 178, 16, true));
      }
      // and the two charts, on a sample (they are what the dashboard writes)
      for (int i = 0; i < cases.size(); i += 53) {
        List<Double> values = cases.get(i);
        List<Svg.Point> points = new ArrayList<>();
        List<Svg.Interval> rows = new ArrayList<>();
        for (double v : values) {
          points.add(new Svg.Point("a", v, v, values.get(0), Svg.PASS));
          rows.add(new Svg.Interval("r", Svg.NEUTRAL, v, values.get(0), v, "n"));
        }
        String svg = Svg.trend(points, List.of(new Svg.Line(values.get(0), "t", Svg.FAIL)), "t")
            + Svg.intervals(rows, "x", true);
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), values + ": " + svg);
      }
    }, "a scale or a chart did not terminate");
  }

  @Test
  void nonFiniteValuesAreLeftOutNotDrawnAtAnEdge() {
    String svg = Svg.trend(List.of(new Svg.Point("a", 0.1, Double.NaN, Double.NaN, Svg.PASS),
        new Svg.Point("b", Double.NaN, null, null, Svg.FAIL)), List.of(new Svg.Line(Double.POSITIVE_INFINITY, "x",
        Svg.FAIL)), "t");
    assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
    assertEquals(1, svg.split("<circle").length - 1, "one finite point");
    svg = Svg.intervals(List.of(new Svg.Interval("r", Svg.NEUTRAL, Double.NaN, null, null, "NaN"),
        new Svg.Interval("s", Svg.NEUTRAL, 0.2, Double.NEGATIVE_INFINITY, 0.3, "0.2")), "x", true);
    assertEquals(1, svg.split("<circle").length - 1, svg);
    assertFalse(svg.contains("\"NaN\"") || svg.contains("Infinity"), svg);
  }

  @Test
  void shortenNeverSplitsASurrogatePair() {
    String emoji = "\uD83D\uDE00"; // U+1F600, two UTF-16 units
    for (int max = 1; max < 12; max++) {
      for (int prefix = 0; prefix < 12; prefix++) {
        String s = "x".repeat(prefix) + emoji.repeat(6);
        String cut = Svg.shorten(s, max);
        assertTrue(cut.length() <= Math.max(max, 1), cut);
        assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(cut), "no lone surrogate: prefix " + prefix
            + ", max " + max);
      }
    }
    assertEquals("x".repeat(44) + "\u2026", Svg.shorten("x".repeat(44) + emoji + "tail", 46));
    assertEquals("x".repeat(43) + emoji + "\u2026", Svg.shorten("x".repeat(43) + emoji + "tail", 46));
  }

  private static void checkScale(List<Double> values, Svg.Scale s) {
    List<Double> ticks = s.ticks();
    String where = values + " -> " + s + " ticks " + ticks;
    assertTrue(ticks.size() >= 2 && ticks.size() <= Svg.Scale.MAX_TICKS, where);
    for (int i = 0; i < ticks.size(); i++) {
      assertTrue(Double.isFinite(ticks.get(i)), where);
      assertTrue(i == 0 || ticks.get(i) > ticks.get(i - 1), where);
    }
    assertTrue(Double.isFinite(s.lo()) && Double.isFinite(s.hi()) && s.hi() > s.lo(), where);
    for (double v : values) {
      double c = Math.max(-Svg.Scale.LIMIT, Math.min(Svg.Scale.LIMIT, v));
      assertTrue(s.lo() <= c && c <= s.hi(), "covers " + v + ": " + where);
      double at = s.at(v);
      assertTrue(Double.isFinite(at) && at >= Math.min(s.from(), s.to()) - 1e-6
          && at <= Math.max(s.from(), s.to()) + 1e-6, "at(" + v + ") = " + at + ": " + where);
    }
  }
}
