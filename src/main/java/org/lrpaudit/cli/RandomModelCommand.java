package org.lrpaudit.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lrpaudit.model.RandomCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "random-model", mixinStandardHelpOptions = true,
    description = "Write a seeded, randomly initialised classifier of any supported family in the HuggingFace layout "
        + "(for smoke tests and benchmarks: its predictions mean nothing).")
final class RandomModelCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write.")
  Path out;

  @Option(names = "--type", defaultValue = "bert", description = "Any supported model_type: bert, distilbert, roberta, xlm-roberta, electra, albert, deberta-v2, "
      + "modernbert, vit (default ${DEFAULT-VALUE}).")
  String type;

  @Option(names = "--image-size", defaultValue = "32", description = "vit: image side in pixels (default ${DEFAULT-VALUE}).")
  int imageSize;

  @Option(names = "--patch-size", defaultValue = "4", description = "vit: patch side in pixels (default ${DEFAULT-VALUE}).")
  int patchSize;

  @Option(names = "--channels", defaultValue = "3", description = "vit: 1 (grayscale) or 3 (RGB; default ${DEFAULT-VALUE}).")
  int channels;

  @Option(names = "--layers", defaultValue = "2", description = "Encoder layers (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--hidden", defaultValue = "64", description = "Hidden size (default ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--heads", defaultValue = "4", description = "Attention heads (default ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--ffn", defaultValue = "128", description = "Feed-forward size (default ${DEFAULT-VALUE}).")
  int ffn;

  @Option(names = "--zero-biases", description = "All biases and LayerNorm betas 0 (then lrp-ah-ln is exactly conservative).")
  boolean zeroBiases;

  @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    if (!org.lrpaudit.model.ModelFamilies.modelTypes().contains(type)) {
      throw new IllegalArgumentException("--type must be one of " + org.lrpaudit.model.ModelFamilies.modelTypes()
          + ", not '" + type + "'");
    }
    RandomCheckpoint.Spec spec = RandomCheckpoint.spec(type, layers, hidden, heads, ffn, zeroBiases, seed);
    if (org.lrpaudit.model.ModelFamilies.textModelTypes().contains(type)) {
      RandomCheckpoint.write(spec, out);
    } else {
      // The config checks of a loaded checkpoint (channels, multiple of the patch) apply when the folder is written.
      RandomCheckpoint.write(spec, new RandomCheckpoint.ImageSpec(imageSize, patchSize, channels), out);
    }
    System.err.println("wrote " + out.toAbsolutePath());
    return 0;
  }
}
