package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.lrpaudit.rules.PropagationRules;

/**
 * Word + position (+ token type) embeddings, summed, (projected,) then LayerNorm: h0, the point where relevance is read
 * off (method.md explains why not before the LayerNorm). Computed without gradient; the explainer makes h0 a leaf.
 *
 * @param position null when the family has no absolute positions (DeBERTa-v3, ModernBERT)
 * @param paddingIdx -1: positions 0..L-1 (BERT); else RoBERTa's positions: padding_idx + 1 + i for real tokens,
 *     padding_idx for padding
 * @param tokenType null when the family reads no token types; a table of one row ignores the ids (RoBERTa)
 * @param projection null, or a linear map applied before the LayerNorm (DeBERTa's embed_proj)
 * @param norm null when the family has no embedding LayerNorm
 * @param zeroPadding multiply padded positions by 0 (DeBERTa)
 */
public record Embeddings(NDArray word, NDArray position, int paddingIdx, NDArray tokenType, Weights.Linear projection,
    Weights.LayerNormParams norm, boolean zeroPadding) {

  /** BERT's and DistilBERT's: absolute positions from 0, no projection. */
  public static Embeddings absolute(NDArray word, NDArray position, NDArray tokenType, Weights.LayerNormParams norm) {
    return new Embeddings(word, position, -1, tokenType, null, norm, false);
  }

  public NDArray apply(NDManager batch, EncodedBatch input) {
    Shape shape = new Shape(input.size(), input.length());
    NDArray ids = batch.create(input.ids(), shape);
    // Indexing a weight puts its result in the weight's long-lived manager: move it to the batch's at once.
    NDArray x = inBatch(batch, word.get(new NDIndex("{}", ids)));
    if (position != null) {
      if (paddingIdx < 0) {
        x.addi(inBatch(batch, position.get(new NDIndex("0:{}", input.length()))));
      } else {
        x.addi(inBatch(batch, position.get(new NDIndex("{}", batch.create(offsetPositions(input), shape)))));
      }
    }
    if (tokenType != null) {
      long[] typeIds = tokenType.getShape().get(0) == 1 ? new long[input.typeIds().length] : input.typeIds();
      x.addi(inBatch(batch, tokenType.get(new NDIndex("{}", batch.create(typeIds, shape)))));
    }
    if (projection != null) {
      x = projection.apply(x);
    }
    // The embedding LayerNorm lies before h0, so no propagation rule applies to it.
    NDArray h0 = norm == null ? x : PropagationRules.GRADIENT.layerNorm(x, norm.gamma(), norm.beta(), norm.eps());
    if (zeroPadding) {
      h0 = h0.mul(batch.create(input.mask(), new Shape(input.size(), input.length(), 1)).toType(h0.getDataType(), false));
    }
    return h0;
  }

  /** RoBERTa's create_position_ids_from_input_ids: padding_idx + cumulative count of real tokens; padding_idx on padding. */
  private long[] offsetPositions(EncodedBatch input) {
    long[] pos = new long[input.size() * input.length()];
    for (int k = 0; k < input.size(); k++) {
      for (int i = 0; i < input.length(); i++) {
        pos[k * input.length() + i] = i < input.lengths()[k] ? paddingIdx + 1 + i : paddingIdx;
      }
    }
    return pos;
  }

  private static NDArray inBatch(NDManager batch, NDArray a) {
    a.attach(batch);
    return a;
  }
}
