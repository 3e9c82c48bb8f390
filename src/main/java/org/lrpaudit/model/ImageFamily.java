package org.lrpaudit.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A family of image classifiers: its checkpoints carry preprocessor_config.json instead of tokenizer.json, and its
 * {@link #build} returns an {@link ImageNetwork}. The text-only parts of {@link ModelFamily} do not apply.
 */
public interface ImageFamily extends ModelFamily {
  /** Fills config.json of a generated checkpoint (sizes from spec and image; labels are added by the caller). */
  void writeConfig(String modelType, RandomCheckpoint.Spec spec, RandomCheckpoint.ImageSpec image, ObjectNode config);

  @Override
  default boolean usesTokenTypes(ModelConfig config) {
    return false;
  }

  @Override
  default void writeConfig(String modelType, RandomCheckpoint.Spec spec, GeneratedTokenizer.Vocabulary vocab,
      ObjectNode config) {
    throw new UnsupportedOperationException(modelType + " is an image classifier: it has no vocabulary");
  }

  @Override
  default GeneratedTokenizer tokenizer(String modelType) {
    throw new UnsupportedOperationException(modelType + " is an image classifier: it has no tokenizer");
  }
}
