package org.lrpaudit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a seeded, randomly initialised BERT or DistilBERT sequence classifier in the HuggingFace layout (config.json,
 * model.safetensors through DJL's safetensors writer, tokenizer.json). For tests, benchmarks and a smoke demo: it predicts
 * nothing meaningful. Weights are N(0, 1/fan_in) so attention and GELU work well away from their linear regimes.
 */
public final class RandomCheckpoint {
  /** Generation settings; see {@link #builder}. */
  public record Spec(String modelType, int layers, int hidden, int heads, int intermediate, int maxPositions,
      int numLabels, String activation, boolean zeroBiases, long seed, List<String> words) {}

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

  private static void writeInto(Spec spec, Path dir) throws IOException {
    WordPieceVocabulary vocab = new WordPieceVocabulary(spec.words());
    vocab.write(dir.resolve(Checkpoint.TOKENIZER));
    writeConfig(spec, vocab.size(), dir.resolve(Checkpoint.CONFIG));
    Random rnd = new Random(spec.seed());
    try (NDManager m = NDManager.newBaseManager(); OutputStream out = Files.newOutputStream(dir.resolve(Checkpoint.WEIGHTS))) {
      NDList list = new NDList();
      Gen g = new Gen(m, rnd, list, spec.zeroBiases());
      boolean bert = spec.modelType().equals(ModelConfig.BERT);
      String root = bert ? "bert." : "distilbert.";
      int d = spec.hidden();
      g.normal(root + "embeddings.word_embeddings.weight", 1.0, vocab.size(), d);
      g.normal(root + "embeddings.position_embeddings.weight", 1.0, spec.maxPositions(), d);
      if (bert) {
        g.normal("bert.embeddings.token_type_embeddings.weight", 1.0, 2, d);
      }
      g.layerNorm(root + "embeddings.LayerNorm", d);
      for (int i = 0; i < spec.layers(); i++) {
        if (bert) {
          String p = "bert.encoder.layer." + i + ".";
          g.linear(p + "attention.self.query", d, d);
          g.linear(p + "attention.self.key", d, d);
          g.linear(p + "attention.self.value", d, d);
          g.linear(p + "attention.output.dense", d, d);
          g.layerNorm(p + "attention.output.LayerNorm", d);
          g.linear(p + "intermediate.dense", d, spec.intermediate());
          g.linear(p + "output.dense", spec.intermediate(), d);
          g.layerNorm(p + "output.LayerNorm", d);
        } else {
          String p = "distilbert.transformer.layer." + i + ".";
          g.linear(p + "attention.q_lin", d, d);
          g.linear(p + "attention.k_lin", d, d);
          g.linear(p + "attention.v_lin", d, d);
          g.linear(p + "attention.out_lin", d, d);
          g.layerNorm(p + "sa_layer_norm", d);
          g.linear(p + "ffn.lin1", d, spec.intermediate());
          g.linear(p + "ffn.lin2", spec.intermediate(), d);
          g.layerNorm(p + "output_layer_norm", d);
        }
      }
      g.linear(bert ? "bert.pooler.dense" : "pre_classifier", d, d);
      g.linear("classifier", d, spec.numLabels());
      list.encode(out, NDList.Encoding.SAFETENSORS);
    }
  }

  private static void writeConfig(Spec s, int vocabSize, Path file) throws IOException {
    ObjectNode c = new ObjectMapper().createObjectNode();
    c.put("model_type", s.modelType());
    c.put("vocab_size", vocabSize);
    c.put("max_position_embeddings", s.maxPositions());
    if (s.modelType().equals(ModelConfig.BERT)) {
      c.putArray("architectures").add("BertForSequenceClassification");
      c.put("hidden_size", s.hidden()).put("num_hidden_layers", s.layers()).put("num_attention_heads", s.heads())
          .put("intermediate_size", s.intermediate()).put("hidden_act", s.activation()).put("type_vocab_size", 2)
          .put("layer_norm_eps", 1e-12);
    } else {
      c.putArray("architectures").add("DistilBertForSequenceClassification");
      c.put("dim", s.hidden()).put("n_layers", s.layers()).put("n_heads", s.heads()).put("hidden_dim", s.intermediate())
          .put("activation", s.activation());
    }
    ObjectNode id2label = c.putObject("id2label");
    for (int i = 0; i < s.numLabels(); i++) {
      id2label.put(Integer.toString(i), s.numLabels() == 2 ? (i == 0 ? "NEGATIVE" : "POSITIVE") : "LABEL_" + i);
    }
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), c);
  }

  private record Gen(NDManager m, Random rnd, NDList list, boolean zeroBiases) {
    void normal(String name, double std, int... shape) {
      long n = 1;
      for (int s : shape) {
        n *= s;
      }
      float[] v = new float[(int) n];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rnd.nextGaussian() * std);
      }
      add(name, v, shape);
    }

    void constant(String name, float value, int size) {
      float[] v = new float[size];
      java.util.Arrays.fill(v, value);
      add(name, v, size);
    }

    void linear(String prefix, int in, int out) {
      normal(prefix + ".weight", 1 / Math.sqrt(in), out, in);
      bias(prefix + ".bias", out);
    }

    void layerNorm(String prefix, int size) {
      float[] gamma = new float[size];
      for (int i = 0; i < size; i++) {
        gamma[i] = (float) (1 + 0.1 * rnd.nextGaussian());
      }
      add(prefix + ".weight", gamma, size);
      bias(prefix + ".bias", size);
    }

    void bias(String name, int size) {
      if (zeroBiases) {
        constant(name, 0f, size);
      } else {
        normal(name, 0.1, size);
      }
    }

    void add(String name, float[] v, int... shape) {
      long[] s = new long[shape.length];
      for (int i = 0; i < s.length; i++) {
        s[i] = shape[i];
      }
      NDArray a = m.create(v, new Shape(s));
      a.setName(name);
      list.add(a);
    }
  }
}
