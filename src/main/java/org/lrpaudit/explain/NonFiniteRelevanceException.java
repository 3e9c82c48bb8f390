package org.lrpaudit.explain;

/**
 * A batch whose logits are finite gave non-finite relevance: a numerical fault, not a property of any one text. Callers
 * report it for every row of the batch and do not compute the batch again (a recomputation that succeeds would hide it).
 */
public final class NonFiniteRelevanceException extends IllegalStateException {
  public NonFiniteRelevanceException(String message) {
    super(message);
  }
}
