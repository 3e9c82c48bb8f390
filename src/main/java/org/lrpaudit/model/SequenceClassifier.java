package org.lrpaudit.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.rules.PropagationRules;

/**
 * A BERT or DistilBERT sequence classifier written with DJL NDArray operations. Its weights live in one long-lived manager
 * and are only read, so several threads may run batches at once, each in its own per-batch manager.
 */
public final class SequenceClassifier implements AutoCloseable {
  private final ModelConfig config;
  private final NDManager manager;
  private final DataType dataType;
  private final Embeddings embeddings;
  private final List<EncoderLayer> layers;
  private final ClassifierHead head;
  private List<Weights.Parameter> parameters = List.of();

  private SequenceClassifier(ModelConfig config, NDManager manager, DataType dataType, Embeddings embeddings,
      List<EncoderLayer> layers, ClassifierHead head) {
    this.config = config;
    this.manager = manager;
    this.dataType = dataType;
    this.embeddings = embeddings;
    this.layers = layers;
    this.head = head;
  }

  /** Loads the weights named as HuggingFace names them for config.modelType(); float64 is for numerical tests. */
  public static SequenceClassifier load(ModelConfig config, SafetensorsFile file, Device device, DataType dataType) {
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Weights w = new Weights(file, manager, dataType);
      SequenceClassifier model = config.modelType().equals(ModelConfig.BERT)
          ? bert(config, w, manager, dataType) : distilBert(config, w, manager, dataType);
      model.parameters = w.parameters();
      return model;
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  private static SequenceClassifier bert(ModelConfig c, Weights w, NDManager m, DataType t) {
    int d = c.hiddenSize();
    Embeddings emb = new Embeddings(
        w.tensor("bert.embeddings.word_embeddings.weight", c.vocabSize(), d),
        w.tensor("bert.embeddings.position_embeddings.weight", c.maxPositions(), d),
        w.tensor("bert.embeddings.token_type_embeddings.weight", c.typeVocabSize(), d),
        w.layerNorm("bert.embeddings.LayerNorm", d, c.layerNormEps()));
    List<EncoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "bert.encoder.layer." + i + ".";
      layers.add(new EncoderLayer(
          w.linear(p + "attention.self.query", d, d), w.linear(p + "attention.self.key", d, d),
          w.linear(p + "attention.self.value", d, d), w.linear(p + "attention.output.dense", d, d),
          w.layerNorm(p + "attention.output.LayerNorm", d, c.layerNormEps()),
          w.linear(p + "intermediate.dense", d, c.intermediateSize()),
          w.linear(p + "output.dense", c.intermediateSize(), d),
          w.layerNorm(p + "output.LayerNorm", d, c.layerNormEps()),
          c.numHeads(), Activations.byName(c.hiddenAct())));
    }
    w.requireNoUnusedLayers(List.of("bert.encoder.layer."), c.numLayers());
    ClassifierHead head = new ClassifierHead(w.linear("bert.pooler.dense", d, d), NDArray::tanh,
        w.linear("classifier", d, c.numLabels()));
    return new SequenceClassifier(c, m, t, emb, layers, head);
  }

  private static SequenceClassifier distilBert(ModelConfig c, Weights w, NDManager m, DataType t) {
    int d = c.hiddenSize();
    Embeddings emb = new Embeddings(
        w.tensor("distilbert.embeddings.word_embeddings.weight", c.vocabSize(), d),
        w.tensor("distilbert.embeddings.position_embeddings.weight", c.maxPositions(), d),
        null,
        w.layerNorm("distilbert.embeddings.LayerNorm", d, c.layerNormEps()));
    List<EncoderLayer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "distilbert.transformer.layer." + i + ".";
      layers.add(new EncoderLayer(
          w.linear(p + "attention.q_lin", d, d), w.linear(p + "attention.k_lin", d, d),
          w.linear(p + "attention.v_lin", d, d), w.linear(p + "attention.out_lin", d, d),
          w.layerNorm(p + "sa_layer_norm", d, c.layerNormEps()),
          w.linear(p + "ffn.lin1", d, c.intermediateSize()),
          w.linear(p + "ffn.lin2", c.intermediateSize(), d),
          w.layerNorm(p + "output_layer_norm", d, c.layerNormEps()),
          c.numHeads(), Activations.byName(c.hiddenAct())));
    }
    w.requireNoUnusedLayers(List.of("distilbert.transformer.layer."), c.numLayers());
    ClassifierHead head = new ClassifierHead(w.linear("pre_classifier", d, d), Activations::relu,
        w.linear("classifier", d, c.numLabels()));
    return new SequenceClassifier(c, m, t, emb, layers, head);
  }

  /** Every weight under its checkpoint name (for training and saving). */
  public List<Weights.Parameter> parameters() {
    return parameters;
  }

  public ModelConfig config() {
    return config;
  }

  public ai.djl.Device device() {
    return manager.getDevice();
  }

  public DataType dataType() {
    return dataType;
  }

  /** h0 [B, L, D]: the embedding layer's output, in the batch's manager. */
  public NDArray embed(NDManager batch, EncodedBatch input) {
    return embeddings.apply(batch, input);
  }

  /** [B, 1, 1, L]: 0 for real tokens, the most negative finite value of the data type for padding (added to scores). */
  public NDArray maskBias(NDManager batch, EncodedBatch input) {
    float[] mask = input.mask();
    Shape shape = new Shape(input.size(), 1, 1, input.length());
    if (dataType == DataType.FLOAT64) {
      double[] bias = new double[mask.length];
      for (int i = 0; i < mask.length; i++) {
        bias[i] = mask[i] > 0 ? 0 : -Double.MAX_VALUE;
      }
      return batch.create(bias, shape);
    }
    float[] bias = new float[mask.length];
    for (int i = 0; i < mask.length; i++) {
      bias[i] = mask[i] > 0 ? 0 : -Float.MAX_VALUE;
    }
    return batch.create(bias, shape);
  }

  /** Logits [B, labels] from h0 under the given rules; the observer (nullable) sees each layer's attention. */
  public NDArray logits(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionObserver observer) {
    return hookedLogits(h0, maskBias, rules, AttentionHook.of(observer));
  }

  /** Logits [B, labels] from h0; the hook (nullable) sees each layer's attention P and returns the P to use. */
  public NDArray hookedLogits(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
    return head.apply(encode(h0, maskBias, rules, hook), rules);
  }

  /** The last encoder layer's output [B, L, D] from h0 (HuggingFace's last_hidden_state), before the head. */
  public NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules) {
    return encode(h0, maskBias, rules, (AttentionHook) null);
  }

  private NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
    NDArray h = h0;
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h, maskBias, rules, hook, i);
    }
    return h;
  }

  @Override
  public void close() {
    manager.close();
  }
}
