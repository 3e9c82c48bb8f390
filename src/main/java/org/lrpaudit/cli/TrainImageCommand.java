package org.lrpaudit.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrpaudit.corpus.IdxImages;
import org.lrpaudit.train.ImageTrainer;
import org.lrpaudit.train.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train-image", mixinStandardHelpOptions = true,
    description = {"Train a ViT image classifier (model_type vit) on gray images in IDX files (Fashion-MNIST, MNIST) "
        + "with the same loop as train: cross-entropy, AdamW, linear warm-up and decay, dropout off. Starts from a "
        + "random ViT of the given sizes (or --base). The last --validation training images are held out and scored "
        + "after each epoch, the test images at the end. Writes a HuggingFace folder (config.json, model.safetensors, "
        + "preprocessor_config.json, training-report.json) atomically. The same seed and thread count give the same "
        + "weights."})
final class TrainImageCommand implements Callable<Integer> {
  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "Folder with train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
          + "t10k-labels-idx1-ubyte (each plain or .gz), as jobs/setup-data dataset-fashion-mnist leaves them.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write the trained model to.")
  Path out;

  @Option(names = "--base", paramLabel = "DIR",
      description = "A ViT folder to fine-tune instead of a random start (its image size and labels must fit).")
  String base;

  @Option(names = "--class-names", split = ",", paramLabel = "NAME",
      description = "Class names by label index (default: Fashion-MNIST's ten).")
  List<String> classNames = IdxImages.FASHION_MNIST_LABELS;

  @Option(names = "--patch-size", defaultValue = "7", description = "Patch side in pixels (default ${DEFAULT-VALUE}).")
  int patchSize;

  @Option(names = "--layers", defaultValue = "3", description = "Encoder layers (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--hidden", defaultValue = "64", description = "Hidden size (default ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--intermediate", defaultValue = "128", description = "FFN size (default ${DEFAULT-VALUE}).")
  int intermediate;

  @Option(names = "--epochs", defaultValue = "3", description = "Passes over the training images (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--lr", defaultValue = "2e-3", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--batch-images", defaultValue = "64", description = "Images per batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--warmup", defaultValue = "0.05", description = "Warm-up fraction of all steps (default ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--weight-decay", defaultValue = "0.05", description = "AdamW weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--validation", defaultValue = "5000",
      description = "Training images held out for validation, from the end of the file (default ${DEFAULT-VALUE}).")
  int validation;

  @Option(names = "--max-train", paramLabel = "N",
      description = "Train on the first N of the remaining training images only (default: all).")
  Integer maxTrain;

  @Option(names = "--max-test", paramLabel = "N", description = "Score the first N test images only (default: all).")
  Integer maxTest;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation and shuffling (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    ImageTrainer.Settings s = new ImageTrainer.Settings(epochs, lr, batch, warmup, weightDecay, seed);
    int classes = classNames.size();
    ImageTrainer.Labeled all = new ImageTrainer.Labeled(IdxImages.readImages(idx(data, "train-images-idx3-ubyte")),
        IdxImages.readLabels(idx(data, "train-labels-idx1-ubyte"), classes));
    ImageTrainer.Labeled test = new ImageTrainer.Labeled(IdxImages.readImages(idx(data, "t10k-images-idx3-ubyte")),
        IdxImages.readLabels(idx(data, "t10k-labels-idx1-ubyte"), classes));
    if (validation < 0 || validation >= all.size()) {
      throw new IllegalArgumentException("--validation " + validation + " must be below the " + all.size()
          + " training images");
    }
    int trainEnd = all.size() - validation;
    int trainCount = maxTrain == null ? trainEnd : Math.min(trainEnd, Math.max(0, maxTrain));
    int testCount = maxTest == null ? test.size() : Math.min(test.size(), Math.max(0, maxTest));
    if (all.images().rows() != all.images().cols()) {
      throw new IllegalArgumentException(data + ": images are " + all.images().cols() + "x" + all.images().rows()
          + "; train-image makes square ViTs");
    }
    ImageTrainer.Architecture a = new ImageTrainer.Architecture(layers, hidden, heads, intermediate,
        all.images().rows(), patchSize, 1);
    ImageTrainer.Trained t = new ImageTrainer(s).train(base, a, classNames, all.range(0, trainCount),
        all.range(trainEnd, all.size()), test.range(0, testCount), data.toString(), out);
    TrainingReport r = t.report();
    System.err.printf("trained %s: test accuracy %s on %d images, %.0f s; written to %s%n", r.modelId(),
        r.testAccuracy() == null ? "n/a" : String.format("%.4f", r.testAccuracy()), r.splitSizes().get("test"),
        r.trainSeconds(), out.toAbsolutePath());
    return Main.OK;
  }

  /** name or name.gz in dir. */
  static Path idx(Path dir, String name) {
    Path gz = dir.resolve(name + ".gz");
    return Files.exists(gz) ? gz : dir.resolve(name);
  }
}
