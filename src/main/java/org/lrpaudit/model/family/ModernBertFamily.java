package org.lrpaudit.model.family;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.lrpaudit.model.Activations;
import org.lrpaudit.model.Attention;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.Embeddings;
import org.lrpaudit.model.GeneratedTokenizer;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.Network;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.Weights;
import org.lrpaudit.rules.PropagationRules;
import org.lrpaudit.tensor.Constants;

/**
 * ModernBertForSequenceClassification (transformers/models/modernbert/modeling_modernbert.py, eager attention path):
 * tok_embeddings + LayerNorm (h0; no absolute positions), pre-norm layers h += Wo(attn(attn_norm(h))) (layer 0 has no
 * attn_norm), h += mlp.Wo(act(input) * gate) with (input, gate) = mlp.Wi(mlp_norm(h)).chunk(2) (GeGLU), final_norm; rotary
 * position embeddings on q and k (global_rope_theta on global layers, local_rope_theta on local ones); every
 * global_attn_every_n_layers-th layer (from layer 0) attends globally, the others within |i - j| &lt;= local_attention / 2;
 * LayerNorms and linear layers without bias by default (norm_bias, attention_bias, mlp_bias, classifier_bias). Head:
 * pooling (classifier_pooling "cls": first token; "mean": mean over real tokens), head.dense, classifier_activation,
 * head.norm, classifier.
 *
 * <p>Rule points: AH on every attention (global and local: the full probability matrix after rotary scores and the window
 * mask), LN on every LayerNorm, identity on act, and the uniform rule on the GeGLU product act(input) * gate.
 */
public final class ModernBertFamily extends NamedFamily {
  public ModernBertFamily() {
    super("modernbert", "ModernBertForSequenceClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    return new ModelConfig(type, f.integer("vocab_size"), f.integer("hidden_size"), f.integer("num_hidden_layers"),
        f.integer("num_attention_heads"), f.integer("intermediate_size"), f.integer("max_position_embeddings"), 0,
        f.number("norm_eps", 1e-5), f.text("hidden_activation", "gelu"), labels, f);
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    ModelConfig.Fields f = c.fields();
    int d = c.hiddenSize();
    int inner = c.intermediateSize();
    double eps = c.layerNormEps();
    boolean normBias = f.flag("norm_bias", false);
    boolean attnBias = f.flag("attention_bias", false);
    boolean mlpBias = f.flag("mlp_bias", false);
    String pooling = f.text("classifier_pooling", "cls");
    if (!pooling.equals("cls") && !pooling.equals("mean")) {
      throw new CheckpointException(f.source() + ": classifier_pooling '" + pooling + "' is not supported (cls, mean)");
    }
    int every = f.integerOr("global_attn_every_n_layers", 3);
    int window = f.integerOr("local_attention", 128) / 2;
    double globalTheta = f.number("global_rope_theta", 160_000);
    double localTheta = f.number("local_rope_theta", 10_000);
    if (f.root().has("rope_parameters")) { // newer configs: {"full_attention": {...}, "sliding_attention": {...}}
      globalTheta = f.root().path("rope_parameters").path("full_attention").path("rope_theta").asDouble(globalTheta);
      localTheta = f.root().path("rope_parameters").path("sliding_attention").path("rope_theta").asDouble(localTheta);
    }
    Embeddings emb = new Embeddings(w.tensor("model.embeddings.tok_embeddings.weight", c.vocabSize(), d), null, -1,
        null, null, w.layerNorm("model.embeddings.norm", d, eps, normBias), false);
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "model.layers." + i + ".";
      boolean global = i % every == 0;
      Weights.LayerNormParams attnNorm = i == 0 ? null : w.layerNorm(p + "attn_norm", d, eps, normBias);
      Weights.Linear wqkv = w.linear(p + "attn.Wqkv", d, 3 * d, attnBias);
      Weights.Linear wo = w.linear(p + "attn.Wo", d, d, attnBias);
      Weights.LayerNormParams mlpNorm = w.layerNorm(p + "mlp_norm", d, eps, normBias);
      Weights.Linear wi = w.linear(p + "mlp.Wi", d, 2 * inner, mlpBias);
      layers.add(new Layer(attnNorm, wqkv.columns(0, d), wqkv.columns(d, 2L * d), wqkv.columns(2L * d, 3L * d), wo,
          mlpNorm, wi.columns(0, inner), wi.columns(inner, 2L * inner), w.linear(p + "mlp.Wo", inner, d, mlpBias),
          c.numHeads(), global ? -1 : window, global ? globalTheta : localTheta, Activations.byName(c.hiddenAct())));
    }
    w.requireNoUnusedLayers(List.of("model.layers."), c.numLayers());
    Weights.LayerNormParams finalNorm = w.layerNorm("model.final_norm", d, eps, normBias);
    Weights.Linear dense = w.linear("head.dense", d, d, f.flag("classifier_bias", false));
    Weights.LayerNormParams headNorm = w.layerNorm("head.norm", d, eps, normBias);
    Weights.Linear classifier = w.linear("classifier", d, c.numLabels());
    return new ModernBert(emb, layers, finalNorm, pooling.equals("mean"), dense,
        Activations.byName(f.text("classifier_activation", "gelu")), headNorm, classifier);
  }

  /**
   * One pre-norm block; window -1 for global attention, else the largest |i - j| a query may attend to. Wqkv and the
   * GeGLU's Wi are held as their column parts (Weights.Linear.columns: views, same values) so that no activation is sliced.
   */
  record Layer(Weights.LayerNormParams attnNorm, Weights.Linear wq, Weights.Linear wk, Weights.Linear wv,
      Weights.Linear wo, Weights.LayerNormParams mlpNorm, Weights.Linear wiInput, Weights.Linear wiGate,
      Weights.Linear mlpWo, int heads, int window, double ropeTheta, UnaryOperator<NDArray> activation) {

    /** attentionBias: the padding mask, plus the window for a local layer; rope: cos and sin for this layer's theta. */
    NDArray forward(NDArray h, NDArray attentionBias, NDArray[] rope, PropagationRules rules, AttentionHook hook,
        int index) {
      long d = h.getShape().get(2);
      NDArray x = attnNorm == null ? h
          : rules.layerNorm(h, attnNorm.gamma(), attnNorm.beta(), attnNorm.eps()); // rule point: LN
      NDArray q = rotate(Attention.split(wq.apply(x), heads), rope);
      NDArray k = rotate(Attention.split(wk.apply(x), heads), rope);
      NDArray v = Attention.split(wv.apply(x), heads);
      NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).divi(Constants.of(q, Math.sqrt((double) d / heads)));
      NDArray ctx = Attention.context(scores, attentionBias, v, rules, hook, index); // rule point: AH (inside)
      NDArray h1 = h.add(wo.apply(ctx));
      NDArray y = rules.layerNorm(h1, mlpNorm.gamma(), mlpNorm.beta(), mlpNorm.eps()); // rule point: LN
      NDArray input = wiInput.apply(y);
      NDArray gate = wiGate.apply(y);
      NDArray activated = rules.activation(input, activation); // rule point: identity for activations
      NDArray product = rules.gate(activated, gate); // rule point: uniform rule for the GeGLU gate
      return h1.add(mlpWo.apply(product));
    }

    /**
     * q * cos + rotate_half(q) * sin, with rotate_half(x) = cat(-x2, x1) over the two halves of the head dimension,
     * computed as swap(x) * signedSin with swap(x) = cat(x2, x1) (a reshape and a flip) and the sign in the table:
     * (-x2) * sin and x2 * (-sin) are the same float, and the flip's backward is a flip, where slicing x1 and x2 costs a
     * zero-filled gradient of x's size per slice when q and k are differentiated (gi, lrp-ln).
     */
    private static NDArray rotate(NDArray x, NDArray[] cosSignedSin) {
      Shape s = x.getShape();
      NDArray swapped = x.reshape(new Shape(s.get(0), s.get(1), s.get(2), 2, s.get(3) / 2)).flip(3).reshape(s);
      return x.mul(cosSignedSin[0]).add(swapped.mul(cosSignedSin[1]));
    }

    /**
     * cos and signed sin [L, dh] of positions 0..L-1 at inv_freq_j = theta^(-2j/dh), each frequency used for both halves;
     * the sin of the first half negated (rotate_half's minus, see rotate).
     */
    static NDArray[] rotary(NDManager m, int l, int dh, double theta, DataType type) {
      double[] cos = new double[l * dh];
      double[] sin = new double[l * dh];
      for (int pos = 0; pos < l; pos++) {
        for (int j = 0; j < dh / 2; j++) {
          // As HF: inv_freq in float32, position * inv_freq in float32.
          float invFreq = (float) (1.0 / Math.pow(theta, (float) (2 * j) / dh));
          float angle = pos * invFreq;
          cos[pos * dh + j] = cos[pos * dh + j + dh / 2] = Math.cos(angle);
          sin[pos * dh + j + dh / 2] = Math.sin(angle);
          sin[pos * dh + j] = -sin[pos * dh + j + dh / 2];
        }
      }
      return new NDArray[] {m.create(cos, new Shape(l, dh)).toType(type, false),
          m.create(sin, new Shape(l, dh)).toType(type, false)};
    }

    /** [1, 1, L, L]: 0 where |i - j| &lt;= window, the most negative finite value elsewhere. */
    static NDArray windowBias(NDManager m, int l, int window, DataType type) {
      double lowest = type == DataType.FLOAT64 ? -Double.MAX_VALUE : -Float.MAX_VALUE;
      double[] b = new double[l * l];
      for (int i = 0; i < l; i++) {
        for (int j = 0; j < l; j++) {
          b[i * l + j] = Math.abs(i - j) <= window ? 0 : lowest;
        }
      }
      return m.create(b, new Shape(1, 1, l, l)).toType(type, false);
    }
  }

  record ModernBert(Embeddings embeddings, List<Layer> layers, Weights.LayerNormParams finalNorm, boolean meanPooling,
      Weights.Linear dense, UnaryOperator<NDArray> activation, Weights.LayerNormParams headNorm,
      Weights.Linear classifier) implements Network {

    @Override
    public NDArray embed(NDManager batch, EncodedBatch input) {
      return embeddings.apply(batch, input);
    }

    @Override
    public NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
      NDArray h = h0;
      // Rotary tables and the window mask depend only on the length, theta and window: made once per batch, not per
      // layer (all global layers share one theta, all local layers the other and the window).
      NDManager m = h0.getManager();
      int l = (int) h0.getShape().get(1);
      java.util.Map<Double, NDArray[]> rope = new java.util.HashMap<>();
      java.util.Map<Integer, NDArray> bias = new java.util.HashMap<>();
      for (int i = 0; i < layers.size(); i++) {
        Layer layer = layers.get(i);
        NDArray[] cosSin = rope.computeIfAbsent(layer.ropeTheta(), theta -> Layer.rotary(m, l,
            (int) (h0.getShape().get(2) / layer.heads()), theta, h0.getDataType()));
        NDArray attentionBias = layer.window() < 0 ? maskBias : bias.computeIfAbsent(layer.window(),
            w -> maskBias.add(Layer.windowBias(m, l, w, h0.getDataType())));
        h = layer.forward(h, attentionBias, cosSin, rules, hook, i);
      }
      return rules.layerNorm(h, finalNorm.gamma(), finalNorm.beta(), finalNorm.eps()); // rule point: LN
    }

    @Override
    public NDArray head(NDArray hidden, NDArray maskBias, PropagationRules rules) {
      NDArray pooled;
      if (meanPooling) {
        Shape s = hidden.getShape();
        NDArray real = maskBias.eq(Constants.of(maskBias, 0)).toType(hidden.getDataType(), false)
            .reshape(new Shape(s.get(0), s.get(1), 1));
        pooled = hidden.mul(real).sum(new int[] {1}).div(real.sum(new int[] {1}));
      } else {
        pooled = hidden.get(new NDIndex(":, 0, :"));
      }
      NDArray a = rules.activation(dense.apply(pooled), activation); // rule point: identity for activations
      return classifier.apply(rules.layerNorm(a, headNorm.gamma(), headNorm.beta(), headNorm.eps())); // rule point: LN
    }
  }

  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions());
    c.putArray("architectures").add(architecture());
    // A short local window and global attention every 2nd layer, so tests exercise both kinds of layer and the window.
    c.put("hidden_size", s.hidden()).put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
        .put("intermediate_size", s.intermediate()).put("hidden_activation", s.activation())
        .put("classifier_activation", s.activation()).put("norm_eps", 1e-5).put("norm_bias", false)
        .put("attention_bias", false).put("mlp_bias", false).put("classifier_bias", false)
        .put("global_attn_every_n_layers", 2).put("local_attention", 8).put("global_rope_theta", 160000.0)
        .put("local_rope_theta", 10000.0).put("classifier_pooling", "mean").put("pad_token_id", vocab.padId())
        .put("cls_token_id", vocab.clsId()).put("sep_token_id", vocab.sepId());
  }

  @Override
  public GeneratedTokenizer tokenizer(String type) {
    return GeneratedTokenizer.MODERNBERT_BPE;
  }
}
