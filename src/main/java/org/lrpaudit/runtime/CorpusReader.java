package org.lrpaudit.runtime;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a corpus (Parquet, CSV/TSV with a header, or JSON lines) from any Hadoop FileSystem path into the job's input rows:
 * id (string), text (string), label (int), and for rows that cannot be explained input_status / input_error.
 * Job-level problems (no such path, missing id or text column, a Parquet text column that is not a string) fail here,
 * before any compute, with a message naming the problem. JSON lines are parsed one by one with Jackson, so a malformed line
 * or a text that is not a string becomes an error row naming the file and the line instead of failing the job.
 * With a pair column (CorpusSource.pairColumn) rows are {@link #INPUT_WITH_PAIR}: the second text of a sentence pair
 * follows, checked by the same rules as the text (null, empty, invalid Unicode, not a string: an error row).
 */
public final class CorpusReader {
  public static final StructType INPUT = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("text", DataTypes.StringType, true),
      DataTypes.createStructField("label", DataTypes.IntegerType, true),
      DataTypes.createStructField("input_status", DataTypes.StringType, true),
      DataTypes.createStructField("input_error", DataTypes.StringType, true),
      DataTypes.createStructField("has_text_field", DataTypes.BooleanType, false)});

  /**
   * INPUT, then the pair's second text and whether the row has the pair field at all (JSON lines may lack it; InputCheck
   * refuses an input where none has it). The pair sits right after INPUT's columns, where ExplainColumn.Columns.CORPUS_WITH_PAIR
   * reads it.
   */
  public static final StructType INPUT_WITH_PAIR = INPUT
      .add(DataTypes.createStructField("pair", DataTypes.StringType, true))
      .add(DataTypes.createStructField("has_pair_field", DataTypes.BooleanType, false));

  private final SparkSession spark;
  private final CorpusSource s;
  private final String where;

  public CorpusReader(SparkSession spark, CorpusSource source) {
    this(spark, source, null);
  }

  /** where: a Spark SQL condition on the input's own columns (e.g. split IN ('test')), for Parquet and CSV/TSV inputs. */
  public CorpusReader(SparkSession spark, CorpusSource source, String where) {
    this.spark = spark;
    this.s = source;
    this.where = where;
  }

  public Dataset<Row> read() {
    String format = s.inputFormat().equals("auto") ? detectFormat() : s.inputFormat();
    boolean needLabel = s.needLabel();
    try {
      return switch (format) {
        case "parquet" -> tabular(spark.read().parquet(s.input()), true, needLabel);
        case "csv", "tsv" -> {
          char sep = format.equals("tsv") ? '\t' : ',';
          Dataset<Row> csv = spark.read().option("header", "true").option("sep", String.valueOf(sep))
              .option("multiLine", "true").option("escape", "\"").option("mode", "PERMISSIVE").csv(s.input());
          // Spark would merge the rows after an unterminated quote into one text without a word: check first.
          CsvInput.requireWellFormed(spark, csv, s.input(), sep, s.idColumn());
          yield tabular(csv, false, needLabel);
        }
        case "json", "jsonl" -> {
          if (where != null) {
            throw new JobException("selecting rows (" + where + ") needs a Parquet or CSV/TSV input, not JSON lines");
          }
          yield jsonLines(needLabel);
        }
        // Any other Spark data source (orc, delta, avro, ...): typed columns, read as the source gives them.
        default -> {
          checkExists();
          yield tabular(spark.read().format(format).load(s.input()), true, needLabel);
        }
      };
    } catch (JobException e) {
      throw e;
    } catch (Exception e) { // AnalysisException, SparkException (thrown unchecked from Scala): unreadable or corrupt files
      throw new JobException("cannot read input " + s.input() + " as " + format + ": " + JobException.rootMessage(e), e);
    }
  }

  private void checkExists() {
    Path path = new Path(s.input());
    try {
      if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
        throw new JobException("input not found: " + s.input());
      }
    } catch (IOException e) {
      throw new JobException("cannot read input " + s.input() + " (" + e.getMessage() + ")", e);
    }
  }

  /** A Delta table (a folder with _delta_log), else by the file extension of the input or of its first data file. */
  String detectFormat() {
    Path path = new Path(s.input());
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new JobException("input not found: " + s.input());
      }
      if (fs.exists(new Path(path, "_delta_log"))) {
        return "delta";
      }
      String name = path.getName();
      if (fs.getFileStatus(path).isDirectory()) {
        name = null;
        for (FileStatus f : fs.listStatus(path)) {
          String n = f.getPath().getName();
          if (f.isFile() && !n.startsWith("_") && !n.startsWith(".")) {
            name = n;
            break;
          }
        }
        if (name == null) {
          throw new JobException("input folder " + s.input() + " holds no data files");
        }
      }
      String n = name.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|snappy|zst|lz4|deflate)$", "");
      if (n.endsWith(".parquet")) {
        return "parquet";
      } else if (n.endsWith(".csv")) {
        return "csv";
      } else if (n.endsWith(".tsv") || n.endsWith(".tab")) {
        return "tsv";
      } else if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".ndjson")) {
        return "json";
      } else if (n.endsWith(".orc")) {
        return "orc";
      }
      throw new JobException("cannot tell the format of " + name + " from its extension: set --input-format "
          + "parquet|csv|tsv|json|orc|delta (any Spark data source name)");
    } catch (IOException e) {
      throw new JobException("cannot read input " + s.input() + " (" + e.getMessage() + ")", e);
    }
  }

  private Dataset<Row> tabular(Dataset<Row> all, boolean typed, boolean needLabel) {
    Dataset<Row> df = where == null ? all : all.where(where);
    String idCol = column(df, s.idColumn(), "id");
    String textCol = column(df, s.textColumn(), "text");
    String labelCol = find(df, s.labelColumn());
    String pairCol = s.pairColumn() == null ? null : column(df, s.pairColumn(), "pair");
    if (needLabel && labelCol == null) {
      throw new JobException("--target label needs a label column '" + s.labelColumn() + "', and the input has none "
          + "(columns: " + String.join(", ", df.columns()) + ")");
    }
    if (typed) {
      requireString(df, textCol);
      if (pairCol != null) {
        requireString(df, pairCol);
      }
    }
    Column label = labelCol == null ? lit(null).cast(DataTypes.StringType) : col(quote(labelCol)).cast(DataTypes.StringType);
    Dataset<Row> three = df.select(col(quote(idCol)).cast(DataTypes.StringType), col(quote(textCol)), label);
    if (pairCol == null) {
      return three.map((MapFunction<Row, Row>) r -> normalize(r.getString(0), r.getString(1), r.getString(2), needLabel),
          Encoders.row(INPUT));
    }
    String pairName = s.pairColumn();
    return three.withColumn("pair", col(quote(pairCol))).map((MapFunction<Row, Row>) r -> withPair(
        normalize(r.getString(0), r.getString(1), r.getString(2), needLabel), r.getString(3), true, null, pairName),
        Encoders.row(INPUT_WITH_PAIR));
  }

  private void requireString(Dataset<Row> df, String column) {
    StructField field = df.schema().apply(column);
    if (!field.dataType().equals(DataTypes.StringType)) {
      throw new JobException("column '" + column + "' of " + s.input() + " is " + field.dataType().simpleString()
          + ", not string: cast it to string first (lrp-audit does not guess how to turn other types into text)");
    }
  }

  /**
   * An INPUT row extended by its pair (INPUT_WITH_PAIR). problem: what the JSON reader found wrong with the field (missing,
   * not a string), else null, and the pair is checked here as TextCheck checks texts. The row's own error (id, text,
   * label) wins over the pair's; a pair with an unpaired surrogate is dropped here, before Spark turns it into '?'.
   */
  static Row withPair(Row base, String pair, boolean hasField, RowError problem, String pairColumn) {
    RowError bad = problem;
    if (bad == null) {
      RowError check = TextCheck.check(pair);
      bad = check == null ? null : new RowError(check.status(), "pair column '" + pairColumn + "': "
          + (pair == null ? "the pair's second text is null" : check.message()));
    }
    if (bad != null) {
      pair = null;
    }
    boolean ok = base.isNullAt(3);
    return RowFactory.create(base.get(0), base.get(1), base.get(2), ok && bad != null ? bad.status() : base.get(3),
        ok && bad != null ? bad.message() : base.get(4), base.get(5), pair, hasField);
  }

  static Row normalize(String id, String text, String labelRaw, boolean needLabel) {
    Integer label = null;
    String status = null;
    String error = null;
    if (labelRaw != null && !labelRaw.isBlank()) {
      try {
        label = Integer.valueOf(labelRaw.trim());
      } catch (NumberFormatException e) {
        if (needLabel) {
          status = RowError.BAD_LABEL;
          error = "label '" + abbreviate(labelRaw, 40) + "' is not a class index";
        }
      }
    }
    // Checked here: past this point Spark holds strings as UTF-8, where an unpaired surrogate silently becomes '?'.
    RowError unicode = text == null ? null : TextCheck.unpairedSurrogate(text);
    if (unicode != null) {
      status = unicode.status();
      error = unicode.message();
      text = null;
    }
    if (id == null) {
      status = RowError.MISSING_ID;
      error = "id is null";
    }
    return RowFactory.create(id, text, label, status, error, true);
  }

  private Dataset<Row> jsonLines(boolean needLabel) {
    String idKey = s.idColumn();
    String textKey = s.textColumn();
    String labelKey = s.labelColumn();
    String pairKey = s.pairColumn();
    Dataset<Row> lines = spark.read().text(s.input()).select(col("value"), input_file_name().as("file"));
    return lines.map((MapFunction<Row, Row>) r -> parseLine(r.getString(0), r.getString(1), idKey, textKey, labelKey,
        pairKey, needLabel), Encoders.row(pairKey == null ? INPUT : INPUT_WITH_PAIR));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One JSON line to an input row: INPUT, or INPUT_WITH_PAIR when pairKey is set (a missing pair field or one that is not
   * a string makes an error row, as for the text). Never throws; blank lines become error rows too (rows in == rows out).
   */
  static Row parseLine(String line, String file, String idKey, String textKey, String labelKey, String pairKey,
      boolean needLabel) {
    String where = "line \"" + abbreviate(line == null ? "" : line, 60) + "\" of " + file;
    JsonNode node;
    try {
      node = JSON.readTree(line == null ? "" : line.replace("\uFEFF", ""));
    } catch (JsonProcessingException e) {
      return malformed("not valid JSON (" + e.getOriginalMessage() + "): " + where, pairKey);
    }
    if (node == null || node.isMissingNode()) {
      return malformed("empty line in " + file, pairKey);
    }
    if (!node.isObject()) {
      return malformed("a JSON " + node.getNodeType().toString().toLowerCase(Locale.ROOT) + ", not an object: " + where,
          pairKey);
    }
    Row row = parseObject(node, idKey, textKey, labelKey, needLabel);
    if (pairKey == null) {
      return row;
    }
    JsonNode p = node.get(pairKey);
    RowError problem = p == null ? new RowError(RowError.NULL_TEXT, "the line has no field '" + pairKey + "'")
        : p.isTextual() || p.isNull() ? null : notAString(pairKey, p);
    return withPair(row, p != null && p.isTextual() ? p.textValue() : null, p != null, problem, pairKey);
  }

  private static Row parseObject(JsonNode node, String idKey, String textKey, String labelKey, boolean needLabel) {
    JsonNode idNode = node.get(idKey);
    String id = idNode == null || idNode.isNull() ? null : idNode.isValueNode() ? idNode.asText() : idNode.toString();
    JsonNode t = node.get(textKey);
    JsonNode l = node.get(labelKey);
    String labelRaw = l == null || l.isNull() ? null : l.isIntegralNumber() || l.isTextual() ? l.asText() : l.toString();
    Row base = normalize(id, t != null && t.isTextual() ? t.textValue() : null, labelRaw, needLabel);
    if (t != null && !t.isTextual() && !t.isNull() && base.isNullAt(3)) {
      RowError e = notAString(textKey, t);
      return RowFactory.create(id, null, base.get(2), e.status(), e.message(), true);
    }
    if (t == null) {
      return RowFactory.create(id, null, base.get(2), base.isNullAt(3) ? RowError.NULL_TEXT : base.get(3),
          base.isNullAt(3) ? "the line has no field '" + textKey + "'" : base.get(4), false);
    }
    return base;
  }

  /** invalid_text: a JSON value that is not a string; we never guess a text from it. */
  private static RowError notAString(String key, JsonNode v) {
    return new RowError(RowError.INVALID_TEXT, "'" + key + "' is a JSON " + v.getNodeType().toString()
        .toLowerCase(Locale.ROOT) + " (" + abbreviate(v.toString(), 40) + "), not a string");
  }

  private static Row malformed(String message, String pairKey) {
    Row row = RowFactory.create(null, null, null, RowError.MALFORMED_LINE, message, false);
    return pairKey == null ? row : withPair(row, null, false, null, pairKey);
  }

  private String column(Dataset<Row> df, String name, String role) {
    String c = find(df, name);
    if (c == null) {
      throw new JobException("input " + s.input() + " has no " + role + " column '" + name + "' (columns: "
          + String.join(", ", df.columns()) + "); name it with --" + role + "-column");
    }
    return c;
  }

  /** Exact name first, then ignoring case and a byte-order mark (CSV headers written by spreadsheets). */
  private static String find(Dataset<Row> df, String name) {
    List<String> cols = new ArrayList<>(Arrays.asList(df.columns()));
    if (cols.contains(name)) {
      return name;
    }
    for (String c : cols) {
      if (c.replace("\uFEFF", "").trim().equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  static String abbreviate(String v, int max) {
    return v.length() <= max ? v : v.substring(0, max) + "...";
  }
}
