package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;

/**
 * Sizes read from a model folder are bounded before anything is allocated from them: a hostile or corrupt file fails
 * with a message naming it (exit 2), never with an OutOfMemoryError (exit 1, "threshold crossed" to a scheduler) or a
 * silently wrong tensor.
 */
class HostileModelFilesTest {
  @TempDir
  Path tmp;

  private static CheckpointException loadFails(Path dir) {
    return assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> assertThrows(CheckpointException.class, () -> TextClassifier.load(dir.toString(), 64).close()));
  }

  @Test
  void twoBillionLabelsAreRefusedBeforeAnyIsAllocated() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 7);
    TestCheckpoints.editConfig(dir, c -> {
      c.remove("id2label");
      c.put("num_labels", 2_000_000_000);
    });
    CheckpointException e = loadFails(dir);
    assertTrue(e.getMessage().contains("num_labels must be an integer from 1 to " + ModelConfig.MAX_LABELS
        + ", found 2000000000"), e.getMessage());
    assertEquals(2, Main.run("explain-text", "--model", dir.toString(), "a film"));
  }

  @Test
  void numLabelsThatIsNotAnIntegerIsRefused() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 7);
    TestCheckpoints.editConfig(dir, c -> c.put("num_labels", 1e300));
    assertTrue(loadFails(dir).getMessage().contains("num_labels must be an integer"));
  }

  /** Dimensions whose product overflows a long used to wrap to 0 elements and read as an empty tensor. */
  @Test
  void safetensorsShapeWhoseSizeOverflowsIsRefused() throws IOException {
    Path file = tmp.resolve("overflow.safetensors");
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}";
    TestCheckpoints.writeRaw(file, header.getBytes(StandardCharsets.UTF_8), new byte[0]);
    CheckpointException e = assertThrows(CheckpointException.class, () -> {
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        f.readFloats("w");
      }
    });
    assertTrue(e.getMessage().contains(file + ": tensor 'w' has shape [4294967296, 4294967296]")
        && e.getMessage().contains("more elements than a long holds"), e.getMessage());
  }

  /** An F64 tensor of 2.4 GB (a sparse file: no disk used) cannot be held in one buffer; refused by name, not by a crash. */
  @Test
  void safetensorsTensorAboveTwoGigabytesIsRefused() throws IOException {
    Path file = tmp.resolve("big.safetensors");
    long n = 300_000_000L;
    String header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[" + n + "],\"data_offsets\":[0," + 8 * n + "]}}";
    TestCheckpoints.writeRaw(file, header.getBytes(StandardCharsets.UTF_8), new byte[0]);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(8 + header.length() + 8 * n);
    }
    CheckpointException e = assertThrows(CheckpointException.class, () -> {
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        f.readFloats("w");
      }
    });
    assertTrue(e.getMessage().contains(file + ": tensor 'w' has 300000000 elements of 8 bytes"), e.getMessage());
  }

  @Test
  void safetensorsShapeWithTooManyOrNonIntegerDimensionsIsRefused() throws IOException {
    Path file = tmp.resolve("rank.safetensors");
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}";
    TestCheckpoints.writeRaw(file, header.getBytes(StandardCharsets.UTF_8), new byte[4]);
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
    assertTrue(e.getMessage().contains("at most 8 dimensions"), e.getMessage());
    String text = "{\"w\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}";
    TestCheckpoints.writeRaw(file, text.getBytes(StandardCharsets.UTF_8), new byte[4]);
    e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
    assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
  }

  @Test
  void negativeTokenIdsAreRefused() throws IOException {
    Path dir = TestCheckpoints.tinyBert(tmp.resolve("model"), 7);
    TestCheckpoints.editTokenizer(dir, t -> ((com.fasterxml.jackson.databind.node.ObjectNode) t.path("model")
        .path("vocab")).put("film", -5));
    assertTrue(loadFails(dir).getMessage().contains("token id -5 is negative"));
  }

  @Test
  void chunkedReadingGivesTheSameValues() throws IOException {
    // Larger than one 16 MiB read: the chunk boundary must not shift or drop values.
    Path file = tmp.resolve("chunks.safetensors");
    int n = (1 << 22) + 3;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i * 0.5f;
    }
    TestCheckpoints.write(file, java.util.Map.of("w", new TestCheckpoints.Tensor(new long[] {n}, v)), "F32");
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      float[] back = f.readFloats("w");
      assertEquals(n, back.length);
      assertEquals(v[n - 1], back[n - 1]);
      assertEquals(v[1 << 22], back[1 << 22]);
      assertTrue(java.util.Arrays.equals(v, back));
    }
  }
}
