package org.lrpaudit.runtime;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Counts a corpus read by {@link CorpusReader} and refuses, before any compute, an input that has rows but no id or no
 * text in any of them: each of its rows would become an error row (missing_id, null_text) and the job would report
 * nothing but errors. JSON lines have no header, so a misnamed field shows only here.
 */
public final class InputCheck {
  private InputCheck() {}

  /** Rows of the input; fails (JobException, exit 2) as above. input, idColumn, textColumn name things in messages. */
  public static long count(Dataset<Row> corpus, String input, String idColumn, String textColumn) {
    return count(corpus, input, idColumn, textColumn, null);
  }

  /** Also refuses an input where no row has a gold label (a class index) when labelColumn is not null. */
  public static long count(Dataset<Row> corpus, String input, String idColumn, String textColumn, String labelColumn) {
    return count(corpus, input, idColumn, textColumn, labelColumn, null);
  }

  /** As {@link #count(Dataset, CorpusSource)}, also refusing an input where no row has a gold label in labelColumn. */
  public static long count(Dataset<Row> corpus, CorpusSource source, String labelColumn) {
    return count(corpus, source.input(), source.idColumn(), source.textColumn(), labelColumn, source.pairColumn());
  }

  /**
   * The corpus read from source (CorpusReader's rows); with a pair column also refuses an input where no row has the pair
   * field (JSON lines have no header: a misnamed --pair-column would otherwise make every row an error row).
   */
  public static long count(Dataset<Row> corpus, CorpusSource source) {
    return count(corpus, source.input(), source.idColumn(), source.textColumn(), null, source.pairColumn());
  }

  private static long count(Dataset<Row> corpus, String input, String idColumn, String textColumn, String labelColumn,
      String pairColumn) {
    Row counts;
    try {
      counts = corpus.selectExpr("count(*)", "count_if(has_text_field)", "count(id)", "count(label)",
          pairColumn == null ? "0L" : "count_if(has_pair_field)").first();
    } catch (Exception e) { // SparkException is thrown unchecked from Scala
      throw new JobException("cannot read input " + input + ": " + JobException.rootMessage(e), e);
    }
    long rows = counts.getLong(0);
    if (rows > 0 && counts.getLong(1) == 0) {
      throw new JobException("input " + input + " has no '" + textColumn + "' field in any row; name the text "
          + "field with --text-column");
    }
    if (rows > 0 && counts.getLong(2) == 0) {
      throw new JobException("input " + input + " has no '" + idColumn + "' value in any of its " + rows + " rows (the "
          + "field is missing or empty everywhere), so no result could be joined back to its row; name the id field "
          + "with --id-column");
    }
    if (rows > 0 && labelColumn != null && counts.getLong(3) == 0) {
      throw new JobException("input " + input + " has no gold label (a class index) in '" + labelColumn + "' in any of "
          + "its " + rows + " rows; name the label column with --label-column");
    }
    if (rows > 0 && pairColumn != null && counts.getLong(4) == 0) {
      throw new JobException("input " + input + " has no pair column '" + pairColumn + "' in any row; name the field "
          + "holding the second text with --pair-column");
    }
    return rows;
  }
}
