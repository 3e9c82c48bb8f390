package org.lrpaudit.model.family;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.Activations;
import org.lrpaudit.model.AttentionHook;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.ClassifierHead;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.Embeddings;
import org.lrpaudit.model.GeneratedTokenizer;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.Network;
import org.lrpaudit.model.PostNormFeedForward;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.Weights;
import org.lrpaudit.rules.PropagationRules;

/**
 * DebertaV2ForSequenceClassification (transformers/models/deberta_v2/modeling_deberta_v2.py; DeBERTa-v2 and v3): word
 * (+ absolute position when position_biased_input) (+ token type when type_vocab_size &gt; 0) embeddings, embed_proj when
 * embedding_size != hidden_size, LayerNorm, padding zeroed (h0); post-LN layers with disentangled attention
 * ({@link DisentangledLayer}: c2c + c2p + p2c over log-bucketed relative positions, {@link RelativePositions}), the
 * position projections shared with the content ones when share_att_key; ContextPooler (pooler.dense + pooler_hidden_act
 * on the first token) and classifier.
 *
 * <p>Rule points: AH on the full softmax of every layer, LN on every LayerNorm after h0, identity on the FFN and pooler
 * activations. rel_embeddings' LayerNorm (norm_rel_ebd = layer_norm) does not depend on the input: it is computed once at
 * load, every rule gives it the same value, and no relevance passes through it.
 *
 * <p>Refused, naming the config field: conv_kernel_size &gt; 0 (DeBERTa-v2 xlarge's convolution after layer 0),
 * relative_attention false, pos_att_type terms other than c2p and p2c, attention_head_size != hidden_size / heads,
 * pooler_hidden_size != hidden_size.
 */
public final class DebertaV2Family extends NamedFamily {
  public DebertaV2Family() {
    super("deberta-v2", "DebertaV2ForSequenceClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    return new ModelConfig(type, f.integer("vocab_size"), f.integer("hidden_size"), f.integer("num_hidden_layers"),
        f.integer("num_attention_heads"), f.integer("intermediate_size"), f.integerOr("max_position_embeddings", 512),
        f.nonNegative("type_vocab_size", 0), f.number("layer_norm_eps", 1e-7), f.text("hidden_act", "gelu"), labels, f);
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    ModelConfig.Fields f = c.fields();
    refuseUnsupported(c);
    int d = c.hiddenSize();
    int e = f.integerOr("embedding_size", d);
    double eps = c.layerNormEps();
    Embeddings emb = new Embeddings(
        w.tensor("deberta.embeddings.word_embeddings.weight", c.vocabSize(), e),
        f.flag("position_biased_input", true)
            ? w.tensor("deberta.embeddings.position_embeddings.weight", c.maxPositions(), e) : null,
        -1,
        c.typeVocabSize() > 0 ? w.tensor("deberta.embeddings.token_type_embeddings.weight", c.typeVocabSize(), e) : null,
        e != d ? w.linearNoBias("deberta.embeddings.embed_proj", e, d) : null,
        w.layerNorm("deberta.embeddings.LayerNorm", d, eps),
        true);
    int maxRelative = f.root().path("max_relative_positions").asInt(-1);
    if (maxRelative < 1) {
      maxRelative = c.maxPositions();
    }
    int buckets = f.root().path("position_buckets").asInt(-1);
    RelativePositions positions = new RelativePositions(buckets, maxRelative, buckets > 0 ? buckets : maxRelative);
    NDArray rel = w.tensor("deberta.encoder.rel_embeddings.weight", 2L * positions.span(), d);
    if (f.text("norm_rel_ebd", "none").toLowerCase(java.util.Locale.ROOT).contains("layer_norm")) {
      Weights.LayerNormParams n = w.layerNorm("deberta.encoder.LayerNorm", d, eps);
      // rule point: LN (input-independent: computed once; every rule gives the same value)
      rel = PropagationRules.GRADIENT.layerNorm(rel, n.gamma(), n.beta(), n.eps());
    }
    List<String> terms = f.texts("pos_att_type", List.of());
    boolean c2p = terms.contains("c2p");
    boolean p2c = terms.contains("p2c");
    boolean share = f.flag("share_att_key", false);
    int heads = c.numHeads();
    double scale = (float) Math.sqrt((float) (c.headSize() * (1 + (c2p ? 1 : 0) + (p2c ? 1 : 0))));
    List<DisentangledLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "deberta.encoder.layer." + i + ".";
      String a = p + "attention.self.";
      Weights.Linear q = w.linear(a + "query_proj", d, d);
      Weights.Linear k = w.linear(a + "key_proj", d, d);
      Weights.Linear v = w.linear(a + "value_proj", d, d);
      Weights.Linear posKey = !c2p ? null : share ? k : w.linear(a + "pos_key_proj", d, d);
      Weights.Linear posQuery = !p2c ? null : share ? q : w.linear(a + "pos_query_proj", d, d);
      layers.add(new DisentangledLayer(q, k, v, headsFirst(posKey, rel, heads), headsFirst(posQuery, rel, heads),
          new PostNormFeedForward(w.linear(p + "attention.output.dense", d, d),
              w.layerNorm(p + "attention.output.LayerNorm", d, eps),
              w.linear(p + "intermediate.dense", d, c.intermediateSize()),
              w.linear(p + "output.dense", c.intermediateSize(), d), w.layerNorm(p + "output.LayerNorm", d, eps),
              Activations.byName(c.hiddenAct())),
          heads, scale));
    }
    w.requireNoUnusedLayers(List.of("deberta.encoder.layer."), c.numLayers());
    ClassifierHead head = new ClassifierHead(w.linear("pooler.dense", d, d),
        Activations.byName(f.text("pooler_hidden_act", "gelu")), w.linear("classifier", d, c.numLabels()));
    return new DebertaV2(emb, layers, positions, c2p, p2c, heads, head);
  }

  /** The projection of rel_embeddings [2 span, D] as [H, dh, 2 span], ready for q.matMul; null when not used. */
  private static NDArray headsFirst(Weights.Linear projection, NDArray rel, int heads) {
    if (projection == null) {
      return null;
    }
    NDArray p = projection.apply(rel);
    Shape s = p.getShape();
    return p.reshape(new Shape(s.get(0), heads, s.get(1) / heads)).transpose(1, 2, 0).duplicate();
  }

  private static void refuseUnsupported(ModelConfig c) {
    ModelConfig.Fields f = c.fields();
    String src = f.source();
    if (f.root().path("conv_kernel_size").asInt(0) > 0) {
      throw new CheckpointException(src + ": conv_kernel_size " + f.root().get("conv_kernel_size")
          + " is not supported (DeBERTa-v2's convolution layer; lrp-audit explains DeBERTa-v3 and v2 without it)");
    }
    if (!f.flag("relative_attention", false)) {
      throw new CheckpointException(src + ": relative_attention must be true for deberta-v2 (a DeBERTa without "
          + "relative attention is not supported)");
    }
    for (String t : f.texts("pos_att_type", List.of())) {
      if (!t.equals("c2p") && !t.equals("p2c")) {
        throw new CheckpointException(src + ": pos_att_type '" + t + "' is not supported (supported: c2p, p2c)");
      }
    }
    if (f.root().has("attention_head_size") && f.root().get("attention_head_size").asInt() != c.headSize()) {
      throw new CheckpointException(src + ": attention_head_size " + f.root().get("attention_head_size")
          + " is not supported (only hidden_size / num_attention_heads = " + c.headSize() + ")");
    }
    if (f.root().has("pooler_hidden_size") && f.root().get("pooler_hidden_size").asInt() != c.hiddenSize()) {
      throw new CheckpointException(src + ": pooler_hidden_size " + f.root().get("pooler_hidden_size")
          + " is not supported (only hidden_size " + c.hiddenSize() + ")");
    }
    if (f.root().path("position_buckets").asInt(-1) > 0 && f.root().path("position_buckets").asInt() < 2) {
      throw new CheckpointException(src + ": position_buckets must be at least 2, found "
          + f.root().get("position_buckets"));
    }
  }

  /** DeBERTa-v2's network: h0 with padding zeroed, the disentangled layers over shared relative indices, the head. */
  record DebertaV2(Embeddings embeddings, List<DisentangledLayer> layers, RelativePositions positions, boolean c2p,
      boolean p2c, int heads, ClassifierHead head) implements Network {

    @Override
    public NDArray embed(NDManager batch, EncodedBatch input) {
      return embeddings.apply(batch, input);
    }

    @Override
    public NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
      Shape s = h0.getShape();
      int l = (int) s.get(1);
      NDArray c2pIndex = c2p ? positions.contentToPosition(h0.getManager(), s.get(0), heads, l) : null;
      NDArray p2cIndex = p2c ? positions.positionToContent(h0.getManager(), s.get(0), heads, l) : null;
      NDArray h = h0;
      for (int i = 0; i < layers.size(); i++) {
        h = layers.get(i).forward(h, maskBias, c2pIndex, p2cIndex, rules, hook, i);
      }
      return h;
    }

    @Override
    public NDArray head(NDArray hidden, NDArray maskBias, PropagationRules rules) {
      return head.apply(hidden, rules);
    }
  }

  /** DeBERTa-v3-base's settings (relative attention over 256 log buckets, shared keys, no absolute positions). */
  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions());
    c.putArray("architectures").add(architecture());
    BertFamily.bertSizes(c, s).put("type_vocab_size", 0).put("layer_norm_eps", 1e-7).put("relative_attention", true)
        .put("position_buckets", 256).put("max_relative_positions", -1).put("share_att_key", true)
        .put("norm_rel_ebd", "layer_norm").put("position_biased_input", false).put("pooler_hidden_size", s.hidden())
        .put("pooler_hidden_act", s.activation()).put("pad_token_id", vocab.padId());
    c.putArray("pos_att_type").add("p2c").add("c2p");
  }

  @Override
  public GeneratedTokenizer tokenizer(String type) {
    return GeneratedTokenizer.DEBERTA_UNIGRAM;
  }
}
