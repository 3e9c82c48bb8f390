package org.lrpaudit.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.WordPieceVocabulary;

/**
 * Unusable inputs fail with a message that names the file and the problem, and leave neither the output folder nor the
 * hidden folder it is written into behind.
 */
class OnnxImportErrorsTest {
  @TempDir
  Path tmp;

  @Test
  void truncatedOnnxFiles() throws IOException {
    long size = Files.size(MiniLm.onnx());
    for (long cut : new long[] {10, 1000, size / 2, size - 4096}) {
      Path file = tmp.resolve("cut-" + cut + ".onnx");
      try (InputStream in = Files.newInputStream(MiniLm.onnx())) {
        Files.write(file, in.readNBytes((int) cut));
      }
      CheckpointException e = fails(file, MiniLm.tokenizer(), null);
      assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void garbageAndNonOnnxFiles() throws IOException {
    byte[] noise = new byte[4096];
    new Random(3).nextBytes(noise);
    Path garbage = Files.write(tmp.resolve("garbage.onnx"), noise);
    Path empty = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
    Path json = MiniLm.tokenizer(); // a JSON file passed as the model
    for (Path file : List.of(garbage, empty, json)) {
      CheckpointException e = fails(file, MiniLm.tokenizer(), null);
      assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("ONNX model"), e.getMessage());
    }
    CheckpointException missing = fails(tmp.resolve("nothing.onnx"), MiniLm.tokenizer(), null);
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
  }

  /**
   * b'\x13' * 300000: 300,000 nested protobuf group starts (field 2, wire type 3). protobuf-java 3.21's skipField
   * recursed once per level (CVE-2024-7254): StackOverflowError, exit 1 and a 1,000-line trace. Now a message naming
   * the file, exit 2.
   */
  @Test
  void deeplyNestedProtobufGroupsAreRefusedWithoutOverflowingTheStack() throws IOException {
    byte[] groups = new byte[300_000];
    java.util.Arrays.fill(groups, (byte) 0x13);
    Path file = Files.write(tmp.resolve("groups.onnx"), groups);
    CheckpointException e = fails(file, MiniLm.tokenizer(), null);
    assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("nested more than 100 deep"),
        e.getMessage());
    // The same groups inside a graph (ModelProto field 7, then GraphProto field 2 as a group).
    byte[] inner = new byte[1000];
    java.util.Arrays.fill(inner, (byte) 0x13);
    java.io.ByteArrayOutputStream nested = new java.io.ByteArrayOutputStream();
    nested.write(0x3a); // field 7, length-delimited
    nested.write(0xe8); // 1000 as a varint
    nested.write(0x07);
    nested.write(inner);
    e = fails(Files.write(tmp.resolve("graph-groups.onnx"), nested.toByteArray()), MiniLm.tokenizer(), null);
    assertTrue(e.getMessage().contains("nested more than 100 deep"), e.getMessage());
    assertEquals(2, Main.run("import-onnx", "--onnx", file.toString(), "--tokenizer", MiniLm.tokenizer().toString(),
        "--out", tmp.resolve("cli-groups").toString()));
  }

  @Test
  void aShallowGroupIsSkippedAndAStrayEndGroupRefused() throws IOException {
    // field 2 group { field 1 varint 5 } end group, then nothing else: a readable protobuf that is not ONNX.
    Path shallow = Files.write(tmp.resolve("shallow.onnx"), new byte[] {0x13, 0x08, 0x05, 0x14});
    assertTrue(fails(shallow, MiniLm.tokenizer(), null).getMessage().contains("not an ONNX model"));
    Path stray = Files.write(tmp.resolve("stray.onnx"), new byte[] {0x14});
    assertTrue(fails(stray, MiniLm.tokenizer(), null).getMessage().contains("closes no group"));
  }

  @Test
  void graphMissingALayersMatMul() {
    SyntheticOnnx s = synthetic();
    s.skipMatMul = "1/attention/self/key";
    CheckpointException e = fails(s.write(tmp.resolve("no-key.onnx")), tokenizer(), null);
    assertTrue(e.getMessage().contains("no MatMul consumes an initializer for /encoder/layer.1/attention/self/key"),
        e.getMessage());
  }

  @Test
  void tokenizerOfAnotherModel() {
    // MiniLM's graph (30,522 embedding rows) with a small demo vocabulary.
    CheckpointException e = fails(MiniLm.onnx(), tokenizer(), null);
    assertTrue(e.getMessage().contains("word embeddings have 30522 rows")
        && e.getMessage().contains("does not belong to this model"), e.getMessage());
    // And a synthetic graph one row larger than its tokenizer.
    SyntheticOnnx s = new SyntheticOnnx(vocabSize() + 1);
    e = fails(s.write(tmp.resolve("bigger-vocab.onnx")), tokenizer(), null);
    assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
  }

  @Test
  void unsupportedGraphs() {
    SyntheticOnnx external = synthetic();
    external.externalData = true;
    CheckpointException e = fails(external.write(tmp.resolve("external.onnx")), tokenizer(), null);
    assertTrue(e.getMessage().contains("external file"), e.getMessage());

    SyntheticOnnx headed = synthetic();
    headed.extraHead = true;
    e = fails(headed.write(tmp.resolve("headed.onnx")), tokenizer(), null);
    assertTrue(e.getMessage().contains("not part of a BERT encoder") && e.getMessage().contains("/classifier/MatMul"),
        e.getMessage());

    SyntheticOnnx noHeads = synthetic();
    noHeads.showHeads = false; // hidden 8: the default of 12 heads cannot apply
    e = fails(noHeads.write(tmp.resolve("no-heads.onnx")), tokenizer(), null);
    assertTrue(e.getMessage().contains("not divisible by 12") && e.getMessage().contains("--heads"), e.getMessage());

    SyntheticOnnx twoHeads = synthetic(); // the graph shows 2
    e = fails(twoHeads.write(tmp.resolve("two-heads.onnx")), tokenizer(), 4);
    assertTrue(e.getMessage().contains("2 heads, but --heads is 4"), e.getMessage());
  }

  @Test
  void aFailureWhileWritingLeavesNothing() throws IOException {
    // Passes every check before writing, then fails when the written folder is loaded back: no [CLS]/[SEP] template.
    ObjectNode tok = (ObjectNode) new ObjectMapper().readTree(tokenizer().toFile());
    tok.putNull("post_processor");
    Path bare = tmp.resolve("bare-tokenizer.json");
    new ObjectMapper().writeValue(bare.toFile(), tok);
    CheckpointException e = fails(synthetic().write(tmp.resolve("ok.onnx")), bare, null);
    assertTrue(e.getMessage().contains("special tokens"), e.getMessage());
  }

  @Test
  void anExistingOutputIsNeverTouched() throws IOException {
    Path out = Files.createDirectories(tmp.resolve("taken"));
    Path keep = Files.writeString(out.resolve("keep.txt"), "mine");
    CheckpointException e = assertThrows(CheckpointException.class, () -> OnnxImporter.run(new OnnxImporter.Options(
        synthetic().write(tmp.resolve("ok.onnx")), tokenizer(), out, List.of("A", "B"), 1, null)));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    assertEquals("mine", Files.readString(keep));
    assertEquals(List.of(keep), list(out));

    Path empty = Files.createDirectories(tmp.resolve("empty")); // an empty folder may be replaced
    OnnxImporter.run(new OnnxImporter.Options(tmp.resolve("ok.onnx"), tokenizer(), empty, List.of("A", "B"), 1, null));
    assertTrue(Files.isRegularFile(empty.resolve("model.safetensors")));
  }

  @Test
  void badLabels() {
    Path onnx = synthetic().write(tmp.resolve("ok.onnx"));
    for (List<String> labels : List.of(List.<String>of(), List.of("A", " "), List.of("A", "A"))) {
      assertThrows(IllegalArgumentException.class, () -> OnnxImporter.run(
          new OnnxImporter.Options(onnx, tokenizer(), tmp.resolve("out"), labels, 1, null)));
      assertFalse(Files.exists(tmp.resolve("out")));
    }
  }

  @Test
  void commandLineExitCodes() {
    Path onnx = synthetic().write(tmp.resolve("ok.onnx"));
    Path out = tmp.resolve("cli-out");
    assertEquals(0, Main.run("import-onnx", "--onnx", onnx.toString(), "--tokenizer", tokenizer().toString(),
        "--out", out.toString(), "--labels", "NEG,NEU,POS", "--seed", "7"));
    assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
    assertEquals(2, Main.run("import-onnx", "--onnx", tokenizer().toString(), "--tokenizer", tokenizer().toString(),
        "--out", tmp.resolve("cli-bad").toString()));
    assertFalse(Files.exists(tmp.resolve("cli-bad")));
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private CheckpointException fails(Path onnx, Path tokenizer, Integer heads) {
    Path out = tmp.resolve("out");
    CheckpointException e = assertThrows(CheckpointException.class, () -> OnnxImporter.run(
        new OnnxImporter.Options(onnx, tokenizer, out, List.of("NEGATIVE", "POSITIVE"), 1, heads)));
    assertFalse(Files.exists(out), "the output folder must not exist after a failure");
    assertTrue(list(tmp).stream().noneMatch(p -> p.getFileName().toString().startsWith(".out.")),
        "a temporary folder was left behind: " + list(tmp));
    return e;
  }

  private Path tokenizer() {
    Path file = tmp.resolve("demo-tokenizer.json");
    if (!Files.exists(file)) {
      try {
        new WordPieceVocabulary(RandomCheckpoint.DEMO_WORDS).write(file);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return file;
  }

  static int vocabSize() {
    return new WordPieceVocabulary(RandomCheckpoint.DEMO_WORDS).size();
  }

  static SyntheticOnnx synthetic() {
    return new SyntheticOnnx(vocabSize());
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
