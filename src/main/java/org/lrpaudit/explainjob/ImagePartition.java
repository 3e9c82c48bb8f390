package org.lrpaudit.explainjob;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.lrpaudit.explain.ImageExplainer;
import org.lrpaudit.explain.ImageExplanation;
import org.lrpaudit.explain.ImageInput;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.PatchGrid;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.PartitionRunner;
import org.lrpaudit.runtime.RowError;
import org.lrpaudit.runtime.RowResult;

/**
 * Explains one partition of images ({@link ImageSource}'s rows) into image relevance table rows, one per image and
 * method. Chunks of chunk-rows images come from the shared PartitionRunner (the executor's one model, flat memory); each
 * image is decoded once per chunk ({@link DecodedImages}), and every
 * method runs on the decoded images in batches of batch-rows through PartitionRunner.inBatches (a failing batch is
 * redone image by image); method "forward" runs the forward pass only (logits and prediction, no relevance). An image
 * that cannot be decoded or explained gets an error row naming it, for every method.
 */
final class ImagePartition implements MapPartitionsFunction<Row, Row> {
  private final ExplainSettings s;
  private final int torchThreads;
  private final JobMetrics metrics;

  ImagePartition(ExplainSettings settings, int torchThreads, JobMetrics metrics) {
    this.s = settings;
    this.torchThreads = torchThreads;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new PartitionRunner(new PartitionRunner.ModelSpec(s.model(), 0, torchThreads), s.chunkRows(), null)
        .runImages(input, this::chunk);
  }

  /** One chunk of input rows to its output rows: for each method in order, every image of the chunk in order. */
  List<Row> chunk(ImageClassifier classifier, List<Row> rows) {
    int n = rows.size();
    Target target = Target.parse(s.target());
    PatchGrid grid = classifier.grid();
    DecodedImages images = DecodedImages.decode(classifier, rows, (id, label) ->
        target instanceof Target.GoldLabel && label == null
            ? new RowError(RowError.BAD_TARGET, id + ": target 'label' needs a gold label, and this image has none")
            : null);
    List<ImageInput> inputs = images.inputs();
    metrics.rowsIn.add(n);
    int[] lengths = new int[inputs.size()];
    Arrays.fill(lengths, grid.length());
    TokenBudget budget = new TokenBudget(s.batchRows() * grid.length(), s.batchRows());
    // The table keeps patch relevance only: no pixel view (a second autograd pass per batch).
    ImageExplainer explainer = new ImageExplainer(classifier, s.batchRows(), s.methodOptions()).withoutPixelView();
    List<String> names = inputs.stream().map(ImageInput::name).toList();
    List<Row> out = new ArrayList<>(n * s.methods().size());
    for (String method : s.methods()) {
      long m0 = System.nanoTime();
      List<? extends RowResult<?>> results = method.equals(ExplainSettings.FORWARD)
          ? PartitionRunner.inBatches(budget, lengths, names, batch -> Arrays.asList(explainer.logits(
              batch.stream().map(k -> inputs.get(k).pixels()).toList())), null)
          : PartitionRunner.inBatches(budget, lengths, names, batch -> explainer.explain(
              batch.stream().map(inputs::get).toList(), Method.parse(method), target), null);
      metrics.methodNanos.get(method).add(System.nanoTime() - m0);
      int v = 0;
      for (int i = 0; i < n; i++) {
        String id = images.id(i);
        Integer label = images.label(i);
        RowError bad = images.error(i);
        RowResult<?> result = bad == null ? ExplainPartition.finiteLogits(results.get(v++)) : new RowResult.Failed<>(bad);
        if (result instanceof RowResult.Done<?> done) {
          if (done.value() instanceof ImageExplanation e) {
            out.add(ImageTable.ok(id, label, e, images.width(i), images.height(i), s.runId()));
          } else {
            float[] logits = (float[]) done.value();
            int predicted = ExplainPartition.argmax(logits);
            out.add(ImageTable.forward(id, label, classifier.modelId(), logits, predicted,
                classifier.config().labels().get(predicted), images.width(i), images.height(i), s.runId()));
          }
        } else {
          RowError e = ((RowResult.Failed<?>) result).error();
          // A failure inside the model names the image too (decoding errors already do).
          RowError named = bad == null ? new RowError(e.status(), id + ": " + e.message()) : e;
          out.add(ImageTable.error(id, label, named, classifier.modelId(), images.width(i), images.height(i),
              s.runId(), method));
          metrics.errorRows.add(1);
        }
      }
    }
    metrics.rowsOut.add((long) n * s.methods().size());
    return out;
  }
}
