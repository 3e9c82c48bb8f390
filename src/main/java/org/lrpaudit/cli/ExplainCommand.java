package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.explainjob.ExplainJob;
import org.lrpaudit.explainjob.ExplainSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "explain", mixinStandardHelpOptions = true,
    description = {"Spark job: explain every row of a corpus (Parquet, CSV/TSV with a header, or JSON lines; any Hadoop "
        + "FileSystem path) and write the relevance table, partitioned by run_id and method (schema in the README).",
        "Runs embedded on local[*] unless a master is given (--master, or spark-submit's). Every input row gives one "
        + "row per method; rows that cannot be explained get an error status. Prints a JSON summary on standard output.",
        "Exit status: 0 done; 1 more rows failed than --max-error-rate allows (nothing committed); 2 bad usage, input "
        + "or model, found before any compute.",
        "Settings: conf/explain.properties, then --conf FILE, then these options (option names are the keys; "
        + "spark.* keys go to Spark)."})
final class ExplainCommand implements Callable<Integer> {
  @Mixin
  JobOptions job = new JobOptions();

  @Option(names = "--text-column", paramLabel = "NAME", description = "Default text.")
  String textColumn;

  @Option(names = {"--pair-column", "--pair-col"}, paramLabel = "NAME",
      description = "Column holding the second text of a sentence pair (NLI: text = premise, pair = hypothesis); every "
          + "row is then explained as the pair. A row whose pair is null, empty or not valid text is an error row. "
          + "Default: none (single texts).")
  String pairColumn;

  @Option(names = "--max-length", paramLabel = "N", description = "Tokens per text, [CLS]/[SEP] included (default 512, capped by the model).")
  Integer maxLength;

  @Option(names = "--batch-tokens", paramLabel = "N", description = "Padded tokens per batch (default 4096).")
  Integer batchTokens;

  @Option(names = "--batch-rows", paramLabel = "N", description = "Rows per batch at most (default 64).")
  Integer batchRows;

  @Override
  public Integer call() throws Exception {
    Properties p = ExplainSettings.defaults();
    // The repository root (jobs/lrp-audit and jobs/spark-submit set -Dlrp-audit.home); without it, built-in defaults.
    String home = System.getProperty("lrp-audit.home");
    if (home != null && Files.isRegularFile(Paths.get(home, "conf", "explain.properties"))) {
      p.putAll(ExplainSettings.read(Paths.get(home, "conf", "explain.properties")));
    }
    job.readConf(p);
    job.apply(p);
    JobOptions.set(p, "text-column", textColumn);
    JobOptions.set(p, "pair-column", pairColumn);
    JobOptions.set(p, "max-length", maxLength);
    JobOptions.set(p, "batch-tokens", batchTokens);
    JobOptions.set(p, "batch-rows", batchRows);
    ExplainSettings settings = ExplainSettings.from(p);

    try (CommandSession session = SparkCommands.jobSession("lrp-audit explain", job.master, p)) {
      SparkSession spark = session.spark();
      ExplainJob.ExplainSummary summary = new ExplainJob(spark).run(settings);
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      return 0;
    }
  }
}
