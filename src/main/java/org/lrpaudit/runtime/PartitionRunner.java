package org.lrpaudit.runtime;

import ai.djl.Device;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;
import org.lrpaudit.explain.NonFiniteRelevanceException;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.ImageClassifier;
import org.lrpaudit.model.TextClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one loop of every stage that runs the model over a partition (explain, evaluate, probe, and any mapPartitions of
 * a user's own Spark code, e.g. a Spark ML Transformer): rows are taken in chunks of at most chunkRows (memory stays flat
 * however big the partition), the executor's one model is looked up when the first chunk arrives (an empty partition
 * never loads it; the task's GPU when Spark gave it one), glibc's free pages are returned after each chunk, and the rows
 * emitted are counted for ProgressLog. Inside a chunk, {@link #inBatches} cuts rows into token-budget batches and turns
 * failures into error rows.
 *
 * <p>Entry point, from any {@code mapPartitions}:
 * <pre>{@code
 * PartitionRunner runner = new PartitionRunner(new PartitionRunner.ModelSpec(path, 512, 1), 2048, rowsOut);
 * Dataset<Row> out = input.mapPartitions(
 *     (MapPartitionsFunction<Row, Row>) rows -> runner.run(rows, (model, chunk) -> myRows(model, chunk)), encoder);
 * }</pre>
 * The runner and the work are serialized to the executors; both must be Serializable (a lambda cast to ChunkWork is).
 */
public final class PartitionRunner implements Serializable {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionRunner.class);
  /** Rows per chunk where a stage has no --chunk-rows of its own. */
  public static final int DEFAULT_CHUNK_ROWS = 2048;

  /** The model a partition runs: its location (any Hadoop URI), longest token sequence, torch threads per task. */
  public record ModelSpec(String location, int maxLength, int torchThreads) implements Serializable {}

  /** What a stage makes of one chunk of rows with the executor's model: the chunk's output rows, in order. */
  @FunctionalInterface
  public interface ChunkWork<I, O> extends Serializable {
    List<O> apply(TextClassifier model, List<I> chunk);
  }

  /** The same with the executor's image classifier (the model location is a ViT folder). */
  @FunctionalInterface
  public interface ImageChunkWork<I, O> extends Serializable {
    List<O> apply(ImageClassifier model, List<I> chunk);
  }

  /** Runs the model on one batch, given as indices into the rows being batched; one result per index, in order. */
  @FunctionalInterface
  public interface BatchCall<R> {
    List<R> run(List<Integer> batch);
  }

  private final ModelSpec model;
  private final int chunkRows;
  private final LongAccumulator rowsOut;

  /** @param rowsOut counts the rows emitted, for ProgressLog (named JobMetrics.ROWS_OUT); null counts nothing */
  public PartitionRunner(ModelSpec model, int chunkRows, LongAccumulator rowsOut) {
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk rows must be positive, got " + chunkRows);
    }
    this.model = model;
    this.chunkRows = chunkRows;
    this.rowsOut = rowsOut;
  }

  /** The partition's rows mapped chunk by chunk, lazily (nothing runs before the first hasNext). */
  public <I, O> Iterator<O> run(Iterator<I> rows, ChunkWork<I, O> work) {
    return chunks(rows, device -> ModelCache.get(model.location(), model.maxLength(), device, model.torchThreads()),
        work::apply);
  }

  /** The same for an image classifier: the executor's one ImageClassifier of the model location (maxLength unused). */
  public <I, O> Iterator<O> runImages(Iterator<I> rows, ImageChunkWork<I, O> work) {
    return chunks(rows, device -> ModelCache.image(model.location(), device, model.torchThreads()), work::apply);
  }

  private <M, I, O> Iterator<O> chunks(Iterator<I> rows, Function<Device, M> load, BiFunction<M, List<I>, List<O>> work) {
    TaskContext task = TaskContext.get();
    Device device = DeviceChoice.forResources(task == null ? Map.of() : task.resourcesJMap());
    return new Chunks<>(rows, chunkRows, chunk -> {
      M classifier = load.apply(device);
      for (RunnerInterceptor i : Interceptors.ALL) {
        i.beforeChunk(chunk);
      }
      List<O> out = work.apply(classifier, chunk);
      if (rowsOut != null) {
        rowsOut.add(out.size());
      }
      return out;
    });
  }

  /**
   * Results in input order, one per row: rows sorted by length are cut into batches by the budget, each batch runs once;
   * a batch that fails is redone row by row, so one bad row fails alone (an IllegalArgumentException is the row's bad
   * target, anything else explain_failed). A non-finite relevance is a numerical fault of the batch (docs/native-memory.md):
   * every row of the batch reports it, none is recomputed (that would hide it).
   *
   * @param texts the rows' texts, shown to the RunnerInterceptors only
   * @param onBatch told each batch before it runs (for padding and token counters); may be null
   */
  public static <R> List<RowResult<R>> inBatches(TokenBudget budget, int[] lengths, List<String> texts,
      BatchCall<R> call, Consumer<List<Integer>> onBatch) {
    List<RowResult<R>> out = new ArrayList<>(java.util.Collections.nCopies(lengths.length, null));
    for (List<Integer> batch : budget.batches(lengths)) {
      if (onBatch != null) {
        onBatch.accept(batch);
      }
      try {
        List<R> done = runBatch(call, batch, texts);
        for (int k = 0; k < batch.size(); k++) {
          out.set(batch.get(k), new RowResult.Done<>(done.get(k)));
        }
      } catch (NonFiniteRelevanceException fault) {
        LOG.error("{} (batch of {} rows)", fault.getMessage(), batch.size());
        for (int i : batch) {
          out.set(i, RowResult.failed(RowError.EXPLAIN_FAILED, fault.getMessage()));
        }
      } catch (RuntimeException batchFailure) {
        for (int i : batch) {
          try {
            out.set(i, new RowResult.Done<>(runBatch(call, List.of(i), texts).get(0)));
          } catch (IllegalArgumentException e) {
            out.set(i, RowResult.failed(RowError.BAD_TARGET, e.getMessage()));
          } catch (RuntimeException e) {
            out.set(i, RowResult.failed(RowError.EXPLAIN_FAILED, e.toString()));
          }
        }
      }
    }
    return out;
  }

  private static <R> List<R> runBatch(BatchCall<R> call, List<Integer> batch, List<String> texts) {
    if (!Interceptors.ALL.isEmpty()) {
      List<String> batchTexts = batch.stream().map(texts::get).toList();
      for (RunnerInterceptor i : Interceptors.ALL) {
        i.beforeBatch(batchTexts);
      }
    }
    return call.run(batch);
  }

  /** Loaded once per JVM, when the first partition runs. */
  private static final class Interceptors {
    static final List<RunnerInterceptor> ALL = ServiceLoader.load(RunnerInterceptor.class).stream()
        .map(ServiceLoader.Provider::get).toList();
  }
}
