package org.lrpaudit.model;

import org.apache.commons.math3.special.Erf;

/**
 * Plain double-precision building blocks of the reference forward pass ({@link HfReference}): rows x columns arrays, one
 * token per row. Written from the PyTorch definitions (nn.Linear, nn.LayerNorm, softmax, HF's ACT2FN), sharing nothing
 * with the production encoders.
 */
final class HfMath {
  private HfMath() {}

  /** y = x W^T + b with W stored [out][in] row-major as in the checkpoint; b may be null. */
  static double[][] linear(double[][] x, double[] w, double[] b, int out) {
    int in = x[0].length;
    if (w.length != (long) in * out) {
      throw new IllegalArgumentException("weight of " + w.length + " values is not " + out + " x " + in);
    }
    double[][] y = new double[x.length][out];
    for (int t = 0; t < x.length; t++) {
      for (int o = 0; o < out; o++) {
        double s = b == null ? 0 : b[o];
        for (int k = 0; k < in; k++) {
          s += x[t][k] * w[o * in + k];
        }
        y[t][o] = s;
      }
    }
    return y;
  }

  /** nn.LayerNorm over the last axis: biased variance, eps inside the square root; beta may be null. */
  static double[][] layerNorm(double[][] x, double[] gamma, double[] beta, double eps) {
    double[][] y = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      int d = x[t].length;
      double mean = 0;
      for (double v : x[t]) {
        mean += v;
      }
      mean /= d;
      double var = 0;
      for (double v : x[t]) {
        var += (v - mean) * (v - mean);
      }
      var /= d;
      double inv = 1 / Math.sqrt(var + eps);
      y[t] = new double[d];
      for (int i = 0; i < d; i++) {
        y[t][i] = (x[t][i] - mean) * inv * gamma[i] + (beta == null ? 0 : beta[i]);
      }
    }
    return y;
  }

  static double[][] add(double[][] a, double[][] b) {
    double[][] y = new double[a.length][a[0].length];
    for (int t = 0; t < a.length; t++) {
      for (int i = 0; i < a[t].length; i++) {
        y[t][i] = a[t][i] + b[t][i];
      }
    }
    return y;
  }

  /** HF's ACT2FN by name. */
  static double[][] activation(String name, double[][] x) {
    double[][] y = new double[x.length][x[0].length];
    for (int t = 0; t < x.length; t++) {
      for (int i = 0; i < x[t].length; i++) {
        y[t][i] = activation(name, x[t][i]);
      }
    }
    return y;
  }

  static double activation(String name, double v) {
    return switch (name) {
      case "gelu" -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
      case "gelu_new", "gelu_pytorch_tanh" -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI)
          * (v + 0.044715 * v * v * v)));
      case "relu" -> Math.max(0, v);
      case "tanh" -> Math.tanh(v);
      default -> throw new IllegalArgumentException("activation " + name);
    };
  }

  /** Columns [from, from + n) of x. */
  static double[][] columns(double[][] x, int from, int n) {
    double[][] y = new double[x.length][n];
    for (int t = 0; t < x.length; t++) {
      System.arraycopy(x[t], from, y[t], 0, n);
    }
    return y;
  }

  /** Row t of an embedding table [rows][d] stored row-major. */
  static double[] row(double[] table, long t, int d) {
    double[] r = new double[d];
    System.arraycopy(table, (int) (t * d), r, 0, d);
    return r;
  }

  static void addInto(double[] acc, double[] v) {
    for (int i = 0; i < acc.length; i++) {
      acc[i] += v[i];
    }
  }

  /**
   * Multi-head attention for one sequence: for each head h, P = softmax(scores_h + bias) over keys, ctx = P V. scores
   * are q k^T * scale plus extra[h] when given (DeBERTa's relative terms); allowed[i][j] false masks a key (set to
   * -inf before the softmax, as HF's finfo.min does in effect).
   */
  static double[][] attention(double[][] q, double[][] k, double[][] v, int heads, double scale, double[][][] extra,
      boolean[][] allowed) {
    int l = q.length;
    int dh = q[0].length / heads;
    double[][] ctx = new double[l][q[0].length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < l; i++) {
        double[] s = new double[l];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < l; j++) {
          if (allowed != null && !allowed[i][j]) {
            s[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double dot = 0;
          for (int c = 0; c < dh; c++) {
            dot += q[i][h * dh + c] * k[j][h * dh + c];
          }
          s[j] = dot * scale + (extra == null ? 0 : extra[h][i][j]);
          max = Math.max(max, s[j]);
        }
        double z = 0;
        for (int j = 0; j < l; j++) {
          s[j] = Math.exp(s[j] - max);
          z += s[j];
        }
        for (int j = 0; j < l; j++) {
          double p = s[j] / z;
          for (int c = 0; c < dh; c++) {
            ctx[i][h * dh + c] += p * v[j][h * dh + c];
          }
        }
      }
    }
    return ctx;
  }
}
