package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;

/**
 * DeBERTa-v2 settings lrp-audit does not implement are refused with a message naming the config.json field (exit 2 from
 * the CLI), rather than explained as a different model.
 */
class DebertaV2ConfigTest {
  @TempDir
  static Path tmp;
  static Path good;

  @BeforeAll
  static void write() throws IOException {
    good = RandomCheckpoint.write(RandomCheckpoint.spec("deberta-v2", 1, 16, 2, 32, false, 3), tmp.resolve("good"));
  }

  private static String refusal(String name, Consumer<ObjectNode> edit) throws IOException {
    Path dir = tmp.resolve(name);
    CheckpointWriter.deleteTree(dir);
    java.nio.file.Files.createDirectories(dir);
    try (var files = java.nio.file.Files.list(good)) {
      for (Path f : files.toList()) {
        java.nio.file.Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    TestCheckpoints.editConfig(dir, edit);
    String message = assertThrows(CheckpointException.class, () -> TextClassifier.load(dir.toString(), 64).close())
        .getMessage();
    assertTrue(message.startsWith(dir.resolve(Checkpoint.CONFIG).toString()), message);
    return message;
  }

  @Test
  void unsupportedSettingsAreRefusedByField() throws IOException {
    assertTrue(refusal("conv", c -> c.put("conv_kernel_size", 3)).contains("conv_kernel_size 3 is not supported"));
    assertTrue(refusal("norel", c -> c.put("relative_attention", false)).contains("relative_attention must be true"));
    assertTrue(refusal("p2p", c -> c.put("pos_att_type", "c2p|p2p")).contains("pos_att_type 'p2p' is not supported"));
    assertTrue(refusal("heads", c -> c.put("attention_head_size", 4)).contains("attention_head_size 4 is not supported"));
    assertTrue(refusal("pooler", c -> c.put("pooler_hidden_size", 8)).contains("pooler_hidden_size 8 is not supported"));
  }

  @Test
  void theCliExitsTwoOnARefusedSetting() throws IOException {
    refusal("cli", c -> c.put("conv_kernel_size", 3));
    assertEquals(2, Main.run("explain-text", "--model", tmp.resolve("cli").toString(), "a good film"));
  }

  @Test
  void goodCheckpointLoads() {
    TextClassifier.load(good.toString(), 64).close();
  }
}
