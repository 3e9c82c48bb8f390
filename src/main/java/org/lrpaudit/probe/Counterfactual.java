package org.lrpaudit.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.lrpaudit.corpus.ProbeKinds;
import org.lrpaudit.explain.TokenRelevance;

/**
 * One text with its gendered names swapped: every name mention is replaced (the same name always by the same name),
 * and the spans of the names in the original and in the swapped text are kept for the relevance share. A text whose
 * mentions cannot be swapped gets a status naming why.
 */
public record Counterfactual(String status, String error, String swappedText, List<int[]> originalSpans,
    List<int[]> swappedSpans, String originalNames, String swappedNames, String direction) {

  public static final String FEMALE_TO_MALE = "female_to_male";
  public static final String MALE_TO_FEMALE = "male_to_female";
  public static final String MIXED = "mixed";

  /** A gendered name mention: [start, end) in UTF-16 offsets and its kind. */
  public record Name(int start, int end, String kind) {}

  static Counterfactual error(String status, String message) {
    return new Counterfactual(status, message, null, List.of(), List.of(), null, null, null);
  }

  public static Counterfactual of(String text, List<Name> names, NameSwaps swaps) {
    if (text == null) {
      return error("id_not_in_input", "the input has no text with this id");
    }
    List<Name> sorted = new ArrayList<>(new LinkedHashSet<>(names));
    sorted.sort(Comparator.comparingInt(Name::start).thenComparingInt(Name::end));
    StringBuilder out = new StringBuilder();
    List<int[]> from = new ArrayList<>();
    List<int[]> to = new ArrayList<>();
    Set<String> originals = new LinkedHashSet<>();
    Set<String> replacements = new LinkedHashSet<>();
    Set<String> kinds = new LinkedHashSet<>();
    int pos = 0;
    for (Name n : sorted) {
      if (n.start() < 0 || n.end() > text.length() || n.end() <= n.start()) {
        return error("offsets_outside_text", "mention [" + n.start() + ", " + n.end() + ") is outside the text of length "
            + text.length() + " or empty");
      }
      if (n.start() < pos) {
        return error("overlapping_mentions", "mention [" + n.start() + ", " + n.end() + ") overlaps the previous one");
      }
      String name = text.substring(n.start(), n.end());
      String swap = swaps.swap(name);
      if (swap == null) {
        return error("no_swap_for_name", "no name of the other gender to swap '" + name + "' with");
      }
      out.append(text, pos, n.start());
      int s = out.length();
      out.append(swap);
      from.add(new int[] {n.start(), n.end()});
      to.add(new int[] {s, out.length()});
      originals.add(name);
      replacements.add(swap);
      kinds.add(n.kind());
      pos = n.end();
    }
    out.append(text.substring(pos));
    String direction = kinds.size() > 1 ? MIXED
        : kinds.contains(ProbeKinds.FEMALE_NAME) ? FEMALE_TO_MALE : MALE_TO_FEMALE;
    return new Counterfactual("ok", null, out.toString(), from, to, String.join(",", originals),
        String.join(",", replacements), direction);
  }

  /**
   * The relevance share of the spans: sum of the relevance of units overlapping any span (each unit once) over the sum
   * of |R| of all units; NaN when no unit overlaps (the span was truncated away) or all relevance is 0.
   */
  public static double share(List<TokenRelevance> units, List<int[]> spans) {
    double span = 0;
    double abs = 0;
    boolean any = false;
    for (TokenRelevance u : units) {
      abs += Math.abs(u.relevance());
      for (int[] s : spans) {
        if (u.start() < s[1] && u.end() > s[0]) {
          span += u.relevance();
          any = true;
          break;
        }
      }
    }
    return any && abs > 0 ? span / abs : Double.NaN;
  }
}
