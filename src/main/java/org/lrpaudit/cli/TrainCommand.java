package org.lrpaudit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrpaudit.train.LabeledCsv;
import org.lrpaudit.train.Trainer;
import org.lrpaudit.train.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Fine-tune a BERT or DistilBERT sequence classifier (encoder and head) on labelled texts with "
        + "AdamW, linear warm-up and decay, dropout off. Rows with split=train are trained on, split=validation is "
        + "scored after each epoch and split=test at the end. Writes a HuggingFace folder with training-report.json, "
        + "atomically (an interrupted run leaves nothing at --out). The same seed and thread count give the same weights."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--base", required = true, paramLabel = "DIR", description = "Model folder to start from.")
  String base;

  @Option(names = "--train", required = true, paramLabel = "CSV",
      description = "CSV with a header and the columns id, text, label (class index), split (train|validation|test).")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the trained model to.")
  Path out;

  @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training rows (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch-tokens", defaultValue = "1024",
      description = "Padded tokens per batch, rows x longest row (default ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(names = "--batch-rows", defaultValue = "32", description = "At most this many rows per batch (default ${DEFAULT-VALUE}).")
  int batchRows;

  @Option(names = "--warmup", defaultValue = "0.1", description = "Warm-up fraction of all steps (default ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--weight-decay", defaultValue = "0.01", description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--max-length", defaultValue = "128", description = "Longest token sequence (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for shuffling (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || lr <= 0 || batchTokens < 1 || batchRows < 1 || warmup < 0 || warmup > 1) {
      throw new IllegalArgumentException("--epochs, --lr, --batch-tokens and --batch-rows must be positive and "
          + "--warmup within [0, 1]");
    }
    Trainer.Settings s = new Trainer.Settings(epochs, lr, batchTokens, batchRows, warmup, weightDecay, seed, maxLength);
    TrainingReport r = new Trainer(s).train(base, LabeledCsv.read(data), data.toString(), out);
    System.err.printf("trained %s: test accuracy %s on %d rows, %.0f s; written to %s%n", r.modelId(),
        r.testAccuracy() == null ? "n/a" : String.format("%.4f", r.testAccuracy()), r.splitSizes().get("test"),
        r.trainSeconds(), out.toAbsolutePath());
    return 0;
  }
}
