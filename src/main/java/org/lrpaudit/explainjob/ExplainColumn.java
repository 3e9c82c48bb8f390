package org.lrpaudit.explainjob;

import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.runtime.CorpusReader;
import org.lrpaudit.runtime.JobMetrics;

/**
 * The one code path from a DataFrame of texts to explanations: the rows come out as they are with one more column, the
 * explanation struct (ExplanationStruct) or, with several methods, an array of them in the methods' order. Both the
 * explain job (corpus rows, then flattened into the relevance table by RelevanceTable.of) and the Spark ML Transformer
 * (org.lrpaudit.ml.RelevanceExplainer, the user's rows) call {@link #append}, so the two cannot compute differently.
 * Lazy: nothing runs before an action.
 */
public final class ExplainColumn {
  private ExplainColumn() {}

  /**
   * Where a row holds what the explain code reads; -1 where it holds nothing. label is read only when given (the
   * Transformer gives it for target 'label' only); inputStatus and inputError are the corpus reader's verdict on a row
   * that cannot be explained (a malformed JSON line, a bad label: CorpusReader.INPUT), which becomes the row's status.
   */
  public record Columns(int text, int label, int pair, int inputStatus, int inputError) implements Serializable {
    /** The explain job's input rows (CorpusReader.INPUT): no sentence pairs. */
    public static final Columns CORPUS = new Columns(CorpusReader.INPUT.fieldIndex("text"),
        CorpusReader.INPUT.fieldIndex("label"), -1, CorpusReader.INPUT.fieldIndex("input_status"),
        CorpusReader.INPUT.fieldIndex("input_error"));
    /** The explain job's input rows with a --pair-column (CorpusReader.INPUT_WITH_PAIR). */
    public static final Columns CORPUS_WITH_PAIR = new Columns(CORPUS.text(), CORPUS.label(),
        CorpusReader.INPUT_WITH_PAIR.fieldIndex("pair"), CORPUS.inputStatus(), CORPUS.inputError());
  }

  /** The schema of {@link #append}'s result. */
  public static StructType schema(StructType input, String outputCol, int methods) {
    return input.add(outputCol, ExplanationStruct.columnType(methods), false);
  }

  /**
   * rows with outputCol appended, one row out per row in, in order within each partition. Each task runs the shared
   * PartitionRunner (chunks of chunk-rows, one model per executor JVM, torchThreads torch threads, the task's GPU) and
   * adds to metrics (tokens, batches, padding, compute time; rows x methods for ProgressLog).
   */
  public static Dataset<Row> append(Dataset<Row> rows, ExplainSettings settings, Columns columns, String outputCol,
      int torchThreads, JobMetrics metrics) {
    return rows.mapPartitions(new ExplainPartition(settings, columns, torchThreads, metrics),
        Encoders.row(schema(rows.schema(), outputCol, settings.methods().size())));
  }
}
