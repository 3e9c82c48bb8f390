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
 * @param pairColumn the column holding the second text of a sentence pair (NLI: text = premise, pair = hypothesis), or
 *     null for single texts; when set, the column must exist and a row without a usable pair is an error row
 */
public record CorpusSource(String input, String inputFormat, String idColumn, String textColumn, String labelColumn,
    boolean needLabel, String pairColumn) implements Serializable {
  /** --input-format: auto, tsv, jsonl, or a Spark data source name (parquet, csv, json, orc, delta, avro, ...). */
  public static final Pattern DATA_SOURCE = Pattern.compile("[a-z][a-z0-9_.]*");

  public CorpusSource {
    checkFormat(inputFormat);
  }

  /** A corpus of single texts (no pair column). */
  public CorpusSource(String input, String inputFormat, String idColumn, String textColumn, String labelColumn,
      boolean needLabel) {
    this(input, inputFormat, idColumn, textColumn, labelColumn, needLabel, null);
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
