package org.lrpaudit.explain;

/**
 * One way to turn a batch into token relevance: the four propagation methods and the five baselines of method.md share it.
 * An implementation runs the model on the batch (grad mode as it needs), hands the logits of the unchanged input to
 * {@link BatchPass#chooseClasses} to learn which class each row explains, and returns relevance [B * L] row-major, exactly
 * 0 at padding. It must not depend on which other texts share the batch.
 */
public interface RelevanceMethod {
  double[] relevance(BatchPass pass);
}
