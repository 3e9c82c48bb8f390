package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.lrpaudit.rules.PropagationRules;

/**
 * A family's forward pass in three parts: h0 (the embedding layer's output, where relevance is read), the encoder from h0
 * to the last hidden state, and the classification head. Built by a {@link ModelFamily} from checkpoint tensors; weights
 * are only read, so several threads may run batches at once, each in its own per-batch manager.
 */
public interface Network {
  /** h0 [B, L, E], computed without gradient, in the batch's manager. */
  NDArray embed(NDManager batch, EncodedBatch input);

  /**
   * The last hidden state [B, L, D] from h0 under the rules.
   *
   * @param maskBias [B, 1, 1, L]: 0 for real keys, the most negative finite value for padding
   * @param hook sees each layer's attention probabilities and returns the P to go on with; may be null
   */
  NDArray encode(NDArray h0, NDArray maskBias, PropagationRules rules, AttentionHook hook);

  /** Logits [B, labels] from the last hidden state. */
  NDArray head(NDArray hidden, NDArray maskBias, PropagationRules rules);
}
