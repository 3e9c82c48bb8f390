package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.TestCheckpoints;

/**
 * Every audit-* notebook in notebooks/ executed end to end on the history of two audits of one corpus over bias and probe
 * outputs in the contract format (fixtures with known numbers; AuditEndToEndTest runs the notebooks on the outputs of
 * the real jobs). The executed copies stay in target/notebooks/fixtures/.
 */
class NotebookTest {
  @TempDir
  Path dir;

  @Test
  void notebooksRunOnTheOutputsOfAnAudit() throws Exception {
    Notebooks.nbconvert(); // fail first, with the packages to install, when nbconvert is missing
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

    Map<String, Notebooks.Executed> executed = Notebooks.executeAll(history, "fixtures", dir);
    Notebooks.Executed explore = executed.get("audit-explore.ipynb");
    assertTrue(explore.text().contains("audits: 2"), explore.text());
    assertTrue(explore.text().contains("latest audit: n2 (fail)"), explore.text());
    assertTrue(explore.text().contains("swapped pairs: 40"), explore.text());
    assertTrue(explore.images() >= 2, "trend and top-term plots: " + explore.images());
  }
}
