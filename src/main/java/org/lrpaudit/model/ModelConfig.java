package org.lrpaudit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sizes and choices of a HuggingFace sequence classifier, read from its config.json. Families name the same things
 * differently (hidden_size vs dim, ...); this record holds one vocabulary for all, and each {@link ModelFamily} reads its
 * own field names (and any family-specific field, through {@link #fields}). maxPositions is the longest token sequence
 * the model accepts (RoBERTa: max_position_embeddings minus its padding offset).
 */
public record ModelConfig(
    String modelType,
    int vocabSize,
    int hiddenSize,
    int numLayers,
    int numHeads,
    int intermediateSize,
    int maxPositions,
    int typeVocabSize,
    double layerNormEps,
    String hiddenAct,
    List<String> labels,
    Fields fields) {

  public static final String BERT = "bert";
  public static final String DISTILBERT = "distilbert";
  /** Most labels a classifier may declare: far above any real one, far below what would exhaust memory. */
  public static final int MAX_LABELS = 100_000;
  /** Largest config.json read (real ones are a few kB; a huge id2label stays far below this). */
  public static final long MAX_CONFIG_BYTES = 64L << 20;

  /**
   * The config.json field names BERT introduced and ELECTRA and ALBERT kept (vocab_size, hidden_size, num_hidden_layers,
   * num_attention_heads, intermediate_size, max_position_embeddings, type_vocab_size, layer_norm_eps, hidden_act).
   */
  public static ModelConfig bertFields(String type, Fields f, List<String> labels, String defaultActivation) {
    return new ModelConfig(type, f.integer("vocab_size"), f.integer("hidden_size"), f.integer("num_hidden_layers"),
        f.integer("num_attention_heads"), f.integer("intermediate_size"), f.integer("max_position_embeddings"),
        f.integerOr("type_vocab_size", 2), f.number("layer_norm_eps", 1e-12), f.text("hidden_act", defaultActivation),
        labels, f);
  }

  public int numLabels() {
    return labels.size();
  }

  public int headSize() {
    return hiddenSize / numHeads;
  }

  /** The family that reads, builds and generates checkpoints of this model_type. */
  public ModelFamily family() {
    return ModelFamilies.forModelType(modelType, "config.json");
  }

  /** Index of a label by its id2label name, or -1. */
  public int labelIndex(String name) {
    return labels.indexOf(name);
  }

  public static ModelConfig read(Path configJson) {
    if (!Files.isRegularFile(configJson)) {
      throw new CheckpointException("config.json not found: " + configJson);
    }
    JsonNode root;
    try {
      long size = Files.size(configJson);
      if (size > MAX_CONFIG_BYTES) {
        throw new CheckpointException(configJson + ": " + size + " bytes; a config.json is a few kB (at most "
            + MAX_CONFIG_BYTES + " bytes are read)");
      }
      root = new ObjectMapper().readTree(configJson.toFile());
    } catch (IOException e) {
      throw new CheckpointException(configJson + ": not valid JSON (" + e.getMessage() + ")", e);
    }
    return parse(root, configJson.toString());
  }

  static ModelConfig parse(JsonNode root, String source) {
    Fields f = new Fields(root, source);
    String type = f.text("model_type", null);
    if (type == null) {
      throw new CheckpointException(source + ": field 'model_type' is missing (expected one of "
          + String.join(", ", ModelFamilies.modelTypes()) + ")");
    }
    ModelFamily family = ModelFamilies.forModelType(type, source);
    ModelFamilies.checkArchitectures(family, root.get("architectures"), source);
    ModelConfig config = family.readConfig(type, f, labels(root, source));
    config.validate(source);
    return config;
  }

  void validate(String source) {
    if (hiddenSize % numHeads != 0) {
      throw new CheckpointException(source + ": hidden size " + hiddenSize + " is not divisible by the "
          + numHeads + " attention heads");
    }
    if (!Activations.NAMES.contains(hiddenAct)) {
      throw new CheckpointException(source + ": activation '" + hiddenAct
          + "' is not supported (supported: " + String.join(", ", Activations.NAMES) + ")");
    }
    if (labels.isEmpty()) {
      throw new CheckpointException(source + ": the model has no labels (num_labels is 0)");
    }
  }

  /** id2label in index order; else num_labels generic names LABEL_i; else the HuggingFace default of 2. */
  private static List<String> labels(JsonNode root, String source) {
    JsonNode id2label = root.get("id2label");
    JsonNode numLabels = root.get("num_labels");
    int n = -1;
    if (numLabels != null && !numLabels.isNull()) {
      // Bounded before anything is allocated from it: num_labels 2000000000 would otherwise mean 2 billion label names.
      if (!numLabels.isIntegralNumber() || !numLabels.canConvertToLong() || numLabels.asLong() < 0
          || numLabels.asLong() > MAX_LABELS) {
        throw new CheckpointException(source + ": num_labels must be an integer from 1 to " + MAX_LABELS + ", found "
            + numLabels);
      }
      n = numLabels.asInt();
    }
    if (id2label != null && id2label.size() > MAX_LABELS) {
      throw new CheckpointException(source + ": id2label has " + id2label.size() + " entries, more than the "
          + MAX_LABELS + " labels lrp-audit accepts");
    }
    List<String> out = new ArrayList<>();
    if (id2label != null && id2label.isObject() && id2label.size() > 0) {
      for (int i = 0; i < id2label.size(); i++) {
        JsonNode name = id2label.get(Integer.toString(i));
        if (name == null) {
          throw new CheckpointException(source + ": id2label has " + id2label.size() + " entries but no key \"" + i + "\"");
        }
        out.add(name.asText());
      }
      if (n >= 0 && n != out.size()) {
        throw new CheckpointException(source + ": num_labels is " + n + " but id2label has " + out.size() + " entries");
      }
      return out;
    }
    for (int i = 0; i < (n >= 0 ? n : 2); i++) {
      out.add("LABEL_" + i);
    }
    return out;
  }

  /** Typed field access with errors that name the file and the field. */
  public record Fields(JsonNode root, String source) {
    /** Two configs are equal when their JSON is: where the file was read from does not count. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Fields f && root.equals(f.root);
    }

    @Override
    public int hashCode() {
      return root.hashCode();
    }

    public int integer(String name) {
      JsonNode v = root.get(name);
      if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
        throw new CheckpointException(source + ": field '" + name + "' must be a positive integer, found "
            + (v == null ? "nothing" : v.toString()));
      }
      return v.asInt();
    }

    public int integerOr(String name, int fallback) {
      return root.has(name) ? integer(name) : fallback;
    }

    public double number(String name, double fallback) {
      JsonNode v = root.get(name);
      if (v == null) {
        return fallback;
      }
      if (!v.isNumber() || v.asDouble() <= 0) {
        throw new CheckpointException(source + ": field '" + name + "' must be a positive number, found " + v);
      }
      return v.asDouble();
    }

    /** A non-negative integer (ids, counts that may be 0), or the fallback when absent or null. */
    public int nonNegative(String name, int fallback) {
      JsonNode v = root.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
        throw new CheckpointException(source + ": field '" + name + "' must be a non-negative integer, found " + v);
      }
      return v.asInt();
    }

    public boolean flag(String name, boolean fallback) {
      JsonNode v = root.get(name);
      return v == null || v.isNull() ? fallback : v.asBoolean();
    }

    /** A list of strings; a single string (DeBERTa writes "p2c|c2p") is split at '|'. */
    public List<String> texts(String name, List<String> fallback) {
      JsonNode v = root.get(name);
      if (v == null || v.isNull()) {
        return fallback;
      }
      List<String> out = new ArrayList<>();
      if (v.isArray()) {
        v.forEach(x -> out.add(x.asText().trim().toLowerCase(java.util.Locale.ROOT)));
      } else {
        for (String x : v.asText().split("\\|")) {
          if (!x.isBlank()) {
            out.add(x.trim().toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
      return out;
    }

    public String text(String name, String fallback) {
      JsonNode v = root.get(name);
      return v == null || v.isNull() ? fallback : v.asText();
    }
  }
}
