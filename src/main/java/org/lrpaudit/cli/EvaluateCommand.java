package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.eval.EvaluateJob;
import org.lrpaudit.eval.EvaluateSettings;
import org.lrpaudit.eval.EvaluationSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Spark job: faithfulness of explanation methods on a labelled corpus (method.md, 'Faithfulness'): the "
        + "activation task (AUAC) and the pruning task (AU-MSE, AUPC), relevance explaining the gold label's logit.",
        "Writes OUTPUT/texts (Parquet, per text and method), OUTPUT/curves (Parquet, mean curves), summary.json, "
        + "summary.csv, curves.svg and curves.png, all at once when the job succeeds. Prints summary.json.",
        "Exit status: 0 done; 1 more rows failed than --max-error-rate allows (nothing written); 2 bad usage, input "
        + "or model, found before any compute."})
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "HuggingFace model folder.")
  String model;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Labelled corpus (Parquet, CSV/TSV with a header, or JSON lines) with id, text and label columns.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder (absent or empty, "
      + "or an earlier evaluate output with --overwrite; any other folder is refused).")
  String output;

  @Option(names = "--methods", paramLabel = "M,...", split = ",",
      description = "Methods to compare (default: all nine: lrp-ah-ln, lrp-ah, lrp-ln, gi, random, attn-last, rollout, "
          + "gae, ig).")
  List<String> methods;

  @Option(names = "--steps", defaultValue = "11", paramLabel = "S",
      description = "Fractions 0, 1/(S-1), ..., 1 (default ${DEFAULT-VALUE}: 0, 0.1, ..., 1).")
  int steps;

  @Option(names = "--limit", defaultValue = "0", paramLabel = "N", description = "Evaluate the first N rows only (0: all).")
  long limit;

  @Option(names = "--split", paramLabel = "S,...", split = ",",
      description = "Only rows whose split column holds one of these values (e.g. validation,test).")
  List<String> split;

  @Option(names = "--split-column", defaultValue = "split", paramLabel = "NAME", description = "Default ${DEFAULT-VALUE}.")
  String splitColumn;

  @Option(names = "--keep-special", description = "Never replace [CLS] and [SEP] (default: the paper's protocol, which "
      + "perturbs them like any token).")
  boolean keepSpecial;

  @Option(names = "--ig-steps", defaultValue = "20", paramLabel = "N", description = "Integrated Gradients steps.")
  int igSteps;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the random baseline.")
  long seed;

  @Option(names = "--overwrite", description = "Replace an earlier evaluate output (atomically, when the job succeeds).")
  boolean overwrite;

  @Option(names = "--input-format", defaultValue = "auto", paramLabel = "FMT", description = "auto | tsv | jsonl | a Spark data source name: parquet, csv, json, orc, delta, ...")
  String inputFormat;

  @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME")
  String idColumn;

  @Option(names = "--text-column", defaultValue = "text", paramLabel = "NAME")
  String textColumn;

  @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME")
  String labelColumn;

  @Option(names = {"--pair-column", "--pair-col"}, paramLabel = "NAME",
      description = "Column holding the second text of a sentence pair (NLI: text = premise, pair = hypothesis), as in "
          + "explain; every row is then evaluated as the pair: the tokens of both texts are perturbed, the special "
          + "tokens never are (as --keep-special). A row whose pair is null, empty or not valid text is a skipped row. "
          + "Default: none (single texts).")
  String pairColumn;

  @Option(names = "--max-length", defaultValue = "512", paramLabel = "N", description = "Tokens per text.")
  int maxLength;

  @Option(names = "--batch-tokens", defaultValue = "4096", paramLabel = "N", description = "Padded tokens per batch.")
  int batchTokens;

  @Option(names = "--batch-rows", defaultValue = "64", paramLabel = "N", description = "Rows per batch at most.")
  int batchRows;

  @Option(names = "--chunk-rows", defaultValue = "256", paramLabel = "N",
      description = "Texts evaluated together in a task (their perturbed inputs are batched together).")
  int chunkRows;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "N", description = "0: the default parallelism.")
  int partitions;

  @Option(names = "--max-error-rate", defaultValue = "0.5", paramLabel = "SHARE",
      description = "Fail (exit 1, nothing written) when more than this share of the rows attempted fail for reasons "
          + "other than their own content (explain_failed, tokenize_failed; per method). Default ${DEFAULT-VALUE}; 1 "
          + "never fails.")
  double maxErrorRate;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    EvaluateSettings s = new EvaluateSettings(model, input, output, inputFormat, idColumn, textColumn, labelColumn,
        split, splitColumn, methods == null ? EvaluateSettings.ALL_METHODS : methods.stream().map(String::trim).toList(),
        steps, limit, keepSpecial, igSteps, seed, maxLength, batchTokens, batchRows, chunkRows, partitions, overwrite,
        maxErrorRate, pairColumn);
    SparkCommands.embeddedTorchThreads(System.getProperty("spark.task.cpus", "1"));
    try (CommandSession session = SparkCommands.session("lrp-audit evaluate", master)) {
      SparkSession spark = session.spark();
      EvaluationSummary summary = new EvaluateJob(spark).run(s);
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      return 0;
    }
  }
}
