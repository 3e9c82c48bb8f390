package org.lrpaudit.annotate;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of one annotate job: the corpus (same formats and column options as the explain job), the output folder
 * (mentions/ and annotate_summary.json go inside it), the lexicon configuration files (merged in order: the defaults,
 * then the user's), the data folder that {@code data-file} lexicon paths are relative to, and the language of the texts
 * (lexicons with another {@code language} are left out; default {@link #DEFAULT_LANGUAGE}).
 */
public record AnnotateSettings(String input, String output, String inputFormat, String idColumn, String textColumn,
    List<Path> lexiconConfigs, Path dataDir, boolean overwrite, String language) {
  public static final String DEFAULT_LANGUAGE = "en";

  public AnnotateSettings(String input, String output, String inputFormat, String idColumn, String textColumn,
      List<Path> lexiconConfigs, Path dataDir, boolean overwrite) {
    this(input, output, inputFormat, idColumn, textColumn, lexiconConfigs, dataDir, overwrite, DEFAULT_LANGUAGE);
  }

  public AnnotateSettings {
    language = language == null || language.isBlank() ? DEFAULT_LANGUAGE : language.trim().toLowerCase(java.util.Locale.ROOT);
    lexiconConfigs = List.copyOf(lexiconConfigs);
    org.lrpaudit.runtime.CorpusSource.checkFormat(inputFormat);
    if (lexiconConfigs.isEmpty()) {
      throw new IllegalArgumentException("no lexicon configuration given");
    }
  }
}
