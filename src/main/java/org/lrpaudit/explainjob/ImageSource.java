package org.lrpaudit.explainjob;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.lrpaudit.model.ImageFiles;
import org.lrpaudit.runtime.JobException;

/**
 * The images of an image job (explain-images, evaluate-images), as rows [image (binary, null when absent or larger than
 * ImageFiles.MAX_BYTES), id, label, length (the bytes the source holds)]. A folder of image files is read with Spark's
 * binaryFile source (recursively; id = the file's path; label = the number the file name holds after "label-", as
 * idx-to-png names files, or null); a table (Parquet, ORC, Delta, ...) gives the id, encoded-image and optional label
 * columns the spec names.
 */
public final class ImageSource {
  static final int IMAGE = 0;
  static final int ID = 1;
  static final int LABEL = 2;
  static final int LENGTH = 3;
  public static final String BINARY_FILE = "binaryfile";
  /**
   * The default rule for a file's gold label: "label-" and at most 9 digits in its name (00042-label-7.png is class 7).
   * Nine digits always fit an int, so a label is never lost to overflow.
   */
  public static final String FILE_LABEL = "label-([0-9]{1,9})";

  /**
   * Where the images are and which columns of a table hold what. fileLabel: a regular expression whose first group,
   * found in a file's name, is the file's gold label (folders only).
   */
  public record Spec(String input, String inputFormat, String idColumn, String imageColumn, String labelColumn,
      String fileLabel) implements java.io.Serializable {
    public Spec {
      try {
        if (java.util.regex.Pattern.compile(fileLabel).matcher("").groupCount() < 1) {
          throw new IllegalArgumentException("label-pattern '" + fileLabel + "' needs a group (...) around the label's "
              + "digits");
        }
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new IllegalArgumentException("label-pattern '" + fileLabel + "' is not a regular expression: "
            + e.getDescription());
      }
    }
  }

  private ImageSource() {}

  public static Dataset<Row> read(SparkSession spark, Spec s) {
    String format = format(spark, s);
    try {
      if (format.equals(BINARY_FILE)) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(s.input());
        Dataset<Row> rows = files.select(bounded(col("content"), col("length")), col("path").as("id"),
            fileLabel(col("path"), s.fileLabel()).as("label"), col("length"));
        List<Row> empty = emptyFiles(spark, s.input(), s.fileLabel());
        return empty.isEmpty() ? rows : rows.union(spark.createDataFrame(empty, rows.schema()));
      }
      Dataset<Row> table = spark.read().format(format).load(s.input());
      List<String> columns = Arrays.asList(table.columns());
      if (!columns.contains(s.imageColumn())) {
        throw new JobException("input " + s.input() + " has no image column '" + s.imageColumn() + "' (it has "
            + columns + "); name the column of encoded images with --image-column");
      }
      if (!columns.contains(s.idColumn())) {
        throw new JobException("input " + s.input() + " has no id column '" + s.idColumn() + "' (it has " + columns
            + "); name it with --id-column");
      }
      Column image = col(s.imageColumn()).cast(DataTypes.BinaryType);
      Column label = columns.contains(s.labelColumn()) ? col(s.labelColumn()).cast(DataTypes.IntegerType)
          : lit(null).cast(DataTypes.IntegerType);
      return table.select(bounded(image, length(image).cast(DataTypes.LongType)),
          col(s.idColumn()).cast(DataTypes.StringType).as("id"), label.as("label"),
          length(image).cast(DataTypes.LongType).as("length"));
    } catch (JobException e) {
      throw e;
    } catch (Exception e) { // AnalysisException (checked, thrown from Scala): a path or format Spark cannot read
      throw new JobException("cannot read input " + s.input() + " as " + format + ": " + JobException.rootMessage(e), e);
    }
  }

  /**
   * Zero-byte files under a folder, as rows with empty bytes: Spark's file scan plans no split for an empty file, so
   * binaryFile never returns them, and a zero-byte image would silently vanish from the job instead of becoming an
   * error row. Skips what Spark's listing skips (names starting with '_' or '.'). A second listing of the folder, on
   * the driver.
   */
  private static List<Row> emptyFiles(SparkSession spark, String input, String fileLabel) throws IOException {
    Path root = new Path(input);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    List<Row> out = new java.util.ArrayList<>();
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      org.apache.hadoop.fs.LocatedFileStatus f = it.next();
      if (f.getLen() == 0 && !hidden(root, f.getPath())) {
        out.add(org.apache.spark.sql.RowFactory.create(new byte[0], f.getPath().toString(),
            labelOf(f.getPath().getName(), fileLabel), 0L));
      }
    }
    return out;
  }

  /** Whether a name on the path below root starts with '_' or '.' (Spark's file index leaves those out). */
  private static boolean hidden(Path root, Path file) {
    for (Path p = file; p != null && !p.equals(root) && p.depth() > root.depth(); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The gold label a file's name holds by the pattern's first group, or null (no match, or a number beyond an int).
   * Spark's regexp_extract gives "" for no match.
   */
  private static Column fileLabel(Column path, String pattern) {
    Column found = regexp_extract(element_at(split(path, "/"), -1), pattern, 1);
    return when(found.equalTo(""), lit(null).cast(DataTypes.IntegerType)).otherwise(found.cast(DataTypes.IntegerType));
  }

  /** The same rule in Java, for the files the driver lists itself (an int, or null). */
  static Integer labelOf(String fileName, String pattern) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(pattern).matcher(fileName);
    if (!m.find() || m.group(1) == null || m.group(1).isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(m.group(1).trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The bytes, or null when there are more than any image decoded (the row then reports image_too_large). */
  private static Column bounded(Column bytes, Column length) {
    return when(length.gt(ImageFiles.MAX_BYTES), lit(null).cast(DataTypes.BinaryType)).otherwise(bytes).as("image");
  }

  /** auto: Parquet for a .parquet path or a folder holding .parquet files, else a folder of image files. */
  public static String format(SparkSession spark, Spec s) {
    String f = s.inputFormat().toLowerCase(java.util.Locale.ROOT);
    if (!f.equals("auto")) {
      return f;
    }
    if (s.input().endsWith(".parquet")) {
      return "parquet";
    }
    try {
      Path path = new Path(s.input());
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.getFileStatus(path).isDirectory()) {
        for (FileStatus st : fs.listStatus(path)) {
          if (st.getPath().getName().endsWith(".parquet")) {
            return "parquet";
          }
        }
      }
    } catch (IOException e) {
      throw new JobException("cannot read input " + s.input() + " (" + e.getMessage() + ")", e);
    }
    return BINARY_FILE;
  }
}
