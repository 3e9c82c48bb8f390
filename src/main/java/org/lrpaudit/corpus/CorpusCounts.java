package org.lrpaudit.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Row counts by one or two keys, printed as a small table (the report prepare-corpus writes to standard error). */
public final class CorpusCounts {
  private CorpusCounts() {
  }

  /** A table of rows (by {@code rowKey}) x splits, with totals. */
  public static String bySplit(List<CorpusRow> rows, Function<CorpusRow, String> rowKey, String rowTitle) {
    Map<String, long[]> counts = new TreeMap<>();
    long[] total = new long[Splits.ALL.size() + 1];
    for (CorpusRow r : rows) {
      long[] c = counts.computeIfAbsent(rowKey.apply(r), k -> new long[Splits.ALL.size() + 1]);
      int s = Splits.ALL.indexOf(r.split());
      if (s < 0) {
        throw new IllegalArgumentException("row " + r.id() + " has split " + r.split());
      }
      c[s]++;
      c[Splits.ALL.size()]++;
      total[s]++;
      total[Splits.ALL.size()]++;
    }
    List<String> head = new ArrayList<>(Splits.ALL);
    head.add("total");
    int w = Math.max(rowTitle.length(), counts.keySet().stream().mapToInt(String::length).max().orElse(0));
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "  %-" + w + "s", rowTitle));
    head.forEach(h -> b.append(String.format(Locale.ROOT, " %10s", h)));
    b.append('\n');
    counts.forEach((k, c) -> line(b, w, k, c));
    line(b, w, "all", total);
    return b.toString();
  }

  private static void line(StringBuilder b, int w, String key, long[] c) {
    b.append(String.format(Locale.ROOT, "  %-" + w + "s", key));
    for (long v : c) {
      b.append(String.format(Locale.ROOT, " %10d", v));
    }
    b.append('\n');
  }

  public static String sourceLabel(CorpusRow r) {
    return r.source() + " " + (r.label() == CorpusRow.POSITIVE ? "pos" : "neg");
  }

  public static String kindLabel(CorpusRow r) {
    return (r.probe() == null ? r.source() : r.probe().slotKind()) + " " + (r.label() == CorpusRow.POSITIVE ? "pos" : "neg");
  }
}
