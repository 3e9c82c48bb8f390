package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.explainjob.ExplainJob;
import org.lrpaudit.explainjob.ExplainSettings;
import picocli.CommandLine.Command;
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
  @Option(names = "--model", paramLabel = "DIR", description = "HuggingFace model folder (local or Hadoop FileSystem URI).")
  String model;

  @Option(names = "--input", paramLabel = "PATH", description = "Corpus file or folder.")
  String input;

  @Option(names = "--output", paramLabel = "PATH", description = "Relevance table folder.")
  String output;

  @Option(names = "--methods", paramLabel = "M,...",
      description = "Comma-separated: lrp-ah-ln, lrp-ah, lrp-ln, gi; baselines random, attn-last, rollout, gae, ig; "
          + "and forward (logits only). Default lrp-ah-ln.")
  String methods;

  @Option(names = "--ig-steps", paramLabel = "N", description = "Integrated Gradients steps (method ig; default 20).")
  Integer igSteps;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the random baseline (default 0).")
  Long seed;

  @Option(names = "--target", paramLabel = "TARGET",
      description = "predicted (default) | label (the row's gold label) | label:N | class:NAME.")
  String target;

  @Option(names = "--run-id", paramLabel = "ID",
      description = "Partition to write (default: a new id from the UTC time). An existing run is only replaced with --overwrite.")
  String runId;

  @Option(names = "--overwrite", description = "Replace the run --run-id if it exists (atomically on commit).")
  Boolean overwrite;

  @Option(names = "--format", paramLabel = "FMT", description = "Output format: parquet (default), jsonl, orc, delta (a Delta Lake table; a rerun of a run id replaces only its partition).")
  String format;

  @Option(names = "--input-format", paramLabel = "FMT", description = "auto (Delta table or file extension; default) | tsv | jsonl | a Spark data source name: parquet, csv, json, orc, delta, ...")
  String inputFormat;

  @Option(names = "--id-column", paramLabel = "NAME", description = "Default id.")
  String idColumn;

  @Option(names = "--text-column", paramLabel = "NAME", description = "Default text.")
  String textColumn;

  @Option(names = "--label-column", paramLabel = "NAME", description = "Optional gold label column (class index). Default label.")
  String labelColumn;

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

  @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows sorted by length together in a task (default 2048).")
  Integer chunkRows;

  @Option(names = "--partitions", paramLabel = "N", description = "Repartition the input into N (default 0: keep the input's, at least the default parallelism and "
          + "rows / partition-rows).")
  Integer partitions;

  @Option(names = "--partition-rows", paramLabel = "N",
      description = "Without --partitions: at most N rows per partition (default 5000; bounds executor memory).")
  Integer partitionRows;

  @Option(names = "--max-error-rate", paramLabel = "SHARE",
      description = "Fail (exit 1, nothing committed) when more than this share of the rows attempted fail for reasons "
          + "other than their own content (explain_failed, tokenize_failed; per method). Default 0.5; 1 never fails.")
  Double maxErrorRate;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Option(names = "--conf", paramLabel = "FILE", description = "Properties file with settings (keys as the options, and spark.*).")
  Path conf;

  @Override
  public Integer call() throws Exception {
    Properties p = ExplainSettings.defaults();
    // The repository root (jobs/lrp-audit and jobs/spark-submit set -Dlrp-audit.home); without it, built-in defaults.
    String home = System.getProperty("lrp-audit.home");
    if (home != null && Files.isRegularFile(Paths.get(home, "conf", "explain.properties"))) {
      p.putAll(ExplainSettings.read(Paths.get(home, "conf", "explain.properties")));
    }
    if (conf != null) {
      p.putAll(ExplainSettings.read(conf));
    }
    set(p, "model", model);
    set(p, "input", input);
    set(p, "output", output);
    set(p, "methods", methods);
    set(p, "target", target);
    set(p, "run-id", runId);
    set(p, "overwrite", overwrite);
    set(p, "format", format);
    set(p, "input-format", inputFormat);
    set(p, "id-column", idColumn);
    set(p, "text-column", textColumn);
    set(p, "label-column", labelColumn);
    set(p, "pair-column", pairColumn);
    set(p, "max-length", maxLength);
    set(p, "batch-tokens", batchTokens);
    set(p, "batch-rows", batchRows);
    set(p, "chunk-rows", chunkRows);
    set(p, "partitions", partitions);
    set(p, "partition-rows", partitionRows);
    set(p, "ig-steps", igSteps);
    set(p, "seed", seed);
    set(p, "max-error-rate", maxErrorRate);
    ExplainSettings settings = ExplainSettings.from(p);

    SparkSession.Builder builder = SparkCommands.builder("lrp-audit explain", master, p.getProperty("spark.master"));
    // spark-submit passes its settings as system properties; those win over our defaults.
    for (String key : p.stringPropertyNames()) {
      if (key.startsWith("spark.") && System.getProperty(key) == null) {
        builder.config(key, p.getProperty(key));
      }
    }
    SparkCommands.embeddedTorchThreads(System.getProperty("spark.task.cpus", p.getProperty("spark.task.cpus", "1")));
    try (CommandSession session = CommandSession.open(builder)) {
      SparkSession spark = session.spark();
      ExplainJob.ExplainSummary summary = new ExplainJob(spark).run(settings);
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      return 0;
    }
  }

  private static void set(Properties p, String key, Object value) {
    if (value != null) {
      p.setProperty(key, value.toString());
    }
  }
}
