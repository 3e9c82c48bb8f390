package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.lrpaudit.rules.PropagationRules;

/**
 * Word + position (+ token type) embeddings, summed, then LayerNorm: h0, the point where relevance is read off (method.md
 * explains why not before the LayerNorm). Computed without gradient; the explainer makes h0 a leaf.
 */
public final class Embeddings {
  private final NDArray word;
  private final NDArray position;
  private final NDArray tokenType; // null for DistilBERT
  private final Weights.LayerNormParams norm;

  public Embeddings(NDArray word, NDArray position, NDArray tokenType, Weights.LayerNormParams norm) {
    this.word = word;
    this.position = position;
    this.tokenType = tokenType;
    this.norm = norm;
  }

  public NDArray apply(NDManager batch, EncodedBatch input) {
    Shape shape = new Shape(input.size(), input.length());
    NDArray ids = batch.create(input.ids(), shape);
    // Indexing a weight puts its result in the weight's long-lived manager: move it to the batch's at once.
    NDArray x = inBatch(batch, word.get(new NDIndex("{}", ids)));
    x.addi(inBatch(batch, position.get(new NDIndex("0:{}", input.length()))));
    if (tokenType != null) {
      NDArray types = batch.create(input.typeIds(), shape);
      x.addi(inBatch(batch, tokenType.get(new NDIndex("{}", types))));
    }
    // The embedding LayerNorm lies before h0, so no propagation rule applies to it.
    return PropagationRules.GRADIENT.layerNorm(x, norm.gamma(), norm.beta(), norm.eps());
  }

  private static NDArray inBatch(NDManager batch, NDArray a) {
    a.attach(batch);
    return a;
  }
}
