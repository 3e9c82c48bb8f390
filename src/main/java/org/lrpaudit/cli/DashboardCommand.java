package org.lrpaudit.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.report.DashboardJob;
import org.lrpaudit.report.ImageChoice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
    description = {"Static bias dashboard of an audit: DIR/index.html, self-contained (no script, no external "
        + "resource), from the audit history and the stage outputs the audit record points to (README, \"Dashboard\").",
        "With --image-relevance, also (or, without --history, only) image explanations: each image beside its "
        + "methods' patch heatmaps, from an explain-images table.",
        "Prints the page's path on standard output."})
final class DashboardCommand implements Callable<Integer> {
  @Option(names = "--history", paramLabel = "DIR",
      description = "The audit history folder (needed unless --image-relevance is given).")
  Path history;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder for index.html.")
  Path output;

  @Option(names = "--audit-id", paramLabel = "ID", description = "Audit to show (default: the latest).")
  String auditId;

  @Option(names = "--examples", paramLabel = "N", defaultValue = "8",
      description = "Example texts as heatmaps, the most confident of each predicted class in turn (default 8).")
  int examples;

  @Option(names = "--example-ids", paramLabel = "ID,...", split = ",",
      description = "Ids of texts to show first.")
  List<String> exampleIds = new ArrayList<>();

  @Mixin
  ImageChoiceOptions image = new ImageChoiceOptions();

  @Option(names = "--image-faithfulness", paramLabel = "PATH",
      description = "an evaluate-images output folder (or its summary.json), or evaluate-idx's JSON lines: the "
          + "patch- and pixel-flipping scores as a table, method x unit (AUAC, AU-MSE).")
  Path imageFaithfulness;

  @Override
  public Integer call() throws Exception {
    ImageChoice imageChoice = image.choice();
    if (history == null && imageChoice == null) {
      System.err.println("lrp-audit dashboard: error: give --history (an audit) or --image-relevance (images), or "
          + "both");
      return 2;
    }
    if (imageChoice == null && (imageFaithfulness != null || !image.ids.isEmpty() || image.runId != null)) {
      System.err.println("lrp-audit dashboard: error: --image-ids, --image-run-id and --image-faithfulness need "
          + "--image-relevance");
      return 2;
    }
    CommandSession[] spark = new CommandSession[1];
    try {
      Path page = DashboardJob.write(history, auditId, output, examples, exampleIds, imageChoice, imageFaithfulness,
          () -> {
        spark[0] = CommandSession.open(SparkSession.builder().appName("lrp-audit dashboard").master("local[1]")
            .config("spark.ui.enabled", "false"));
        return spark[0].spark();
      });
      System.out.println(page.toAbsolutePath());
      return 0;
    } catch (AuditException e) {
      System.err.println("lrp-audit dashboard: error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("lrp-audit dashboard: error: cannot write the dashboard to " + output + ": " + e);
      return 2;
    } finally {
      if (spark[0] != null) {
        spark[0].close();
      }
    }
  }
}
