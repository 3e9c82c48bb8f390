package org.lrpaudit.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.audit.AuditException;

/**
 * The patch- and pixel-flipping scores the dashboard's image section shows, from either job that measures them:
 * evaluate-images (its output folder, or the folder's summary.json: one object whose {@code methods} holds a score per
 * method and unit) or evaluate-idx (JSON lines, one score per line; lines without {@code unit} are from before
 * evaluate-idx had pixel flipping, so patch). Both carry the same four fields per score, checked in one place; a score
 * that lacks one is refused naming the file and the line or the entry.
 */
final class FlippingScores {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SUMMARY = "summary.json";

  private FlippingScores() {}

  record Score(String method, String unit, long images, double auac, double auMse) {}

  static List<Score> read(Path fileOrFolder) {
    Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(SUMMARY) : fileOrFolder;
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AuditException("cannot read the faithfulness file " + file + " (an evaluate-images output folder, "
          + "its summary.json, or evaluate-idx's JSON lines): " + e);
    }
    JsonNode summaryMethods = summaryMethods(text);
    List<Score> out = summaryMethods != null ? fromSummary(file, summaryMethods) : fromLines(file, text);
    if (out.isEmpty()) {
      throw new AuditException("the faithfulness file " + file + " holds no scores");
    }
    return out;
  }

  /**
   * The methods array of an evaluate-images summary, else null. The summary is one JSON document (pretty-printed over
   * many lines); evaluate-idx's first line parses too but has no methods array, and text that is not JSON is left
   * for the line reader to name the line.
   */
  private static JsonNode summaryMethods(String text) {
    try {
      JsonNode methods = JSON.readTree(text).path("methods");
      return methods.isArray() ? methods : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static List<Score> fromSummary(Path file, JsonNode methods) {
    List<Score> out = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      JsonNode n = methods.get(i);
      if (!n.path("unit").isTextual()) {
        throw new AuditException(file + " methods[" + i + "] has no unit, as evaluate-images writes");
      }
      // A method and unit no image was evaluated in has no areas (NaN, written as a string): nothing to show.
      if (n.path("images").isIntegralNumber() && n.get("images").asLong() == 0) {
        continue;
      }
      out.add(score(n, "patch", file + " methods[" + i + "]"));
    }
    return out;
  }

  private static List<Score> fromLines(Path file, String text) {
    List<Score> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      try {
        out.add(score(JSON.readTree(lines[i]), "patch", where));
      } catch (JsonProcessingException e) {
        throw new AuditException(where + " is not JSON: " + e.getOriginalMessage());
      }
    }
    return out;
  }

  private static Score score(JsonNode n, String defaultUnit, String where) {
    if (!n.path("method").isTextual() || !n.path("images").isIntegralNumber() || !n.path("auac").isNumber()
        || !n.path("au_mse").isNumber() || !(n.path("unit").isMissingNode() || n.path("unit").isTextual())) {
      throw new AuditException(where + " is not a flipping score {method, unit, images, auac, au_mse} as "
          + "evaluate-images or evaluate-idx write");
    }
    return new Score(n.get("method").asText(), n.path("unit").asText(defaultUnit), n.get("images").asLong(),
        n.get("auac").asDouble(), n.get("au_mse").asDouble());
  }
}
