package org.lrpaudit.model.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.SafetensorsFile;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import org.lrpaudit.rules.PropagationRules;

/**
 * all-MiniLM-L6-v2 imported from ONNX: its sizes and choices are read off the graph, its weights land under the right
 * names and orientation, its encoder computes what ONNX Runtime computes on the original graph, and with biases zeroed the
 * imported model is exactly conservative under lrp-ah-ln.
 */
class MiniLmImportTest {
  /** Short and long, cased, punctuated, non-ASCII, empty; one longer than the 128 tokens the original tokenizer fixes. */
  static final List<String> TEXTS = List.of(
      "A charming and often moving film.",
      "The plot was predictable, the acting wooden, and I wanted my two hours back!",
      "Ünïcödé, émojis 🎬 and CJK 電影 go through the same tokenizer.",
      "ok",
      "",
      longText());

  static String longText() {
    StringBuilder b = new StringBuilder();
    String[] words = {"the", "director", "keeps", "the", "story", "moving", "although", "some", "scenes", "drag", "and",
        "the", "ending", "feels", "rushed", "."};
    for (int i = 0; i < 300; i++) {
      b.append(words[i % words.length]).append(' ');
    }
    return b.toString().trim();
  }

  @Test
  void sizesChoicesAndWeightsComeFromTheGraph() throws IOException {
    Path dir = MiniLm.imported();
    ModelConfig c = ModelConfig.read(dir.resolve(Checkpoint.CONFIG));
    assertEquals(ModelConfig.BERT, c.modelType());
    assertEquals(List.of(30522, 384, 6, 12, 1536, 512, 2), List.of(c.vocabSize(), c.hiddenSize(), c.numLayers(),
        c.numHeads(), c.intermediateSize(), c.maxPositions(), c.typeVocabSize()));
    assertEquals(1e-12, c.layerNormEps());
    assertEquals("gelu", c.hiddenAct());
    assertEquals(List.of("NEGATIVE", "POSITIVE"), c.labels());
    JsonNode notes = new ObjectMapper().readTree(dir.resolve(Checkpoint.CONFIG).toFile()).path("lrp_audit_import")
        .path("notes");
    assertTrue(notes.toString().contains("num_attention_heads 12: read from"), notes.toString());
    assertTrue(notes.toString().contains("layer_norm_eps 1.0E-12: read from 13"), notes.toString());

    JsonNode tok = new ObjectMapper().readTree(dir.resolve(Checkpoint.TOKENIZER).toFile());
    assertTrue(tok.get("padding").isNull() && tok.get("truncation").isNull());
    JsonNode original = new ObjectMapper().readTree(MiniLm.tokenizer().toFile());
    assertEquals(original.get("model"), tok.get("model"));
    assertEquals(original.get("post_processor"), tok.get("post_processor"));

    // The anonymous matrices: found through their MatMul, transposed from [in, out] to [out, in].
    OnnxGraph g = OnnxGraph.read(MiniLm.onnx());
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve(Checkpoint.WEIGHTS))) {
      for (String[] w : new String[][] {{"/encoder/layer.3/attention/self/key/MatMul", "3.attention.self.key"},
          {"/encoder/layer.5/intermediate/dense/MatMul", "5.intermediate.dense"},
          {"/encoder/layer.0/output/dense/MatMul", "0.output.dense"}}) {
        OnnxGraph.Node mm = g.nodes().stream().filter(n -> n.name().equals(w[0])).findFirst().orElseThrow();
        OnnxGraph.Tensor t = g.initializer(mm.input(1));
        assertTrue(t.name().startsWith("onnx::MatMul_"), t.name());
        int in = (int) t.dim(0);
        int out = (int) t.dim(1);
        float[] stored = t.floats();
        String name = "bert.encoder.layer." + w[1] + ".weight";
        assertEquals(List.of((long) out, (long) in), Arrays.stream(f.entry(name).shape()).boxed().toList());
        float[] written = f.readFloats(name);
        for (int i = 0; i < in; i++) {
          for (int o = 0; o < out; o++) {
            assertEquals(stored[i * out + o], written[o * in + i], name);
          }
        }
      }
      assertTrue(Arrays.equals(g.initializer("embeddings.word_embeddings.weight").floats(),
          f.readFloats("bert.embeddings.word_embeddings.weight")));
      assertTrue(Arrays.equals(g.initializer("encoder.layer.2.attention.output.LayerNorm.bias").floats(),
          f.readFloats("bert.encoder.layer.2.attention.output.LayerNorm.bias")));
    }
  }

  @Test
  void lastHiddenStateEqualsOnnxRuntimeOnTheOriginalGraph() throws OrtException {
    try (TextClassifier tc = TextClassifier.load(MiniLm.imported().toString(), 512)) {
      List<TokenizedText> rows = TEXTS.stream().map(tc.tokenizer()::encode).toList();
      TokenizedText longest = rows.get(rows.size() - 1);
      assertTrue(longest.length() > 300 && !longest.truncated(), "the copied tokenizer must not cut at 128 any more: "
          + longest.length());
      EncodedBatch batch = EncodedBatch.of(rows.stream().map(TokenizedText::ids).toList(),
          rows.stream().map(TokenizedText::typeIds).toList(), tc.tokenizer().padId());
      float[] ours = lastHiddenState(tc.model(), batch);
      int d = tc.config().hiddenSize();

      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          OrtSession session = env.createSession(MiniLm.onnx().toString(), options)) {
        // One padded batch, exactly as our encoder saw it ...
        float[] reference = run(env, session, batch);
        double batched = 0;
        for (int k = 0; k < rows.size(); k++) {
          batched = Math.max(batched, maxDiff(ours, batch, k, reference, k, batch.length(), d));
        }
        // ... and each text on its own, as ORT users would run it (no padding at all).
        double single = 0;
        for (int k = 0; k < rows.size(); k++) {
          TokenizedText t = rows.get(k);
          EncodedBatch one = EncodedBatch.of(List.of(t.ids()), List.of(t.typeIds()), tc.tokenizer().padId());
          single = Math.max(single, maxDiff(ours, batch, k, run(env, session, one), 0, t.length(), d));
        }
        double scale = 0;
        for (float v : reference) {
          scale = Math.max(scale, Math.abs(v));
        }
        System.out.printf("MiniLM last_hidden_state vs ONNX Runtime: max |diff| %.3g (padded batch), %.3g (one text "
            + "at a time); max |value| %.3g; %d texts, %d x %d tokens%n", batched, single, scale, rows.size(),
            batch.size(), batch.length());
        assertTrue(batched <= 1e-4, "max |diff| vs ORT (padded batch) " + batched);
        assertTrue(single <= 1e-4, "max |diff| vs ORT (single texts) " + single);
      }
    }
  }

  @Test
  void withBiasesZeroedLrpAhLnSumsToTheLogit() throws IOException {
    Path zero = Files.createTempDirectory("lrp-minilm-nobias");
    Path src = MiniLm.imported();
    Files.copy(src.resolve(Checkpoint.CONFIG), zero.resolve(Checkpoint.CONFIG));
    Files.copy(src.resolve(Checkpoint.TOKENIZER), zero.resolve(Checkpoint.TOKENIZER));
    int zeroed = 0;
    try (SafetensorsFile f = SafetensorsFile.open(src.resolve(Checkpoint.WEIGHTS));
        NDManager m = NDManager.newBaseManager();
        OutputStream out = Files.newOutputStream(zero.resolve(Checkpoint.WEIGHTS))) {
      NDList list = new NDList();
      for (String name : f.names()) {
        float[] v = f.readFloats(name);
        if (name.endsWith(".bias")) { // every Linear bias and every LayerNorm beta, pooler and classifier included
          Arrays.fill(v, 0f);
          zeroed++;
        }
        NDArray a = m.create(v, new Shape(f.entry(name).shape()));
        a.setName(name);
        list.add(a);
      }
      list.encode(out, NDList.Encoding.SAFETENSORS);
    }
    MiniLm.deleteOnExit(zero);
    assertEquals(1 + 6 * 8 + 2, zeroed); // embedding LN, 6 x (6 linear + 2 LN), pooler, classifier

    // The 300-token text is left out here only to keep the run short (the ORT comparison covers long inputs).
    List<TextInput> inputs = TEXTS.subList(0, TEXTS.size() - 1).stream().map(TextInput::of).toList();
    try (TextClassifier tc = TextClassifier.load(zero.toString(), 512)) {
      Explainer explainer = new Explainer(tc);
      double worst = 0;
      List<Double> giMisses = new ArrayList<>();
      for (int c = 0; c < 2; c++) {
        List<Explanation> lrp = explainer.explain(inputs, Method.LRP_AH_LN, new Target.ClassIndex(c));
        List<Explanation> gi = c == 0 ? explainer.explain(inputs, Method.GI, new Target.ClassIndex(c)) : null;
        for (int i = 0; i < inputs.size(); i++) {
          double f = lrp.get(i).explainedLogit();
          double err = Math.abs(lrp.get(i).relevanceSum() - f);
          assertTrue(Math.abs(f) > 1e-3, "logit too close to 0 for a relative check: " + f);
          worst = Math.max(worst, err / Math.abs(f));
          assertTrue(err <= 1e-4 * Math.abs(f), "lrp-ah-ln sum " + lrp.get(i).relevanceSum() + " vs logit " + f
              + ", class " + c + ", text " + i);
          if (gi != null) {
            giMisses.add(Math.abs(gi.get(i).relevanceSum() - f) / Math.abs(f));
          }
        }
      }
      double giMean = giMisses.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      System.out.printf("MiniLM without biases: lrp-ah-ln max relative conservation error %.3g; gi mean relative miss "
          + "%.3g%n", worst, giMean);
      assertTrue(giMean > 1e-2, "gi should not be conservative; a tiny miss means the check is vacuous: " + giMean);
    }
  }

  private static float[] lastHiddenState(SequenceClassifier model, EncodedBatch batch) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = NDManager.newBaseManager(model.device())) {
      return model.encode(model.embed(m, batch), model.maskBias(m, batch), PropagationRules.GRADIENT).toFloatArray();
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** ORT on the original graph with the ids, types and mask our tokenizer produced. */
  private static float[] run(OrtEnvironment env, OrtSession session, EncodedBatch batch) throws OrtException {
    long[] shape = {batch.size(), batch.length()};
    float[] m = batch.mask();
    long[] mask = new long[m.length];
    for (int i = 0; i < m.length; i++) {
      mask[i] = (long) m[i];
    }
    try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape);
        OnnxTensor am = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
        OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.typeIds()), shape);
        OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", am, "token_type_ids", types))) {
      FloatBuffer fb = ((OnnxTensor) r.get("last_hidden_state").orElseThrow()).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
  }

  /** Max |ours - ref| over the real tokens of one row of our batch; ref holds rows of refLength tokens. */
  private static double maxDiff(float[] ours, EncodedBatch batch, int row, float[] ref, int refRow, int refLength,
      int d) {
    double max = 0;
    for (int t = 0; t < batch.lengths()[row]; t++) {
      for (int j = 0; j < d; j++) {
        float a = ours[(row * batch.length() + t) * d + j];
        float b = ref[(refRow * refLength + t) * d + j];
        assertFalse(Float.isNaN(a) || Float.isNaN(b));
        max = Math.max(max, Math.abs(a - b));
      }
    }
    return max;
  }
}
