package org.lrpaudit.model;

import static org.lrpaudit.model.HfMath.activation;
import static org.lrpaudit.model.HfMath.add;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference forward pass of DebertaV2ForSequenceClassification (transformers/models/deberta_v2/modeling_deberta_v2.py)
 * for one unpadded sequence: DebertaV2Embeddings, DebertaV2Encoder.get_rel_embedding, build_relative_position with
 * make_log_bucket_position (in float32, as torch computes it), DisentangledSelfAttention with its c2p and p2c gathers
 * written out index by index, ContextPooler and classifier.
 */
final class HfDebertaV2 {
  private HfDebertaV2() {}

  static double[] logits(HfReference r, long[] ids, long[] typeIds) {
    int h = r.i("hidden_size", 0);
    int e = r.i("embedding_size", h);
    int n = ids.length;
    double eps = r.d("layer_norm_eps", 1e-7);
    int typeVocab = r.config().has("type_vocab_size") ? r.config().get("type_vocab_size").asInt() : 0;
    double[] word = r.t("deberta.embeddings.word_embeddings.weight", r.i("vocab_size", 0), e);
    boolean positionInput = r.b("position_biased_input", true);
    double[][] x = new double[n][];
    for (int k = 0; k < n; k++) {
      x[k] = HfMath.row(word, ids[k], e);
      if (positionInput) {
        HfMath.addInto(x[k], HfMath.row(r.t("deberta.embeddings.position_embeddings.weight",
            r.i("max_position_embeddings", 512), e), k, e));
      }
      if (typeVocab > 0) {
        HfMath.addInto(x[k], HfMath.row(r.t("deberta.embeddings.token_type_embeddings.weight", typeVocab, e),
            typeIds[k], e));
      }
    }
    if (e != h) {
      x = r.linear(x, "deberta.embeddings.embed_proj", h, false);
    }
    x = r.norm(x, "deberta.embeddings.LayerNorm", eps, true); // times the all-ones mask of an unpadded sequence

    int maxRel = r.i("max_relative_positions", -1);
    if (maxRel < 1) {
      maxRel = r.i("max_position_embeddings", 512);
    }
    int buckets = r.i("position_buckets", -1);
    int span = buckets > 0 ? buckets : maxRel;
    double[][] rel = new double[2 * span][];
    double[] table = r.t("deberta.encoder.rel_embeddings.weight", 2 * span, h);
    for (int k = 0; k < 2 * span; k++) {
      rel[k] = HfMath.row(table, k, h);
    }
    if (r.s("norm_rel_ebd", "none").toLowerCase().contains("layer_norm")) {
      rel = r.norm(rel, "deberta.encoder.LayerNorm", eps, true);
    }
    long[][] relPos = new long[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        relPos[i][j] = buckets > 0 ? logBucket(i - j, buckets, maxRel) : i - j;
      }
    }
    List<String> posAtt = new ArrayList<>();
    r.config().path("pos_att_type").forEach(p -> posAtt.add(p.asText()));
    if (r.config().path("pos_att_type").isTextual()) {
      for (String p : r.config().get("pos_att_type").asText().split("\\|")) {
        posAtt.add(p.trim());
      }
    }
    for (int l = 0; l < r.i("num_hidden_layers", 0); l++) {
      x = layer(r, "deberta.encoder.layer." + l + ".", x, rel, relPos, span, posAtt, eps);
    }
    int poolerSize = r.i("pooler_hidden_size", h);
    double[][] pooled = activation(r.s("pooler_hidden_act", "gelu"),
        r.linear(new double[][] {x[0]}, "pooler.dense", poolerSize, true));
    return r.linear(pooled, "classifier", r.labels(), true)[0];
  }

  /** make_log_bucket_position for one relative position, float32 arithmetic as in torch. */
  static long logBucket(long relative, int bucketSize, int maxPosition) {
    long sign = Long.signum(relative);
    int mid = bucketSize / 2;
    long abs = relative < mid && relative > -mid ? mid - 1 : Math.abs(relative);
    float logPos = (float) Math.ceil((float) ((float) Math.log((float) abs / mid)
        / (float) Math.log((float) ((maxPosition - 1) / (double) mid))) * (mid - 1)) + mid;
    return abs <= mid ? relative : (long) (logPos * sign);
  }

  private static double[][] layer(HfReference r, String p, double[][] x, double[][] rel, long[][] relPos, int span,
      List<String> posAtt, double eps) {
    int h = x[0].length;
    int heads = r.i("num_attention_heads", 0);
    int dh = h / heads;
    int n = x.length;
    String a = p + "attention.self.";
    double[][] q = r.linear(x, a + "query_proj", h, true);
    double[][] k = r.linear(x, a + "key_proj", h, true);
    double[][] v = r.linear(x, a + "value_proj", h, true);
    boolean share = r.b("share_att_key", false);
    boolean c2p = posAtt.contains("c2p");
    boolean p2c = posAtt.contains("p2c");
    int scaleFactor = 1 + (c2p ? 1 : 0) + (p2c ? 1 : 0);
    double scale = (float) Math.sqrt((float) (dh * scaleFactor)); // torch.sqrt of a float32 tensor
    double[][] posKey = c2p ? r.linear(rel, share ? a + "key_proj" : a + "pos_key_proj", h, true) : null;
    double[][] posQuery = p2c ? r.linear(rel, share ? a + "query_proj" : a + "pos_query_proj", h, true) : null;
    // extra[h][i][j]: the c2p and p2c terms, already divided by the scale; the c2c term is q k^T / scale.
    double[][][] extra = new double[heads][n][n];
    for (int hd = 0; hd < heads; hd++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          if (c2p) {
            int c2pPos = (int) Math.max(0, Math.min(2 * span - 1, relPos[i][j] + span));
            s += dot(q[i], posKey[c2pPos], hd * dh, dh) / scale;
          }
          if (p2c) {
            // p2c_att[j][p2c_pos[j][i]] with p2c_pos = clamp(-relative_pos + span), then transposed to [i][j].
            int p2cPos = (int) Math.max(0, Math.min(2 * span - 1, -relPos[j][i] + span));
            s += dot(k[j], posQuery[p2cPos], hd * dh, dh) / scale;
          }
          extra[hd][i][j] = s;
        }
      }
    }
    double[][] ctx = HfMath.attention(q, k, v, heads, 1 / scale, extra, null);
    double[][] h1 = r.norm(add(r.linear(ctx, p + "attention.output.dense", h, true), x),
        p + "attention.output.LayerNorm", eps, true);
    double[][] f = activation(r.s("hidden_act", "gelu"),
        r.linear(h1, p + "intermediate.dense", r.i("intermediate_size", 0), true));
    return r.norm(add(r.linear(f, p + "output.dense", h, true), h1), p + "output.LayerNorm", eps, true);
  }

  private static double dot(double[] a, double[] b, int from, int n) {
    double s = 0;
    for (int c = from; c < from + n; c++) {
      s += a[c] * b[c];
    }
    return s;
  }
}
