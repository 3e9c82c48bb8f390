package org.lrpaudit.runtime;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * Where a corpus is and how to read it, the settings of {@link CorpusReader}: every stage that reads a corpus (explain,
 * evaluate, annotate, probe, the dashboard's examples) builds one of these, never another stage's settings.
 *
 * @param input a file or folder on any Hadoop FileSystem
 * @param inputFormat auto, tsv, jsonl, or a Spark data source name (parquet, csv, json, orc, delta, avro, ...)
 * @param needLabel the stage needs a gold label per row (a label column must exist)
 */
public record CorpusSource(String input, String inputFormat, String idColumn, String textColumn, String labelColumn,
    boolean needLabel) implements Serializable {
  /** --input-format: auto, tsv, jsonl, or a Spark data source name (parquet, csv, json, orc, delta, avro, ...). */
  public static final Pattern DATA_SOURCE = Pattern.compile("[a-z][a-z0-9_.]*");

  public CorpusSource {
    checkFormat(inputFormat);
  }

  /** The corpus at input with the default layout: format detected, columns id, text and label, labels optional. */
  public static CorpusSource of(String input) {
    return new CorpusSource(input, "auto", "id", "text", "label", false);
  }

  /** Refuses an --input-format that is neither auto, tsv, jsonl nor a data source name, naming the setting. */
  public static void checkFormat(String inputFormat) {
    if (inputFormat == null || !DATA_SOURCE.matcher(inputFormat).matches()) {
      throw new IllegalArgumentException("input-format must be auto, tsv, jsonl or a Spark data source name (parquet, csv, "
          + "json, orc, delta, ...), not '" + inputFormat + "'");
    }
  }
}
