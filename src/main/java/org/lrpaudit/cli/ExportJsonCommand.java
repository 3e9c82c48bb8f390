package org.lrpaudit.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.report.JsonExport;
import org.lrpaudit.runtime.JobException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export-json", mixinStandardHelpOptions = true,
    description = {"A table lrp-audit wrote (e.g. a relevance or image relevance table) as JSON lines, for readers "
        + "without Parquet (pandas without pyarrow): Spark part files in --output, every column a field.",
        "Prints the rows written on standard output."})
final class ExportJsonCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "DIR", description = "The table.")
  String input;

  @Option(names = "--input-format", paramLabel = "FORMAT", defaultValue = "parquet",
      description = "Its Spark data source (default parquet).")
  String format;

  @Option(names = "--run-id", paramLabel = "ID", description = "Only this run (default: every row).")
  String runId;

  @Option(names = "--output", required = true, paramLabel = "DIR",
      description = "Folder of JSON part files; replaced when it is a table folder Spark wrote, else refused.")
  String output;

  @Override
  public Integer call() {
    CommandSession spark = null;
    try {
      spark = CommandSession.open(SparkSession.builder().appName("lrp-audit export-json").master("local[1]")
          .config("spark.ui.enabled", "false"));
      System.out.println(JsonExport.write(spark.spark(), input, format, runId, output));
      return 0;
    } catch (AuditException | JobException e) {
      System.err.println("lrp-audit export-json: error: " + e.getMessage());
      return 2;
    } finally {
      if (spark != null) {
        spark.close();
      }
    }
  }
}
