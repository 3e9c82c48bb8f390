package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitsTest {
  @Test
  void sameSeedSameSplitDifferentSeedDifferentSplit() {
    Splits a = Splits.standard(42);
    Splits b = Splits.standard(42);
    Splits c = Splits.standard(43);
    int differ = 0;
    for (int i = 0; i < 2000; i++) {
      String id = "pang-lee-" + i;
      assertEquals(a.assign(id), b.assign(id));
      if (!a.assign(id).equals(c.assign(id))) {
        differ++;
      }
    }
    // Two independent 80/10/10 draws disagree with probability 1 - (0.64 + 0.01 + 0.01) = 0.34.
    assertTrue(differ > 500 && differ < 860, "rows whose split changed with the seed: " + differ);
  }

  @Test
  void proportionsWithinTolerance() {
    Splits s = Splits.standard(7);
    Map<String, Integer> n = new HashMap<>();
    int total = 20000;
    for (int i = 0; i < total; i++) {
      n.merge(s.assign("uci-yelp-" + i), 1, Integer::sum);
    }
    // Binomial sd at n = 20000: 0.28% for 80%, 0.21% for 10%; allow about 4 sd.
    assertEquals(0.8, n.get(Splits.TRAIN) / (double) total, 0.012);
    assertEquals(0.1, n.get(Splits.VALIDATION) / (double) total, 0.009);
    assertEquals(0.1, n.get(Splits.TEST) / (double) total, 0.009);
  }

  @Test
  void aRowsSplitDependsOnlyOnItsIdAndTheSeed() {
    Splits s = Splits.standard(1);
    String before = s.assign("uci-amazon-00017");
    for (int i = 0; i < 100; i++) {
      s.assign("other-" + i);
    }
    assertEquals(before, s.assign("uci-amazon-00017"));
    assertEquals(before, Splits.standard(1).assign("uci-amazon-00017"));
  }

  @Test
  void unitIsInRangeAndFractionsAreChecked() {
    for (int i = 0; i < 1000; i++) {
      double u = Splits.unit("k" + i);
      assertTrue(u >= 0 && u < 1);
    }
    assertThrows(IllegalArgumentException.class, () -> new Splits(0.9, 0.2, 1));
    Splits all = new Splits(1.0, 0.0, 3);
    for (int i = 0; i < 100; i++) {
      assertEquals(Splits.TRAIN, all.assign("x" + i));
    }
  }
}
