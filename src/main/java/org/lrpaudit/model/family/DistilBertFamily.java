package org.lrpaudit.model.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.Activations;
import org.lrpaudit.model.ClassifierHead;
import org.lrpaudit.model.Embeddings;
import org.lrpaudit.model.EncoderLayer;
import org.lrpaudit.model.GeneratedTokenizer;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.Network;
import org.lrpaudit.model.PostNormFeedForward;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.StackedEncoder;
import org.lrpaudit.model.Weights;

/**
 * DistilBertForSequenceClassification (transformers/models/distilbert/modeling_distilbert.py): word + position
 * embeddings and LayerNorm (no token types), post-LN blocks, pre_classifier + ReLU + classifier on [CLS].
 */
public final class DistilBertFamily extends NamedFamily {
  /** DistilBERT's LayerNorms are built with eps=1e-12 and the config does not record it. */
  private static final double EPS = 1e-12;

  public DistilBertFamily() {
    super("distilbert", "DistilBertForSequenceClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    return new ModelConfig(type, f.integer("vocab_size"), f.integer("dim"), f.integer("n_layers"), f.integer("n_heads"),
        f.integer("hidden_dim"), f.integer("max_position_embeddings"), 0, EPS, f.text("activation", "gelu"), labels, f);
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    int d = c.hiddenSize();
    Embeddings emb = Embeddings.absolute(
        w.tensor("distilbert.embeddings.word_embeddings.weight", c.vocabSize(), d),
        w.tensor("distilbert.embeddings.position_embeddings.weight", c.maxPositions(), d),
        null,
        w.layerNorm("distilbert.embeddings.LayerNorm", d, EPS));
    List<EncoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "distilbert.transformer.layer." + i + ".";
      layers.add(new EncoderLayer(
          w.linear(p + "attention.q_lin", d, d), w.linear(p + "attention.k_lin", d, d),
          w.linear(p + "attention.v_lin", d, d),
          new PostNormFeedForward(w.linear(p + "attention.out_lin", d, d),
              w.layerNorm(p + "sa_layer_norm", d, EPS),
              w.linear(p + "ffn.lin1", d, c.intermediateSize()),
              w.linear(p + "ffn.lin2", c.intermediateSize(), d),
              w.layerNorm(p + "output_layer_norm", d, EPS), Activations.byName(c.hiddenAct())),
          c.numHeads()));
    }
    w.requireNoUnusedLayers(List.of("distilbert.transformer.layer."), c.numLayers());
    ClassifierHead head = new ClassifierHead(w.linear("pre_classifier", d, d), Activations.byName("relu"),
        w.linear("classifier", d, c.numLabels()));
    return new StackedEncoder(emb, null, layers, head);
  }

  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions());
    c.putArray("architectures").add(architecture());
    c.put("dim", s.hidden()).put("n_layers", s.layers()).put("n_heads", s.heads()).put("hidden_dim", s.intermediate())
        .put("activation", s.activation()).put("pad_token_id", vocab.padId());
  }

  @Override
  public GeneratedTokenizer tokenizer(String type) {
    return GeneratedTokenizer.WORDPIECE;
  }
}
