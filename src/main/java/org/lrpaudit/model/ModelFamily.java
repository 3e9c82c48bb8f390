package org.lrpaudit.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Everything family-specific about a HuggingFace sequence classifier: its config.json field names, its checkpoint tensor
 * names, its embeddings, block order and head (in {@link #build}), and what a generated test checkpoint of it looks like.
 * Loading ({@link SequenceClassifier#load}) and {@link RandomCheckpoint} read from it; a new family is one new class
 * registered in {@link ModelFamilies}, plus its tests.
 */
public interface ModelFamily {
  /** The config.json model_type values this family reads (the first is its name). */
  List<String> modelTypes();

  /** The HuggingFace sequence-classification classes (config.json "architectures") of this family. */
  List<String> architectures();

  /** The common sizes under this family's field names; family-specific fields are read again by {@link #build}. */
  ModelConfig readConfig(String modelType, ModelConfig.Fields f, List<String> labels);

  /** The network from the checkpoint's tensors, asked for by their checkpoint names (or drawn at random). */
  Network build(ModelConfig config, Weights w);

  /**
   * Whether the model reads token type ids (segment A = 0, B = 1 for sentence pairs): when it has embeddings for more than
   * one type. A family whose readConfig records no token types (typeVocabSize 0) reads none.
   */
  default boolean usesTokenTypes(ModelConfig config) {
    return config.typeVocabSize() > 1;
  }

  /** Fills config.json of a generated checkpoint of this family (sizes from the spec; labels are added by the caller). */
  void writeConfig(String modelType, RandomCheckpoint.Spec spec, GeneratedTokenizer.Vocabulary vocab, ObjectNode config);

  /** The kind of tokenizer.json a generated checkpoint of this family gets (what its real checkpoints ship). */
  GeneratedTokenizer tokenizer(String modelType);
}
