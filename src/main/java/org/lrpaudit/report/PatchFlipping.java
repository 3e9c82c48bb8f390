package org.lrpaudit.report;

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
 * The patch-flipping scores of evaluate-idx (one JSON object per line and method: method, images, auac, au_mse), as
 * the dashboard's image section shows them. A line that is not such an object is refused naming the file and line.
 */
final class PatchFlipping {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PatchFlipping() {}

  record Score(String method, long images, double auac, double auMse) {}

  static List<Score> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AuditException("cannot read the faithfulness file " + file + ": " + e);
    }
    List<Score> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      String where = file + " line " + (i + 1);
      JsonNode n;
      try {
        n = JSON.readTree(lines.get(i));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new AuditException(where + " is not JSON: " + e.getOriginalMessage());
      }
      if (!n.path("method").isTextual() || !n.path("images").isIntegralNumber() || !n.path("auac").isNumber()
          || !n.path("au_mse").isNumber()) {
        throw new AuditException(where + " is not a patch-flipping score {method, images, auac, au_mse} as "
            + "evaluate-idx writes");
      }
      out.add(new Score(n.get("method").asText(), n.get("images").asLong(), n.get("auac").asDouble(),
          n.get("au_mse").asDouble()));
    }
    if (out.isEmpty()) {
      throw new AuditException("the faithfulness file " + file + " holds no scores");
    }
    return out;
  }
}
