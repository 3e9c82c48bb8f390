package org.lrpaudit.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.explain.TokenRelevance;
import org.lrpaudit.model.Checkpoint;
import org.lrpaudit.model.EncodedBatch;
import org.lrpaudit.model.ModelConfig;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.SequenceClassifier;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.model.TokenizedText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Explanation cost against inference cost, measured in one JVM on one batch shape: forward only ({@link Explainer#logits},
 * no gradient) and {@link Explainer#explainTokenized} for each method. Round-robin and interleaved, so that drift of a noisy
 * shared machine hits every measurement alike: after the warm-up, each round times every item once, in an order rotated
 * by one from the round before. The ratio explain/forward is taken from the medians of this same run (and, as a check, as
 * the median of the per-round ratios).
 *
 * <p>With --profile, each round also times the pieces of one explanation batch (the same steps the explainer takes, run
 * here through the public model API) so that the rest (Java-side assembly of Explanation objects) shows as a residual.
 * The model is a seeded random DistilBERT-sized classifier: the timings do not depend on what the weights mean.
 */
@Command(name = "bench-methods", mixinStandardHelpOptions = true,
    description = "Benchmark explanation methods against forward-only inference on a random DistilBERT-sized model.")
public final class ExplainBenchmark implements Callable<Integer> {
  private static final String FORWARD = "forward";

  @Option(names = "--threads", paramLabel = "N",
      description = "Torch intra-op threads (default: -Dai.djl.pytorch.num_threads, else the number of cores).")
  Integer threads;

  @Option(names = "--rounds", defaultValue = "15", description = "Timed rounds (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up iterations of each item (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--batch", defaultValue = "8", description = "Texts per batch (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--tokens", defaultValue = "64",
      description = "Tokens per text, [CLS] and [SEP] included (default ${DEFAULT-VALUE}, at most 128).")
  int tokens;

  @Option(names = "--model-dir", paramLabel = "DIR",
      description = "Folder of the random model: reused if it holds one, written otherwise (default: a temporary folder, "
          + "deleted at exit).")
  Path modelDir;

  @Option(names = "--family", defaultValue = "distilbert", paramLabel = "MODEL_TYPE",
      description = "model_type of the random model (any supported family; default ${DEFAULT-VALUE}).")
  String family;

  @Option(names = "--layers", defaultValue = "6", description = "Encoder layers (default ${DEFAULT-VALUE}).")
  int layers;

  @Option(names = "--hidden", defaultValue = "768", description = "Hidden size (default ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--heads", defaultValue = "12", description = "Attention heads (default ${DEFAULT-VALUE}).")
  int heads;

  @Option(names = "--ffn", defaultValue = "3072", description = "Feed-forward size (default ${DEFAULT-VALUE}).")
  int ffn;

  @Option(names = "--seed", defaultValue = "7", description = "Seed of the weights and of the texts (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--methods", split = ",", paramLabel = "M[,M...]",
      description = "Methods to time (default: all of gi, lrp-ah, lrp-ln, lrp-ah-ln).")
  List<String> methods;

  @Option(names = "--profile", split = ",", paramLabel = "M[,M...]", arity = "0..*", fallbackValue = "lrp-ah-ln",
      description = "Also time the pieces of an explanation for these methods (bare --profile: lrp-ah-ln).")
  List<String> profile = new ArrayList<>();

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results (all samples included) as JSON.")
  Path json;

  @Option(names = "--dump", paramLabel = "FILE",
      description = "Write every token relevance and logit of one explanation batch per method, at full precision, "
          + "to compare code versions bit for bit (not timed).")
  Path dump;

  @Option(names = "--cpu-time", description = "Time each item by the CPU time of the thread that runs it instead of "
      + "wall time. Needs --threads 1: libtorch then computes on that thread (forward and backward), so time spent "
      + "waiting for a core on a busy machine is not counted (caches shared with other processes still are).")
  boolean cpuTime;

  @Option(names = "--torch-profile", paramLabel = "PREFIX",
      description = "After timing, run forward and each method once more under libtorch's profiler and write Chrome "
          + "traces PREFIX-<item>.json (op-level times; not part of the table).")
  String torchProfile;

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new ExplainBenchmark());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        cmd.getErr().println("bench-methods: error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    System.exit(cli.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (tokens < 2 || tokens > 128) {
      throw new IllegalArgumentException("--tokens must be within 2..128 (the random model has 128 positions)");
    }
    if (threads != null) { // read once at engine start, which has not happened yet
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
    }
    List<Method> timed = methods == null ? Method.propagationMethods() : methods.stream().map(Method::parse).toList();
    List<Method> profiled = profile.stream().map(Method::parse).toList();

    boolean temporary = modelDir == null;
    Path dir = temporary ? Files.createTempDirectory("bench-methods-model") : modelDir;
    try {
      long t0 = System.nanoTime();
      if (!Files.exists(dir.resolve(Checkpoint.WEIGHTS)) || !Files.exists(dir.resolve(Checkpoint.CONFIG))) {
        RandomCheckpoint.write(RandomCheckpoint.spec(family, layers, hidden, heads, ffn, false, seed), dir);
        System.err.printf(Locale.ROOT, "bench-methods: wrote random model to %s (%.1f s)%n", dir, secs(t0));
      } else {
        System.err.println("bench-methods: reusing the model in " + dir);
      }
      try (TextClassifier classifier = TextClassifier.load(dir.toString(), tokens)) {
        run(classifier, timed, profiled);
      }
    } finally {
      if (temporary) {
        deleteTree(dir);
      }
    }
    return 0;
  }

  private void run(TextClassifier classifier, List<Method> timed, List<Method> profiled) throws IOException {
    ModelConfig c = classifier.config();
    if (!c.modelType().equals(family) || c.numLayers() != layers || c.hiddenSize() != hidden
        || c.numHeads() != heads || c.intermediateSize() != ffn) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "the model in %s is %s %d x %d, %d heads, FFN %d, "
          + "not the requested %s %d x %d, %d heads, FFN %d: use another --model-dir", modelDir, c.modelType(),
          c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize(), family, layers, hidden, heads, ffn));
    }
    int torchThreads = JniUtils.getNumThreads();
    if (cpuTime && torchThreads != 1) {
      throw new IllegalArgumentException("--cpu-time needs --threads 1 (other torch threads' work would not be counted)");
    }
    List<TokenizedText> rows = texts(classifier);
    List<TextInput> inputs = rows.stream().map(r -> TextInput.of(joined(r))).toList();
    Explainer explainer = new Explainer(classifier, new TokenBudget(batch * tokens, batch));
    String shape = String.format(Locale.ROOT, "%s %d layers x %d hidden, %d heads, FFN %d; batch %d x %d tokens",
        c.modelType(), c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize(), batch, tokens);
    System.err.printf(Locale.ROOT, "bench-methods: %s; torch %s, %d intra-op / %d inter-op threads, %d cores%n", shape,
        Engine.getInstance().getVersion(), torchThreads, JniUtils.getNumInteropThreads(),
        Runtime.getRuntime().availableProcessors());

    if (dump != null) {
      writeDump(explainer, inputs, rows, timed);
    }

    // Items in a fixed base order; every round rotates it by one.
    Map<String, Runnable> items = new LinkedHashMap<>();
    items.put(FORWARD, () -> explainer.logits(rows));
    for (Method m : timed) {
      items.put(m.id(), () -> explainer.explainTokenized(inputs, rows, m, Target.PREDICTED));
    }
    Map<String, Profiler> profilers = new LinkedHashMap<>();
    for (Method m : profiled) {
      Profiler p = new Profiler(classifier, rows, m);
      profilers.put(m.id(), p);
      items.put("profile:" + m.id(), p::runOnce);
    }

    long t0 = System.nanoTime();
    for (int i = 0; i < warmup; i++) {
      items.values().forEach(Runnable::run);
    }
    profilers.values().forEach(Profiler::reset);
    System.err.printf(Locale.ROOT, "bench-methods: warm-up %d x %d items in %.1f s; timing %d rounds%n", warmup,
        items.size(), secs(t0), rounds);

    List<String> names = new ArrayList<>(items.keySet());
    Map<String, double[]> ms = new LinkedHashMap<>();
    names.forEach(n -> ms.put(n, new double[rounds]));
    t0 = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < names.size(); k++) {
        String n = names.get((k + r) % names.size());
        long s = clock();
        items.get(n).run();
        ms.get(n)[r] = (clock() - s) / 1e6;
      }
    }
    double wall = secs(t0);

    report(shape, torchThreads, timed, ms, profilers, wall);

    if (torchProfile != null) {
      for (var e : items.entrySet()) {
        String file = torchProfile + "-" + e.getKey().replace(':', '-') + ".json";
        JniUtils.startProfile(false, true, false);
        try {
          e.getValue().run();
        } finally {
          JniUtils.stopProfile(file);
        }
        System.err.println("bench-methods: wrote " + file);
      }
    }
  }

  /** Nanoseconds: this thread's CPU time with --cpu-time, else wall time. */
  private long clock() {
    return cpuTime ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : System.nanoTime();
  }

  private void report(String shape, int torchThreads, List<Method> timed, Map<String, double[]> ms,
      Map<String, Profiler> profilers, double wall) throws IOException {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    double fwd = median(ms.get(FORWARD));
    out.printf(Locale.ROOT, "%s; %d torch threads; %s; %d rounds after %d warm-up (%.0f s timed)%n", shape, torchThreads,
        cpuTime ? "thread CPU time" : "wall time", rounds,
        warmup, wall);
    out.printf(Locale.ROOT, "%-12s %10s %10s %10s %10s %12s%n", "item", "median ms", "p90 ms", "min ms", "x forward",
        "x fwd/round");
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("shape", shape).put("torch_threads", torchThreads).put("rounds", rounds).put("warmup", warmup)
        .put("batch", batch).put("tokens", tokens).put("cores", Runtime.getRuntime().availableProcessors())
        .put("timed_seconds", wall).put("clock", cpuTime ? "thread-cpu" : "wall");
    ObjectNode results = root.putObject("results");
    List<String> rows = new ArrayList<>();
    rows.add(FORWARD);
    timed.forEach(m -> rows.add(m.id()));
    for (String n : rows) {
      double[] v = ms.get(n);
      double med = median(v);
      double paired = FORWARD.equals(n) ? 1 : median(ratios(v, ms.get(FORWARD)));
      out.printf(Locale.ROOT, "%-12s %10.1f %10.1f %10.1f %10.2f %12.2f%n", n, med, p90(v), min(v), med / fwd, paired);
      ObjectNode o = results.putObject(n);
      o.put("median_ms", med).put("p90_ms", p90(v)).put("min_ms", min(v)).put("ratio_to_forward", med / fwd)
          .put("median_round_ratio", paired);
      ArrayNode samples = o.putArray("samples_ms");
      Arrays.stream(v).forEach(samples::add);
    }
    if (ms.containsKey(Method.LRP_AH_LN.id())) {
      double r = median(ms.get(Method.LRP_AH_LN.id())) / fwd;
      out.printf(Locale.ROOT, "target lrp-ah-ln <= 2.00 x forward: %.2f x -> %s%n", r, r <= 2.0 ? "MET" : "NOT MET");
      root.put("target_met", r <= 2.0);
    }
    ObjectNode prof = root.putObject("profile");
    for (var e : profilers.entrySet()) {
      Profiler p = e.getValue();
      double total = median(ms.get("profile:" + e.getKey()));
      double explain = ms.containsKey(e.getKey()) ? median(ms.get(e.getKey())) : Double.NaN;
      out.printf(Locale.ROOT, "%npieces of one %s batch (median ms over rounds; x forward = / forward median):%n",
          e.getKey());
      ObjectNode o = prof.putObject(e.getKey());
      double sum = 0;
      for (int i = 0; i < Profiler.PIECES.length; i++) {
        double med = median(p.samples[i]);
        sum += med;
        out.printf(Locale.ROOT, "  %-44s %9.1f %7.2f%n", Profiler.PIECES[i], med, med / fwd);
        o.put(Profiler.PIECES[i], med);
      }
      out.printf(Locale.ROOT, "  %-44s %9.1f %7.2f%n", "sum of piece medians", sum, sum / fwd);
      out.printf(Locale.ROOT, "  %-44s %9.1f %7.2f%n", "pieces run end to end (median)", total, total / fwd);
      out.printf(Locale.ROOT, "  %-44s %9.1f %7.2f%n", "explainTokenized (median, table above)", explain, explain / fwd);
      out.printf(Locale.ROOT, "  %-44s %9.1f%n", "residual: Java assembly and the rest", explain - total);
      o.put("end_to_end_ms", total).put("explain_ms", explain).put("residual_ms", explain - total);
    }
    if (json != null) {
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
      System.err.println("bench-methods: wrote " + json);
    }
  }

  /** Texts of exactly `tokens` tokens ([CLS] w1 ... w(n-2) [SEP]): random whole words of the model's vocabulary. */
  private List<TokenizedText> texts(TextClassifier classifier) {
    List<String> words = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> w.matches("[a-z]+")).toList();
    Random rnd = new Random(seed);
    List<TokenizedText> out = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      // Words until the text fills the tokens (whole-word tokens for WordPiece; BPE and Unigram may split a word, and
      // the last one is then cut by truncation at --tokens).
      StringBuilder sb = new StringBuilder();
      TokenizedText t = classifier.tokenizer().encode("");
      for (int k = 0; t.length() < tokens; k++) {
        sb.append(k == 0 ? "" : " ").append(words.get(rnd.nextInt(words.size())));
        t = classifier.tokenizer().encode(sb.toString());
      }
      if (t.length() != tokens || !t.special()[0] || !t.special()[tokens - 1]) {
        throw new IllegalStateException("generated text tokenized to " + t.length() + " tokens, not " + tokens);
      }
      out.add(t);
    }
    return out;
  }

  private static String joined(TokenizedText t) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < t.length() - 1; i++) {
      sb.append(i == 1 ? "" : " ").append(t.tokens()[i]);
    }
    return sb.toString();
  }

  private void writeDump(Explainer explainer, List<TextInput> inputs, List<TokenizedText> rows, List<Method> timed)
      throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(dump, StandardCharsets.UTF_8))) {
      float[][] logits = explainer.logits(rows);
      for (int k = 0; k < logits.length; k++) {
        w.println("forward " + k + " " + Arrays.toString(logits[k]));
      }
      for (Method m : timed) {
        List<Explanation> es = explainer.explainTokenized(inputs, rows, m, Target.PREDICTED);
        for (int k = 0; k < es.size(); k++) {
          Explanation e = es.get(k);
          w.println(m.id() + " " + k + " logits " + Arrays.toString(e.logits()) + " explained " + e.explainedClass()
              + " sum " + e.relevanceSum() + " gap " + e.conservationGap());
          StringBuilder sb = new StringBuilder();
          for (TokenRelevance t : e.tokens()) {
            sb.append(' ').append(Double.toHexString(t.relevance()));
          }
          w.println(m.id() + " " + k + " tokens" + sb);
          sb.setLength(0);
          for (TokenRelevance t : e.words()) {
            sb.append(' ').append(t.token()).append('=').append(Double.toHexString(t.relevance()));
          }
          w.println(m.id() + " " + k + " words" + sb);
        }
      }
    }
    System.err.println("bench-methods: wrote " + dump);
  }

  /**
   * The steps of Explainer.explainBatch on one batch, timed one by one. Mirrors that code: when it changes, change this
   * too (the end-to-end time against explainTokenized's shows whether they still match).
   */
  private final class Profiler {
    static final String[] PIECES = {
        "embed + mask (grad off)",
        "forward, grad mode on (records the graph)",
        "logits to Java + seed",
        "backward to h0",
        "relevance h0 * grad, sum, to Java",
        "close batch manager (frees graph, tensors)",
    };
    private final TextClassifier classifier;
    private final List<TokenizedText> rows;
    private final Method method;
    final double[][] samples = new double[PIECES.length][];
    private int n;

    Profiler(TextClassifier classifier, List<TokenizedText> rows, Method method) {
      this.classifier = classifier;
      this.rows = rows;
      this.method = method;
      reset();
    }

    void reset() {
      for (int i = 0; i < PIECES.length; i++) {
        samples[i] = new double[rounds];
      }
      n = 0;
    }

    void runOnce() {
      SequenceClassifier model = classifier.model();
      double[] t = new double[PIECES.length];
      boolean grad = JniUtils.isGradMode();
      long s = System.nanoTime();
      EncodedBatch enc = EncodedBatch.of(rows.stream().map(TokenizedText::ids).toList(),
          rows.stream().map(TokenizedText::typeIds).toList(), classifier.tokenizer().padId());
      NDManager m = NDManager.newBaseManager(model.device());
      try {
        JniUtils.setGradMode(false);
        NDArray h0 = model.embed(m, enc);
        NDArray maskBias = model.maskBias(m, enc);
        t[0] = lap(s);
        s = System.nanoTime();
        JniUtils.setGradMode(true);
        h0.setRequiresGradient(true);
        NDArray logits = model.logits(h0, maskBias, method.rules(), null);
        t[1] = lap(s);
        s = System.nanoTime();
        double[] logitValues = logits.stopGradient().toType(DataType.FLOAT64, false).toDoubleArray();
        int c = (int) logits.getShape().get(1);
        double[] select = new double[enc.size() * c];
        for (int k = 0; k < enc.size(); k++) {
          int best = 0;
          for (int j = 1; j < c; j++) {
            best = logitValues[k * c + j] > logitValues[k * c + best] ? j : best;
          }
          select[k * c + best] = 1;
        }
        NDArray seed = m.create(select, new Shape(enc.size(), c)).toType(model.dataType(), false);
        t[2] = lap(s);
        s = System.nanoTime();
        JniUtils.backward((PtNDArray) logits, (PtNDArray) seed, false, false);
        t[3] = lap(s);
        s = System.nanoTime();
        JniUtils.setGradMode(false);
        double[] relevance = h0.mul(h0.getGradient()).sum(new int[] {2}).toType(DataType.FLOAT64, false).toDoubleArray();
        if (relevance.length != enc.size() * enc.length()) {
          throw new IllegalStateException("unexpected relevance size");
        }
        t[4] = lap(s);
      } finally {
        s = System.nanoTime();
        m.close();
        t[5] = lap(s);
        JniUtils.setGradMode(grad);
      }
      if (n < rounds) {
        for (int i = 0; i < PIECES.length; i++) {
          samples[i][n] = t[i];
        }
      }
      n++;
    }
  }

  private static double lap(long start) {
    return (System.nanoTime() - start) / 1e6;
  }

  private static double secs(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Nearest-rank 90th percentile. */
  static double p90(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[Math.max(0, (int) Math.ceil(0.9 * s.length) - 1)];
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double[] ratios(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
