package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.explain.Explainer;

/** model.safetensors.index.json + shards load as the same model as the single file. */
class ShardedCheckpointTest {
  @TempDir
  Path dir;

  @Test
  void shardedCheckpointGivesTheSameLogits() throws Exception {
    Path single = RandomCheckpoint.write(RandomCheckpoint.spec("roberta", 2, 16, 2, 32, false, 3), dir.resolve("single"));
    Path sharded = dir.resolve("sharded");
    Files.createDirectories(sharded);
    for (String f : List.of(Checkpoint.CONFIG, Checkpoint.TOKENIZER)) {
      Files.copy(single.resolve(f), sharded.resolve(f));
    }
    Map<String, TestCheckpoints.Tensor> all = TestCheckpoints.readAll(single.resolve(Checkpoint.WEIGHTS));
    Map<String, TestCheckpoints.Tensor> first = new LinkedHashMap<>();
    Map<String, TestCheckpoints.Tensor> second = new LinkedHashMap<>();
    ObjectNode index = new ObjectMapper().createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    int i = 0;
    for (var e : all.entrySet()) {
      boolean one = i++ % 2 == 0;
      (one ? first : second).put(e.getKey(), e.getValue());
      map.put(e.getKey(), one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    TestCheckpoints.write(sharded.resolve("model-00001-of-00002.safetensors"), first, "F32");
    TestCheckpoints.write(sharded.resolve("model-00002-of-00002.safetensors"), second, "F32");
    new ObjectMapper().writeValue(sharded.resolve(ShardedSafetensors.INDEX).toFile(), index);

    try (TextClassifier a = TextClassifier.load(single.toString(), 64);
        TextClassifier b = TextClassifier.load(sharded.toString(), 64)) {
      List<TokenizedText> texts = List.of(a.tokenizer().encode("the movie was great"),
          a.tokenizer().encode("a dull mess"));
      float[][] la = new Explainer(a).logits(texts);
      float[][] lb = new Explainer(b).logits(texts);
      for (int k = 0; k < la.length; k++) {
        assertArrayEquals(la[k], lb[k]);
      }
      assertNotEquals(a.modelId(), b.modelId());
      assertTrue(b.modelId().matches("[0-9a-f]{64}"));
    }

    ObjectNode bad = index.deepCopy();
    ((ObjectNode) bad.get("weight_map")).put(all.keySet().iterator().next(), "../elsewhere.safetensors");
    new ObjectMapper().writeValue(sharded.resolve(ShardedSafetensors.INDEX).toFile(), bad);
    CheckpointException e = assertThrows(CheckpointException.class, () -> TextClassifier.load(sharded.toString(), 64));
    assertTrue(e.getMessage().contains("is not a .safetensors file name"), e.getMessage());
  }
}
