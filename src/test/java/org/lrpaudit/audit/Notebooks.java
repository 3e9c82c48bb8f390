package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test support: the notebooks of notebooks/ executed with jupyter-nbconvert (Debian jupyter-nbconvert,
 * python3-ipykernel, python3-pandas, python3-matplotlib) with their inputs in environment variables (an audit history,
 * the image demo's outputs); a failing cell fails the test. The
 * executed copies go to target/notebooks/&lt;label&gt;/.
 */
final class Notebooks {
  /** What an executed notebook shows: its printed and displayed text, and how many images it drew. */
  record Executed(String text, int images) {}

  private Notebooks() {}

  /** Notebooks over an audit history (LRP_AUDIT_HISTORY); the other kind reads the image demo's outputs. */
  static final String AUDIT_PREFIX = "audit-";
  /** Notebooks over the image demo's outputs (LRP_AUDIT_FASHION_DEMO), run by ImageNotebookTest. */
  static final String IMAGE_PREFIX = "image-";

  /** notebooks/*.ipynb, sorted. */
  static List<Path> all() throws IOException {
    try (Stream<Path> s = Files.list(Paths.get("notebooks"))) {
      return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  /** Executes every audit notebook on the history; notebook file name -> what it shows. */
  static Map<String, Executed> executeAll(Path history, String label, Path logDir) throws IOException,
      InterruptedException {
    List<Path> notebooks = all().stream().filter(p -> p.getFileName().toString().startsWith(AUDIT_PREFIX)).toList();
    assertTrue(notebooks.size() >= 1, "notebooks/ holds an audit notebook");
    Map<String, Executed> out = new LinkedHashMap<>();
    for (Path nb : notebooks) {
      out.put(nb.getFileName().toString(), execute(nb, Map.of("LRP_AUDIT_HISTORY", history.toString()), label,
          logDir));
    }
    return out;
  }

  /** Executes one notebook with these environment variables; the executed copy goes to target/notebooks/label/. */
  static Executed execute(Path nb, Map<String, String> env, String label, Path logDir) throws IOException,
      InterruptedException {
    String nbconvert = nbconvert();
    Path executed = Files.createDirectories(Paths.get("target", "notebooks", label));
    Path log = logDir.resolve(nb.getFileName() + ".log");
    List<String> cmd = List.of(nbconvert, "--to", "notebook", "--execute",
        "--ExecutePreprocessor.timeout=180", "--output-dir", executed.toString(), nb.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    pb.environment().put("MPLBACKEND", "module://matplotlib_inline.backend_inline");
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nbconvert finished");
    assertEquals(0, p.exitValue(), nb + ": " + Files.readString(log));

    JsonNode result = AuditRecord.JSON.readTree(executed.resolve(nb.getFileName()).toFile());
    List<String> text = new ArrayList<>();
    int images = 0;
    for (JsonNode cell : result.get("cells")) {
      for (JsonNode o : cell.path("outputs")) {
        assertTrue(!o.path("output_type").asText().equals("error"), nb + ": a cell failed: " + o);
        o.path("text").forEach(t -> text.add(t.asText()));
        o.path("data").path("text/plain").forEach(t -> text.add(t.asText()));
        if (o.path("data").has("image/png")) {
          images++;
        }
      }
    }
    return new Executed(String.join("", text), images);
  }

  static String nbconvert() {
    return AuditFixtures.executable(List.of("/usr/bin/jupyter-nbconvert", "/usr/local/bin/jupyter-nbconvert"),
        "jupyter-nbconvert is needed to execute the notebooks: install the Debian packages jupyter-nbconvert "
            + "python3-ipykernel python3-pandas python3-matplotlib (.ci/run installs them)");
  }
}
