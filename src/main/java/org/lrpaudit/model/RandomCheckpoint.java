package org.lrpaudit.model;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a seeded, randomly initialised sequence classifier of any supported family in the HuggingFace layout (config.json,
 * model.safetensors, tokenizer.json of the family's kind). For tests, benchmarks and a smoke demo: it predicts nothing
 * meaningful. The tensors are exactly those the family's builder loads, drawn in the order it asks for them
 * ({@link Weights#random}): embeddings N(0, 1), linear weights N(0, 1/fan_in), so attention and GELU work well away from
 * their linear regimes.
 */
public final class RandomCheckpoint {
  /** Generation settings; see {@link #builder}. */
  public record Spec(String modelType, int layers, int hidden, int heads, int intermediate, int maxPositions,
      int numLabels, String activation, boolean zeroBiases, long seed, List<String> words) {}

  /** An image classifier's input: square images of imageSize pixels, patches of patchSize, 1 or 3 channels. */
  public record ImageSpec(int imageSize, int patchSize, int channels) {}

  /** Common English words, so generated models tokenize ordinary sentences into whole-word tokens mostly. */
  public static final List<String> DEMO_WORDS = List.of(
      "the", "a", "an", "and", "or", "but", "is", "was", "are", "were", "be", "been", "it", "this", "that", "of", "to",
      "in", "on", "for", "with", "as", "at", "by", "from", "not", "no", "very", "too", "so", "just", "movie", "film",
      "story", "plot", "actor", "actors", "acting", "cast", "director", "script", "scene", "scenes", "music", "ending",
      "good", "great", "bad", "terrible", "awful", "wonderful", "brilliant", "boring", "dull", "funny", "fun", "love",
      "loved", "hate", "hated", "like", "liked", "best", "worst", "beautiful", "moving", "mess", "waste", "masterpiece",
      "charming", "delightful", "tedious", "predictable", "fresh", "smart", "stupid", "slow", "fast", "long", "short",
      "he", "she", "they", "his", "her", "their", "i", "you", "we", "me", "my", "our", "who", "what", "all", "one",
      "mary", "john", "emma", "james", "sarah", "michael", "paris", "london", "google", "france", "made", "feel",
      "feels", "makes", "make", "watch", "watching", "time", "more", "less", "most", "much", "never", "ever", "really",
      "##s", "##ed", "##ing", "##ly", "##er", "##est", "##n't", "n't");

  private RandomCheckpoint() {}

  public static Spec spec(String modelType, int layers, int hidden, int heads, int intermediate, boolean zeroBiases,
      long seed) {
    return new Spec(modelType, layers, hidden, heads, intermediate, 128, 2, "gelu", zeroBiases, seed, DEMO_WORDS);
  }

  /** Writes the folder atomically; an existing dir must be empty or a model folder lrp-audit wrote (CheckpointWriter). */
  public static Path write(Spec spec, Path dir) throws IOException {
    CheckpointWriter.writeAtomically(dir, tmp -> writeInto(spec, tmp));
    return dir;
  }

  /**
   * An image classifier of an {@link ImageFamily} (spec.words unused): config.json, model.safetensors and the image
   * processor's defaults in preprocessor_config.json ({@link ImageProcessor#writeDefaults}).
   */
  public static Path write(Spec spec, ImageSpec image, Path dir) throws IOException {
    CheckpointWriter.writeAtomically(dir, tmp -> writeInto(spec, image, tmp));
    return dir;
  }

  private static void writeInto(Spec spec, Path dir) throws IOException {
    writeInto(spec, null, dir);
  }

  private static void writeInto(Spec spec, ImageSpec image, Path dir) throws IOException {
    ModelFamily family = ModelFamilies.forModelType(spec.modelType(), "random checkpoint");
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.put("model_type", spec.modelType());
    if (family instanceof ImageFamily f) {
      if (image == null) {
        throw new IllegalArgumentException(spec.modelType() + " is an image classifier: give its image sizes");
      }
      f.writeConfig(spec.modelType(), spec, image, c);
      ImageProcessor.writeDefaults(dir.resolve(Checkpoint.PREPROCESSOR), image.imageSize(), image.channels());
    } else {
      GeneratedTokenizer.Vocabulary vocab = family.tokenizer(spec.modelType())
          .write(spec.words(), dir.resolve(Checkpoint.TOKENIZER));
      c.put("vocab_size", vocab.size());
      family.writeConfig(spec.modelType(), spec, vocab, c);
    }
    ObjectNode id2label = c.putObject("id2label");
    for (int i = 0; i < spec.numLabels(); i++) {
      id2label.put(Integer.toString(i), spec.numLabels() == 2 ? (i == 0 ? "NEGATIVE" : "POSITIVE") : "LABEL_" + i);
    }
    Path configFile = dir.resolve(Checkpoint.CONFIG);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(configFile.toFile(), c);
    ModelConfig config = ModelConfig.read(configFile);
    try (NDManager m = NDManager.newBaseManager()) {
      Weights w = Weights.random(spec.seed(), spec.zeroBiases(), m);
      family.build(config, w);
      CheckpointWriter.writeSafetensors(w.parameters(), dir.resolve(Checkpoint.WEIGHTS));
    }
  }
}
