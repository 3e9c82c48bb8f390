package org.lrpaudit.annotate;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of one annotate job: the corpus (same formats and column options as the explain job), the output folder
 * (mentions/ and annotate_summary.json go inside it), the lexicon configuration files (merged in order: the defaults,
 * then the user's) and the data folder that {@code data-file} lexicon paths are relative to.
 */
public record AnnotateSettings(String input, String output, String inputFormat, String idColumn, String textColumn,
    List<Path> lexiconConfigs, Path dataDir, boolean overwrite) {

  public AnnotateSettings {
    lexiconConfigs = List.copyOf(lexiconConfigs);
    if (!org.lrpaudit.spark.CorpusReader.DATA_SOURCE.matcher(inputFormat).matches()) {
      throw new IllegalArgumentException("input-format must be auto, tsv, jsonl or a Spark data source name (parquet, csv, "
          + "json, orc, delta, ...), not '" + inputFormat + "'");
    }
    if (lexiconConfigs.isEmpty()) {
      throw new IllegalArgumentException("no lexicon configuration given");
    }
  }
}
