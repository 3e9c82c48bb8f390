package org.lrpaudit.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.lrpaudit.corpus.IdxImages;
import org.lrpaudit.eval.FlipUnit;
import org.lrpaudit.eval.ImageFaithfulness;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.ImageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "evaluate-idx", mixinStandardHelpOptions = true,
    description = {"Patch (or pixel) flipping for an image classifier (model_type vit) on labelled IDX images "
        + "(Fashion-MNIST, MNIST), in this JVM: the paper's activation and pruning tasks with patches in place of tokens "
        + "(a removed patch's processed pixels are set to 0, the processor's mean), gold-label logit explained. Prints "
        + "one JSON object per method and unit: method, unit, images, auac (higher: more faithful), au_mse (lower: more "
        + "faithful), aupc and the mean curves. evaluate-images is the Spark job over image files and tables."})
final class EvaluateIdxCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "ViT folder.")
  String model;

  @Option(names = "--images", required = true, paramLabel = "FILE", description = "IDX image file (plain or .gz).")
  Path images;

  @Option(names = "--labels", required = true, paramLabel = "FILE", description = "IDX label file of the same images.")
  Path labels;

  @Option(names = "--count", defaultValue = "1000", description = "The first N images (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--methods", split = ",", paramLabel = "M",
      description = "Methods (default all nine: lrp-ah-ln, lrp-ah, lrp-ln, gi, random, attn-last, rollout, gae, ig).")
  List<String> methods;

  @Option(names = "--steps", defaultValue = "11", description = "Fractions 0, 1/(S-1), ..., 1 (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--unit", split = ",", defaultValue = "patch", paramLabel = "U",
      description = "patch (default), pixel, or patch,pixel: what is flipped (docs/models.md, \"Faithfulness for images\").")
  List<String> units;

  @Option(names = "--batch-images", defaultValue = "32", description = "Images per batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--ig-steps", defaultValue = "20", description = "Integrated Gradients steps (default ${DEFAULT-VALUE}).")
  int igSteps;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the random baseline (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    List<Method> chosen = methods == null ? Arrays.asList(Method.values())
        : methods.stream().map(String::trim).map(Method::parse).toList();
    try (ImageClassifier c = ImageClassifier.load(model)) {
      int classes = c.config().numLabels();
      IdxImages.Images idx = IdxImages.readImages(images);
      int[] gold = IdxImages.readLabels(labels, classes);
      if (gold.length != idx.count()) {
        throw new IllegalArgumentException(images + " holds " + idx.count() + " images, " + labels + " " + gold.length
            + " labels");
      }
      List<ImageInput> inputs = new ArrayList<>();
      for (int i = 0; i < Math.min(Math.max(count, 0), idx.count()); i++) {
        try {
          inputs.add(new ImageInput(images.getFileName() + "#" + i, c.processor().pixels(idx.image(i)), gold[i]));
        } catch (ImageException e) {
          throw new IllegalArgumentException(images + " image " + i + ": " + e.getMessage(), e);
        }
      }
      ObjectMapper json = new ObjectMapper();
      for (ImageFaithfulness.Scores s : new ImageFaithfulness(c, batch, new MethodOptions(igSteps, seed), steps)
          .evaluate(inputs, chosen, units.stream().map(FlipUnit::parse).distinct().toList())) {
        System.out.println(json.writeValueAsString(new ScoresJson(s.method(), s.unit(), s.images(), s.auac(),
            s.auMse(), s.aupc(), s.activation(), s.pruningProbability(), s.pruningChange())));
        System.out.flush();
      }
    }
    return Main.OK;
  }

  @JsonPropertyOrder({"method", "unit", "images", "auac", "au_mse", "aupc", "activation", "pruning_probability",
      "pruning_change"})
  record ScoresJson(String method, String unit, int images, double auac, @JsonProperty("au_mse") double auMse,
      double aupc, double[] activation,
      @JsonProperty("pruning_probability") double[] pruningProbability,
      @JsonProperty("pruning_change") double[] pruningChange) {}
}
