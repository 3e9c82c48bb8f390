package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Prints explain-text JSON lines from standard input as a small table a person can read. */
public final class ShowExplanation {
  private ShowExplanation() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      JsonNode e = json.readTree(line);
      System.out.printf("text: %s%nmethod: %s  predicted: %s  explained: %s (logit %.4f)%n", e.get("text").asText(),
          e.get("method").asText(), e.get("predicted_label").asText(), e.get("explained_label").asText(),
          e.get("explained_logit").asDouble());
      for (JsonNode w : e.get("words")) {
        double r = w.get("relevance").asDouble();
        int bar = (int) Math.min(30, Math.round(Math.abs(r) * 20));
        System.out.printf("  %-14s %+9.4f %s%n", w.get("token").asText(), r, (r >= 0 ? "+" : "-").repeat(bar));
      }
      System.out.printf("relevance sum %.4f, conservation gap %.4f%n", e.get("relevance_sum").asDouble(),
          e.get("conservation_gap").asDouble());
    }
  }
}
