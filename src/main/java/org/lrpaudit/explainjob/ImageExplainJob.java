package org.lrpaudit.explainjob;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.runtime.JobException;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.RowErrors;
import org.lrpaudit.runtime.TorchThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explain-images job: a folder of image files or a table of encoded images -> the image relevance table
 * ({@link ImageTable}). The text explain job's shape: every check before any compute (model is an image classifier,
 * target, output writable, input readable and counted), then {@link ImagePartition} on the executors through the shared
 * PartitionRunner, then {@link OutputTable#writeRun}: staged through Spark's commit protocol, rows in == rows out per
 * method and the error rate checked on the written table, committed only then (a failed job leaves nothing visible).
 */
public final class ImageExplainJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImageExplainJob.class);
  private final SparkSession spark;

  public ImageExplainJob(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * What a run did. computeRowsPerSecond: images per second of each method's own compute time, summed over task threads
   * (decoding and writing left out); driverPeakRssMb: this JVM's peak resident set, the executor's too when embedded.
   */
  public record Summary(String runId, String modelId, String output, String inputFormat, long rowsIn,
      Map<String, Long> rowsOut, RowErrors errors, double explainSeconds, double totalSeconds, double imagesPerSecond,
      Map<String, Double> computeRowsPerSecond, int partitions, int torchThreads, long driverPeakRssMb) {}

  public Summary run(ExplainSettings settings) {
    ExplainSettings s = settings.runId() == null ? settings.withRunId(ExplainJob.newRunId()) : settings;
    long t0 = System.nanoTime();
    Checkpoint cp = Checkpoint.open(s.model());
    if (!cp.isImage()) {
      throw new JobException(s.model() + ": model_type '" + cp.config().modelType() + "' is a text classifier; "
          + "explain a corpus of texts with explain");
    }
    ExplainJob.checkTarget(s.target(), cp);
    OutputTable table = new OutputTable(spark, s, ImageTable.SCHEMA);
    table.checkWritable();
    String format = ImageSource.format(spark, s.images());
    Dataset<Row> input = ImageSource.read(spark, s.images());
    InputPartitions split;
    try {
      split = InputPartitions.count(input);
    } catch (Exception e) { // SparkException, thrown unchecked from Scala
      throw new JobException("cannot read input " + s.input() + ": " + JobException.rootMessage(e), e);
    }
    long rowsIn = split.total();
    LOG.info(String.format("run %s: model %s (%s), %,d images (%s), methods %s, output %s", s.runId(), s.model(),
        cp.modelId().substring(0, 12), rowsIn, format, s.methods(), s.output()));

    int partitions = ExplainJob.partitions(s, split.rows().length, spark.sparkContext().defaultParallelism(), rowsIn);
    Dataset<Row> parts = split.keep(partitions) ? input : input.repartition(partitions);
    JobMetrics metrics = new JobMetrics(spark.sparkContext(), s.methods());
    int threads = TorchThreads.perTask(spark.sparkContext().getConf());
    Dataset<Row> rows = parts.mapPartitions(new ImagePartition(s, threads, metrics), Encoders.row(ImageTable.SCHEMA));
    OutputTable.Committed written = table.writeRun(rows, rowsIn, "explain-images", ImageTable.INPUT_ERRORS);
    double total = (System.nanoTime() - t0) / 1e9;
    Summary summary = new Summary(s.runId(), cp.modelId(), s.output(), format, rowsIn, written.rowsOut(),
        written.errors(), written.stageSeconds(), total, rowsIn / Math.max(written.stageSeconds(), 1e-9),
        metrics.computeRowsPerSecond(rowsIn), partitions, threads, ExplainJob.ExplainSummary.peakRssMb());
    LOG.info(String.format("run %s done: %,d images in, %s rows out, %,d error rows (%,d input errors, %,d job errors); "
        + "explain stage %.1f s (%.1f images/s); total %.1f s", s.runId(), rowsIn, written.rowsOut(),
        written.errors().rows() - written.errors().ok(), written.errors().inputErrors(), written.errors().jobErrors(),
        written.stageSeconds(), summary.imagesPerSecond(), total));
    return summary;
  }
}
