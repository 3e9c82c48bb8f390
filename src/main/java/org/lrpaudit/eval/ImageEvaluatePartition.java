package org.lrpaudit.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.explainjob.DecodedImages;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.RowResult;

/**
 * Evaluates one partition of images (ImageSource's rows) into rows of the images table, one per image, method and
 * unit. Chunks come from the shared PartitionRunner (the executor's one model); a chunk's images are decoded once
 * ({@link DecodedImages}, the same checks as explain-images, plus a gold label that is a class of the model), then for
 * every method explained and flipped by {@link ImageFaithfulness#curves} in batches of batch-images through
 * PartitionRunner.inBatches (a failing batch is redone image by image). An image that cannot be evaluated gets an error
 * row naming it, for every method and unit: rows in x methods x units == rows out.
 */
final class ImageEvaluatePartition implements MapPartitionsFunction<Row, Row> {
  private final ImageEvaluateSettings s;
  private final int torchThreads;
  private final LongAccumulator rowsDone;
  private final LongAccumulator evaluatedImages;

  ImageEvaluatePartition(ImageEvaluateSettings settings, int torchThreads, LongAccumulator rowsDone,
      LongAccumulator evaluatedImages) {
    this.s = settings;
    this.torchThreads = torchThreads;
    this.rowsDone = rowsDone;
    this.evaluatedImages = evaluatedImages;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new PartitionRunner(new PartitionRunner.ModelSpec(s.model(), 0, torchThreads), s.chunkRows(), rowsDone)
        .runImages(input, this::chunk);
  }

  /** One chunk: for each method in order, every image of the chunk in order, each in every unit. */
  List<Row> chunk(ImageClassifier classifier, List<Row> rows) {
    int classes = classifier.config().numLabels();
    DecodedImages images = DecodedImages.decode(classifier, rows, (id, label) -> labelError(id, label, classes));
    List<ImageInput> inputs = images.inputs();
    PatchGrid grid = classifier.grid();
    int[] lengths = new int[inputs.size()];
    Arrays.fill(lengths, grid.length());
    TokenBudget budget = new TokenBudget(s.batchImages() * grid.length(), s.batchImages());
    ImageFaithfulness faithfulness = new ImageFaithfulness(classifier, s.batchImages(), s.methodOptions(), s.steps());
    List<FlipUnit> units = s.unitList();
    List<String> names = inputs.stream().map(ImageInput::name).toList();
    List<Row> out = new ArrayList<>(rows.size() * s.methods().size() * units.size());
    for (Method m : s.methodList()) {
      List<RowResult<ImageFaithfulness.ImageCurves>> results = PartitionRunner.inBatches(budget, lengths, names,
          batch -> faithfulness.curves(batch.stream().map(inputs::get).toList(), m, units), null);
      int v = 0;
      for (int i = 0; i < images.size(); i++) {
        String id = images.id(i);
        RowError bad = images.error(i);
        RowResult<ImageFaithfulness.ImageCurves> result = bad == null ? results.get(v++) : new RowResult.Failed<>(bad);
        for (FlipUnit u : units) {
          if (result instanceof RowResult.Done<ImageFaithfulness.ImageCurves> done) {
            out.add(ImageFaithfulnessTable.ok(id, images.label(i), m.id(), u, done.value().explanation(),
                done.value().curves().get(u), images.width(i), images.height(i)));
          } else {
            RowError e = ((RowResult.Failed<ImageFaithfulness.ImageCurves>) result).error();
            // A failure inside the model names the image too (decoding and label errors already do).
            RowError named = bad == null ? new RowError(e.status(), id + ": " + e.message()) : e;
            out.add(ImageFaithfulnessTable.error(id, images.label(i), m.id(), u, named, images.width(i),
                images.height(i)));
          }
        }
      }
    }
    evaluatedImages.add(inputs.size());
    return out;
  }

  /** The tasks explain and score the gold label: an image needs one, and it must be a class of the model. */
  private static RowError labelError(String id, Integer label, int classes) {
    if (label == null) {
      return new RowError(FaithfulnessTable.NO_LABEL, id + ": the image has no gold label (a table's label column, or "
          + "a file name holding label-N); the tasks explain the gold label");
    }
    if (label < 0 || label >= classes) {
      return new RowError(RowError.BAD_LABEL, id + ": label " + label + " is not a class of this model (" + classes
          + " labels)");
    }
    return null;
  }
}
