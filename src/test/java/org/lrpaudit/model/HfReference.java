package org.lrpaudit.model;

import static org.lrpaudit.model.HfMath.activation;
import static org.lrpaudit.model.HfMath.add;
import static org.lrpaudit.model.HfMath.attention;
import static org.lrpaudit.model.HfMath.columns;
import static org.lrpaudit.model.HfMath.layerNorm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A second implementation of every supported family's forward pass, for one unpadded sequence, in plain Java doubles:
 * written from HuggingFace's modeling_&lt;family&gt;.py (the Python classes are named where each part is computed), reading
 * config.json with Jackson and the weights by their checkpoint names. It shares no code with the production model (only
 * the safetensors reader), so a wrong-but-consistent production forward (a misplaced LayerNorm, a swapped tensor, wrong
 * rotary halves) shows up as a logit difference in ReferenceForwardTest.
 */
final class HfReference implements AutoCloseable {
  private final JsonNode config;
  private final SafetensorsFile file;
  private final Map<String, double[]> cache = new HashMap<>();

  private HfReference(JsonNode config, SafetensorsFile file) {
    this.config = config;
    this.file = file;
  }

  static HfReference open(Path dir) {
    try {
      return new HfReference(new ObjectMapper().readTree(dir.resolve("config.json").toFile()),
          SafetensorsFile.open(dir.resolve("model.safetensors")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The checkpoint's tensor as doubles, its shape checked against what the HF module would allocate. */
  double[] t(String name, long... shape) {
    SafetensorsFile.Entry e = file.entry(name);
    if (e == null) {
      throw new IllegalArgumentException("no tensor " + name);
    }
    if (!Arrays.equals(e.shape(), shape)) {
      throw new IllegalArgumentException(name + " has shape " + Arrays.toString(e.shape()) + ", HF expects "
          + Arrays.toString(shape));
    }
    return cache.computeIfAbsent(name, n -> {
      float[] f = file.readFloats(n);
      double[] d = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        d[i] = f[i];
      }
      return d;
    });
  }

  boolean has(String name) {
    return file.entry(name) != null;
  }

  int i(String field, int fallback) {
    return config.has(field) && !config.get(field).isNull() ? config.get(field).asInt() : fallback;
  }

  double d(String field, double fallback) {
    return config.has(field) && !config.get(field).isNull() ? config.get(field).asDouble() : fallback;
  }

  String s(String field, String fallback) {
    return config.has(field) && !config.get(field).isNull() ? config.get(field).asText() : fallback;
  }

  boolean b(String field, boolean fallback) {
    return config.has(field) && !config.get(field).isNull() ? config.get(field).asBoolean() : fallback;
  }

  JsonNode config() {
    return config;
  }

  int labels() {
    return config.get("id2label").size();
  }

  /** nn.Linear named prefix (prefix.weight [out][in], prefix.bias [out] when the module has one). */
  double[][] linear(double[][] x, String prefix, int out, boolean bias) {
    int in = x[0].length;
    return HfMath.linear(x, t(prefix + ".weight", out, in), bias ? t(prefix + ".bias", out) : null, out);
  }

  double[][] norm(double[][] x, String prefix, double eps, boolean bias) {
    int d = x[0].length;
    return layerNorm(x, t(prefix + ".weight", d), bias ? t(prefix + ".bias", d) : null, eps);
  }

  /** The logits of one sequence (no padding) of token ids and token type ids. */
  double[] logits(long[] ids, long[] typeIds) {
    String type = config.get("model_type").asText();
    return switch (type) {
      case "bert" -> bert(ids, typeIds);
      case "distilbert" -> distilBert(ids);
      case "roberta", "xlm-roberta" -> roberta(ids);
      case "electra" -> electra(ids, typeIds);
      case "albert" -> albert(ids, typeIds);
      case "modernbert" -> modernBert(ids);
      case "deberta-v2" -> HfDebertaV2.logits(this, ids, typeIds);
      default -> throw new IllegalArgumentException("no reference for " + type);
    };
  }

  /** word + position + token type embeddings (BertEmbeddings and its copies), then LayerNorm. */
  double[][] absoluteEmbeddings(String p, long[] ids, long[] positions, long[] typeIds, int e, double eps) {
    double[] word = t(p + "word_embeddings.weight", i("vocab_size", 0), e);
    double[] pos = t(p + "position_embeddings.weight", i("max_position_embeddings", 0), e);
    double[] typ = typeIds == null ? null : t(p + "token_type_embeddings.weight", i("type_vocab_size", 2), e);
    double[][] x = new double[ids.length][];
    for (int k = 0; k < ids.length; k++) {
      x[k] = HfMath.row(word, ids[k], e);
      HfMath.addInto(x[k], HfMath.row(pos, positions[k], e));
      if (typ != null) {
        HfMath.addInto(x[k], HfMath.row(typ, typeIds[k], e));
      }
    }
    return norm(x, p + "LayerNorm", eps, true);
  }

  private static long[] arange(int n) {
    long[] r = new long[n];
    for (int k = 0; k < n; k++) {
      r[k] = k;
    }
    return r;
  }

  /**
   * One post-LN block (BertLayer, AlbertLayer, DistilBERT's TransformerBlock): names = query, key, value, attention
   * output dense, attention LayerNorm, FFN in, FFN out, output LayerNorm (full names under prefix p).
   */
  double[][] postLnBlock(double[][] x, String p, String[] names, int heads, int inner, String act, double eps) {
    int d = x[0].length;
    double[][] q = linear(x, p + names[0], d, true);
    double[][] k = linear(x, p + names[1], d, true);
    double[][] v = linear(x, p + names[2], d, true);
    double[][] ctx = attention(q, k, v, heads, 1 / Math.sqrt((double) d / heads), null, null);
    double[][] h1 = norm(add(linear(ctx, p + names[3], d, true), x), p + names[4], eps, true);
    double[][] f = activation(act, linear(h1, p + names[5], inner, true));
    return norm(add(linear(f, p + names[6], d, true), h1), p + names[7], eps, true);
  }

  private static final String[] BERT_LAYER = {"attention.self.query", "attention.self.key", "attention.self.value",
      "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"};

  private double[][] bertEncoder(double[][] x, String prefix) {
    for (int l = 0; l < i("num_hidden_layers", 0); l++) {
      x = postLnBlock(x, prefix + l + ".", BERT_LAYER, i("num_attention_heads", 0), i("intermediate_size", 0),
          s("hidden_act", "gelu"), d("layer_norm_eps", 1e-12));
    }
    return x;
  }

  /** first token -> dense -> act -> out (BertPooler + classifier, RobertaClassificationHead, ...). */
  private double[] firstTokenHead(double[][] h, String dense, String act, String out) {
    double[][] cls = {h[0]};
    return linear(activation(act, linear(cls, dense, h[0].length, true)), out, labels(), true)[0];
  }

  /** BertForSequenceClassification (modeling_bert.py). */
  private double[] bert(long[] ids, long[] typeIds) {
    int h = i("hidden_size", 0);
    double[][] x = absoluteEmbeddings("bert.embeddings.", ids, arange(ids.length), typeIds, h,
        d("layer_norm_eps", 1e-12));
    return firstTokenHead(bertEncoder(x, "bert.encoder.layer."), "bert.pooler.dense", "tanh", "classifier");
  }

  /** DistilBertForSequenceClassification (modeling_distilbert.py): LayerNorms with eps 1e-12, not in config. */
  private double[] distilBert(long[] ids) {
    int dim = i("dim", 0);
    double[][] x = absoluteEmbeddings("distilbert.embeddings.", ids, arange(ids.length), null, dim, 1e-12);
    String[] names = {"attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin", "sa_layer_norm",
        "ffn.lin1", "ffn.lin2", "output_layer_norm"};
    for (int l = 0; l < i("n_layers", 0); l++) {
      x = postLnBlock(x, "distilbert.transformer.layer." + l + ".", names, i("n_heads", 0), i("hidden_dim", 0),
          s("activation", "gelu"), 1e-12);
    }
    return firstTokenHead(x, "pre_classifier", "relu", "classifier");
  }

  /**
   * RobertaForSequenceClassification / XLMRobertaForSequenceClassification: create_position_ids_from_input_ids
   * (cumulative count of ids != padding_idx, times that mask, plus padding_idx), token type ids all 0.
   */
  private double[] roberta(long[] ids) {
    int h = i("hidden_size", 0);
    int pad = i("pad_token_id", 1);
    long[] positions = new long[ids.length];
    long count = 0;
    for (int k = 0; k < ids.length; k++) {
      boolean real = ids[k] != pad;
      count += real ? 1 : 0;
      positions[k] = (real ? count : 0) + pad;
    }
    double[][] x = absoluteEmbeddings("roberta.embeddings.", ids, positions, new long[ids.length], h,
        d("layer_norm_eps", 1e-12));
    return firstTokenHead(bertEncoder(x, "roberta.encoder.layer."), "classifier.dense", "tanh", "classifier.out_proj");
  }

  /** ElectraForSequenceClassification: ElectraClassificationHead uses gelu whatever hidden_act is. */
  private double[] electra(long[] ids, long[] typeIds) {
    int h = i("hidden_size", 0);
    int e = i("embedding_size", h);
    double[][] x = absoluteEmbeddings("electra.embeddings.", ids, arange(ids.length), typeIds, e,
        d("layer_norm_eps", 1e-12));
    if (e != h) {
      x = linear(x, "electra.embeddings_project", h, true);
    }
    return firstTokenHead(bertEncoder(x, "electra.encoder.layer."), "classifier.dense", "gelu", "classifier.out_proj");
  }

  /** AlbertForSequenceClassification: AlbertTransformer runs group int(i / (layers / groups)) at layer i. */
  private double[] albert(long[] ids, long[] typeIds) {
    int h = i("hidden_size", 0);
    int e = i("embedding_size", 128);
    double eps = d("layer_norm_eps", 1e-12);
    double[][] x = absoluteEmbeddings("albert.embeddings.", ids, arange(ids.length), typeIds, e, eps);
    x = linear(x, "albert.encoder.embedding_hidden_mapping_in", h, true);
    int layers = i("num_hidden_layers", 0);
    int groups = i("num_hidden_groups", 1);
    String[] names = {"attention.query", "attention.key", "attention.value", "attention.dense", "attention.LayerNorm",
        "ffn", "ffn_output", "full_layer_layer_norm"};
    for (int l = 0; l < layers; l++) {
      int g = (int) (l / ((double) layers / groups));
      for (int j = 0; j < i("inner_group_num", 1); j++) {
        x = postLnBlock(x, "albert.encoder.albert_layer_groups." + g + ".albert_layers." + j + ".", names,
            i("num_attention_heads", 0), i("intermediate_size", 0), s("hidden_act", "gelu_new"), eps);
      }
    }
    return firstTokenHead(x, "albert.pooler", "tanh", "classifier");
  }

  /**
   * ModernBertForSequenceClassification, eager attention: pre-norm layers (layer 0 without attn_norm), Wqkv viewed as
   * [3, heads, head_dim], rotary embeddings (inv_freq and angles in float32 as ModernBertRotaryEmbedding computes them),
   * sliding window |i - j| &lt;= local_attention // 2 on layers with layer_id % global_attn_every_n_layers != 0,
   * GeGLU MLP, final_norm, pooling, head dense -&gt; act -&gt; norm, classifier.
   */
  private double[] modernBert(long[] ids) {
    int d = i("hidden_size", 0);
    int heads = i("num_attention_heads", 0);
    int dh = d / heads;
    int inner = i("intermediate_size", 0);
    double eps = d("norm_eps", 1e-5);
    boolean normBias = b("norm_bias", false);
    boolean attnBias = b("attention_bias", false);
    boolean mlpBias = b("mlp_bias", false);
    int n = ids.length;
    double[] tok = t("model.embeddings.tok_embeddings.weight", i("vocab_size", 0), d);
    double[][] x = new double[n][];
    for (int k = 0; k < n; k++) {
      x[k] = HfMath.row(tok, ids[k], d);
    }
    x = norm(x, "model.embeddings.norm", eps, normBias);
    for (int l = 0; l < i("num_hidden_layers", 0); l++) {
      String p = "model.layers." + l + ".";
      boolean global = l % i("global_attn_every_n_layers", 3) == 0;
      double theta = global ? d("global_rope_theta", 160000) : d("local_rope_theta", 10000);
      double[][] a = l == 0 ? x : norm(x, p + "attn_norm", eps, normBias);
      double[][] qkv = linear(a, p + "attn.Wqkv", 3 * d, attnBias);
      double[][] q = rotary(columns(qkv, 0, d), heads, theta);
      double[][] k = rotary(columns(qkv, d, d), heads, theta);
      double[][] v = columns(qkv, 2 * d, d);
      boolean[][] allowed = new boolean[n][n];
      int half = i("local_attention", 128) / 2;
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < n; c++) {
          allowed[r][c] = global || Math.abs(r - c) <= half;
        }
      }
      double[][] ctx = attention(q, k, v, heads, Math.pow(dh, -0.5), null, allowed);
      x = add(x, linear(ctx, p + "attn.Wo", d, attnBias));
      double[][] wi = linear(norm(x, p + "mlp_norm", eps, normBias), p + "mlp.Wi", 2 * inner, mlpBias);
      double[][] act = activation(s("hidden_activation", "gelu"), columns(wi, 0, inner));
      double[][] gate = columns(wi, inner, inner);
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < inner; c++) {
          act[r][c] *= gate[r][c];
        }
      }
      x = add(x, linear(act, p + "mlp.Wo", d, mlpBias));
    }
    x = norm(x, "model.final_norm", eps, normBias);
    double[] pooled = new double[d];
    if (s("classifier_pooling", "cls").equals("mean")) {
      for (double[] row : x) {
        for (int c = 0; c < d; c++) {
          pooled[c] += row[c] / n;
        }
      }
    } else {
      pooled = x[0];
    }
    double[][] hd = activation(s("classifier_activation", "gelu"),
        linear(new double[][] {pooled}, "head.dense", d, b("classifier_bias", false)));
    return linear(norm(hd, "head.norm", eps, normBias), "classifier", labels(), true)[0];
  }

  /** apply_rotary_pos_emb on one sequence: x * cos + rotate_half(x) * sin per head, rotate_half = cat(-x2, x1). */
  private static double[][] rotary(double[][] x, int heads, double theta) {
    int dh = x[0].length / heads;
    double[][] y = new double[x.length][x[0].length];
    for (int pos = 0; pos < x.length; pos++) {
      for (int h = 0; h < heads; h++) {
        for (int c = 0; c < dh; c++) {
          int j = c % (dh / 2);
          float invFreq = (float) (1.0 / Math.pow(theta, (float) (2 * j) / dh));
          float angle = (float) pos * invFreq;
          double partner = c < dh / 2 ? -x[pos][h * dh + c + dh / 2] : x[pos][h * dh + c - dh / 2];
          y[pos][h * dh + c] = x[pos][h * dh + c] * Math.cos(angle) + partner * Math.sin(angle);
        }
      }
    }
    return y;
  }

  @Override
  public void close() {
    file.close();
  }
}
