package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrpaudit.eval.ImageEvaluateJob;
import org.lrpaudit.eval.ImageEvaluateSettings;
import org.lrpaudit.eval.ImageEvaluationSummary;
import org.lrpaudit.explainjob.ImageSource;
import org.lrpaudit.runtime.RowErrors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate-images", mixinStandardHelpOptions = true,
    description = {"Spark job: faithfulness of explanation methods for an image classifier (model_type vit) on labelled "
        + "images, the image twin of evaluate: the paper's activation task (AUAC) and pruning task (AU-MSE, AUPC) with "
        + "patches (--unit patch) or pixels (--unit pixel) in place of tokens; a removed unit's processed pixels are set "
        + "to 0, the processor's mean; the gold label's logit is explained.",
        "Input as explain-images reads it: a folder of image files (gold label from the file name, e.g. "
        + "00042-label-7.png as idx-to-png writes) or a table with id, encoded-image and label columns.",
        "Writes OUTPUT/images (Parquet, per image, method and unit), OUTPUT/curves (Parquet, mean curves), summary.json, "
        + "summary.csv and curves-UNIT.svg/png, all at once when the job succeeds. Prints summary.json.",
        "Exit status: 0 done; 1 more images failed than --max-error-rate allows (nothing written); 2 bad usage, input "
        + "or model, found before any compute."})
final class EvaluateImagesCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "ViT folder (local or Hadoop URI).")
  String model;

  @Option(names = "--input", required = true, paramLabel = "PATH",
      description = "Folder of image files (PNG, JPEG, BMP, GIF; read recursively), or a table of encoded images.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder (absent or empty, "
      + "or an earlier evaluate-images output with --overwrite; any other folder is refused).")
  String output;

  @Option(names = "--methods", paramLabel = "M,...", split = ",",
      description = "Methods to compare (default: all nine: lrp-ah-ln, lrp-ah, lrp-ln, gi, random, attn-last, rollout, "
          + "gae, ig).")
  List<String> methods;

  @Option(names = "--unit", paramLabel = "U,...", split = ",", defaultValue = "patch",
      description = "patch (default), pixel, or patch,pixel (each image explained once, flipped in both). Pixels are "
          + "ranked by the pixel-level Gradient x Input of the method's graph (gi, lrp-*), or by the patch relevance "
          + "spread over the patch (the baselines).")
  List<String> units;

  @Option(names = "--steps", defaultValue = "11", paramLabel = "S",
      description = "Fractions 0, 1/(S-1), ..., 1 (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--ig-steps", defaultValue = "20", paramLabel = "N", description = "Integrated Gradients steps.")
  int igSteps;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "N", description = "Seed of the random baseline.")
  long seed;

  @Option(names = "--overwrite", description = "Replace an earlier evaluate-images output (atomically, when the job "
      + "succeeds).")
  boolean overwrite;

  @Option(names = "--input-format", defaultValue = "auto", paramLabel = "FMT", description = "auto (Parquet for a "
      + ".parquet path or a folder of .parquet files, else image files) | binaryFile | parquet, orc, delta, ...")
  String inputFormat;

  @Option(names = "--id-column", defaultValue = "id", paramLabel = "NAME", description = "Table input: id column.")
  String idColumn;

  @Option(names = "--image-column", defaultValue = "image", paramLabel = "NAME",
      description = "Table input: encoded-image column (default ${DEFAULT-VALUE}).")
  String imageColumn;

  @Option(names = "--label-column", defaultValue = "label", paramLabel = "NAME",
      description = "Table input: gold label column, a class index (default ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(names = "--label-pattern", defaultValue = ImageSource.FILE_LABEL, paramLabel = "REGEX",
      description = "Folder input: a Java regular expression whose first group, found in a file's name, is its gold "
          + "label (default ${DEFAULT-VALUE}); a file without one is a no_label row.")
  String labelPattern;

  @Option(names = "--batch-images", defaultValue = "16", paramLabel = "N",
      description = "Images explained per batch; their perturbed copies run in batches of the same size.")
  int batchImages;

  @Option(names = "--chunk-rows", defaultValue = "64", paramLabel = "N",
      description = "Images decoded together in a task (default ${DEFAULT-VALUE}).")
  int chunkRows;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "N", description = "0: the default parallelism.")
  int partitions;

  @Option(names = "--max-error-rate", defaultValue = "0.5", paramLabel = "SHARE",
      description = "Fail (exit 1, nothing written) when more than this share of the images attempted fail for reasons "
          + "other than their own content (explain_failed; per method). Default ${DEFAULT-VALUE}; 1 never fails.")
  double maxErrorRate = RowErrors.DEFAULT_MAX_ERROR_RATE;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit (default local[*]).")
  String master;

  @Override
  public Integer call() throws Exception {
    ImageEvaluateSettings s = new ImageEvaluateSettings(model, input, output, inputFormat, idColumn, imageColumn,
        labelColumn, labelPattern, methods == null ? org.lrpaudit.eval.EvaluateSettings.ALL_METHODS : methods, units,
        steps, igSteps, seed, batchImages, chunkRows, partitions, overwrite, maxErrorRate);
    SparkCommands.embeddedTorchThreads(System.getProperty("spark.task.cpus", "1"));
    try (CommandSession session = SparkCommands.session("lrp-audit evaluate-images", master)) {
      ImageEvaluationSummary summary = new ImageEvaluateJob(session.spark()).run(s);
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      return Main.OK;
    }
  }
}
