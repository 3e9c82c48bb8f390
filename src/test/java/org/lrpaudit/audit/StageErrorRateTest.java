package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.TestCheckpoints;

/**
 * The audit records each stage's error rate (the "errors" object every job puts in its summary) as the headline
 * statistics {@code <stage>_error_rate} and {@code <stage>_input_error_rate}, which thresholds can watch; a stage whose
 * job failed on its --max-error-rate (exit 1) stops the audit. Stages here are a stub command that prints a summary as
 * the jobs do, and a run = false stage whose summary file holds the object; no Spark.
 */
class StageErrorRateTest {
  @TempDir
  Path dir;

  private static final String PRINTED = "{\"run_id\": \"r\", \"errors\": {\"unit\": \"rows\", \"rows\": 1000, "
      + "\"ok\": 960, \"input_errors\": 20, \"job_errors\": 20, \"error_rate\": 0.02040816326530612, "
      + "\"input_error_rate\": 0.02, \"max_error_rate\": 0.5, \"status\": {\"ok\": 960, \"empty_text\": 20, "
      + "\"explain_failed\": 20}}}";

  /** A sub-command "stub" that prints PRINTED (as the explain job prints its summary) and exits with status. */
  private static Commands stub(int status) {
    return new Commands() {
      @Override
      public Set<String> names() {
        return Set.of("stub");
      }

      @Override
      public int run(List<String> args) {
        System.out.println(PRINTED);
        return status;
      }
    };
  }

  private Path conf(String threshold) throws IOException {
    Path model = TestCheckpoints.tinyBert(dir.resolve("model"), 5);
    Path corpus = Files.writeString(dir.resolve("corpus.csv"), "id,text\nt1,a film\n");
    Path summary = Files.writeString(dir.resolve("bias_summary.json"), "{\"headline\": {\"female_male_share_gap\": "
        + "{\"value\": 0.01, \"n\": 40}}, \"errors\": {\"unit\": \"mentions\", \"rows\": 50, \"ok\": 40, "
        + "\"input_errors\": 10, \"job_errors\": 0, \"error_rate\": 0.0, \"input_error_rate\": 0.2, "
        + "\"max_error_rate\": 0.5, \"status\": {\"ok\": 40, \"empty_span\": 10}}}");
    return Files.writeString(dir.resolve("audit.conf"), "audit {\n"
        + "  model = \"" + model + "\"\n  corpus = \"" + corpus + "\"\n  method = lrp-ah-ln\n"
        + "  history = \"" + dir.resolve("history") + "\"\n  stages = [explain, bias]\n"
        + "  stage.explain { command = stub }\n"
        + "  stage.bias { run = false, summary = \"" + summary + "\" }\n"
        + "  thresholds = [\"" + threshold + "\"]\n}\n");
  }

  private AuditRecord run(Path conf, Commands commands) throws IOException {
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    return new AuditJob(commands, clock).run(AuditConf.read(conf, "a1", clock.instant()));
  }

  @Test
  void eachStagesErrorRateIsAHeadlineStatisticThatThresholdsWatch() throws IOException {
    AuditRecord passed = run(conf("explain_error_rate <= 0.05"), stub(0));
    assertEquals(AuditJob.PASS, passed.exitCode());
    Headline explain = passed.headline().get("explain_error_rate");
    assertEquals("explain", explain.source());
    assertEquals(20.0 / 980, explain.value(), 1e-15);
    assertEquals(980L, explain.n(), "rows attempted: rows minus input errors");
    assertTrue(explain.description().contains("20 of 980"), explain.description());
    assertEquals(0.02, passed.headline().get("explain_input_error_rate").value(), 0);
    assertEquals(1000L, passed.headline().get("explain_input_error_rate").n());
    // a stage not run in this audit: read from its summary file
    assertEquals(0.0, passed.headline().get("bias_error_rate").value(), 0);
    assertEquals(0.2, passed.headline().get("bias_input_error_rate").value(), 0);
    assertEquals(Set.of("female_male_share_gap", "explain_error_rate", "explain_input_error_rate", "bias_error_rate",
        "bias_input_error_rate"), passed.headline().keySet());

    AuditRecord crossed = run(conf("explain_error_rate <= 0.01"), stub(0));
    assertEquals(AuditJob.THRESHOLD_CROSSED, crossed.exitCode(), "a tighter limit than the job's own is an audit check");
    assertEquals(CheckResult.FAIL, crossed.checks().get(0).result());
  }

  @Test
  void aStageWhoseJobFailedOnItsErrorRateStopsTheAudit() throws IOException {
    Path conf = conf("explain_error_rate <= 0.05");
    AuditException e = assertThrows(AuditException.class, () -> run(conf, stub(1)));
    assertTrue(e.getMessage().contains("stage 'explain'") && e.getMessage().contains("exit status 1")
        && e.getMessage().contains("--max-error-rate"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("history/records/audit_id=a1.json")), "nothing recorded");
  }
}
