package org.lrpaudit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.explainjob.ImageExplainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "explain-images", mixinStandardHelpOptions = true,
    description = {"Spark job: explain every image of a folder of image files (PNG, JPEG, BMP, GIF; read recursively "
        + "with Spark's binaryFile source, id = the file's path) or of a table with an encoded-image column, an id and "
        + "an optional label (Parquet, ORC, Delta, ...), with an image classifier (model_type vit), and write the image "
        + "relevance table, partitioned by run_id and method (columns in docs/jobs.md).",
        "Every image gives one row per method; an image that cannot be decoded or explained gets an error status "
        + "(empty_image, undecodable_image, image_too_small, image_too_large, image_size_mismatch, missing_id, "
        + "bad_target, explain_failed) and a message naming it. A run becomes visible only when complete. Prints a "
        + "JSON summary on standard output.",
        "Exit status: 0 done; 1 more images failed than --max-error-rate allows (nothing committed); 2 bad usage, "
        + "input or model, found before any compute."})
final class ExplainImagesCommand implements Callable<Integer> {
  @Mixin
  JobOptions job = new JobOptions();

  @Option(names = "--image-column", paramLabel = "NAME", description = "Table input: encoded-image column (default image).")
  String imageColumn;

  @Option(names = "--batch-images", paramLabel = "N", description = "Images per batch (default 16).")
  Integer batchImages;

  @Override
  public Integer call() throws Exception {
    Properties p = ExplainSettings.defaults();
    p.setProperty("text-column", "image");
    p.setProperty("batch-rows", "16");
    p.setProperty("chunk-rows", "256");
    job.readConf(p);
    job.apply(p);
    JobOptions.set(p, "text-column", imageColumn);
    JobOptions.set(p, "batch-rows", batchImages);
    ExplainSettings settings = ExplainSettings.from(p);
    try (CommandSession session = SparkCommands.jobSession("lrp-audit explain-images", job.master, p)) {
      ImageExplainJob.Summary summary = new ImageExplainJob(session.spark()).run(settings);
      System.out.println(new ObjectMapper().writeValueAsString(summary));
      return Main.OK;
    }
  }
}
