package org.lrpaudit.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The mean curves of every method, three panels side by side (activation, pruning probability, pruning change), drawn
 * once with JFreeChart and written both as SVG (JFreeSVG) and PNG. One fixed colour per method name, so charts of two
 * runs compare at a glance.
 */
final class CurveChart {
  private static final int PANEL_WIDTH = 560;
  private static final int HEIGHT = 480;
  private static final Map<String, Color> COLOURS = Map.of(
      "lrp-ah-ln", new Color(0xd62728), "lrp-ah", new Color(0xff7f0e), "lrp-ln", new Color(0xe377c2),
      "gi", new Color(0x1f77b4), "ig", new Color(0x17becf), "gae", new Color(0x2ca02c),
      "rollout", new Color(0x9467bd), "attn-last", new Color(0x8c564b), "random", new Color(0x7f7f7f));
  private static final List<String[]> PANELS = List.of(
      new String[] {"activation", "Activation: tokens put back, highest relevance first", "p(gold label)"},
      new String[] {"pruning_probability", "Pruning: tokens removed, lowest |relevance| first", "p(gold label)"},
      new String[] {"pruning_change", "Pruning: change of the logits", "sum over classes (y0 - y)^2"});

  private final List<JFreeChart> charts;

  /** curves: method -> curve column -> mean curve. */
  CurveChart(Map<String, Map<String, double[]>> curves, String subtitle) {
    charts = PANELS.stream().map(p -> panel(curves, p[0], p[1], p[2], subtitle)).toList();
  }

  private static JFreeChart panel(Map<String, Map<String, double[]>> curves, String column, String title, String yLabel,
      String subtitle) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, Map<String, double[]>> e : curves.entrySet()) {
      double[] c = e.getValue().get(column);
      XYSeries s = new XYSeries(e.getKey());
      for (int k = 0; k < c.length; k++) {
        s.add(Curves.fraction(k, c.length), drawable(c[k]));
      }
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "fraction of tokens", yLabel, data,
        PlotOrientation.VERTICAL, true, false, false);
    chart.addSubtitle(new org.jfree.chart.title.TextTitle(subtitle));
    chart.setBackgroundPaint(Color.WHITE);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    int i = 0;
    for (String method : curves.keySet()) {
      r.setSeriesPaint(i, COLOURS.getOrDefault(method, Color.BLACK));
      r.setSeriesStroke(i, new BasicStroke(method.equals("lrp-ah-ln") ? 3f : 1.6f));
      i++;
    }
    plot.setRenderer(r);
    return chart;
  }

  /** Largest magnitude drawn: JFreeChart's axes need a finite range length (+-MAX_VALUE overflows it and throws). */
  static final double LIMIT = 1e300;

  /**
   * A curve value as JFreeChart can draw it: NaN and infinities are left out (a gap: JFreeChart skips NaN), and
   * magnitudes beyond LIMIT are drawn at LIMIT. summary.json and curves/ keep the values themselves.
   */
  static double drawable(double v) {
    return Double.isFinite(v) ? Math.max(-LIMIT, Math.min(LIMIT, v)) : Double.NaN;
  }

  String svg() {
    SVGGraphics2D g = new SVGGraphics2D(PANEL_WIDTH * charts.size(), HEIGHT);
    draw(g);
    return g.getSVGDocument();
  }

  byte[] png() throws IOException {
    BufferedImage image = new BufferedImage(PANEL_WIDTH * charts.size(), HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    draw(g);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  private void draw(Graphics2D g) {
    for (int i = 0; i < charts.size(); i++) {
      charts.get(i).draw(g, new Rectangle(i * PANEL_WIDTH, 0, PANEL_WIDTH, HEIGHT));
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
