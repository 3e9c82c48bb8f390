package org.lrpaudit.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the faithfulness charts (JFreeChart) are drawn in bounded time for adversarial curves: values one ulp
 * apart at every magnitude, the largest doubles (their range length overflowed and JFreeChart threw "Must be finite",
 * which discarded the whole evaluate output), NaN and infinities, random bit patterns.
 */
class CurveChartTest {
  static List<double[]> adversarial() {
    List<double[]> out = new ArrayList<>();
    double[] bases = {0, 1e-300, 1e-12, 0.5, 1, 10_000, 1e8, 1e15, 1e16, 1e300, Double.MAX_VALUE, Double.MIN_VALUE,
        -Double.MAX_VALUE, -10_000};
    for (double b : bases) {
      out.add(new double[] {b, Math.nextUp(b), b, Math.nextDown(b), b});
      out.add(new double[] {b, b, b});
      out.add(new double[] {-b, b, Double.NaN});
    }
    out.add(new double[] {Double.NaN, Double.NaN, Double.NaN});
    out.add(new double[] {Double.POSITIVE_INFINITY, 0, 1});
    out.add(new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0});
    out.add(new double[] {-Double.MAX_VALUE, Double.MAX_VALUE, 0});
    SplittableRandom random = new SplittableRandom(14);
    for (int i = 0; i < 30; i++) {
      double[] c = new double[2 + random.nextInt(10)];
      for (int k = 0; k < c.length; k++) {
        c[k] = switch (random.nextInt(3)) {
          case 0 -> Double.longBitsToDouble(random.nextLong());
          case 1 -> k == 0 ? random.nextDouble() : Math.nextUp(c[k - 1]);
          default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-30, 31));
        };
      }
      out.add(c);
    }
    return out;
  }

  @Test
  void adversarialCurvesAreDrawnInBoundedTime() {
    List<double[]> cases = adversarial();
    assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
      for (int i = 0; i < cases.size(); i++) {
        double[] curve = cases.get(i);
        Map<String, Map<String, double[]>> curves = new LinkedHashMap<>();
        curves.put("lrp-ah-ln", Map.of("activation", curve, "pruning_probability", curve, "pruning_change", curve));
        curves.put("random", Map.of("activation", new double[] {0, 0.5, 1}, "pruning_probability", curve,
            "pruning_change", curve));
        CurveChart chart = new CurveChart(curves, "t");
        String svg = chart.svg();
        assertTrue(svg.contains("<svg"), Arrays.toString(curve));
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), Arrays.toString(curve));
        if (i % 20 == 0) {
          assertTrue(chart.png().length > 0);
        }
      }
    }, "a chart was not drawn in bounded time");
  }
}
