package org.lrpaudit.api;

import java.util.List;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.TokenRelevance;

/**
 * One text's result: its explanation (status "ok"), or the explain job's status and message for a text that cannot be
 * explained (empty_text, invalid_unicode, no_tokens, ...) with explanation null.
 */
public record TextRelevance(String text, String pair, String status, String error, Explanation explanation) {
  public boolean ok() {
    return explanation != null;
  }

  /** Every model token in order, special tokens included, each with its relevance; empty if not explained. */
  public List<TokenRelevance> tokens() {
    return ok() ? explanation.tokens() : List.of();
  }

  /** Sub-word tokens summed into words; empty if not explained. */
  public List<TokenRelevance> words() {
    return ok() ? explanation.words() : List.of();
  }

  /** The tokens' relevance, in token order. */
  public double[] relevance() {
    return tokens().stream().mapToDouble(TokenRelevance::relevance).toArray();
  }
}
