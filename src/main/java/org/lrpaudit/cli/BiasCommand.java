package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.bias.BiasJob;
import org.lrpaudit.bias.BiasSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bias", mixinStandardHelpOptions = true,
    description = {"Spark job: join mentions to token relevance by character offsets and write bias statistics per kind "
        + "and per term (occurrences, documents, mean span relevance, mean relevance share, top-3 rate), split by "
        + "predicted class, with Poisson-bootstrap intervals; group gaps with permutation p-values; prediction rate, "
        + "accuracy and error rate by group (Fairlearn MetricFrame style).",
        "Writes OUT/bias_stats/ (Parquet, partitioned by run_id and method), OUT/bias_stats.csv and "
        + "OUT/bias_summary.json (also printed on standard output).",
        "Exit status: 0 done; 1 more mentions failed than --max-error-rate allows (nothing written); 2 bad usage or "
        + "input, found before the statistics are computed."})
final class BiasCommand implements Callable<Integer> {
  @Option(names = "--relevance", required = true, paramLabel = "PATH", description = "Relevance table (explain output).")
  String relevance;

  @Option(names = "--mentions", required = true, paramLabel = "PATH",
      description = "Mentions table: Parquet folder (or .csv/.json) with id, start, end (UTF-16, exclusive), surface, kind.")
  String mentions;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder.")
  String output;

  @Option(names = "--method", defaultValue = "lrp-ah-ln", description = "Relevance method partition (default ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--run-id", paramLabel = "ID", description = "Relevance run to read (default: the only one).")
  String runId;

  @Option(names = "--unit", defaultValue = "words", description = "words (default) or tokens: the relevance units spans are made of.")
  String unit;

  @Option(names = "--replicates", defaultValue = "1000", description = "Poisson-bootstrap replicates (default ${DEFAULT-VALUE}).")
  int replicates;

  @Option(names = "--permutations", defaultValue = "1000",
      description = "Random relabellings per permutation test (default ${DEFAULT-VALUE}); tests with at most this many "
          + "possible relabellings are exact.")
  int permutations;

  @Option(names = "--seed", defaultValue = "20261126", description = "Seed of bootstrap and permutations.")
  long seed;

  @Option(names = "--compare", defaultValue = BiasSettings.DEFAULT_COMPARE, paramLabel = "A:B,...",
      description = "Kind pairs to compare (default ${DEFAULT-VALUE}), e.g. female_name:male_name,organization:country.")
  String compare;

  @Option(names = "--positive-class", paramLabel = "N", description = "Class index counted by prediction_rate (default 1).")
  String positiveClass;

  @Option(names = "--top-terms", defaultValue = "20", description = "Terms listed in the summary (default ${DEFAULT-VALUE}).")
  int topTerms;

  @Option(names = "--permutation-unit", defaultValue = "mention",
      description = "mention (default): relabel mentions one by one; term: relabel each (kind, term) with all its "
          + "mentions, for 'does the model treat these groups of names differently' beyond the names at hand.")
  String permutationUnit;

  @Option(names = "--group-col", paramLabel = "COL[,COL]", split = ",",
      description = "Split every statistic by these columns (e.g. language, source, date), beside the kinds: each "
          + "becomes a column of bias_stats, and headlines get a [COL=value] suffix. Read from the relevance table, "
          + "or from --corpus where the relevance table lacks them.")
  java.util.List<String> groupCols = new java.util.ArrayList<>();

  @Option(names = "--corpus", paramLabel = "PATH",
      description = "Corpus (id and the --group-col columns) joined to the relevance rows by id for --group-col.")
  String corpus;

  @Option(names = "--overwrite", description = "Replace the run's partition of bias_stats if it exists.")
  boolean overwrite;

  @Option(names = "--max-error-rate", defaultValue = "0.5", paramLabel = "SHARE",
      description = "Fail (exit 1, nothing written) when more than this share of the mentions attempted cannot be "
          + "joined for reasons other than their own content: id_not_in_relevance (tables of different corpora or "
          + "runs), or a relevance row that failed for the model (explain_failed). Default ${DEFAULT-VALUE}; 1 never fails.")
  double maxErrorRate;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master (default local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    if (positiveClass != null && !positiveClass.matches("\\d+")) {
      throw new IllegalArgumentException("--positive-class takes a class index, not '" + positiveClass + "'");
    }
    BiasSettings s = new BiasSettings(relevance, mentions, output, method, runId, unit, replicates, permutations, seed,
        BiasSettings.parseCompare(compare), positiveClass, topTerms, overwrite, permutationUnit, maxErrorRate,
        groupCols, corpus);
    try (CommandSession session = SparkCommands.session("lrp-audit bias", master)) {
      SparkSession spark = session.spark();
      Map<String, Object> summary = new BiasJob(spark).run(s);
      System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
      return 0;
    }
  }
}
