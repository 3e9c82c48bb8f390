package org.lrpaudit.eval;

import java.io.Serializable;
import java.util.List;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explainjob.ImageSource;
import org.lrpaudit.runtime.CorpusSource;
import org.lrpaudit.runtime.RowErrors;

/**
 * Settings of one evaluate-images job. The input is read as explain-images reads it ({@link ImageSource}): a folder of
 * image files, each file's gold label from its name by labelPattern, or a table with id, image and label columns.
 * units: patch and/or pixel ({@link FlipUnit}); every image is explained once per method and flipped in each unit.
 */
public record ImageEvaluateSettings(
    String model,
    String input,
    String output,
    String inputFormat,
    String idColumn,
    String imageColumn,
    String labelColumn,
    String labelPattern,
    List<String> methods,
    List<String> units,
    int steps,
    int igSteps,
    long seed,
    int batchImages,
    int chunkRows,
    int partitions,
    boolean overwrite,
    double maxErrorRate) implements Serializable {

  public ImageEvaluateSettings {
    methods = methods.stream().map(String::trim).distinct().toList();
    units = units.stream().map(u -> FlipUnit.parse(u).id()).distinct().toList();
    if (methods.isEmpty()) {
      throw new IllegalArgumentException("methods: name at least one of " + Method.names());
    }
    methods.forEach(Method::parse);
    if (units.isEmpty()) {
      throw new IllegalArgumentException("unit: name patch, pixel or both");
    }
    if (steps < 2) {
      throw new IllegalArgumentException("steps must be at least 2 (fractions 0 and 1), got " + steps);
    }
    if (batchImages < 1 || chunkRows < 1 || partitions < 0) {
      throw new IllegalArgumentException("batch-images and chunk-rows must be positive, partitions >= 0");
    }
    CorpusSource.checkFormat(inputFormat);
    new MethodOptions(igSteps, seed); // validates
    RowErrors.checkMax(maxErrorRate);
    new ImageSource.Spec(input, inputFormat, idColumn, imageColumn, labelColumn, labelPattern); // validates the pattern
  }

  public ImageSource.Spec images() {
    return new ImageSource.Spec(input, inputFormat.toLowerCase(java.util.Locale.ROOT), idColumn, imageColumn,
        labelColumn, labelPattern);
  }

  public MethodOptions methodOptions() {
    return new MethodOptions(igSteps, seed);
  }

  public List<Method> methodList() {
    return methods.stream().map(Method::parse).toList();
  }

  public List<FlipUnit> unitList() {
    return units.stream().map(FlipUnit::parse).toList();
  }
}
