package org.lrpaudit.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lrpaudit.cli.Main;

/**
 * Test support: the stage outputs the audit reads, written exactly in the format of notes/contract-bias.md
 * (bias_summary.json + bias_stats.csv, probe_summary.json + probe_stats.csv) until the bias and probe jobs land, audit
 * configurations, and running the command line in this JVM with its output captured.
 */
public final class AuditFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditFixtures() {}

  /** A headline entry: value, interval, p-value (null: none), n. */
  public record Stat(double value, Double ciLow, Double ciHigh, Double pValue, long n) {}

  /** OUT/bias_summary.json and OUT/bias_stats.csv with the given headline map, groups and top terms. */
  public static Path biasOutput(Path out, String modelId, String runId, Map<String, Stat> headline) throws IOException {
    Files.createDirectories(out);
    ObjectNode s = JSON.createObjectNode();
    s.put("run_id", runId).put("method", "lrp-ah-ln").put("model_id", modelId);
    s.put("relevance_rows", 120).put("mention_rows", 80).put("joined_mentions", 80);
    s.putObject("bootstrap").put("replicates", 1000).put("seed", 7);
    s.putObject("permutation").put("permutations", 2000).put("seed", 7);
    headline(s, headline);
    ArrayNode terms = s.putArray("top_terms");
    String[][] t = {{"female_name", "maria", "0.062", "0.041", "0.083", "0.4", "9"},
        {"male_name", "john", "0.048", "0.030", "0.066", "0.3", "11"},
        {"country", "france", "0.035", "0.020", "0.050", "0.2", "7"},
        {"organization", "<script>alert(2)</script>", "0.020", "0.010", "0.031", "0.1", "4"}};
    for (String[] r : t) {
      terms.addObject().put("kind", r[0]).put("term", r[1]).put("occurrences", Long.parseLong(r[6]))
          .put("mean_share", Double.parseDouble(r[2])).put("ci_low", Double.parseDouble(r[3]))
          .put("ci_high", Double.parseDouble(r[4])).put("top3_rate", Double.parseDouble(r[5]));
    }
    ArrayNode groups = s.putArray("groups");
    String[][] g = {{"female_name", "all", "0.051", "0.040", "0.062", "40"},
        {"male_name", "all", "0.043", "0.033", "0.053", "40"},
        {"female_name", "positive", "0.055", "0.041", "0.070", "21"},
        {"male_name", "positive", "0.040", "0.028", "0.052", "19"}};
    for (String[] r : g) {
      groups.addObject().put("kind", r[0]).put("statistic", "mean_share").put("predicted_class", r[1])
          .put("value", Double.parseDouble(r[2])).put("ci_low", Double.parseDouble(r[3]))
          .put("ci_high", Double.parseDouble(r[4])).put("n", Long.parseLong(r[5]));
    }
    Files.writeString(out.resolve("bias_summary.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
    List<String> csv = new ArrayList<>();
    csv.add("section,kind,term,group,predicted_class,statistic,value,ci_low,ci_high,p_value,n,run_id,method");
    for (String[] r : t) {
      csv.add(String.join(",", "term", r[0], r[1].contains(",") ? "\"" + r[1] + "\"" : r[1], "", "all",
          "mean_share", r[2], r[3], r[4], "", r[6], runId, "lrp-ah-ln"));
    }
    for (String[] r : g) {
      csv.add(String.join(",", "kind", r[0], "", "", r[1], "mean_share", r[2], r[3], r[4], "", r[5], runId,
          "lrp-ah-ln"));
    }
    for (var e : headline.entrySet()) {
      if (e.getKey().contains("gap")) {
        Stat v = e.getValue();
        csv.add(String.join(",", "group_gap", "female_name-male_name", "", "", "all", "share_gap",
            Double.toString(v.value()), str(v.ciLow()), str(v.ciHigh()), str(v.pValue()), Long.toString(v.n()), runId,
            "lrp-ah-ln"));
      }
    }
    Files.write(out.resolve("bias_stats.csv"), csv);
    return out.resolve("bias_summary.json");
  }

  /** OUT/probe_summary.json and OUT/probe_stats.csv. */
  public static Path probeOutput(Path out, String modelId, Map<String, Stat> headline, int pairs) throws IOException {
    Files.createDirectories(out);
    ObjectNode s = JSON.createObjectNode();
    s.put("model_id", modelId).put("pairs", pairs);
    headline(s, headline);
    Files.writeString(out.resolve("probe_summary.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
    List<String> csv = new ArrayList<>(List.of("statistic,value,ci_low,ci_high,p_value,n"));
    headline.forEach((k, v) -> csv.add(String.join(",", k, Double.toString(v.value()), str(v.ciLow()),
        str(v.ciHigh()), str(v.pValue()), Long.toString(v.n()))));
    Files.write(out.resolve("probe_stats.csv"), csv);
    return out.resolve("probe_summary.json");
  }

  private static void headline(ObjectNode s, Map<String, Stat> headline) {
    ObjectNode h = s.putObject("headline");
    headline.forEach((k, v) -> {
      ObjectNode e = h.putObject(k);
      e.put("value", v.value()).put("ci_low", v.ciLow()).put("ci_high", v.ciHigh()).put("p_value", v.pValue())
          .put("n", v.n()).put("description", "fixture statistic " + k);
    });
  }

  private static String str(Double d) {
    return d == null ? "" : d.toString();
  }

  /**
   * An audit.conf over fixture outputs: writes where/bias and where/probe (share gap {@code gap} with interval
   * [gap - 0.03, gap + 0.02], p 0.21; female name mean share 0.051; probe delta_p {@code delta} with interval
   * [delta - 0.01, delta + 0.011]), stages bias and probe with run = false, the thresholds; extra HOCON is appended
   * (later keys win).
   */
  public static Path conf(Path where, Path model, String modelId, Path corpus, Path history, double gap, double delta,
      List<String> thresholds, String extra) throws IOException {
    Path bias = biasOutput(where.resolve("bias"), modelId, "r", Map.of(
        "female_male_share_gap", new Stat(gap, gap - 0.03, gap + 0.02, 0.21, 80),
        "female_name_mean_share", new Stat(0.051, 0.040, 0.062, null, 40)));
    Path probe = probeOutput(where.resolve("probe"), modelId,
        Map.of("female_to_male_delta_p", new Stat(delta, delta - 0.01, delta + 0.011, 0.44, 80)), 40);
    List<String> quoted = new ArrayList<>();
    thresholds.forEach(t -> quoted.add(q(t)));
    String conf = "audit {\n"
        + "  model = " + q(model) + "\n"
        + "  corpus = " + q(corpus) + "\n"
        + "  history = " + q(history) + "\n"
        + "  method = lrp-ah-ln\n"
        + "  stages = [bias, probe]\n"
        + "  stage {\n"
        + "    bias { command = bias, run = false, summary = " + q(bias)
        + ", stats-csv = " + q(bias.resolveSibling("bias_stats.csv")) + " }\n"
        + "    probe { command = probe, run = false, summary = " + q(probe)
        + ", stats-csv = " + q(probe.resolveSibling("probe_stats.csv")) + " }\n"
        + "  }\n"
        + "  thresholds = [" + String.join(", ", quoted) + "]\n"
        + "}\n" + extra;
    Path file = where.resolve("audit.conf");
    Files.writeString(file, conf);
    return file;
  }

  /** A HOCON string literal. */
  public static String q(Object path) {
    return JSON.valueToTree(path.toString()).toString();
  }

  /** The first executable of the candidates; else the test fails with the message (which names what to install). */
  public static String executable(List<String> candidates, String missing) {
    for (String candidate : candidates) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError(missing);
  }

  /** Result of one command line run in this JVM. */
  public record Run(int status, String out, String err) {}

  public static synchronized Run main(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    String errText = e.toString(StandardCharsets.UTF_8);
    err.print(errText);
    return new Run(status, o.toString(StandardCharsets.UTF_8), errText);
  }
}
