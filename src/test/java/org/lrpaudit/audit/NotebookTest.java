package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.TestCheckpoints;

/**
 * Every notebook in notebooks/ executed end to end (Debian jupyter-nbconvert, python3-ipykernel, python3-pandas,
 * python3-matplotlib) on the outputs of two audits of one corpus: the history the audit job writes, over bias and probe
 * outputs in the contract format (fixtures until the bias and probe jobs land). The executed copies stay in
 * target/notebooks/.
 */
class NotebookTest {
  static final Path EXECUTED = Paths.get("target", "notebooks");

  @TempDir
  Path dir;

  @Test
  void notebooksRunOnTheOutputsOfAnAudit() throws Exception {
    String nbconvert = nbconvert();
    Path model = TestCheckpoints.tinyBert(dir.resolve("model"), 3);
    String modelId = TestCheckpoints.sha256(model.resolve("model.safetensors"));
    Path corpus = dir.resolve("corpus.csv");
    Files.writeString(corpus, "id,text,label\nt1,mary liked the film,1\n");
    Path history = dir.resolve("history");
    List<String> thresholds = List.of("female_male_share_gap.abs_value <= 0.05",
        "female_male_share_gap interval includes 0", "female_male_share_gap.abs_change <= 0.01");
    assertEquals(0, AuditFixtures.main("audit", "--conf", AuditFixtures.conf(dir.resolve("n1"), model, modelId,
        corpus, history, 0.012, 0.004, thresholds, "").toString(), "--audit-id", "n1").status());
    assertEquals(1, AuditFixtures.main("audit", "--conf", AuditFixtures.conf(dir.resolve("n2"), model, modelId,
        corpus, history, 0.041, -0.003, thresholds, "").toString(), "--audit-id", "n2").status());

    List<Path> notebooks;
    try (Stream<Path> s = Files.list(Paths.get("notebooks"))) {
      notebooks = s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertTrue(notebooks.size() >= 1, "notebooks/ holds a notebook");
    Files.createDirectories(EXECUTED);
    for (Path nb : notebooks) {
      List<String> cmd = List.of(nbconvert, "--to", "notebook", "--execute",
          "--ExecutePreprocessor.timeout=180", "--output-dir", EXECUTED.toString(), nb.toString());
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolve("nbconvert.log").toFile());
      pb.environment().put("LRP_AUDIT_HISTORY", history.toString());
      pb.environment().put("MPLBACKEND", "module://matplotlib_inline.backend_inline");
      Process p = pb.start();
      assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nbconvert finished");
      assertEquals(0, p.exitValue(), nb + ": " + Files.readString(dir.resolve("nbconvert.log")));

      JsonNode executed = AuditRecord.JSON.readTree(EXECUTED.resolve(nb.getFileName()).toFile());
      List<String> text = new ArrayList<>();
      int images = 0;
      for (JsonNode cell : executed.get("cells")) {
        for (JsonNode out : cell.path("outputs")) {
          assertTrue(!out.path("output_type").asText().equals("error"), nb + ": a cell failed: " + out);
          out.path("text").forEach(t -> text.add(t.asText()));
          out.path("data").path("text/plain").forEach(t -> text.add(t.asText()));
          if (out.path("data").has("image/png")) {
            images++;
          }
        }
      }
      String all = String.join("", text);
      if (nb.getFileName().toString().equals("audit-explore.ipynb")) {
        assertTrue(all.contains("audits: 2"), all);
        assertTrue(all.contains("latest audit: n2 (fail)"), all);
        assertTrue(all.contains("swapped pairs: 40"), all);
        assertTrue(images >= 2, "trend and top-term plots: " + images);
      }
    }
  }

  static String nbconvert() {
    return AuditFixtures.executable(List.of("/usr/bin/jupyter-nbconvert", "/usr/local/bin/jupyter-nbconvert"),
        "jupyter-nbconvert is needed to execute the notebooks: install the Debian packages jupyter-nbconvert "
            + "python3-ipykernel python3-pandas python3-matplotlib (.ci/run installs them)");
  }
}
