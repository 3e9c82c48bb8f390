package org.lrpaudit.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition of the user's rows to the same rows with the explanation column appended, in order, one row out per row
 * in. Rows are taken chunk by chunk (memory stays flat however big the partition is).
 */
final class ExplainPartition implements MapPartitionsFunction<Row, Row> {
  private final PartitionCall call;
  private final int textAt;
  private final int labelAt;
  private final int pairAt;
  private final int chunkRows;
  private final boolean oneMethod;

  /**
   * labelAt: position of the gold-label column, or -1 when the target needs none; pairAt: position of the pair's
   * second text, or -1 for single texts.
   */
  ExplainPartition(PartitionCall call, int textAt, int labelAt, int pairAt, int chunkRows, boolean oneMethod) {
    this.call = call;
    this.textAt = textAt;
    this.labelAt = labelAt;
    this.pairAt = pairAt;
    this.chunkRows = chunkRows;
    this.oneMethod = oneMethod;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private Iterator<Row> out = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!out.hasNext() && rows.hasNext()) {
          List<Row> chunk = new ArrayList<>();
          while (chunk.size() < chunkRows && rows.hasNext()) {
            chunk.add(rows.next());
          }
          out = explain(chunk).iterator();
        }
        return out.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.next();
      }
    };
  }

  private List<Row> explain(List<Row> chunk) {
    List<Row> input = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      Row r = chunk.get(i);
      Integer label = labelAt < 0 || r.isNullAt(labelAt) ? null : r.getInt(labelAt);
      String pair = pairAt < 0 || r.isNullAt(pairAt) ? null : r.getString(pairAt);
      // CorpusReader.INPUT: id (the row's place in the chunk; ids are the user's business), text, label, no input
      // error; then the pair's second text
      input.add(RowFactory.create(Integer.toString(i), r.isNullAt(textAt) ? null : r.getString(textAt), label, null,
          null, true, pair));
    }
    Row[][] byMethod = call.explain(input);
    List<Row> out = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      Row r = chunk.get(i);
      Object[] values = Arrays.copyOf(toArray(r), r.size() + 1);
      if (oneMethod) {
        values[r.size()] = ExplanationStruct.of(byMethod[0][i]);
      } else {
        List<Row> structs = new ArrayList<>(byMethod.length);
        for (Row[] method : byMethod) {
          structs.add(ExplanationStruct.of(method[i]));
        }
        values[r.size()] = scala.collection.JavaConverters.asScalaBuffer(structs).toSeq();
      }
      out.add(RowFactory.create(values));
    }
    return out;
  }

  private static Object[] toArray(Row r) {
    Object[] v = new Object[r.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.get(i);
    }
    return v;
  }
}
