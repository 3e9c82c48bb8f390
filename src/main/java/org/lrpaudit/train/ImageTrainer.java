package org.lrpaudit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.lrpaudit.corpus.IdxImages;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.CheckpointWriter;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.ImageException;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.rules.PropagationRules;

/**
 * Trains an image classifier (model_type vit) on labelled gray images, as IDX files hold them (Fashion-MNIST), with the
 * shared {@link TrainingLoop}: from a random initialisation of the given architecture, or fine-tuning a ViT folder.
 * Each image becomes pixel values through the model's own {@link org.lrpaudit.model.ImageProcessor}, exactly as
 * explain-image and the explain job make them from a PNG of the same image.
 */
public final class ImageTrainer {
  /** Images per forward pass when scoring validation and test images. */
  private static final int EVAL_ROWS = 500;

  /** Settings of one run. */
  public record Settings(int epochs, double learningRate, int batchRows, double warmupFraction, double weightDecay,
      long seed) {
    public Settings {
      if (epochs < 1 || !(learningRate > 0) || batchRows < 1 || warmupFraction < 0 || warmupFraction > 1
          || weightDecay < 0) {
        throw new IllegalArgumentException("epochs, learning rate and batch rows must be positive, warm-up within "
            + "[0, 1], weight decay not negative");
      }
    }
  }

  /** A ViT to start from at random: square images of imageSize, patches of patchSize, channels 1 or 3. */
  public record Architecture(int layers, int hidden, int heads, int intermediate, int imageSize, int patchSize,
      int channels) {}

  /** Images with their class indices. */
  public record Labeled(IdxImages.Images images, int[] labels) {
    public Labeled {
      if (images.count() != labels.length) {
        throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
      }
    }

    /** Items [from, to) only. */
    public Labeled range(int from, int to) {
      int n = images.rows() * images.cols();
      return new Labeled(new IdxImages.Images(to - from, images.rows(), images.cols(),
          Arrays.copyOfRange(images.pixels(), from * n, to * n)), Arrays.copyOfRange(labels, from, to));
    }

    public int size() {
      return labels.length;
    }
  }

  /** The report as written, and the test images' logits of the in-memory model (for comparison with a reload). */
  public record Trained(TrainingReport report, float[][] testLogits) {}

  private final Settings settings;

  public ImageTrainer(Settings settings) {
    this.settings = settings;
  }

  /**
   * Trains on train, scores validation after each epoch and test at the end, and writes the model folder (config.json
   * with the class names as id2label, model.safetensors, preprocessor_config.json, training-report.json) atomically to
   * out. base: a ViT folder to fine-tune, or null to start from a random ViT of architecture (seeded by the settings'
   * seed).
   */
  public Trained train(String base, Architecture architecture, List<String> classNames, Labeled train,
      Labeled validation, Labeled test, String dataName, Path out) throws IOException {
    CheckpointWriter.checkTarget(out.toAbsolutePath());
    if (train.size() == 0) {
      throw new IllegalArgumentException(dataName + ": no training images");
    }
    Set<Integer> seen = new TreeSet<>();
    for (Labeled part : List.of(train, validation, test)) {
      for (int label : part.labels()) {
        if (label < 0 || label >= classNames.size()) {
          throw new IllegalArgumentException(dataName + ": label " + label + " is outside the " + classNames.size()
              + " classes " + classNames);
        }
      }
    }
    for (int label : train.labels()) {
      seen.add(label);
    }
    if (seen.size() < 2) {
      throw new IllegalArgumentException(dataName + ": the training images have only label(s) " + seen
          + "; a classifier needs examples of at least two classes");
    }
    long start = System.nanoTime();
    Path init = null;
    String location = base;
    if (base == null) {
      init = Files.createTempDirectory("lrp-audit-vit-init");
      Files.delete(init); // RandomCheckpoint writes the folder itself
      Architecture a = architecture;
      RandomCheckpoint.write(new RandomCheckpoint.Spec("vit", a.layers(), a.hidden(), a.heads(), a.intermediate(), 0,
          classNames.size(), "gelu", true, settings.seed(), List.of()),
          new RandomCheckpoint.ImageSpec(a.imageSize(), a.patchSize(), a.channels()), init);
      location = init.toString();
    }
    try (ImageClassifier classifier = ImageClassifier.load(location)) {
      if (classifier.config().numLabels() != classNames.size()) {
        throw new IllegalArgumentException(base + " has " + classifier.config().numLabels() + " labels, the data "
            + classNames.size());
      }
      SequenceClassifier model = classifier.model();
      TrainingLoop.Result result = TrainingLoop.run(model, new Images(classifier, train),
          new TrainingLoop.Schedule(settings.epochs(), settings.learningRate(), settings.warmupFraction(),
              settings.weightDecay(), settings.seed()),
          () -> TrainingLoop.accuracy(logits(classifier, validation.images()), validation.labels()));
      float[][] testLogits = logits(classifier, test.images());
      double testAccuracy = TrainingLoop.accuracy(testLogits, test.labels());
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Integer> sizes = new LinkedHashMap<>();
      sizes.put("train", train.size());
      sizes.put("validation", validation.size());
      sizes.put("test", test.size());
      Path from = classifier.checkpoint().dir();
      String baseName = base != null ? base : "random initialisation (seed " + settings.seed() + ")";
      String baseId = base != null ? classifier.modelId() : null;
      TrainingReport report = TrainingLoop.save(out, model, dir -> {
        writeConfig(from.resolve(Checkpoint.CONFIG), classNames, dir.resolve(Checkpoint.CONFIG));
        Files.copy(from.resolve(Checkpoint.PREPROCESSOR), dir.resolve(Checkpoint.PREPROCESSOR));
      }, modelId -> new TrainingReport(baseName, baseId, modelId, dataName, sizes, settings.epochs(),
          settings.learningRate(), null, settings.batchRows(), settings.warmupFraction(), settings.weightDecay(),
          settings.seed(), TrainingReport.torchThreads(), result.trainLoss(), result.validationAccuracy(),
          Double.isNaN(testAccuracy) ? null : testAccuracy, seconds, result.finalLoss()));
      return new Trained(report, testLogits);
    } finally {
      if (init != null) {
        CheckpointWriter.deleteTree(init);
      }
    }
  }

  /** The base's config.json with id2label and label2id naming the classes. */
  private static void writeConfig(Path from, List<String> classNames, Path to) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode config = (ObjectNode) json.readTree(from.toFile());
    ObjectNode id2label = config.putObject("id2label");
    ObjectNode label2id = config.putObject("label2id");
    for (int i = 0; i < classNames.size(); i++) {
      id2label.put(Integer.toString(i), classNames.get(i));
      label2id.put(classNames.get(i), i);
    }
    json.writerWithDefaultPrettyPrinter().writeValue(to.toFile(), config);
  }

  /** Logits [images][labels] of every image, without gradient. */
  public static float[][] logits(ImageClassifier classifier, IdxImages.Images images) {
    float[][] out = new float[images.count()][];
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (int from = 0; from < images.count(); from += EVAL_ROWS) {
        List<Integer> rows = new ArrayList<>();
        for (int i = from; i < Math.min(images.count(), from + EVAL_ROWS); i++) {
          rows.add(i);
        }
        try (NDManager m = NDManager.newBaseManager(classifier.model().device())) {
          SequenceClassifier.copyRows(forward(classifier, m, images, rows), rows, out);
        }
      }
    } finally {
      JniUtils.setGradMode(grad);
    }
    return out;
  }

  /** Logits [B, labels] of the images rows, in m; records the graph when grad mode is on. */
  private static NDArray forward(ImageClassifier classifier, NDManager m, IdxImages.Images images, List<Integer> rows) {
    SequenceClassifier model = classifier.model();
    PatchGrid grid = classifier.grid();
    int b = rows.size();
    float[] flat = new float[b * grid.pixelValues()];
    for (int k = 0; k < b; k++) {
      float[] px;
      try {
        px = classifier.processor().pixels(images.image(rows.get(k)));
      } catch (ImageException e) {
        throw new IllegalArgumentException("image " + rows.get(k) + ": " + e.getMessage(), e);
      }
      System.arraycopy(px, 0, flat, k * grid.pixelValues(), px.length);
    }
    NDArray pixels = m.create(flat, new Shape(b, grid.channels(), grid.height(), grid.width()))
        .toType(model.dataType(), false);
    NDArray noMask = m.zeros(new Shape(b, 1, 1, grid.length()), model.dataType()); // every position is real
    return model.logits(model.embedPixels(pixels), noMask, PropagationRules.GRADIENT, null);
  }

  /** Training images as the loop sees them: shuffled batches of batchRows images. */
  private final class Images implements TrainingLoop.Input {
    private final ImageClassifier classifier;
    private final Labeled data;

    Images(ImageClassifier classifier, Labeled data) {
      this.classifier = classifier;
      this.data = data;
    }

    @Override
    public int size() {
      return data.size();
    }

    @Override
    public int label(int row) {
      return data.labels()[row];
    }

    @Override
    public String id(int row) {
      return "image " + row;
    }

    @Override
    public List<List<Integer>> batches(Random rnd) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, rnd);
      List<List<Integer>> out = new ArrayList<>();
      for (int from = 0; from < order.size(); from += settings.batchRows()) {
        out.add(List.copyOf(order.subList(from, Math.min(order.size(), from + settings.batchRows()))));
      }
      return out;
    }

    @Override
    public NDArray logits(NDManager m, List<Integer> batch) {
      return forward(classifier, m, data.images(), batch);
    }
  }
}
