package org.lrpaudit.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.lrpaudit.model.family.AlbertFamily;
import org.lrpaudit.model.family.BertFamily;
import org.lrpaudit.model.family.DebertaV2Family;
import org.lrpaudit.model.family.DistilBertFamily;
import org.lrpaudit.model.family.ElectraFamily;
import org.lrpaudit.model.family.ModernBertFamily;
import org.lrpaudit.model.family.RobertaFamily;
import org.lrpaudit.model.family.VitFamily;

/** The supported families, looked up by config.json's model_type; the one place that lists them. */
public final class ModelFamilies {
  /** Text classifiers (tokenizer.json). */
  public static final List<ModelFamily> TEXT = List.of(new BertFamily(), new DistilBertFamily(),
      RobertaFamily.ROBERTA, RobertaFamily.XLM_ROBERTA, new ElectraFamily(), new AlbertFamily(), new DebertaV2Family(),
      new ModernBertFamily());
  /** Image classifiers (preprocessor_config.json), each an {@link ImageFamily}. */
  public static final List<ModelFamily> IMAGE = List.of(new VitFamily());
  public static final List<ModelFamily> ALL = java.util.stream.Stream.concat(TEXT.stream(), IMAGE.stream()).toList();

  private ModelFamilies() {}

  /** Every supported model_type, in registry order. */
  public static List<String> modelTypes() {
    return types(ALL);
  }

  /** The model_types of text classifiers, which explain-text and the explain job read. */
  public static List<String> textModelTypes() {
    return types(TEXT);
  }

  private static List<String> types(List<ModelFamily> families) {
    List<String> out = new ArrayList<>();
    families.forEach(f -> out.addAll(f.modelTypes()));
    return out;
  }

  public static ModelFamily forModelType(String type, String source) {
    for (ModelFamily f : ALL) {
      if (f.modelTypes().contains(type)) {
        return f;
      }
    }
    throw new CheckpointException(source + ": model_type '" + type + "' is not supported (supported: "
        + String.join(", ", modelTypes()) + ")");
  }

  /**
   * A config.json that names architectures must name a sequence classifier of its family: a BertModel or BertForMaskedLM
   * checkpoint has no classification head to explain.
   */
  static void checkArchitectures(ModelFamily family, JsonNode architectures, String source) {
    if (architectures == null || !architectures.isArray() || architectures.isEmpty()) {
      return;
    }
    List<String> named = new ArrayList<>();
    architectures.forEach(a -> named.add(a.asText()));
    if (named.stream().noneMatch(family.architectures()::contains)) {
      throw new CheckpointException(source + ": architectures " + named + " is not supported for model_type '"
          + family.modelTypes().get(0) + "' (supported: " + String.join(", ", family.architectures())
          + "; lrp-audit explains sequence classifiers)");
    }
  }
}
