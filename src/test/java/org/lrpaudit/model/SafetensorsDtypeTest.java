package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.model.TestCheckpoints.Tensor;

/** F16 and BF16 weights are widened in Java and give the model exactly the values an F32 file would. */
class SafetensorsDtypeTest {
  private static final List<String> TEXTS = List.of("the movie was great", "a boring , predictable mess",
      "i loved the music but the plot was dull");

  @TempDir
  static Path tmp;
  static Path original;

  @BeforeAll
  static void writeModel() throws IOException {
    original = TestCheckpoints.bert(tmp.resolve("original"), 2, 32, false, 11);
  }

  @Test
  void halfToFloatKnownBitPatterns() {
    assertEquals(1.0f, SafetensorsFile.halfToFloat((short) 0x3C00));
    assertEquals(-2.0f, SafetensorsFile.halfToFloat((short) 0xC000));
    assertEquals(65504.0f, SafetensorsFile.halfToFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, SafetensorsFile.halfToFloat((short) 0x0001)); // smallest subnormal
    assertEquals(0x1p-14f - 0x1p-24f, SafetensorsFile.halfToFloat((short) 0x03FF)); // largest subnormal
    assertEquals(0x1p-14f, SafetensorsFile.halfToFloat((short) 0x0400)); // smallest normal
    assertEquals(-0x1p-24f, SafetensorsFile.halfToFloat((short) 0x8001));
    assertEquals(Float.POSITIVE_INFINITY, SafetensorsFile.halfToFloat((short) 0x7C00));
    assertEquals(Float.NEGATIVE_INFINITY, SafetensorsFile.halfToFloat((short) 0xFC00));
    assertTrue(Float.isNaN(SafetensorsFile.halfToFloat((short) 0x7E00)));
    assertEquals(0x80000000, Float.floatToRawIntBits(SafetensorsFile.halfToFloat((short) 0x8000)), "-0 keeps its sign");
    assertEquals(0, Float.floatToRawIntBits(SafetensorsFile.halfToFloat((short) 0x0000)));
    assertEquals(0.333251953125f, SafetensorsFile.halfToFloat((short) 0x3555)); // 1/3 rounded to binary16
  }

  @Test
  void f16WeightsGiveTheLogitsOfTheSameValuesInF32() throws IOException {
    assertSameModel("F16", TestCheckpoints::roundToHalf);
  }

  @Test
  void bf16WeightsGiveTheLogitsOfTheSameValuesInF32() throws IOException {
    assertSameModel("BF16", TestCheckpoints::roundToBf16);
  }

  /** Rounds every weight so the narrow type holds it exactly, writes it as F32 and as dtype, and compares the models. */
  private static void assertSameModel(String dtype, UnaryOperator<Float> round) throws IOException {
    Map<String, Tensor> rounded = new LinkedHashMap<>();
    int changed = 0;
    for (Map.Entry<String, Tensor> e : TestCheckpoints.readAll(original.resolve(Checkpoint.WEIGHTS)).entrySet()) {
      float[] v = e.getValue().values().clone();
      for (int i = 0; i < v.length; i++) {
        float r = round.apply(v[i]);
        changed += r != v[i] ? 1 : 0;
        v[i] = r;
      }
      rounded.put(e.getKey(), new Tensor(e.getValue().shape(), v));
    }
    assertTrue(changed > 1000, "rounding must actually change the weights, changed " + changed);

    Path f32 = copyWithout(original, tmp.resolve(dtype + "-as-f32"));
    Path narrow = copyWithout(original, tmp.resolve(dtype));
    TestCheckpoints.write(f32.resolve(Checkpoint.WEIGHTS), rounded, "F32");
    TestCheckpoints.write(narrow.resolve(Checkpoint.WEIGHTS), rounded, dtype);

    // The file really is 2-byte: every entry says dtype, and the data is half the F32 data.
    try (SafetensorsFile f = SafetensorsFile.open(narrow.resolve(Checkpoint.WEIGHTS))) {
      for (String name : f.names()) {
        SafetensorsFile.Entry e = f.entry(name);
        assertEquals(dtype, e.dtype(), name);
        assertEquals(e.numel() * 2, e.end() - e.begin(), name);
      }
    }
    // Tensor by tensor, the reader returns exactly the F32 values.
    Map<String, Tensor> back = TestCheckpoints.readAll(narrow.resolve(Checkpoint.WEIGHTS));
    assertEquals(rounded.keySet(), back.keySet());
    for (String name : rounded.keySet()) {
      assertArrayEquals(rounded.get(name).shape(), back.get(name).shape(), name);
      assertArrayEquals(rounded.get(name).values(), back.get(name).values(), 0f, name);
    }

    float[][] logits32;
    List<Explanation> expl32;
    float[][] logitsOriginal;
    try (TextClassifier c = TextClassifier.load(f32.toString(), 64)) {
      Explainer ex = new Explainer(c);
      logits32 = ex.logits(TEXTS.stream().map(c.tokenizer()::encode).toList());
      expl32 = ex.explain(TEXTS.stream().map(TextInput::of).toList(), Method.LRP_AH_LN, Target.PREDICTED);
    }
    try (TextClassifier c = TextClassifier.load(original.toString(), 64)) {
      logitsOriginal = new Explainer(c).logits(TEXTS.stream().map(c.tokenizer()::encode).toList());
    }
    try (TextClassifier c = TextClassifier.load(narrow.toString(), 64)) {
      Explainer ex = new Explainer(c);
      float[][] logits = ex.logits(TEXTS.stream().map(c.tokenizer()::encode).toList());
      List<Explanation> expl = ex.explain(TEXTS.stream().map(TextInput::of).toList(), Method.LRP_AH_LN, Target.PREDICTED);
      for (int k = 0; k < TEXTS.size(); k++) {
        assertArrayEquals(logits32[k], logits[k], 1e-6f, "logits of text " + k);
        assertEquals(expl32.get(k).explainedLogit(), expl.get(k).explainedLogit(), 1e-6);
        for (int i = 0; i < expl.get(k).tokens().size(); i++) {
          assertEquals(expl32.get(k).tokens().get(i).relevance(), expl.get(k).tokens().get(i).relevance(), 1e-6,
              "relevance of token " + i + " of text " + k);
        }
      }
      // The model id names the exact bytes: an F16 file is another model id than the F32 one with the same values.
      assertNotEquals(TestCheckpoints.sha256(f32.resolve(Checkpoint.WEIGHTS)), c.modelId());
      assertEquals(TestCheckpoints.sha256(narrow.resolve(Checkpoint.WEIGHTS)), c.modelId());
    }
    // And the rounding was not a no-op at the level of the outputs either (else the comparison above proves little).
    boolean anyDiffers = false;
    for (int k = 0; k < TEXTS.size(); k++) {
      for (int j = 0; j < logits32[k].length; j++) {
        anyDiffers |= logits32[k][j] != logitsOriginal[k][j];
      }
    }
    assertTrue(anyDiffers, "rounded weights should move the logits a little");
  }

  @Test
  void unsupportedDtypeIsNamed() throws IOException {
    Path file = tmp.resolve("i64.safetensors");
    TestCheckpoints.writeRaw(file,
        "{\"position_ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}".getBytes(StandardCharsets.UTF_8),
        new byte[16]);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> f.readFloats("position_ids"));
      assertTrue(e.getMessage().contains("'position_ids' has dtype I64"), e.getMessage());
    }
  }

  @Test
  void byteCountThatDoesNotMatchShapeIsNamed() throws IOException {
    Path file = tmp.resolve("short.safetensors");
    TestCheckpoints.writeRaw(file,
        "{\"w\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}".getBytes(StandardCharsets.UTF_8),
        new byte[8]);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> f.readFloats("w"));
      assertTrue(e.getMessage().contains("'w' has shape [2, 3] of F16 (12 bytes) but stores 8 bytes"), e.getMessage());
    }
  }

  private static Path copyWithout(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    Files.copy(from.resolve(Checkpoint.CONFIG), to.resolve(Checkpoint.CONFIG));
    Files.copy(from.resolve(Checkpoint.TOKENIZER), to.resolve(Checkpoint.TOKENIZER));
    return to;
  }
}
