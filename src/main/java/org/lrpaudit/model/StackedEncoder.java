package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.lrpaudit.rules.PropagationRules;

/**
 * The network of the post-LN families: embeddings (h0), an optional projection from the embedding size to the hidden size
 * (ELECTRA's embeddings_project, ALBERT's embedding_hidden_mapping_in), a stack of {@link EncoderLayer}s (ALBERT repeats
 * one shared layer: the same object several times), and a head on the first token.
 */
public record StackedEncoder(Embeddings embeddings, Weights.Linear projection, List<EncoderLayer> layers,
    ClassifierHead head) implements Network {

  @Override
  public NDArray embed(NDManager batch, EncodedBatch input) {
    return embeddings.apply(batch, input);
  }

  @Override
  public NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook) {
    NDArray h = projection == null ? h0 : projection.apply(h0);
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(h, maskBias, rules, hook, i);
    }
    return h;
  }

  @Override
  public NDArray head(NDArray hidden, NDArray maskBias, PropagationRules rules) {
    return head.apply(hidden, rules);
  }
}
