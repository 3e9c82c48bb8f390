package org.lrpaudit.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.runtime.CsvInput;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.OutputFolders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "slot-mentions", mixinStandardHelpOptions = true,
    description = {"Writes a mentions table (id, start, end, surface, kind, lexicon) from the planted probe slots of an "
        + "audit corpus (slot_kind, slot_start, slot_end, slot_value): mentions whose offsets are known by construction, "
        + "for the bias and probe jobs without the annotate job, and as a reference for it."})
final class SlotMentionsCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "CSV", description = "audit_corpus.csv (or .parquet).")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Mentions Parquet folder (replaced if it is one; any other non-empty folder is refused).")
  String output;

  @Override
  public Integer call() {
    try (CommandSession session = SparkCommands.session("lrp-audit slot-mentions", null)) {
      SparkSession spark = session.spark();
      Dataset<Row> in = input.endsWith(".parquet") ? spark.read().parquet(input)
          : spark.read().option("header", "true").option("multiLine", "true").option("escape", "\"").csv(input);
      if (!input.endsWith(".parquet")) {
        CsvInput.requireWellFormed(spark, in, input, ',', "id");
      }
      for (String c : new String[] {"id", "slot_kind", "slot_start", "slot_end", "slot_value"}) {
        if (!java.util.Arrays.asList(in.columns()).contains(c)) {
          throw new JobException(input + " lacks column " + c + " (it is not an audit corpus with probe slots)");
        }
      }
      Dataset<Row> m = in.where(col("slot_kind").isNotNull().and(col("slot_kind").notEqual("")))
          .select(col("id").cast("string"), col("slot_start").cast("int").as("start"), col("slot_end").cast("int").as("end"),
              col("slot_value").as("surface"), col("slot_kind").as("kind"), lit("probe-slots").as("lexicon"));
      // SaveMode.Overwrite deletes the whole folder first: only an empty folder or a table Spark wrote may be there.
      org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
      try {
        OutputFolders.requireReplaceableTable(out.getFileSystem(spark.sparkContext().hadoopConfiguration()), out,
            "--output");
      } catch (java.io.IOException e) {
        throw new JobException("cannot open " + output + " (" + e.getMessage() + ")", e);
      }
      m.coalesce(1).write().mode(SaveMode.Overwrite).parquet(output);
      System.out.println("{\"mentions\": " + spark.read().parquet(output).count() + "}");
      return 0;
    }
  }
}
