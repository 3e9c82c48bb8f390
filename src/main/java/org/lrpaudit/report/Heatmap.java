package org.lrpaudit.report;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A text as a token heatmap: each word of the relevance table's {@code words} on a diverging background, red for
 * relevance towards the explained class, blue against it, white for none, scaled per text by its largest |relevance|.
 * The text between words (spaces, punctuation the tokenizer dropped) is shown as it is; everything is escaped.
 */
final class Heatmap {
  private static final int[] WHITE = {247, 247, 247};
  private static final int[] RED = {178, 24, 43};
  private static final int[] BLUE = {33, 102, 172};

  private Heatmap() {}

  /** A word of the relevance table: UTF-16 offsets into the text, end exclusive. */
  record Word(String token, int start, int end, double relevance) {}

  /** One explained text (text null when the corpus could not be read: the words are shown instead). */
  record Example(String id, String text, Integer label, String predictedLabel, String explainedLabel,
      double explainedLogit, List<Word> words, boolean truncated) {}

  static String html(Example e) {
    double max = e.words().stream().mapToDouble(w -> Math.abs(w.relevance())).max().orElse(0);
    StringBuilder s = new StringBuilder("<div class=\"heatmap\">");
    List<Word> words = e.words().stream().filter(w -> w.end() > w.start())
        .sorted(Comparator.comparingInt(Word::start)).toList();
    if (e.text() != null && fits(words, e.text())) {
      int pos = 0;
      for (Word w : words) {
        s.append(Html.text(e.text().substring(pos, w.start())));
        s.append(span(e.text().substring(w.start(), w.end()), w.relevance(), max));
        pos = w.end();
      }
      s.append(Html.text(e.text().substring(pos)));
    } else {
      for (Word w : words) {
        s.append(span(w.token(), w.relevance(), max)).append(' ');
      }
    }
    return s.append("</div>").toString();
  }

  /** Offsets increasing, without overlap, inside the text, and none between the two halves of a surrogate pair. */
  private static boolean fits(List<Word> words, String text) {
    int pos = 0;
    for (Word w : words) {
      if (w.start() < pos || w.end() > text.length() || splitsPair(text, w.start()) || splitsPair(text, w.end())) {
        return false;
      }
      pos = w.end();
    }
    return true;
  }

  private static boolean splitsPair(String text, int offset) {
    return offset > 0 && offset < text.length() && Character.isHighSurrogate(text.charAt(offset - 1))
        && Character.isLowSurrogate(text.charAt(offset));
  }

  private static String span(String word, double relevance, double max) {
    double t = max == 0 ? 0 : relevance / max;
    return "<span class=\"w\" style=\"background:" + colour(t) + (Math.abs(t) > 0.6 ? ";color:#fff" : "")
        + "\" title=\"relevance " + Html.num(relevance) + "\">" + Html.text(word) + "</span>";
  }

  /** t in [-1, 1]: blue through white to red. */
  static String colour(double t) {
    return String.format(Locale.ROOT, "#%06x", rgb(t));
  }

  /** The same scale as 0xRRGGBB (image heatmaps use it for their pixels). */
  static int rgb(double t) {
    double a = Math.min(1, Math.abs(t));
    int[] end = t >= 0 ? RED : BLUE;
    int rgb = 0;
    for (int i = 0; i < 3; i++) {
      rgb = (rgb << 8) | (int) Math.round(WHITE[i] + a * (end[i] - WHITE[i]));
    }
    return rgb;
  }

  /** Every value on the scale, scaled by the largest |value| (all white when every value is 0). */
  static int[] rgb(double[] values) {
    double max = 0;
    for (double v : values) {
      max = Math.max(max, Math.abs(v));
    }
    int[] rgb = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      rgb[i] = rgb(max == 0 ? 0 : values[i] / max);
    }
    return rgb;
  }

  /** The colour scale, as a CSS gradient with its meaning. */
  static String legend() {
    return legend("each text scaled by its own largest |R| (hover a word for its value)");
  }

  /** scaling: how the values are scaled, said after the colours' meaning. */
  static String legend(String scaling) {
    return "<div class=\"legend\"><span>&minus;max |R|</span><span class=\"bar\" style=\"background:"
        + "linear-gradient(to right," + colour(-1) + "," + colour(-0.5) + "," + colour(0) + "," + colour(0.5) + ","
        + colour(1) + ")\"></span><span>+max |R|</span><span>blue: relevance against the explained class, red: "
        + "towards it; " + scaling + "</span></div>";
  }
}
