package org.lrpaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.PatchRelevance;
import org.lrpaudit.explain.TokenRelevance;
import org.lrpaudit.model.PatchGrid;

/**
 * The JSON lines of explain-text and explain-image, from hand-made explanations (no model): every field the README
 * documents, in its order, with its value; the shared part (method .. explained_logit) sits where it always did.
 */
class ExplanationJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void textLineHasTheDocumentedFieldsInOrder() throws Exception {
    Explanation e = new Explanation("a dull mess", "lrp-ah-ln", "abc123", new float[] {-1.5f, 2.25f}, 1, "POSITIVE", 0,
        "NEGATIVE", -1.5, List.of(new TokenRelevance("dull", 7, 2, 6, -0.75, 0)), List.of(), -0.75, -0.75, false,
        "the pair");
    JsonNode line = JSON.readTree(JSON.writeValueAsString(ExplanationJson.of(e)));
    assertEquals(List.of("text", "method", "model_id", "logits", "predicted", "predicted_label", "explained_class",
        "explained_label", "explained_logit", "tokens", "words", "relevance_sum", "conservation_gap", "truncated", "pair"),
        names(line));
    assertEquals("a dull mess", line.get("text").asText());
    assertSharedValues(line);
    assertEquals("dull", line.get("tokens").get(0).get("token").asText());
    assertEquals("the pair", line.get("pair").asText());
  }

  @Test
  void imageLineHasTheDocumentedFieldsInOrder() throws Exception {
    ImageExplanation e = new ImageExplanation("shirt.png", "lrp-ah-ln", "abc123", new float[] {-1.5f, 2.25f}, 1,
        "POSITIVE", 0, "NEGATIVE", -1.5, List.of(new PatchRelevance(0, -1, -1, -0.5)), -0.75, -0.75,
        new PatchGrid(1, 4, 4, 4), null);
    JsonNode line = JSON.readTree(JSON.writeValueAsString(ExplainImageCommand.ImageJson.of(e, "maps/shirt.png")));
    assertEquals(List.of("image", "method", "model_id", "logits", "predicted", "predicted_label", "explained_class",
        "explained_label", "explained_logit", "patches", "relevance_sum", "conservation_gap", "heatmap"), names(line));
    assertEquals("shirt.png", line.get("image").asText());
    assertSharedValues(line);
    assertEquals(-0.5, line.get("patches").get(0).get("relevance").asDouble());
    assertEquals("maps/shirt.png", line.get("heatmap").asText());
    JsonNode noHeatmap = JSON.readTree(JSON.writeValueAsString(ExplainImageCommand.ImageJson.of(e, null)));
    assertEquals(false, noHeatmap.has("heatmap"));
  }

  private static void assertSharedValues(JsonNode line) {
    assertEquals("lrp-ah-ln", line.get("method").asText());
    assertEquals("abc123", line.get("model_id").asText());
    assertEquals(-1.5, line.get("logits").get(0).asDouble());
    assertEquals(2.25, line.get("logits").get(1).asDouble());
    assertEquals(1, line.get("predicted").asInt());
    assertEquals("POSITIVE", line.get("predicted_label").asText());
    assertEquals(0, line.get("explained_class").asInt());
    assertEquals("NEGATIVE", line.get("explained_label").asText());
    assertEquals(-1.5, line.get("explained_logit").asDouble());
    assertEquals(-0.75, line.get("relevance_sum").asDouble());
    assertEquals(-0.75, line.get("conservation_gap").asDouble());
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
