package org.lrpaudit.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.PatchRelevance;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.ImageException;
import org.lrpaudit.report.ImageHeatmap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain-image", mixinStandardHelpOptions = true,
    description = {"Explain image files with an image classifier (model_type vit) and print one JSON object per image "
        + "on standard output, in argument order. Logs go to standard error.",
        "",
        "Fields: image, method, model_id, logits, predicted, predicted_label, explained_class, explained_label, "
        + "explained_logit, patches [{index, row, col, relevance}] (index 0 is [CLS], row and col -1; patch (row, col) "
        + "is index 1 + row * cols + col), relevance_sum, conservation_gap (explained_logit - relevance_sum), heatmap "
        + "(the PNG written, with --heatmap).",
        "",
        "An image that cannot be explained gives {image, status, error}: unreadable_image, empty_image, "
        + "undecodable_image (not PNG/JPEG/BMP/GIF, truncated or corrupt), image_too_small (a side shorter than one "
        + "patch), image_too_large (over 64 MiB or 50 megapixels, refused from the header before decoding), "
        + "image_size_mismatch. The other images are still explained; the exit status is then 2."})
final class ExplainImageCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "HuggingFace image classifier folder (config.json, model.safetensors, preprocessor_config.json).")
  String model;

  @Mixin
  ExplainOptions explain = new ExplainOptions();

  @Option(names = "--heatmap", paramLabel = "DIR",
      description = "Also write a PNG per image into DIR (created if absent): the image as the model saw it, the patch "
          + "relevance and, for gi and the LRP methods, the pixel-level Gradient x Input of the same graph. Named "
          + "after the image file (NAME.png; NAME-N.png for the N-th argument when names repeat).")
  Path heatmap;

  @Option(names = "--batch-images", defaultValue = "16", paramLabel = "N",
      description = "Images per batch (default ${DEFAULT-VALUE}); also how many are decoded at a time.")
  int batch;

  @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (PNG, JPEG, BMP, GIF).")
  List<Path> images = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    Method m = explain.method();
    Target t = explain.target("explain-image");
    if (batch < 1) {
      throw new IllegalArgumentException("--batch-images must be at least 1, got " + batch);
    }
    if (heatmap != null) {
      Files.createDirectories(heatmap);
    }
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    Map<String, Integer> failed = new TreeMap<>();
    Set<String> heatmapNames = new HashSet<>();
    try (ImageClassifier classifier = ImageClassifier.load(model)) {
      ImageExplainer explainer = new ImageExplainer(classifier, batch, explain.options());
      // A chunk of images at a time: decoded pixels of a long argument list are never all in memory.
      for (int from = 0; from < images.size(); from += batch) {
        List<Path> chunk = images.subList(from, Math.min(images.size(), from + batch));
        List<ImageInput> inputs = new ArrayList<>();
        String[] lines = new String[chunk.size()];
        for (int i = 0; i < chunk.size(); i++) {
          try {
            inputs.add(ImageInput.of(chunk.get(i).toString(), classifier.pixels(chunk.get(i))));
          } catch (ImageException e) {
            failed.merge(e.status(), 1, Integer::sum);
            lines[i] = JSON.writeValueAsString(new ErrorJson(chunk.get(i).toString(), e.status(), e.getMessage()));
          }
        }
        List<ImageExplanation> done = explainer.explain(inputs, m, t);
        int next = 0;
        for (int i = 0; i < chunk.size(); i++) {
          if (lines[i] == null) {
            ImageExplanation e = done.get(next);
            String written = null;
            if (heatmap != null) {
              Path file = heatmap.resolve(heatmapName(chunk.get(i), from + i + 1, heatmapNames));
              ImageHeatmap.write(e, inputs.get(next).pixels(), file);
              written = file.toString();
            }
            lines[i] = JSON.writeValueAsString(ImageJson.of(e, written));
            next++;
          }
          out.println(lines[i]);
        }
        out.flush();
      }
    }
    if (!failed.isEmpty()) {
      int n = failed.values().stream().mapToInt(Integer::intValue).sum();
      System.err.println("lrp-audit explain-image: " + n + " of " + images.size() + " images not explained " + failed
          + " (their lines carry status and error)");
      return Main.FAILED;
    }
    return Main.OK;
  }

  /** NAME.png after the file name without its extension; NAME-N.png (N: argument number) when taken. */
  static String heatmapName(Path image, int argument, Set<String> taken) {
    String name = String.valueOf(image.getFileName());
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String file = stem + ".png";
    if (!taken.add(file)) {
      file = stem + "-" + argument + ".png";
      taken.add(file);
    }
    return file;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An image that was not explained: its status and message. */
  record ErrorJson(String image, String status, String error) {}

  /** The JSON-lines shape of an image explanation: snake_case names, as explain-text's. */
  @JsonPropertyOrder({"image", "output", "patches", "relevance_sum", "conservation_gap", "heatmap"})
  record ImageJson(
      String image,
      @JsonUnwrapped ExplainedOutputJson output,
      List<PatchRelevance> patches,
      @JsonProperty("relevance_sum") double relevanceSum,
      @JsonProperty("conservation_gap") double conservationGap,
      @JsonInclude(JsonInclude.Include.NON_NULL) String heatmap) {

    static ImageJson of(ImageExplanation e, String heatmap) {
      return new ImageJson(e.image(), ExplainedOutputJson.of(e), e.patches(), e.relevanceSum(), e.conservationGap(),
          heatmap);
    }
  }
}
