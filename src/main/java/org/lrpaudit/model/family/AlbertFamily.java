package org.lrpaudit.model.family;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.Activations;
import org.lrpaudit.model.CheckpointException;
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
 * AlbertForSequenceClassification (transformers/models/albert/modeling_albert.py): factorised embeddings of width
 * embedding_size and LayerNorm (h0), albert.encoder.embedding_hidden_mapping_in to hidden_size, then num_hidden_layers
 * applications of shared layers: layer i runs group i / (num_hidden_layers / num_hidden_groups), whose inner_group_num
 * AlbertLayers run in order (usually one group of one layer: the same weights every time). Each AlbertLayer is BERT's
 * post-LN block under other names (attention.dense, attention.LayerNorm, ffn, ffn_output, full_layer_layer_norm).
 * Pooler albert.pooler + tanh, then classifier. hidden_act defaults to gelu_new.
 */
public final class AlbertFamily extends NamedFamily {
  public AlbertFamily() {
    super("albert", "AlbertForSequenceClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    return ModelConfig.bertFields(type, f, labels, "gelu_new");
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    int d = c.hiddenSize();
    int e = c.fields().integerOr("embedding_size", 128);
    int groups = c.fields().integerOr("num_hidden_groups", 1);
    int inner = c.fields().integerOr("inner_group_num", 1);
    if (c.numLayers() % groups != 0) {
      throw new CheckpointException(c.fields().source() + ": num_hidden_layers " + c.numLayers()
          + " is not a multiple of num_hidden_groups " + groups);
    }
    double eps = c.layerNormEps();
    Embeddings emb = BertFamily.bertEmbeddings(w, "albert.embeddings.", c, e);
    Weights.Linear mapping = w.linear("albert.encoder.embedding_hidden_mapping_in", e, d);
    List<List<EncoderLayer>> shared = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      List<EncoderLayer> group = new ArrayList<>();
      for (int j = 0; j < inner; j++) {
        String p = "albert.encoder.albert_layer_groups." + g + ".albert_layers." + j + ".";
        group.add(new EncoderLayer(
            w.linear(p + "attention.query", d, d), w.linear(p + "attention.key", d, d),
            w.linear(p + "attention.value", d, d),
            new PostNormFeedForward(w.linear(p + "attention.dense", d, d),
                w.layerNorm(p + "attention.LayerNorm", d, eps),
                w.linear(p + "ffn", d, c.intermediateSize()),
                w.linear(p + "ffn_output", c.intermediateSize(), d),
                w.layerNorm(p + "full_layer_layer_norm", d, eps), Activations.byName(c.hiddenAct())),
            c.numHeads()));
      }
      shared.add(group);
    }
    w.requireNoUnusedLayers(List.of("albert.encoder.albert_layer_groups."), groups * inner);
    List<EncoderLayer> order = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      order.addAll(shared.get(i / (c.numLayers() / groups)));
    }
    ClassifierHead head = new ClassifierHead(w.linear("albert.pooler", d, d), Activations.byName("tanh"),
        w.linear("classifier", d, c.numLabels()));
    return new StackedEncoder(emb, mapping, order, head);
  }

  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions());
    c.putArray("architectures").add(architecture());
    c.put("embedding_size", Math.max(8, s.hidden() / 2)).put("hidden_size", s.hidden())
        .put("num_hidden_layers", s.layers()).put("num_hidden_groups", 1).put("inner_group_num", 1)
        .put("num_attention_heads", s.heads()).put("intermediate_size", s.intermediate())
        .put("hidden_act", s.activation()).put("type_vocab_size", 2).put("layer_norm_eps", 1e-12)
        .put("pad_token_id", vocab.padId());
  }

  @Override
  public GeneratedTokenizer tokenizer(String type) {
    return GeneratedTokenizer.ALBERT_UNIGRAM;
  }
}
