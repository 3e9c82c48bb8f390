package org.lrpaudit.model.family;

import java.util.List;
import org.lrpaudit.model.ModelFamily;

/**
 * A family known by one config.json model_type and one HuggingFace sequence-classification class: the names
 * {@link org.lrpaudit.model.ModelFamilies} looks it up by and a config.json's "architectures" is checked against, given
 * once here so that each family file holds only what is its own (tensor names, block order, head, generated config).
 */
abstract class NamedFamily implements ModelFamily {
  private final String modelType;
  private final String architecture;

  NamedFamily(String modelType, String architecture) {
    this.modelType = modelType;
    this.architecture = architecture;
  }

  @Override
  public final List<String> modelTypes() {
    return List.of(modelType);
  }

  @Override
  public final List<String> architectures() {
    return List.of(architecture);
  }

  /** The HuggingFace class name, as a generated checkpoint's config.json "architectures" names it. */
  final String architecture() {
    return architecture;
  }
}
