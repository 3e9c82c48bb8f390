package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model folder behind a Hadoop FileSystem URI is copied into a cache folder named by its weights' SHA-256. */
class RemoteCheckpointTest {
  @TempDir
  Path tmp;

  private RemoteModelCache cache() {
    return new RemoteModelCache(tmp.resolve("cache"), new Configuration());
  }

  @Test
  void fileUriOpensTheSameModelAsTheLocalPath() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 1);
    String sha = TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS));

    Checkpoint local = Checkpoint.open(dir.toString());
    Checkpoint remote = Checkpoint.open("file:" + dir, cache());

    assertEquals(sha, local.modelId());
    assertEquals(sha, remote.modelId());
    assertEquals(64, sha.length());
    assertEquals(tmp.resolve("cache").resolve(sha), remote.dir(), "the cached folder is named by the weights' sha256");
    for (String name : List.of(Checkpoint.CONFIG, Checkpoint.WEIGHTS, Checkpoint.TOKENIZER)) {
      assertArrayEquals(Files.readAllBytes(dir.resolve(name)), Files.readAllBytes(remote.dir().resolve(name)), name);
    }
    assertEquals(local.config(), remote.config());
    assertEquals(List.of(sha), cacheEntries(), "one folder, no temporary copies left behind");

    // A second open finds the cached copy and leaves the cache as it was.
    Checkpoint again = Checkpoint.open("file://" + dir, cache());
    assertEquals(remote.dir(), again.dir());
    assertEquals(sha, again.modelId());
    assertEquals(List.of(sha), cacheEntries());
  }

  /** An image classifier's folder: preprocessor_config.json is copied in place of tokenizer.json. */
  @Test
  void imageClassifierFolderIsCopiedWithItsPreprocessorConfig() throws IOException {
    Path dir = TestCheckpoints.vit(tmp.resolve("vit"), 1, 16, 2, 8, 4, 3, "gelu", false, 4);
    Checkpoint remote = Checkpoint.open("file:" + dir, cache());
    assertTrue(remote.isImage());
    for (String name : List.of(Checkpoint.CONFIG, Checkpoint.WEIGHTS, Checkpoint.PREPROCESSOR)) {
      assertArrayEquals(Files.readAllBytes(dir.resolve(name)), Files.readAllBytes(remote.dir().resolve(name)), name);
    }
    try (ImageClassifier model = ImageClassifier.load("file:" + dir)) {
      assertEquals(TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS)), model.modelId());
    }
  }

  @Test
  void fileUriWithSpacesInThePath() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("my models").resolve("tiny one"), 2);
    Checkpoint remote = Checkpoint.open("file:" + dir, cache());
    assertEquals(TestCheckpoints.sha256(dir.resolve(Checkpoint.WEIGHTS)), remote.modelId());
  }

  @Test
  void fileUriModelLoadsAndPredictsLikeTheLocalOne() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 3);
    Checkpoint remote = Checkpoint.open("file:" + dir, cache());
    try (TextClassifier a = TextClassifier.load(dir.toString(), 64);
        TextClassifier b = TextClassifier.load(remote.dir().toString(), 64)) {
      assertEquals(a.modelId(), b.modelId());
      float[][] la = new org.lrpaudit.explain.Explainer(a).logits(List.of(a.tokenizer().encode("a great film")));
      float[][] lb = new org.lrpaudit.explain.Explainer(b).logits(List.of(b.tokenizer().encode("a great film")));
      assertArrayEquals(la[0], lb[0], 0f);
    }
  }

  @Test
  void missingRemoteFolderIsNamed() {
    String uri = "file:" + tmp.resolve("nowhere");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(uri, cache()));
    assertEquals("model folder not found: " + uri, e.getMessage());
    assertEquals(List.of(), cacheEntries());
  }

  @Test
  void remoteFolderWithoutWeightsNamesTheUriAndCachesNothing() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 4);
    Files.delete(dir.resolve(Checkpoint.WEIGHTS));
    String uri = "file:" + dir;
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(uri, cache()));
    assertTrue(e.getMessage().contains("model.safetensors not found in " + uri), e.getMessage());
    assertEquals(List.of(), cacheEntries(), "no temporary folder is left in the cache");
  }

  @Test
  void remotePytorchBinIsNeverCopiedNorUnpickled() throws Exception {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 5);
    Files.delete(dir.resolve(Checkpoint.WEIGHTS));
    BadCheckpointTest.makeFifo(dir.resolve("pytorch_model.bin")); // opening it for reading would block
    String uri = "file:" + dir;
    CheckpointException e = BadCheckpointTest.failsWithoutBlocking(() -> Checkpoint.open(uri, cache()));
    BadCheckpointTest.assertPickleMessage(e.getMessage());
    assertTrue(e.getMessage().contains(uri), e.getMessage());
    assertEquals(List.of(), cacheEntries());
  }

  /**
   * The cache is keyed by the weights alone, but config.json and tokenizer.json can change (or appear) at the source while
   * the weights stay the same: a re-open must see them, not a stale copy.
   */
  @Test
  void configAndTokenizerChangesAtTheSourceAreSeenAlthoughTheWeightsAreCached() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 6);
    Path tokenizer = dir.resolve(Checkpoint.TOKENIZER);
    Path saved = tmp.resolve("tokenizer.saved");
    Files.move(tokenizer, saved);
    String uri = "file:" + dir;
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(uri, cache()));
    assertTrue(e.getMessage().startsWith("tokenizer.json not found in " + uri + " "), e.getMessage());
    assertEquals(List.of(), cacheEntries(), "an incomplete folder is not cached");

    Files.move(saved, tokenizer); // fixed at the source
    Checkpoint fixed = Checkpoint.open(uri, cache());
    assertArrayEquals(Files.readAllBytes(tokenizer), Files.readAllBytes(fixed.tokenizer()));
    assertEquals(List.of("NEGATIVE", "POSITIVE"), fixed.config().labels());

    TestCheckpoints.editConfig(dir, c -> c.putObject("id2label").put("0", "bad").put("1", "good"));
    Checkpoint relabelled = Checkpoint.open(uri, cache());
    assertEquals(fixed.modelId(), relabelled.modelId());
    assertEquals(List.of("bad", "good"), relabelled.config().labels());
    assertEquals(List.of(fixed.modelId()), cacheEntries());
  }

  @Test
  void remoteFolderWithoutConfigNamesTheFile() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 7);
    Files.delete(dir.resolve(Checkpoint.CONFIG));
    String uri = "file:" + dir;
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.open(uri, cache()));
    assertEquals("config.json not found: " + uri + "/config.json", e.getMessage());
    assertEquals(List.of(), cacheEntries());
  }

  private List<String> cacheEntries() {
    Path root = tmp.resolve("cache");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
