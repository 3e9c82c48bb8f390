package org.lrpaudit.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.lrpaudit.explain.ExplainedOutput;

/**
 * The fields every explanation's JSON line has, text or image, in this order and with these snake_case names (as in the
 * Parquet tables); unwrapped into {@link ExplanationJson} and explain-image's lines.
 */
@JsonPropertyOrder({"method", "model_id", "logits", "predicted", "predicted_label", "explained_class", "explained_label",
    "explained_logit"})
record ExplainedOutputJson(
    String method,
    @JsonProperty("model_id") String modelId,
    float[] logits,
    int predicted,
    @JsonProperty("predicted_label") String predictedLabel,
    @JsonProperty("explained_class") int explainedClass,
    @JsonProperty("explained_label") String explainedLabel,
    @JsonProperty("explained_logit") double explainedLogit) {

  static ExplainedOutputJson of(ExplainedOutput e) {
    return new ExplainedOutputJson(e.method(), e.modelId(), e.logits(), e.predicted(), e.predictedLabel(),
        e.explainedClass(), e.explainedLabel(), e.explainedLogit());
  }
}
