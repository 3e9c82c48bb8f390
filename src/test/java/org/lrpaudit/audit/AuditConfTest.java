package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lrpaudit.cli.Main;
import picocli.CommandLine;

/** The shipped audit configurations parse, resolve the audit id into the stages, and build command lines picocli takes. */
class AuditConfTest {
  static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");

  @Test
  void shippedConfigurationsResolveTheAuditIdIntoTheStages() {
    AuditConf c = AuditConf.read(Paths.get("conf/audit.conf"), "nightly-7", NOW);
    assertEquals(List.of("explain", "annotate", "bias"), c.stages().stream().map(StageCall::name).toList());
    StageCall explain = c.stages().get(0);
    assertEquals(List.of("--input", "audits/corpus/audit_corpus.csv", "--methods", "lrp-ah-ln",
        "--model", "audits/models/my-classifier", "--output", "audits/runs/nightly-7/relevance",
        "--overwrite", "--run-id", "nightly-7"), explain.args());
    assertEquals("audits/runs/nightly-7/bias/bias_summary.json", c.stages().get(2).summary());
    assertEquals(new AuditConf.RelevanceOutput("audits/runs/nightly-7/relevance", "nightly-7", "lrp-ah-ln"),
        c.relevance());
    assertEquals(4, c.checks().size(), "explain_error_rate and the three on female_male_share_gap");

    AuditConf demo = AuditConf.read(Paths.get("conf/audit-demo.conf"), "demo", NOW);
    assertEquals(List.of("explain", "annotate", "bias", "probe"), demo.stages().stream().map(StageCall::name).toList());
    assertTrue(demo.model().endsWith("/models/demo-sentiment"), demo.model());
    assertTrue(demo.stages().get(0).args().containsAll(List.of("--run-id", "demo", "--max-length", "128")));
  }

  @Test
  void explainStageArgumentsAreAValidExplainCommandLine() {
    for (String file : List.of("conf/audit.conf", "conf/audit-demo.conf")) {
      StageCall explain = AuditConf.read(Paths.get(file), "a1", NOW).stages().get(0);
      List<String> line = new ArrayList<>(List.of(explain.command()));
      line.addAll(explain.args());
      CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(line.toArray(String[]::new));
      assertEquals("explain", parsed.subcommand().commandSpec().name(), file);
      assertTrue(parsed.subcommand().unmatched().isEmpty(), file + ": " + parsed.subcommand().unmatched());
    }
  }

  @Test
  void everyShippedStageIsACommandLineItsSubCommandAccepts() throws Exception {
    // All five stages of conf/audit.conf (also those audit.stages leaves out), and the demo's four.
    Path all = java.nio.file.Files.createTempFile("audit-all", ".conf");
    java.nio.file.Files.writeString(all, "include file(" + AuditFixtures.q(Paths.get("conf/audit.conf")
        .toAbsolutePath()) + ")\naudit.stages = [explain, annotate, bias, probe, evaluate]\n");
    try {
      for (Path file : List.of(all, Paths.get("conf/audit-demo.conf"))) {
        java.util.Map<String, List<String>> lines = new java.util.HashMap<>();
        for (StageCall stage : AuditConf.read(file, "a1", NOW).stages()) {
          List<String> line = new ArrayList<>(List.of(stage.command()));
          lines.put(stage.name(), line);
          line.addAll(stage.args());
          CommandLine.ParseResult parsed = new CommandLine(new Main()).parseArgs(line.toArray(String[]::new));
          assertEquals(stage.command(), parsed.subcommand().commandSpec().name(), file + " " + stage.name());
          assertTrue(parsed.subcommand().unmatched().isEmpty(), file + " " + stage.name() + ": "
              + parsed.subcommand().unmatched());
          if (stage.summary() != null) {
            assertTrue(stage.summary().startsWith(line.get(line.indexOf("--output") + 1) + "/"),
                file + " " + stage.name() + ": the summary is inside the stage's output: " + stage.summary());
          }
        }
        // The stages are wired to each other: bias and probe read what explain and annotate write.
        String mentions = option(lines.get("annotate"), "--output") + "/mentions";
        assertEquals(mentions, option(lines.get("bias"), "--mentions"), file.toString());
        assertEquals(mentions, option(lines.get("probe"), "--mentions"), file.toString());
        assertEquals(option(lines.get("explain"), "--output"), option(lines.get("bias"), "--relevance"), file.toString());
        assertEquals(option(lines.get("explain"), "--run-id"), option(lines.get("bias"), "--run-id"), file.toString());
      }
    } finally {
      java.nio.file.Files.delete(all);
    }
  }

  private static String option(List<String> line, String name) {
    return line.get(line.indexOf(name) + 1);
  }

  @Test
  void withoutAnIdTheAuditGetsANewOne() {
    AuditConf a = AuditConf.read(Paths.get("conf/audit.conf"), null, NOW);
    AuditConf b = AuditConf.read(Paths.get("conf/audit.conf"), null, NOW);
    assertTrue(a.id().startsWith("20261126T101530Z-"), a.id());
    assertNotEquals(a.id(), b.id());
    assertTrue(a.stages().get(0).args().contains(a.id()));
  }

  @Test
  void argumentObjectsAndListsBecomeOptions() throws Exception {
    Path f = java.nio.file.Files.createTempFile("audit", ".conf");
    java.nio.file.Files.writeString(f, "audit { model = m, corpus = c, history = h, stages = [s]\n"
        + "stage.s { command = x, summary = s.json, args { b = true, off = false, none = null, list = [1, two], "
        + "n = 3 } } }");
    StageCall s = AuditConf.read(f, "i", NOW).stages().get(0);
    assertEquals(List.of("--b", "--list", "1,two", "--n", "3"), s.args());
    java.nio.file.Files.delete(f);
  }
}
