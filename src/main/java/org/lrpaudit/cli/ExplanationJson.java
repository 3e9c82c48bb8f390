package org.lrpaudit.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.TokenRelevance;

/** The JSON-lines shape of an explanation: snake_case names, as in the Parquet tables. */
@JsonPropertyOrder({"text", "output", "tokens", "words", "relevance_sum", "conservation_gap", "truncated", "pair"})
record ExplanationJson(
    String text,
    @JsonUnwrapped ExplainedOutputJson output,
    List<TokenRelevance> tokens,
    List<TokenRelevance> words,
    @JsonProperty("relevance_sum") double relevanceSum,
    @JsonProperty("conservation_gap") double conservationGap,
    boolean truncated,
    @JsonInclude(JsonInclude.Include.NON_NULL) String pair) {

  static ExplanationJson of(Explanation e) {
    return new ExplanationJson(e.text(), ExplainedOutputJson.of(e), e.tokens(), e.words(), e.relevanceSum(),
        e.conservationGap(), e.truncated(), e.pair());
  }
}
