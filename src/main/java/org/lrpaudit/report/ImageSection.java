package org.lrpaudit.report;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's image explanations: per image the original, then each method's patch heatmap side by side (the
 * pictures are PNG data URIs inside the page), with the prediction and the explained logit; then the patch-flipping
 * and pixel-flipping scores (method x unit) when a faithfulness file was given. Every string from the table is escaped.
 */
final class ImageSection {
  /** Smallest side of a picture, in CSS pixels; a 4x4 grid gets 32-pixel cells. */
  static final int SIDE = 128;

  /**
   * table: where the rows come from (shown on the page); methods: in the order of the panels; scores: null when no
   * faithfulness file was given; note: why there are no images (null when there are).
   */
  record Inputs(String table, List<String> methods, List<ImageExample> examples, List<FlippingScores.Score> scores,
      String note) {}

  private ImageSection() {}

  static String displayName(String method) {
    return switch (method) {
      case "lrp-ah-ln" -> "LRP(AH+LN)";
      case "lrp-ah" -> "LRP(AH)";
      case "lrp-ln" -> "LRP(LN)";
      case "gi" -> "GI";
      default -> method;
    };
  }

  static void html(StringBuilder s, Inputs in) {
    s.append("<section><h2>Image explanations</h2>");
    if (in.examples().isEmpty()) {
      s.append("<p class=\"muted\">").append(Html.text(in.note() != null ? in.note()
          : "No explained images in the image relevance table.")).append("</p>");
    } else {
      s.append("<p class=\"muted\">From <code>").append(Html.text(in.table())).append("</code>: the patch relevance "
          + "each method stored, one cell per patch, nothing recomputed.</p>")
          .append(Heatmap.legend("each heatmap scaled by its own largest |R| over the patches; [CLS]: the class "
              + "token's own relevance"));
      s.append("<div class=\"images\">");
      for (ImageExample e : in.examples()) {
        example(s, e, in.methods());
      }
      s.append("</div>");
    }
    if (in.scores() != null) {
      scores(s, in.scores());
    }
    s.append("</section>");
  }

  private static void example(StringBuilder s, ImageExample e, List<String> methods) {
    int cell = PatchPicture.cell(e.rows(), e.cols(), SIDE);
    int w = e.cols() * cell;
    int h = e.rows() * cell;
    s.append("<div class=\"example image-example\"><div class=\"meta\"><code>").append(Html.text(e.id()))
        .append("</code><br>predicted ").append(Html.text(e.predictedLabel())).append(", explained ")
        .append(Html.text(e.explainedLabel())).append(" (logit ").append(Html.num(e.explainedLogit())).append(")")
        .append(e.label() == null ? "" : ", gold label " + e.label()).append("</div><div class=\"panels\">");
    if (e.original() != null) {
      BufferedImage original = PatchPicture.resampled(e.original(), w, h);
      panel(s, "image", "original", PatchPicture.dataUri(original), w, h, "image");
    }
    for (String m : methods) {
      ImageExample.Patches p = e.methods().get(m);
      if (p == null) {
        s.append("<figure class=\"panel\"><p class=\"muted\">no ").append(Html.text(displayName(m)))
            .append(" row</p></figure>");
        continue;
      }
      String caption = displayName(m) + " ([CLS] " + Html.num(p.cls()) + ")";
      panel(s, m, caption, PatchPicture.dataUri(PatchPicture.relevance(p.relevance(), e.rows(), e.cols(), cell)), w,
          h, displayName(m) + " patch relevance of " + e.id());
    }
    s.append("</div></div>");
  }

  private static void panel(StringBuilder s, String kind, String caption, String uri, int w, int h, String alt) {
    s.append("<figure class=\"panel\"><img class=\"patches\" data-kind=\"").append(Html.text(kind))
        .append("\" width=\"").append(w).append("\" height=\"").append(h).append("\" alt=\"").append(Html.text(alt))
        .append("\" src=\"").append(uri).append("\"><figcaption>").append(Html.text(caption))
        .append("</figcaption></figure>");
  }

  /**
   * One row per method, one column pair (AUAC, AU-MSE) per unit in the order the units first appear; the image count
   * goes with each cell's unit, since a unit's images can differ (an image too small for pixel flipping is not one).
   */
  private static void scores(StringBuilder s, List<FlippingScores.Score> scores) {
    Map<String, Map<String, FlippingScores.Score>> byMethod = new LinkedHashMap<>();
    Set<String> units = new LinkedHashSet<>();
    for (FlippingScores.Score sc : scores) {
      byMethod.computeIfAbsent(sc.method(), k -> new LinkedHashMap<>()).put(sc.unit(), sc);
      units.add(sc.unit());
    }
    s.append("<h3>Patch and pixel flipping</h3><p class=\"muted\">Per method and flipped unit: AUAC, higher is more "
        + "faithful; AU-MSE, lower is more faithful (images evaluated in brackets).</p><table class=\"flipping\">"
        + "<thead><tr><th>method</th>");
    for (String u : units) {
      s.append("<th>").append(Html.text(u)).append(" AUAC</th><th>").append(Html.text(u)).append(" AU-MSE</th>");
    }
    s.append("</tr></thead><tbody>");
    for (Map.Entry<String, Map<String, FlippingScores.Score>> m : byMethod.entrySet()) {
      s.append("<tr><td>").append(Html.text(displayName(m.getKey()))).append("</td>");
      for (String u : units) {
        FlippingScores.Score sc = m.getValue().get(u);
        if (sc == null) {
          s.append("<td class=\"muted\" colspan=\"2\">not measured</td>");
        } else {
          s.append("<td class=\"num\">").append(Html.num(sc.auac())).append(" (").append(sc.images())
              .append(")</td><td class=\"num\">").append(Html.num(sc.auMse())).append("</td>");
        }
      }
      s.append("</tr>");
    }
    s.append("</tbody></table>");
  }
}
