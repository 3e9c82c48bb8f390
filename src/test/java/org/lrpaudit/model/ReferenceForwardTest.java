package org.lrpaudit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lrpaudit.rules.PropagationRules;

/**
 * The forward pass of every family against a second, independent implementation on the same weights ({@link HfReference},
 * plain Java doubles written from HuggingFace's modeling files). Seeded random checkpoints with biases; a padded batch of
 * texts of different lengths and sentence pairs through the production model, each
 * text alone through the reference. DeBERTa-v2 also in two variants that exercise log buckets, clamped distances,
 * separate position projections, absolute positions, token types and embed_proj.
 */
class ReferenceForwardTest {
  @TempDir
  static Path tmp;

  static Stream<Arguments> checkpoints() {
    List<Arguments> out = new ArrayList<>();
    for (String type : ModelFamilies.textModelTypes()) {
      out.add(Arguments.of(type, "default"));
    }
    out.add(Arguments.of("deberta-v2", "log-buckets"));
    out.add(Arguments.of("deberta-v2", "v2-layout"));
    return out.stream();
  }

  /** Config edits per variant; the weights are then drawn for the edited config by the family's builder. */
  private static Consumer<ObjectNode> variant(String name) {
    return switch (name) {
      case "log-buckets" -> c -> c.put("position_buckets", 8).put("max_relative_positions", 64);
      case "v2-layout" -> c -> c.put("position_buckets", -1).put("max_relative_positions", 12)
          .put("share_att_key", false).put("norm_rel_ebd", "none").put("position_biased_input", true)
          .put("type_vocab_size", 2).put("embedding_size", 16).put("pos_att_type", "c2p|p2c");
      default -> c -> { };
    };
  }

  static Path checkpoint(String type, String variant, long seed) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(type + "-" + variant));
    RandomCheckpoint.Spec spec = new RandomCheckpoint.Spec(type, 2, 32, 4, 64, 128, 3, "gelu_new", false, seed,
        RandomCheckpoint.DEMO_WORDS);
    RandomCheckpoint.write(spec, dir);
    if (!variant.equals("default")) {
      Path configFile = dir.resolve(Checkpoint.CONFIG);
      ObjectMapper json = new ObjectMapper();
      ObjectNode c = (ObjectNode) json.readTree(configFile.toFile());
      variant(variant).accept(c);
      json.writeValue(configFile.toFile(), c);
      try (NDManager m = NDManager.newBaseManager()) {
        Weights w = Weights.random(seed + 1, false, m);
        ModelConfig.read(configFile).family().build(ModelConfig.read(configFile), w);
        CheckpointWriter.writeSafetensors(w.parameters(), dir.resolve(Checkpoint.WEIGHTS));
      }
    }
    return dir;
  }

  static final String[] TEXTS = {"the movie was great", "a", "she hated the ending but loved the music and the cast",
      "Émile's café, naïve 😀 — \"Quoted\" text..", "john made a very boring film about paris and london that "
      + "was too long and too slow and never really moving or funny at all, the worst of the year by far"};

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("checkpoints")
  void logitsEqualTheReferenceImplementation(String type, String variant) throws IOException {
    Path dir = checkpoint(type, variant, 21);
    double worst32 = compare(dir, DataType.FLOAT32, 2e-4);
    double worst64 = compare(dir, DataType.FLOAT64, 1e-9);
    System.out.printf("REFERENCE-FIGURE %s %s max abs logit difference float32 %.2e float64 %.2e%n", type, variant,
        worst32, worst64);
  }

  /** Max abs logit difference over the texts (and pairs when the family reads token types); asserts the tolerance. */
  private static double compare(Path dir, DataType dtype, double tolerance) {
    try (TextClassifier model = TextClassifier.load(dir.toString(), 512, Device.cpu(), dtype);
        HfReference ref = HfReference.open(dir)) {
      List<TokenizedText> rows = new ArrayList<>();
      for (String t : TEXTS) {
        rows.add(model.tokenizer().encode(t));
      }
      // Sentence pairs on every family: token types 0 / 1 where the family reads them, its pair template everywhere.
      rows.add(model.tokenizer().encode(TEXTS[0], TEXTS[2]));
      rows.add(model.tokenizer().encode(TEXTS[3], TEXTS[1]));
      double[][] ours = logits(model, rows);
      double worst = 0;
      double scale = 0;
      for (int i = 0; i < rows.size(); i++) {
        double[] expected = ref.logits(rows.get(i).ids(), rows.get(i).typeIds());
        assertEquals(expected.length, ours[i].length);
        for (int c = 0; c < expected.length; c++) {
          assertEquals(expected[c], ours[i][c], tolerance * Math.max(1, Math.abs(expected[c])),
              dtype + " text " + i + " class " + c);
          worst = Math.max(worst, Math.abs(expected[c] - ours[i][c]));
          scale = Math.max(scale, Math.abs(expected[c]));
        }
      }
      assertTrue(scale > 1e-2, "logits all ~0: vacuous comparison");
      return worst;
    }
  }

  /** The production logits of a padded batch, as the explainer's forward computes them. */
  private static double[][] logits(TextClassifier model, List<TokenizedText> rows) {
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try (NDManager m = NDManager.newBaseManager()) {
      SequenceClassifier net = model.model();
      EncodedBatch enc = EncodedBatch.of(rows.stream().map(TokenizedText::ids).toList(),
          rows.stream().map(TokenizedText::typeIds).toList(), model.tokenizer().padId());
      NDArray out = net.logits(net.embed(m, enc), net.maskBias(m, enc), PropagationRules.GRADIENT, null)
          .toType(DataType.FLOAT64, false);
      int c = (int) out.getShape().get(1);
      double[] flat = out.toDoubleArray();
      double[][] result = new double[rows.size()][c];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(flat, i * c, result[i], 0, c);
      }
      return result;
    } finally {
      JniUtils.setGradMode(grad);
    }
  }
}
