package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.TestCheckpoints.Tensor;

/**
 * Every way a model folder can be unusable ends in a CheckpointException whose message names the file or field at fault,
 * never in a JVM crash or an unexplained exception. Loading goes through TextClassifier.load, as the jobs do.
 */
class BadCheckpointTest {
  @TempDir
  Path tmp;

  private Path model() throws IOException {
    return TestCheckpoints.tinyBert(tmp.resolve("model"), 7);
  }

  private static CheckpointException loadFails(Path dir) {
    return assertThrows(CheckpointException.class, () -> TextClassifier.load(dir.toString(), 64).close());
  }

  private static void assertContains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }
  }

  @Test
  void goodModelLoads() throws IOException {
    Path dir = model();
    try (TextClassifier c = TextClassifier.load(dir.toString(), 64)) {
      assertEquals(1, c.config().numLayers());
      assertEquals(16, c.config().hiddenSize());
      assertEquals(TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS)), c.modelId());
    }
  }

  @Test
  void missingFolder() {
    Path dir = tmp.resolve("absent");
    assertEquals("model folder not found: " + dir, loadFails(dir).getMessage());
  }

  @Test
  void folderThatIsAFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("model.txt"), "hello");
    assertEquals("model folder not found: " + file, loadFails(file).getMessage());
  }

  @Test
  void localPathWithCharactersThatAreNotLegalInAUri() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("run [v1] 100% {x}|y^z"), 7);
    try (TextClassifier c = TextClassifier.load(dir.toString(), 64)) {
      assertEquals(TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS)), c.modelId());
    }
    Path absent = tmp.resolve("gone [v2] 100%");
    assertEquals("model folder not found: " + absent, loadFails(absent).getMessage());
  }

  @Test
  void missingConfig() throws IOException {
    Path dir = model();
    Files.delete(dir.resolve(Checkpoint.CONFIG));
    assertEquals("config.json not found: " + dir.resolve(Checkpoint.CONFIG), loadFails(dir).getMessage());
  }

  @Test
  void configThatIsNotJson() throws IOException {
    Path dir = model();
    Files.writeString(dir.resolve(Checkpoint.CONFIG), "{\"model_type\": \"bert\", ");
    assertTrue(loadFails(dir).getMessage().startsWith(dir.resolve(Checkpoint.CONFIG) + ": not valid JSON"));
  }

  @Test
  void missingTokenizer() throws IOException {
    Path dir = model();
    Files.delete(dir.resolve(Checkpoint.TOKENIZER));
    assertTrue(loadFails(dir).getMessage().startsWith("tokenizer.json not found in " + dir));
  }

  @Test
  void tokenizerThatIsNotJson() throws IOException {
    Path dir = model();
    Files.writeString(dir.resolve(Checkpoint.TOKENIZER), "<html>not found</html>");
    assertTrue(loadFails(dir).getMessage().startsWith(dir.resolve(Checkpoint.TOKENIZER) + ": not valid JSON"));
  }

  @Test
  void tokenizerWithoutVocabulary() throws IOException {
    Path dir = model();
    TestCheckpoints.editTokenizer(dir, t -> {
      ((ObjectNode) t.get("model")).remove("vocab");
      t.putArray("added_tokens");
    });
    assertContains(loadFails(dir).getMessage(), dir.resolve(Checkpoint.TOKENIZER).toString(), "no vocabulary found");
  }

  @Test
  void missingWeights() throws IOException {
    Path dir = model();
    Files.delete(dir.resolve(Checkpoint.WEIGHTS));
    assertEquals("model.safetensors not found in " + dir, loadFails(dir).getMessage());
  }

  @Test
  void onlyPytorchBinIsRefusedWithAConversionHint() throws IOException {
    Path dir = model();
    Files.delete(dir.resolve(Checkpoint.WEIGHTS));
    Path bin = dir.resolve("pytorch_model.bin");
    byte[] garbage = new byte[4096];
    new Random(1).nextBytes(garbage);
    Files.write(bin, garbage);
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("---------"));
    CheckpointException e = loadFails(dir);
    assertPickleMessage(e.getMessage());
    assertTrue(e.getMessage().startsWith(dir + " holds pytorch_model.bin"), e.getMessage());
  }

  @Test
  void pytorchBinIsNeverOpened() throws Exception {
    Path dir = model();
    Files.delete(dir.resolve(Checkpoint.WEIGHTS));
    makeFifo(dir.resolve("pytorch_model.bin")); // open() of a FIFO for reading blocks until a writer comes: none will
    assertPickleMessage(failsWithoutBlocking(() -> TextClassifier.load(dir.toString(), 64).close()).getMessage());
  }

  static void assertPickleMessage(String m) {
    assertContains(m, "pytorch_model.bin", "no model.safetensors", "pickle", "never loads",
        "save_pretrained('DIR', safe_serialization=True)");
  }

  static void makeFifo(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertEquals(0, p.waitFor());
    assertTrue(Files.exists(path) && !Files.isRegularFile(path));
  }

  static CheckpointException failsWithoutBlocking(Executable load) {
    return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(CheckpointException.class, load),
        "something opened pytorch_model.bin");
  }

  @Test
  void unknownModelType() throws IOException {
    Path dir = model();
    TestCheckpoints.editConfig(dir, c -> c.put("model_type", "gpt2"));
    assertEquals(dir.resolve(Checkpoint.CONFIG) + ": model_type 'gpt2' is not supported (supported: bert, distilbert, roberta, xlm-roberta, electra, albert, deberta-v2, modernbert, vit)",
        loadFails(dir).getMessage());
  }

  @Test
  void missingModelType() throws IOException {
    Path dir = model();
    TestCheckpoints.editConfig(dir, c -> c.remove("model_type"));
    assertContains(loadFails(dir).getMessage(), dir.resolve(Checkpoint.CONFIG) + ": field 'model_type' is missing");
  }

  @Test
  void missingRequiredConfigField() throws IOException {
    Path dir = model();
    TestCheckpoints.editConfig(dir, c -> c.remove("hidden_size"));
    assertEquals(dir.resolve(Checkpoint.CONFIG) + ": field 'hidden_size' must be a positive integer, found nothing",
        loadFails(dir).getMessage());
  }

  @Test
  void configFieldOfTheWrongKind() throws IOException {
    Path dir = model();
    TestCheckpoints.editConfig(dir, c -> c.put("num_attention_heads", "two"));
    assertEquals(dir.resolve(Checkpoint.CONFIG) + ": field 'num_attention_heads' must be a positive integer, found \"two\"",
        loadFails(dir).getMessage());
  }

  @Test
  void headsThatDoNotDivideTheHiddenSize() throws IOException {
    Path dir = model();
    TestCheckpoints.editConfig(dir, c -> c.put("num_attention_heads", 3));
    assertContains(loadFails(dir).getMessage(), "config.json", "hidden size 16 is not divisible by the 3 attention heads");
  }

  @Test
  void tensorMissing() throws IOException {
    Path dir = model();
    String name = "bert.encoder.layer.0.attention.self.key.weight";
    TestCheckpoints.editWeights(dir, t -> t.remove(name));
    assertContains(loadFails(dir).getMessage(), dir.resolve(Checkpoint.WEIGHTS) + ": tensor '" + name + "' is missing");
  }

  @Test
  void distilBertTensorMissing() throws IOException {
    Path dir = RandomCheckpoint.write(RandomCheckpoint.spec(ModelConfig.DISTILBERT, 1, 16, 2, 32, false, 7),
        tmp.resolve("distil"));
    try (TextClassifier c = TextClassifier.load(dir.toString(), 64)) {
      assertEquals(ModelConfig.DISTILBERT, c.config().modelType());
    }
    TestCheckpoints.editWeights(dir, t -> t.remove("pre_classifier.bias"));
    assertContains(loadFails(dir).getMessage(), dir.resolve(Checkpoint.WEIGHTS) + ": tensor 'pre_classifier.bias' is missing");
  }

  @Test
  void tensorOfTheWrongShape() throws IOException {
    Path dir = model();
    TestCheckpoints.editWeights(dir, t -> {
      Tensor w = t.get("classifier.weight");
      assertEquals("[2, 16]", Arrays.toString(w.shape()));
      t.put("classifier.weight", new Tensor(new long[] {16, 2}, w.values())); // same bytes, transposed shape
    });
    assertEquals(dir.resolve(Checkpoint.WEIGHTS) + ": tensor 'classifier.weight' has shape [16, 2] but config.json "
        + "implies [2, 16]", loadFails(dir).getMessage());
  }

  @Test
  void configWithFewerLayersThanTheWeights() throws IOException {
    Path dir = TestCheckpoints.bert(tmp.resolve("two-layers"), 2, 128, false, 7);
    TestCheckpoints.editConfig(dir, c -> c.put("num_hidden_layers", 1));
    assertEquals(dir.resolve(Checkpoint.WEIGHTS) + ": holds 16 encoder tensors that config.json (1 layers) does not use, "
        + "e.g. 'bert.encoder.layer.1.attention.output.LayerNorm.bias'", loadFails(dir).getMessage());
  }

  @Test
  void configWithMoreLayersThanTheWeights() throws IOException {
    Path dir = TestCheckpoints.bert(tmp.resolve("two-layers"), 2, 128, false, 7);
    TestCheckpoints.editConfig(dir, c -> c.put("num_hidden_layers", 3));
    assertContains(loadFails(dir).getMessage(),
        dir.resolve(Checkpoint.WEIGHTS) + ": tensor 'bert.encoder.layer.2.attention.self.query.weight' is missing");
  }

  @Test
  void truncatedWeights() throws IOException {
    Path dir = model();
    Path weights = dir.resolve(Checkpoint.WEIGHTS);
    byte[] all = Files.readAllBytes(weights);
    Files.write(weights, Arrays.copyOf(all, all.length / 2));
    assertContains(loadFails(dir).getMessage(), weights.toString(), "lies outside the file", "truncated");
  }

  @Test
  void weightsCutInsideTheHeader() throws IOException {
    Path dir = model();
    Path weights = dir.resolve(Checkpoint.WEIGHTS);
    byte[] all = Files.readAllBytes(weights);
    Files.write(weights, Arrays.copyOf(all, 100));
    assertContains(loadFails(dir).getMessage(), weights + ": not a safetensors file (header length", "100 bytes",
        "truncated");
    Files.write(weights, Arrays.copyOf(all, 5));
    assertEquals(weights + ": not a safetensors file (5 bytes, shorter than its header)", loadFails(dir).getMessage());
    Files.write(weights, new byte[0]);
    assertContains(loadFails(dir).getMessage(), weights + ": not a safetensors file (0 bytes");
  }

  @Test
  void headerGarbage() throws IOException {
    Path dir = model();
    Path weights = dir.resolve(Checkpoint.WEIGHTS);
    Files.writeString(weights, "this is not a safetensors file, it is some text that happens to be here");
    assertContains(loadFails(dir).getMessage(), weights + ": not a safetensors file (header length");

    TestCheckpoints.writeRaw(weights, "{\"a\": [1, 2".getBytes(StandardCharsets.UTF_8), new byte[16]);
    assertContains(loadFails(dir).getMessage(), weights + ": cannot read safetensors header");

    TestCheckpoints.writeRaw(weights, "[1, 2, 3]".getBytes(StandardCharsets.UTF_8), new byte[16]);
    assertEquals(weights + ": safetensors header is not a JSON object", loadFails(dir).getMessage());

    TestCheckpoints.writeRaw(weights, "{\"x\": {\"dtype\": \"F32\", \"shape\": [4]}}".getBytes(StandardCharsets.UTF_8),
        new byte[16]);
    assertEquals(weights + ": tensor 'x' has an incomplete header entry", loadFails(dir).getMessage());

    TestCheckpoints.writeRaw(weights, "{\"x\": \"F32\"}".getBytes(StandardCharsets.UTF_8), new byte[16]);
    assertEquals(weights + ": tensor 'x' has an incomplete header entry", loadFails(dir).getMessage());

    byte[] pickle = new byte[64]; // what a pickle starts with: PROTO 2, then data
    pickle[0] = (byte) 0x80;
    pickle[1] = 2;
    Files.write(weights, pickle);
    assertContains(loadFails(dir).getMessage(), weights + ": not a safetensors file (header length");
  }

  @Test
  void tokenizerIdsBeyondTheModelVocabulary() throws IOException {
    Path dir = model();
    int vocabSize = ModelConfig.read(dir.resolve(Checkpoint.CONFIG)).vocabSize();
    TestCheckpoints.editTokenizer(dir, t -> ((ObjectNode) t.get("model").get("vocab")).put("zyzzyva", vocabSize));
    assertEquals(dir.resolve(Checkpoint.TOKENIZER) + ": token id " + vocabSize + " does not fit the model's vocab_size "
        + vocabSize + " (tokenizer and weights do not belong together)", loadFails(dir).getMessage());
  }

  @Test
  void addedTokenIdBeyondTheModelVocabulary() throws IOException {
    Path dir = model();
    int vocabSize = ModelConfig.read(dir.resolve(Checkpoint.CONFIG)).vocabSize();
    TestCheckpoints.editTokenizer(dir, t -> ((com.fasterxml.jackson.databind.node.ArrayNode) t.get("added_tokens"))
        .addObject().put("id", vocabSize + 5).put("content", "[NEW]").put("special", true));
    assertContains(loadFails(dir).getMessage(), dir.resolve(Checkpoint.TOKENIZER).toString(),
        "token id " + (vocabSize + 5) + " does not fit the model's vocab_size " + vocabSize);
  }

  /** Fails both on the driver's check (Checkpoint.open, before any compute) and when an executor loads the model. */
  private static String bothFail(Path dir) {
    CheckpointException early = assertThrows(CheckpointException.class, () -> Checkpoint.open(dir.toString()));
    assertEquals(early.getMessage(), loadFails(dir).getMessage());
    return early.getMessage();
  }

  @Test
  void postProcessorSpecialTokenIdBeyondTheModelVocabulary() throws IOException {
    Path dir = model();
    int vocabSize = ModelConfig.read(dir.resolve(Checkpoint.CONFIG)).vocabSize();
    TestCheckpoints.editTokenizer(dir, t -> ((com.fasterxml.jackson.databind.node.ArrayNode) t.get("post_processor")
        .get("special_tokens").get("[CLS]").get("ids")).removeAll().add(999999));
    assertEquals(dir.resolve(Checkpoint.TOKENIZER) + ": post_processor.special_tokens.[CLS].ids[0]: special token [CLS] "
        + "has id 999999, outside the model's vocab_size " + vocabSize + " (the post-processor would add it to every "
        + "text, and no text could be explained)", bothFail(dir));
  }

  @Test
  void bertProcessingIdBeyondTheModelVocabularyInsideASequence() throws IOException {
    Path dir = model();
    TestCheckpoints.editTokenizer(dir, t -> {
      ObjectNode bert = t.putObject("post_processor").put("type", "Sequence").putArray("processors").addObject()
          .put("type", "BertProcessing");
      bert.putArray("sep").add("[SEP]").add(3);
      bert.putArray("cls").add("[CLS]").add(-1);
    });
    assertContains(bothFail(dir), "post_processor.processors[0].cls: special token [CLS] has id -1");
  }

  @Test
  void tokenTypeIdBeyondTheTypeVocabulary() throws IOException {
    Path dir = model();
    TestCheckpoints.editTokenizer(dir, t -> ((ObjectNode) t.get("post_processor").get("single").get(0)
        .get("SpecialToken")).put("type_id", 7));
    assertContains(bothFail(dir), "post_processor.single[0]: token type id 7 of [CLS] does not fit the model's "
        + "type_vocab_size 2");
  }

  @Test
  void unknownTokenMissingFromTheVocabulary() throws IOException {
    Path dir = model();
    TestCheckpoints.editTokenizer(dir, t -> ((ObjectNode) t.get("model")).put("unk_token", "[NOPE]"));
    assertContains(bothFail(dir), "the unknown token '[NOPE]' (model.unk_token) is not in the vocabulary");
  }

  @Test
  void negativeVocabularyId() throws IOException {
    Path dir = model();
    TestCheckpoints.editTokenizer(dir, t -> ((ObjectNode) t.get("model").get("vocab")).put("zyzzyva", -3));
    assertContains(bothFail(dir), "token id -3 is negative");
  }

  @Test
  void maxLengthBelowTwoIsRefused() throws IOException {
    Path dir = model();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifier.load(dir.toString(), 1));
    assertEquals("max length must be at least 2 (for [CLS] and [SEP]), got 1", e.getMessage());
  }
}
