package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The threshold language: every form and field, boundaries, and the errors a broken threshold gives. */
class CheckTest {
  static final Map<String, Headline> H = Map.of(
      "gap", new Headline("bias", "gap", -0.03, -0.05, -0.01, 0.004, 80L, null),
      "share", new Headline("bias", "share", 0.2, null, null, null, null, null));

  static String result(String expression, Map<String, Double> previous) {
    return Check.parse(expression).evaluate(H, previous).result();
  }

  static String result(String expression) {
    return result(expression, Map.of());
  }

  @Test
  void comparisonsReadTheNamedField() {
    assertEquals("pass", result("gap <= -0.03"), "value is the default field; <= includes equality");
    assertEquals("fail", result("gap < -0.03"));
    assertEquals("pass", result("gap.abs_value <= 0.03"));
    assertEquals("fail", result("gap.abs_value<0.03"), "spaces are optional");
    assertEquals("pass", result("gap.ci_high >= -0.01"));
    assertEquals("fail", result("gap.ci_low > -0.05"));
    assertEquals("fail", result("gap.p_value >= 0.01"), "p = 0.004");
    assertEquals("pass", result("gap.n >= 80"));
    assertEquals("pass", result("gap.n == 80"));
    assertEquals("fail", result("gap.n != 80"));
    assertEquals("pass", result("share.value >= 2e-1"), "exponent notation");
    assertEquals(0.03, Check.parse("gap.abs_value <= 0.05").evaluate(H, Map.of()).actual(), 0);
  }

  @Test
  void statisticNamesMayHoldMethodNamesWithHyphens() {
    // The evaluate stage's headline: <method>_auac, <method>_au_mse, <method>_aupc, methods such as lrp-ah-ln.
    Map<String, Headline> h = Map.of("lrp-ah-ln_auac", new Headline("evaluate", "lrp-ah-ln_auac", 0.81, null, null,
        null, 40L, null));
    Check c = Check.parse("lrp-ah-ln_auac >= 0.8");
    assertEquals("lrp-ah-ln_auac", c.statistic());
    assertEquals("pass", c.evaluate(h, Map.of()).result());
    assertEquals("fail", Check.parse("lrp-ah-ln_auac.value>=0.82").evaluate(h, Map.of()).result());
    assertEquals("pass", Check.parse("lrp-ah-ln_auac.change >= -0.01").evaluate(h, Map.of("lrp-ah-ln_auac", 0.815))
        .result(), "0.81 - 0.815 = -0.005");
    assertThrows(AuditException.class, () -> Check.parse("lrp-ah-ln_auac interval excludes 0.5").evaluate(h, Map.of()),
        "the evaluate headline has no interval");
  }

  @Test
  void intervalChecks() {
    assertEquals("pass", result("gap interval excludes 0"), "[-0.05, -0.01] excludes 0");
    assertEquals("fail", result("gap interval includes 0"));
    assertEquals("pass", result("gap interval includes -0.01"), "ends belong to the interval");
    assertEquals("fail", result("gap interval excludes -0.05"));
    CheckResult r = Check.parse("gap interval excludes 0").evaluate(H, Map.of());
    assertEquals(-0.05, r.ciLow(), 0);
    assertEquals(-0.01, r.ciHigh(), 0);
    assertNull(r.actual());
  }

  @Test
  void driftChecksUseThePreviousValueOrAreSkipped() {
    assertEquals("skipped", result("gap.abs_change <= 0.01"));
    // -0.03 - (-0.01) = -0.02
    assertEquals("fail", result("gap.abs_change <= 0.01", Map.of("gap", -0.01)));
    assertEquals("pass", result("gap.change >= -0.02", Map.of("gap", -0.01)));
    assertEquals(-0.02, Check.parse("gap.change >= -1").evaluate(H, Map.of("gap", -0.01)).actual(), 1e-15);
  }

  /** Issue 14: a NaN, an infinity, an inverted interval or a missing field never lets a check pass. */
  @Test
  void nonFiniteOrMissingValuesNeverPass() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      Map<String, Headline> h = Map.of(
          "g", new Headline("bias", "g", bad, bad, bad, bad, 10L, null),
          "low", new Headline("bias", "low", 0.1, bad, 0.2, 0.5, 10L, null),
          "high", new Headline("bias", "high", 0.1, 0.05, bad, 0.5, 10L, null),
          "ok", new Headline("bias", "ok", 0.1, 0.05, 0.2, 0.5, 10L, null));
      for (String s : List.of("g", "low", "high")) {
        for (String kind : List.of("excludes", "includes")) {
          for (String limit : List.of("0", "0.1", "-1e300")) {
            String check = s + " interval " + kind + " " + limit;
            CheckResult r = Check.parse(check).evaluate(h, Map.of());
            assertEquals("fail", r.result(), check + " with " + bad);
            assertTrue(r.reason().contains("not finite"), r.reason());
          }
        }
      }
      for (String field : List.of("value", "abs_value", "ci_low", "ci_high", "p_value")) {
        for (String op : List.of("<=", "<", ">=", ">", "==", "!=")) {
          for (String limit : List.of("0", "0.05", "1e300", "-1e300")) {
            String check = "g." + field + " " + op + " " + limit;
            assertEquals("fail", Check.parse(check).evaluate(h, Map.of()).result(), check + " with " + bad);
          }
        }
      }
      for (String op : List.of("<=", ">=", "!=", "==")) {
        String check = "ok.change " + op + " 0.5";
        assertEquals("fail", Check.parse(check).evaluate(h, Map.of("ok", bad)).result(), "previous " + bad);
        assertEquals("fail", Check.parse("ok.abs_change " + op + " 0.5").evaluate(h, Map.of("ok", bad)).result());
        assertEquals("fail", Check.parse("g.abs_change " + op + " 0.5").evaluate(h, Map.of("g", 0.1)).result(),
            "current " + bad);
      }
    }
    Map<String, Headline> inverted = Map.of("g", new Headline("bias", "g", 0.1, 0.3, -0.1, null, 10L, null));
    assertEquals("fail", Check.parse("g interval excludes 0").evaluate(inverted, Map.of()).result(), "[0.3, -0.1]");
    assertEquals("fail", Check.parse("g interval includes 5").evaluate(inverted, Map.of()).result());
    Map<String, Headline> missing = Map.of("g", new Headline("bias", "g", null, null, 0.1, null, null, null));
    for (String check : List.of("g <= 1", "g.abs_value <= 1", "g.change <= 1", "g.abs_change <= 1",
        "g interval excludes 0", "g.ci_low <= 1", "g.n >= 1")) {
      assertThrows(AuditException.class, () -> Check.parse(check).evaluate(missing, Map.of("g", 0.0)), check);
    }
    assertTrue(assertThrows(AuditException.class, () -> Check.parse("gap.abs_value <= 1e999")).getMessage()
        .contains("not a finite number"), "a limit that overflows would make every check pass or fail");
  }

  @Test
  void headlineCountsMustBeWholeNumbers() throws Exception {
    for (String n : List.of("\"NaN\"", "12.7", "\"Infinity\"", "1e30")) {
      var node = AuditRecord.JSON.readTree("{\"value\": 0.1, \"n\": " + n + "}");
      assertThrows(AuditException.class, () -> Headline.fromJson("bias", "g", node, "s.json"), n);
    }
    assertEquals(80L, Headline.fromJson("bias", "g", AuditRecord.JSON.readTree("{\"value\": 0.1, \"n\": 80.0}"),
        "s.json").n());
  }

  @Test
  void brokenThresholdsNameThemselves() {
    assertTrue(assertThrows(AuditException.class, () -> Check.parse("gap is small")).getMessage()
        .contains("\"gap is small\" is not of the form"));
    assertTrue(assertThrows(AuditException.class, () -> Check.parse("gap.mean <= 1")).getMessage()
        .contains("unknown field 'mean'"));
    assertThrows(AuditException.class, () -> Check.parse("gap <= "));
    assertThrows(AuditException.class, () -> Check.parse("gap interval contains 0"));
    assertTrue(assertThrows(AuditException.class, () -> result("other <= 1")).getMessage()
        .contains("no headline statistic 'other'"));
    assertTrue(assertThrows(AuditException.class, () -> result("share interval excludes 0")).getMessage()
        .contains("has no ci_low"));
    assertTrue(assertThrows(AuditException.class, () -> result("share.p_value >= 0.01")).getMessage()
        .contains("has no p_value"));
  }
}
