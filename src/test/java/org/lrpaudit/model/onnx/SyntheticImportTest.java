package org.lrpaudit.model.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.SafetensorsFile;
import org.lrpaudit.model.WordPieceVocabulary;

/**
 * Small synthetic BERT graphs in the shapes torch.onnx.export writes: every tensor lands under its HuggingFace name with
 * the right values (matrices transposed), whatever the tensor encoding, prefix, LayerNorm form, Reshape form and GELU form.
 */
class SyntheticImportTest {
  @TempDir
  Path tmp;

  @ParameterizedTest
  @EnumSource(SyntheticOnnx.Encoding.class)
  void everyTensorArrivesUnderItsHuggingFaceName(SyntheticOnnx.Encoding encoding) throws IOException {
    SyntheticOnnx s = OnnxImportErrorsTest.synthetic();
    s.matrixEncoding = encoding;
    OnnxImporter.Result r = importIt(s, null);
    ModelConfig c = r.config();
    assertEquals(List.of(s.vocab, 8, 2, 2, 16, 16, 2), List.of(c.vocabSize(), c.hiddenSize(), c.numLayers(),
        c.numHeads(), c.intermediateSize(), c.maxPositions(), c.typeVocabSize()));
    assertEquals(1e-7, c.layerNormEps()); // read from the graph, not BERT's default 1e-12
    assertEquals("gelu", c.hiddenAct());
    assertFalse(r.poolerFromGraph());
    assertWritten(s, r.out());
  }

  @Test
  void prefixedFusedConstantShapedTanhGeluWithPooler() throws IOException {
    SyntheticOnnx s = OnnxImportErrorsTest.synthetic();
    s.prefix = "bert.";
    s.fusedLayerNorm = true;
    s.eps = 1e-5f;
    s.constantReshape = true;
    s.tanhGelu = true;
    s.pooler = true;
    s.layers = 3;
    OnnxImporter.Result r = importIt(s, null);
    assertEquals(3, r.config().numLayers());
    assertEquals(2, r.config().numHeads());
    assertEquals(1e-5, r.config().layerNormEps());
    assertEquals("gelu_new", r.config().hiddenAct());
    assertTrue(r.poolerFromGraph());
    assertWritten(s, r.out()); // includes bert.pooler.dense.*
  }

  @Test
  void headsFromTheCommandLineWhenTheGraphDoesNotShowThem() throws IOException {
    SyntheticOnnx s = OnnxImportErrorsTest.synthetic();
    s.showHeads = false;
    OnnxImporter.Result r = importIt(s, 4);
    assertEquals(4, r.config().numHeads());
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("NOT found in the graph") && n.contains("--heads")),
        r.notes().toString());
  }

  @Test
  void theNewHeadIsSeeded() throws IOException {
    SyntheticOnnx s = OnnxImportErrorsTest.synthetic();
    Path onnx = s.write(tmp.resolve("m.onnx"));
    float[][] heads = new float[3][];
    long[] seeds = {9, 9, 10};
    for (int i = 0; i < 3; i++) {
      OnnxImporter.Result r = OnnxImporter.run(new OnnxImporter.Options(onnx, tokenizer(), tmp.resolve("out" + i),
          List.of("NEG", "NEU", "POS"), seeds[i], null));
      assertEquals(List.of("NEG", "NEU", "POS"), r.config().labels());
      try (SafetensorsFile f = SafetensorsFile.open(r.out().resolve(Checkpoint.WEIGHTS))) {
        heads[i] = f.readFloats("classifier.weight");
        assertArrayEquals(new long[] {3, 8}, f.entry("classifier.weight").shape());
        assertArrayEquals(new float[3], f.readFloats("classifier.bias"));
        assertArrayEquals(new float[8], f.readFloats("bert.pooler.dense.bias"));
      }
    }
    assertArrayEquals(heads[0], heads[1]);
    assertFalse(java.util.Arrays.equals(heads[0], heads[2]));
    double sq = 0;
    for (float v : heads[0]) {
      sq += v * v;
    }
    double std = Math.sqrt(sq / heads[0].length);
    assertTrue(std > 0.005 && std < 0.05, "N(0, 0.02^2) weights, measured std " + std);
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private OnnxImporter.Result importIt(SyntheticOnnx s, Integer heads) {
    Path onnx = s.write(tmp.resolve("m.onnx"));
    return OnnxImporter.run(new OnnxImporter.Options(onnx, tokenizer(), tmp.resolve("out"), List.of("NEGATIVE",
        "POSITIVE"), 1, heads));
  }

  /** Every tensor the synthetic graph holds, in the written file under its HF name; [in, out] matrices transposed. */
  private static void assertWritten(SyntheticOnnx s, Path out) {
    try (SafetensorsFile f = SafetensorsFile.open(out.resolve(Checkpoint.WEIGHTS))) {
      Set<String> expected = new TreeSet<>(s.values.keySet());
      expected.addAll(List.of("classifier.weight", "classifier.bias", "bert.pooler.dense.weight",
          "bert.pooler.dense.bias"));
      assertEquals(expected, new TreeSet<>(f.names()));
      for (Map.Entry<String, float[]> e : s.values.entrySet()) {
        String name = e.getKey();
        float[] v = e.getValue();
        long[] shape = f.entry(name).shape();
        boolean matrix = shape.length == 2 && !name.contains("embeddings");
        float[] expect = matrix ? transpose(v, (int) shape[1], (int) shape[0]) : v;
        assertArrayEquals(expect, f.readFloats(name), name);
      }
    }
  }

  private static float[] transpose(float[] w, int rows, int cols) {
    float[] t = new float[w.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = w[r * cols + c];
      }
    }
    return t;
  }

  private Path tokenizer() {
    Path file = tmp.resolve("tokenizer.json");
    try {
      new WordPieceVocabulary(RandomCheckpoint.DEMO_WORDS).write(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return file;
  }
}
