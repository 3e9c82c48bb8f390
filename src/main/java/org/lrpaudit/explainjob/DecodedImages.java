package org.lrpaudit.explainjob;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.ImageException;
import org.lrpaudit.model.ImageFiles;
import org.lrpaudit.runtime.RowError;

/**
 * One chunk of {@link ImageSource} rows read for the model: each row's id and label read once, checked (no id:
 * missing_id; then the job's own label check), and its image decoded (bounded by ImageFiles: bytes, then the header's
 * size before any pixel) and processed into the model's pixel values. The rows that pass are {@link #inputs()}, in row
 * order; every other row has its {@link #error(int)}. The image jobs (explain-images, evaluate-images) share it, so an
 * image is judged the same way by both.
 */
public final class DecodedImages {
  /** A job's condition on a row's gold label (id is never null here); null when the row may go on. */
  @FunctionalInterface
  public interface LabelCheck {
    RowError check(String id, Integer label);
  }

  private final String[] ids;
  private final Integer[] labels;
  private final Integer[] widths;
  private final Integer[] heights;
  private final RowError[] errors;
  private final List<ImageInput> inputs;

  private DecodedImages(int n) {
    ids = new String[n];
    labels = new Integer[n];
    widths = new Integer[n];
    heights = new Integer[n];
    errors = new RowError[n];
    inputs = new ArrayList<>(n);
  }

  public static DecodedImages decode(ImageClassifier classifier, List<Row> rows, LabelCheck labelCheck) {
    DecodedImages d = new DecodedImages(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      String id = r.isNullAt(ImageSource.ID) ? null : r.getString(ImageSource.ID);
      Integer label = r.isNullAt(ImageSource.LABEL) ? null : r.getInt(ImageSource.LABEL);
      d.ids[i] = id;
      d.labels[i] = label;
      if (id == null) {
        d.errors[i] = new RowError(RowError.MISSING_ID, "the row has no id");
        continue;
      }
      d.errors[i] = labelCheck.check(id, label);
      if (d.errors[i] != null) {
        continue;
      }
      try {
        BufferedImage image = ImageFiles.decode(bytes(r, id), id, classifier.grid().patch());
        d.widths[i] = image.getWidth();
        d.heights[i] = image.getHeight();
        d.inputs.add(new ImageInput(id, classifier.processor().pixels(image), label));
      } catch (ImageException e) {
        d.errors[i] = new RowError(e.status(), e.getMessage());
      }
    }
    return d;
  }

  public int size() {
    return ids.length;
  }

  /** The decoded images, in row order, one per row without an error. */
  public List<ImageInput> inputs() {
    return inputs;
  }

  public String id(int row) {
    return ids[row];
  }

  public Integer label(int row) {
    return labels[row];
  }

  /** The file's width before resizing, or null when it could not be read. */
  public Integer width(int row) {
    return widths[row];
  }

  public Integer height(int row) {
    return heights[row];
  }

  /** Why the row has no input, or null when it has one. */
  public RowError error(int row) {
    return errors[row];
  }

  /** The row's encoded image; a null cell is an empty image, or one the source held back as too large. */
  private static byte[] bytes(Row r, String id) throws ImageException {
    if (!r.isNullAt(ImageSource.IMAGE)) {
      return (byte[]) r.get(ImageSource.IMAGE);
    }
    long length = r.isNullAt(ImageSource.LENGTH) ? 0 : r.getLong(ImageSource.LENGTH);
    if (length > ImageFiles.MAX_BYTES) {
      throw new ImageException(ImageException.TOO_LARGE, id + ": " + length + " bytes, more than the "
          + ImageFiles.MAX_BYTES + " read");
    }
    throw new ImageException(ImageException.EMPTY, id + ": no image bytes (the cell is null)");
  }
}
