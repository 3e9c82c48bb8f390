package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.corpus.DataLayout;
import org.lrpaudit.corpus.NameFrequencies;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.probe.ProbeJob;
import org.lrpaudit.probe.ProbeSettings;
import picocli.CommandLine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

@Command(name = "probe", mixinStandardHelpOptions = true,
    description = {"Spark job: counterfactual name swaps. Every text of --input with a female_name or male_name mention "
        + "is explained (--method, default lrp-ah-ln, for the positive class) as it is and with each name swapped for a name of the other "
        + "gender of similar frequency (the same name always by the same name); the change of p(positive) and of the "
        + "names' relevance share are summarised per direction with bootstrap intervals and sign-flip p-values.",
        "Writes OUT/probe_pairs/ (Parquet, one row per text), OUT/probe_stats.csv and OUT/probe_summary.json (also "
        + "printed on standard output).",
        "Exit status: 0 done; 1 more texts failed than --max-error-rate allows (nothing written); 2 bad usage, input "
        + "or model, found before any compute."})
final class ProbeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeCommand.class);

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "HuggingFace model folder.")
  String model;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "Corpus with id and text (as explain reads it).")
  String input;

  @Option(names = "--mentions", required = true, paramLabel = "PATH", description = "Mentions table (id, start, end, kind).")
  String mentions;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder.")
  String output;

  @Option(names = "--positive-class", defaultValue = "1", description = "Class index whose probability and logit are probed (default ${DEFAULT-VALUE}).")
  int positiveClass;

  @Option(names = "--max-length", defaultValue = "512", description = "Tokens per text (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--method", defaultValue = "lrp-ah-ln", paramLabel = "METHOD",
      description = "Explanation method of both versions of a text (default ${DEFAULT-VALUE}; as explain's --methods).")
  String method;

  @Option(names = "--batch-tokens", defaultValue = "" + TokenBudget.DEFAULT_TOKENS, paramLabel = "N",
      description = "Padded tokens per batch (default ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(names = "--replicates", defaultValue = "1000", description = "Bootstrap replicates (default ${DEFAULT-VALUE}).")
  int replicates;

  @Option(names = "--permutations", defaultValue = "1000",
      description = "Random sign flips (default ${DEFAULT-VALUE}); exact when 2^n is at most this.")
  int permutations;

  @Option(names = "--seed", defaultValue = "20261126", description = "Seed of bootstrap and sign flips.")
  long seed;

  @Option(names = "--max-error-rate", defaultValue = "0.5", paramLabel = "SHARE",
      description = "Fail (exit 1, nothing written) when more than this share of the texts attempted fail for reasons "
          + "other than their own content (explain_failed, id_not_in_input). Default ${DEFAULT-VALUE}; 1 never fails.")
  double maxErrorRate;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*]).")
  String master;

  @Option(names = "--names", paramLabel = "FILE", description = "First-name table whose US births rank the names "
      + "for pairing (default: lexicons/first_names_en.tsv of the data folder, $LRP_AUDIT_DATA or data.dir, when "
      + "jobs/setup-data made it; 'none': rank names by the model's vocabulary id).")
  String names;

  private String namesTable() {
    if ("none".equals(names)) {
      return null;
    }
    if (names != null) {
      return names;
    }
    java.nio.file.Path f = DataLayout.fromEnvironment().lexicons().resolve(NameFrequencies.FILE);
    if (java.nio.file.Files.isRegularFile(f)) {
      return f.toString();
    }
    // Not silent: the pairing, and so every probe figure, differs from a run that found the table.
    LOG.warn("probe: no names table at {} (a driver in cluster deploy "
        + "mode needs -Dlrp-audit.home or LRP_AUDIT_DATA, or --names FILE): names are paired by vocabulary rank", f);
    return null;
  }

  @Override
  public Integer call() throws Exception {
    SparkCommands.embeddedTorchThreads(System.getProperty("spark.task.cpus", "1"));
    try (CommandSession session = SparkCommands.session("lrp-audit probe", master)) {
      SparkSession spark = session.spark();
      Map<String, Object> summary = new ProbeJob(spark).run(new ProbeSettings(model, input, mentions, output,
          positiveClass, maxLength, replicates, permutations, seed, maxErrorRate, namesTable(), method, batchTokens));
      System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
      return 0;
    }
  }
}
