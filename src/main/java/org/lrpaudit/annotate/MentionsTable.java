package org.lrpaudit.annotate;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The mentions table (one row per mention): id, start, end (UTF-16 offsets into the text, end exclusive, the relevance
 * table's convention), surface (= text.substring(start, end)), kind, lexicon.
 */
public final class MentionsTable {
  public static final String ID = "id";
  public static final String START = "start";
  public static final String END = "end";
  public static final String SURFACE = "surface";
  public static final String KIND = "kind";
  public static final String LEXICON = "lexicon";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ID, DataTypes.StringType, true),
      DataTypes.createStructField(START, DataTypes.IntegerType, false),
      DataTypes.createStructField(END, DataTypes.IntegerType, false),
      DataTypes.createStructField(SURFACE, DataTypes.StringType, false),
      DataTypes.createStructField(KIND, DataTypes.StringType, false),
      DataTypes.createStructField(LEXICON, DataTypes.StringType, false)});

  /** Folder of the table and name of the summary file, under the job's --output. */
  public static final String FOLDER = "mentions";
  public static final String SUMMARY = "annotate_summary.json";

  private MentionsTable() {
  }
}
