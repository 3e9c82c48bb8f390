package org.lrpaudit.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.TokenRelevance;

/** The JSON-lines shape of an explanation: snake_case names, as in the Parquet tables. */
@JsonPropertyOrder({"text", "method", "model_id", "logits", "predicted", "predicted_label", "explained_class",
    "explained_label", "explained_logit", "tokens", "words", "relevance_sum", "conservation_gap", "truncated", "pair"})
record ExplanationJson(
    String text,
    String method,
    @JsonProperty("model_id") String modelId,
    float[] logits,
    int predicted,
    @JsonProperty("predicted_label") String predictedLabel,
    @JsonProperty("explained_class") int explainedClass,
    @JsonProperty("explained_label") String explainedLabel,
    @JsonProperty("explained_logit") double explainedLogit,
    List<TokenRelevance> tokens,
    List<TokenRelevance> words,
    @JsonProperty("relevance_sum") double relevanceSum,
    @JsonProperty("conservation_gap") double conservationGap,
    boolean truncated,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    String pair) {

  static ExplanationJson of(Explanation e) {
    return new ExplanationJson(e.text(), e.method(), e.modelId(), e.logits(), e.predicted(), e.predictedLabel(),
        e.explainedClass(), e.explainedLabel(), e.explainedLogit(), e.tokens(), e.words(), e.relevanceSum(),
        e.conservationGap(), e.truncated(), e.pair());
  }
}
