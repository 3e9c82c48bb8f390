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
 * BertForSequenceClassification (transformers/models/bert/modeling_bert.py): word + position + token type embeddings and
 * LayerNorm (h0), post-LN encoder layers, tanh pooler on [CLS], classifier.
 */
public final class BertFamily extends NamedFamily {
  public BertFamily() {
    super("bert", "BertForSequenceClassification");
  }

  @Override
  public ModelConfig readConfig(String type, ModelConfig.Fields f, List<String> labels) {
    return ModelConfig.bertFields(type, f, labels, "gelu");
  }

  @Override
  public Network build(ModelConfig c, Weights w) {
    int d = c.hiddenSize();
    Embeddings emb = bertEmbeddings(w, "bert.embeddings.", c, d);
    List<EncoderLayer> layers = bertLayers(w, "bert.encoder.layer.", c);
    ClassifierHead head = new ClassifierHead(w.linear("bert.pooler.dense", d, d), Activations.byName("tanh"),
        w.linear("classifier", d, c.numLabels()));
    return new StackedEncoder(emb, null, layers, head);
  }

  /**
   * BertEmbeddings' tensors under a prefix ("bert.embeddings."; ELECTRA and ALBERT name theirs the same way): word,
   * absolute position and token type embeddings of the given width, and their LayerNorm (h0).
   */
  static Embeddings bertEmbeddings(Weights w, String p, ModelConfig c, int width) {
    return Embeddings.absolute(
        w.tensor(p + "word_embeddings.weight", c.vocabSize(), width),
        w.tensor(p + "position_embeddings.weight", c.maxPositions(), width),
        w.tensor(p + "token_type_embeddings.weight", c.typeVocabSize(), width),
        w.layerNorm(p + "LayerNorm", width, c.layerNormEps()));
  }

  /**
   * numLayers BertLayers under "PREFIX0.", "PREFIX1.", ... ("bert.encoder.layer."; RoBERTa and ELECTRA the same), and no
   * other layer under the prefix in the file.
   */
  static List<EncoderLayer> bertLayers(Weights w, String prefix, ModelConfig c) {
    List<EncoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      layers.add(bertLayer(w, prefix + i + ".", c));
    }
    w.requireNoUnusedLayers(List.of(prefix), c.numLayers());
    return layers;
  }

  /** BertLayer's tensors under a prefix ("bert.encoder.layer.N."; RoBERTa and ELECTRA name theirs the same way). */
  static EncoderLayer bertLayer(Weights w, String p, ModelConfig c) {
    int d = c.hiddenSize();
    double eps = c.layerNormEps();
    return new EncoderLayer(
        w.linear(p + "attention.self.query", d, d), w.linear(p + "attention.self.key", d, d),
        w.linear(p + "attention.self.value", d, d),
        new PostNormFeedForward(w.linear(p + "attention.output.dense", d, d),
            w.layerNorm(p + "attention.output.LayerNorm", d, eps),
            w.linear(p + "intermediate.dense", d, c.intermediateSize()),
            w.linear(p + "output.dense", c.intermediateSize(), d),
            w.layerNorm(p + "output.LayerNorm", d, eps), Activations.byName(c.hiddenAct())),
        c.numHeads());
  }

  @Override
  public void writeConfig(String type, RandomCheckpoint.Spec s, GeneratedTokenizer.Vocabulary vocab, ObjectNode c) {
    c.put("max_position_embeddings", s.maxPositions());
    c.putArray("architectures").add(architecture());
    bertSizes(c, s).put("type_vocab_size", 2).put("layer_norm_eps", 1e-12).put("pad_token_id", vocab.padId());
  }

  /**
   * The spec's sizes under BertConfig's names (hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
   * hidden_act), which RoBERTa, ELECTRA and DeBERTa-v2 configs use too.
   */
  static ObjectNode bertSizes(ObjectNode c, RandomCheckpoint.Spec s) {
    return c.put("hidden_size", s.hidden()).put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
        .put("intermediate_size", s.intermediate()).put("hidden_act", s.activation());
  }

  @Override
  public GeneratedTokenizer tokenizer(String type) {
    return GeneratedTokenizer.WORDPIECE;
  }
}
