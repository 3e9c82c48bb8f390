package org.lrpaudit.cli;

import java.nio.file.Path;
import java.util.Properties;
import org.lrpaudit.explainjob.ExplainSettings;
import picocli.CommandLine.Option;

/**
 * The options explain and explain-images share (a picocli mixin): where the model, input and output are, which methods
 * and target, the run, the partitioning, the error rate and the Spark master. Each sets the ExplainSettings key of its
 * name when given; what is not given keeps the value of the defaults and --conf FILE.
 */
final class JobOptions {
  @Option(names = "--model", paramLabel = "DIR", description = "HuggingFace model folder (local or Hadoop FileSystem URI).")
  String model;

  @Option(names = "--input", paramLabel = "PATH", description = "Input file, folder or table.")
  String input;

  @Option(names = "--output", paramLabel = "PATH", description = "Relevance table folder.")
  String output;

  @Option(names = "--methods", paramLabel = "M,...",
      description = "Comma-separated: lrp-ah-ln, lrp-ah, lrp-ln, gi; baselines random, attn-last, rollout, gae, ig; "
          + "and (texts only) forward (logits only). Default lrp-ah-ln.")
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

  @Option(names = "--input-format", paramLabel = "FMT", description = "auto (default; texts: Delta table or file extension; images: Parquet for .parquet, else image files) | tsv | jsonl | binaryFile | a Spark data source name: parquet, csv, json, orc, delta, ...")
  String inputFormat;

  @Option(names = "--id-column", paramLabel = "NAME", description = "Default id.")
  String idColumn;

  @Option(names = "--label-column", paramLabel = "NAME", description = "Optional gold label column (class index). Default label.")
  String labelColumn;

  @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows taken together in a task (default 2048 texts, 256 images).")
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

  /** The given options into p (after the defaults and --conf were put there). */
  void apply(Properties p) {
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
    set(p, "label-column", labelColumn);
    set(p, "chunk-rows", chunkRows);
    set(p, "partitions", partitions);
    set(p, "partition-rows", partitionRows);
    set(p, "ig-steps", igSteps);
    set(p, "seed", seed);
    set(p, "max-error-rate", maxErrorRate);
  }

  /** --conf FILE's settings over p. */
  void readConf(Properties p) {
    if (conf != null) {
      p.putAll(ExplainSettings.read(conf));
    }
  }

  static void set(Properties p, String key, Object value) {
    if (value != null) {
      p.setProperty(key, value.toString());
    }
  }
}
