package org.lrpaudit.model;

import static org.lrpaudit.model.HfMath.activation;
import static org.lrpaudit.model.HfMath.add;
import static org.lrpaudit.model.HfMath.attention;

/**
 * ViTForImageClassification (transformers/models/vit/modeling_vit.py) in plain Java doubles for one image, on the
 * weights of an {@link HfReference}: the patch embedding written as the convolution sum it is (not as the production
 * code's reshape to patches), so a wrong patch order or channel layout there shows up as a logit difference.
 */
public final class HfVit implements AutoCloseable {
  private final HfReference ref;

  private HfVit(HfReference ref) {
    this.ref = ref;
  }

  /** The reference on a checkpoint folder (config.json, model.safetensors). */
  public static HfVit open(java.nio.file.Path dir) {
    return new HfVit(HfReference.open(dir));
  }

  @Override
  public void close() {
    ref.close();
  }

  /** The logits of one image of pixel values [channels][height][width], row-major. */
  public double[] logits(double[] pixels) {
    return fromEmbeddings(embeddings(pixels));
  }

  /**
   * ViTEmbeddings.forward: patch_embeddings (Conv2d, kernel = stride = patch_size, then flatten(2).transpose(1, 2):
   * patches row by row), cls_token in front, + position_embeddings. [1 + patches][hidden].
   */
  public double[][] embeddings(double[] px) {
    int d = ref.i("hidden_size", 0);
    int c = ref.i("num_channels", 3);
    int s = ref.i("image_size", 224);
    int p = ref.i("patch_size", 16);
    int g = s / p;
    double[] w = ref.t("vit.embeddings.patch_embeddings.projection.weight", d, c, p, p);
    double[] b = ref.t("vit.embeddings.patch_embeddings.projection.bias", d);
    double[] cls = ref.t("vit.embeddings.cls_token", 1, 1, d);
    double[] pos = ref.t("vit.embeddings.position_embeddings", 1, g * g + 1, d);
    double[][] h = new double[g * g + 1][d];
    for (int o = 0; o < d; o++) {
      h[0][o] = cls[o] + pos[o];
    }
    for (int r = 0; r < g; r++) {
      for (int q = 0; q < g; q++) {
        int t = 1 + r * g + q;
        for (int o = 0; o < d; o++) {
          double v = b[o];
          for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < p; i++) {
              for (int j = 0; j < p; j++) {
                v += w[((o * c + ch) * p + i) * p + j] * px[(ch * s + r * p + i) * s + q * p + j];
              }
            }
          }
          h[t][o] = v + pos[t * d + o];
        }
      }
    }
    return h;
  }

  /** ViTEncoder (ViTLayer: pre-norm), ViTModel.layernorm, classifier on [CLS]. */
  public double[] fromEmbeddings(double[][] h0) {
    int d = ref.i("hidden_size", 0);
    int heads = ref.i("num_attention_heads", 0);
    int inner = ref.i("intermediate_size", 0);
    double eps = ref.d("layer_norm_eps", 1e-12);
    boolean qkvBias = ref.b("qkv_bias", true);
    String act = ref.s("hidden_act", "gelu");
    double[][] h = h0;
    for (int l = 0; l < ref.i("num_hidden_layers", 0); l++) {
      String p = "vit.encoder.layer." + l + ".";
      double[][] x = ref.norm(h, p + "layernorm_before", eps, true);
      double[][] q = ref.linear(x, p + "attention.attention.query", d, qkvBias);
      double[][] k = ref.linear(x, p + "attention.attention.key", d, qkvBias);
      double[][] v = ref.linear(x, p + "attention.attention.value", d, qkvBias);
      double[][] ctx = attention(q, k, v, heads, Math.pow((double) d / heads, -0.5), null, null);
      h = add(ref.linear(ctx, p + "attention.output.dense", d, true), h);
      double[][] y = ref.norm(h, p + "layernorm_after", eps, true);
      double[][] f = activation(act, ref.linear(y, p + "intermediate.dense", inner, true));
      h = add(ref.linear(f, p + "output.dense", d, true), h);
    }
    h = ref.norm(h, "vit.layernorm", eps, true);
    return ref.linear(new double[][] {h[0]}, "classifier", ref.labels(), true)[0];
  }
}
