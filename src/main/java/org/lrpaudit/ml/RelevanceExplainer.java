package org.lrpaudit.ml;

import java.util.Arrays;
import java.util.Properties;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.lrpaudit.explain.Target;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.explainjob.ExplainColumn;
import org.lrpaudit.explainjob.ExplainSettings;
import org.lrpaudit.runtime.JobMetrics;
import org.lrpaudit.runtime.TorchThreads;

/**
 * A Spark ML stage that explains a text column: it appends one column (outputCol) holding, per row, the relevance
 * table's fields as a struct (status, error, model_id, logits, predicted, explained class and logit, tokens, words,
 * relevance_sum, conservation_gap, truncated, ...); with several methods, an array of such structs in the methods'
 * order. One row out per row in, every input column kept. Lazy like any transformation: the model is loaded by the
 * first task that needs it (one per executor JVM), with spark.task.cpus torch threads and the task's GPU. The work is
 * the explain job's own code path (ExplainColumn), which the job then flattens into its relevance table. Rows that
 * cannot be explained get an error status, never an exception; the error rate is the user's to check.
 */
public final class RelevanceExplainer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> inputCol;
  private final Param<String> labelCol;
  private final Param<String> textPairCol;
  private final StringArrayParam methods;
  private final Param<String> target;
  private final IntParam maxLength;
  private final IntParam batchTokens;
  private final IntParam chunkRows;
  private final Param<String> outputCol;

  public RelevanceExplainer() {
    this(Identifiable$.MODULE$.randomUID("relevanceExplainer"));
  }

  /** Spark's DefaultParamsReader and copy() create stages through this constructor. */
  public RelevanceExplainer(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath", "HuggingFace model folder: a local path or a Hadoop FileSystem URI "
        + "every executor can read");
    inputCol = new Param<>(this, "inputCol", "the text column (string)");
    textPairCol = new Param<>(this, "textPairCol", "optional: the second text of a sentence pair (string; NLI "
        + "hypothesis, answer); unset or null for single texts");
    labelCol = new Param<>(this, "labelCol", "the gold-label column (int), read only when target is 'label'");
    methods = new StringArrayParam(this, "methods", "relevance methods (gi, lrp-ah, lrp-ln, lrp-ah-ln, baselines) or "
        + "'forward' (logits only)");
    target = new Param<>(this, "target", "class whose logit is explained: predicted, label (labelCol), label:N, "
        + "class:NAME");
    maxLength = new IntParam(this, "maxLength", "longest token sequence; longer texts are truncated and flagged");
    batchTokens = new IntParam(this, "batchTokens", "padded tokens per batch");
    chunkRows = new IntParam(this, "chunkRows", "rows a task holds and sorts into batches at once");
    outputCol = new Param<>(this, "outputCol", "the column added (must not exist)");
    setDefault(inputCol, "text");
    setDefault(labelCol, "label");
    setDefault(methods, new String[] {"lrp-ah-ln"});
    setDefault(target, "predicted");
    setDefault(maxLength, 512);
    setDefault(batchTokens, 4096);
    setDefault(chunkRows, 2048);
    setDefault(outputCol, "relevance");
  }

  @Override
  public String uid() {
    return uid;
  }

  public static MLReader<RelevanceExplainer> read() {
    return new DefaultParamsReader<>();
  }

  public static RelevanceExplainer load(String path) {
    return read().load(path);
  }

  // Params (Spark finds them by reflection: public, no arguments, returning a Param).
  public Param<String> modelPath() {
    return modelPath;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> textPairCol() {
    return textPairCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public StringArrayParam methods() {
    return methods;
  }

  public Param<String> target() {
    return target;
  }

  public IntParam maxLength() {
    return maxLength;
  }

  public IntParam batchTokens() {
    return batchTokens;
  }

  public IntParam chunkRows() {
    return chunkRows;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public RelevanceExplainer setModelPath(String v) {
    set(modelPath, v);
    return this;
  }

  public RelevanceExplainer setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public RelevanceExplainer setTextPairCol(String v) {
    set(textPairCol, v);
    return this;
  }

  public RelevanceExplainer setLabelCol(String v) {
    set(labelCol, v);
    return this;
  }

  public RelevanceExplainer setMethods(String... v) {
    set(methods, v);
    return this;
  }

  public RelevanceExplainer setTarget(String v) {
    set(target, v);
    return this;
  }

  public RelevanceExplainer setMaxLength(int v) {
    set(maxLength, v);
    return this;
  }

  public RelevanceExplainer setBatchTokens(int v) {
    set(batchTokens, v);
    return this;
  }

  public RelevanceExplainer setChunkRows(int v) {
    set(chunkRows, v);
    return this;
  }

  public RelevanceExplainer setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    settings(); // methods, target and sizes, before any column is looked at
    requireColumn(schema, getOrDefault(inputCol), "inputCol", DataTypes.StringType);
    if (isDefined(textPairCol)) {
      requireColumn(schema, getOrDefault(textPairCol), "textPairCol", DataTypes.StringType);
    }
    if (usesLabel()) {
      requireColumn(schema, getOrDefault(labelCol), "labelCol (target 'label')", DataTypes.IntegerType);
    }
    String out = getOrDefault(outputCol);
    if (Arrays.asList(schema.fieldNames()).contains(out)) {
      throw new IllegalArgumentException("RelevanceExplainer: outputCol '" + out + "' already exists in the input "
          + "(columns: " + String.join(", ", schema.fieldNames()) + "); choose another outputCol");
    }
    return ExplainColumn.schema(schema, out, getOrDefault(methods).length);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema);
    ExplainSettings s = settings();
    checkModel(s.target());
    SparkSession spark = dataset.sparkSession();
    int threads = TorchThreads.perTask(spark.sparkContext().getConf());
    ExplainColumn.Columns columns = new ExplainColumn.Columns(schema.fieldIndex(getOrDefault(inputCol)),
        usesLabel() ? schema.fieldIndex(getOrDefault(labelCol)) : -1,
        isDefined(textPairCol) ? schema.fieldIndex(getOrDefault(textPairCol)) : -1, -1, -1);
    // The explain job's own code path (it flattens this column into its relevance table).
    return ExplainColumn.append(dataset.toDF(), s, columns, getOrDefault(outputCol), threads,
        new JobMetrics(spark.sparkContext(), s.methods()));
  }

  @Override
  public RelevanceExplainer copy(ParamMap extra) {
    return (RelevanceExplainer) defaultCopy(extra);
  }

  private boolean usesLabel() {
    return getOrDefault(target).trim().equals("label");
  }

  /** The explain job's settings for these params: the job's own validation applies (methods, target, sizes). */
  private ExplainSettings settings() {
    if (!isDefined(modelPath)) {
      throw new IllegalArgumentException("RelevanceExplainer: modelPath is not set");
    }
    Properties p = ExplainSettings.defaults();
    p.setProperty("model", getOrDefault(modelPath));
    p.setProperty("input", "(a DataFrame)");
    p.setProperty("output", "(a DataFrame)");
    p.setProperty("run-id", "transform");
    p.setProperty("methods", String.join(",", getOrDefault(methods)));
    p.setProperty("target", getOrDefault(target));
    p.setProperty("max-length", String.valueOf(getOrDefault(maxLength)));
    p.setProperty("batch-tokens", String.valueOf(getOrDefault(batchTokens)));
    p.setProperty("chunk-rows", String.valueOf(getOrDefault(chunkRows)));
    try {
      return ExplainSettings.from(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RelevanceExplainer: " + e.getMessage(), e);
    }
  }

  /** On the driver, before any task: the model folder is readable and a fixed target class exists in it. */
  private void checkModel(String targetSetting) {
    String path = getOrDefault(modelPath);
    Checkpoint cp;
    try {
      cp = Checkpoint.open(path).requireText();
    } catch (CheckpointException e) {
      throw new IllegalArgumentException("RelevanceExplainer modelPath '" + path + "': " + e.getMessage(), e);
    }
    Target t = Target.parse(targetSetting);
    if (!(t instanceof Target.Predicted) && !(t instanceof Target.GoldLabel)) {
      try {
        t.resolve(0, null, cp.config().labels());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("RelevanceExplainer target '" + targetSetting + "': " + e.getMessage(), e);
      }
    }
  }

  private static void requireColumn(StructType schema, String name, String param, DataType type) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new IllegalArgumentException("RelevanceExplainer " + param + ": no column '" + name + "' in the input "
          + "(columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    StructField f = schema.apply(name);
    if (!f.dataType().equals(type)) {
      throw new IllegalArgumentException("RelevanceExplainer " + param + ": column '" + name + "' is "
          + f.dataType().simpleString() + ", not " + type.simpleString() + " (cast it first)");
    }
  }
}
