package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the scheduling examples never run a value from outside as shell text. The Airflow DAG
 * (jobs/schedule/lrp_audit_dag.py) is imported by python3 with stubs of the two Airflow classes it uses; its templated
 * fields are rendered with Jinja2 as Airflow renders them, and its commands run through bash (as BashOperator runs
 * them) with dag_run.conf values and run ids such as "; touch /tmp/…": no file may appear, and the lrp-audit command
 * (a stub) must receive each value unchanged. Needs python3 with jinja2 (Debian: python3-jinja2), not Airflow.
 */
class ScheduleCommandsTest {
  static final Path DAG = Path.of("jobs/schedule/lrp_audit_dag.py");
  static final Path HARNESS = Path.of("src/test/resources/schedule/dag_commands.py");

  @TempDir
  Path dir;

  @Test
  void dagRunValuesAreNeverShellText() throws Exception {
    Path marker = dir.resolve("x");
    String touch = "touch " + marker;
    List<String> models = List.of(
        "/models/m; " + touch,
        "/models/m && " + touch,
        "/models/m | " + touch,
        "$(" + touch + ")",
        "`" + touch + "`",
        "'; " + touch + "; echo '",
        "\"; " + touch + "; echo \"",
        "/models/m\n" + touch,
        "/models/with space/and $HOME {{ 7 * 7 }} %s",
        "/models/sentiment/2026-11-26");
    ArrayNode cases = AuditRecord.JSON.createArrayNode();
    List<String[]> expected = new ArrayList<>(); // model as the command must see it, audit id
    for (String m : models) {
      cases.addObject().put("model", m).put("run_id", "manual__2026-11-26T10:15:30.123456+00:00");
      expected.add(new String[] {m, "manual__2026-11-26T10-15-30.123456-00-00"});
    }
    cases.addObject().putNull("model").put("run_id", "scheduled__2026-11-23T00:00:00+00:00");
    expected.add(new String[] {"<unset>", "scheduled__2026-11-23T00-00-00-00-00"});
    // a run id given to `airflow dags trigger --run-id` is outside input too
    cases.addObject().put("model", "/models/m").put("run_id", "r1; " + touch);
    expected.add(new String[] {"/models/m", "r1; " + touch});
    cases.addObject().put("model", "/models/m").put("run_id", "$(" + touch + ")");
    expected.add(new String[] {"/models/m", "$(" + touch + ")"});

    List<JsonNode> runs = run(cases);
    assertFalse(Files.exists(marker), "a value from dag_run.conf or the run id ran as a shell command");
    assertEquals(2 * cases.size(), runs.size(), "each case ran both tasks: " + runs);
    for (JsonNode r : runs) {
      String[] want = expected.get(r.get("case").asInt());
      String where = "case " + r.get("case") + " " + cases.get(r.get("case").asInt()) + ", task " + r.get("task")
          + ": " + r;
      assertEquals(0, r.get("status").asInt(), where);
      assertEquals(1, r.get("calls").size(), "lrp-audit ran once: " + where);
      List<String> call = new ArrayList<>();
      r.at("/calls/0").forEach(a -> call.add(a.asText()));
      if (r.get("task").asText().equals("audit")) {
        assertEquals(List.of(want[0], "audit", "--conf", "conf/audit.conf", "--audit-id", want[1]), call, where);
      } else {
        assertEquals(List.of("dashboard", "--history", "/srv/lrp-audit/history", "--output",
            "/srv/www/bias-dashboard", "--audit-id", want[1]), call.subList(1, call.size()), where);
      }
    }
  }

  /**
   * jobs/schedule/audit-and-dashboard (what cron runs) passes its arguments and the audit record's id and history as
   * arguments, never as shell text: run from a copy beside a stub lrp-audit that prints a real record (AuditRecord's
   * JSON) and logs the dashboard call. Exit 1 still writes the dashboard; exit 2 does not.
   */
  @Test
  void auditAndDashboardPassesValuesAsArguments() throws Exception {
    Path marker = dir.resolve("x");
    String touch = "touch " + marker;
    Path root = dir.resolve("root");
    Files.createDirectories(root.resolve("jobs/schedule"));
    Path script = root.resolve("jobs/schedule/audit-and-dashboard");
    Files.copy(Path.of("jobs/schedule/audit-and-dashboard"), script);
    String history = "/srv/h $(" + touch + ") `" + touch + "`; " + touch;
    var config = AuditRecord.JSON.createObjectNode().put("id", "a-1").put("history", history);
    AuditRecord record = new AuditRecord("a-1", "2026-11-26T10:00:00Z", AuditRecord.FAIL, 1, "m", "m", "c", "f",
        new java.util.TreeMap<>(), List.of(), null, null, 1.0, config);
    Files.writeString(dir.resolve("record.json"), AuditRecord.toJson(record) + "\n");
    Path log = dir.resolve("calls.log");
    Path stub = root.resolve("jobs/lrp-audit");
    Files.writeString(stub, "#!/usr/bin/env bash\n"
        + "printf '%s\\0' \"$@\" >> '" + log + "'; printf '\\n' >> '" + log + "'\n"
        + "if [ \"$1\" = audit ]; then cat '" + dir.resolve("record.json") + "'; exit \"$STUB_STATUS\"; fi\n");
    stub.toFile().setExecutable(true);
    String conf = dir.resolve("audit; " + touch + ".conf").toString();
    String site = dir.resolve("site $(" + touch + ")").toString();
    for (int status : new int[] {0, 1, 2}) {
      Files.deleteIfExists(log);
      ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), conf, site, "a-1").redirectErrorStream(true);
      pb.environment().put("STUB_STATUS", Integer.toString(status));
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
      assertEquals(status, p.exitValue(), "the audit's exit status: " + out);
      assertFalse(Files.exists(marker), "a value ran as a shell command: " + out);
      List<List<String>> calls = new ArrayList<>();
      for (String line : Files.readString(log).split("\0\n")) {
        if (!line.isEmpty()) {
          calls.add(List.of(line.split("\0", -1)));
        }
      }
      assertEquals(List.of("audit", "--conf", conf, "--audit-id", "a-1"), calls.get(0), out);
      if (status < 2) {
        assertEquals(List.of(List.of("dashboard", "--history", history, "--output", site, "--audit-id", "a-1")),
            calls.subList(1, calls.size()), out);
      } else {
        assertEquals(1, calls.size(), "no dashboard when the audit could not run: " + out);
      }
    }
  }

  /** python3 DAG_HARNESS DAG WORK CASES: one JSON line per task run. */
  private List<JsonNode> run(ArrayNode cases) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("python3", HARNESS.toAbsolutePath().toString(),
        DAG.toAbsolutePath().toString(), dir.toString(), cases.toString()).redirectErrorStream(true);
    pb.environment().remove("LRP_AUDIT_MODEL");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new AssertionError("python3 is needed to run the Airflow DAG's commands (apt-get install python3 "
          + "python3-jinja2): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
    assertFalse(out.contains("No module named 'jinja2'"), "python3-jinja2 is needed (Airflow's template engine): "
        + out);
    assertEquals(0, p.exitValue(), out);
    List<JsonNode> runs = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("{")) {
        runs.add(AuditRecord.JSON.readTree(line));
      }
    }
    return runs;
  }
}
