package org.lrpaudit.stress;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.lrpaudit.explain.Explainer;
import org.lrpaudit.explain.Explanation;
import org.lrpaudit.explain.Method;
import org.lrpaudit.explain.MethodOptions;
import org.lrpaudit.explain.Target;
import org.lrpaudit.explain.TextInput;
import org.lrpaudit.explain.TokenBudget;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TextClassifier;
import org.lrpaudit.train.LabeledText;
import org.lrpaudit.train.Trainer;

/**
 * Stress of the native path (run by jobs/bench/stress-native, not by the test suite): several threads explain random
 * batches of varying shapes with every method on bias-free random BERT and DistilBERT models with each activation, while
 * one more thread fine-tunes a model. Every result is checked against an independent fact: finite; the same text and
 * method give the same relevance in any batch (1e-4 relative); lrp-ah-ln sums to the explained logit (1e-4 relative on
 * these bias-free models). Exit 0 only when nothing is wrong. Meant to run under MALLOC_PERTURB_ and a small young
 * generation (frequent collections), where a freed temporary would be reused at once.
 *
 * <p>Arguments: batches per explain thread (default 500), explain threads (default 3), seed (default 1).
 */
public final class NativeStress {
  private static final List<String> ACTIVATIONS = List.of("gelu", "gelu_new", "relu");

  private record Key(int model, Method method, int text) {}

  public static void main(String[] args) throws Exception {
    int batchesPerThread = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    Path dir = Files.createTempDirectory("lrp-stress");
    List<TextClassifier> models = new ArrayList<>();
    for (String type : List.of("bert", "distilbert")) {
      for (String act : ACTIVATIONS) {
        RandomCheckpoint.Spec spec = new RandomCheckpoint.Spec(type, 2, 64, 4, 128, 128, 2, act, true,
            seed + models.size(), RandomCheckpoint.DEMO_WORDS);
        Path folder = RandomCheckpoint.write(spec, dir.resolve(type + "-" + act));
        models.add(TextClassifier.load(folder.toString(), 128, Device.cpu(), DataType.FLOAT32));
      }
    }
    List<String> pool = texts(120, seed);
    Map<Key, double[]> first = new ConcurrentHashMap<>();
    AtomicLong batches = new AtomicLong();
    AtomicLong results = new AtomicLong();
    AtomicLong nonFinite = new AtomicLong();
    AtomicLong mismatches = new AtomicLong();
    AtomicLong conservationFailures = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Integer> shapes = new ArrayList<>();
    long start = System.nanoTime();

    ExecutorService pool2 = Executors.newFixedThreadPool(threads + 1);
    List<Future<?>> work = new ArrayList<>();
    Future<?> training = pool2.submit(() -> {
      train(dir, seed);
      return null;
    });
    for (int t = 0; t < threads; t++) {
      long threadSeed = seed * 1000 + t;
      work.add(pool2.submit(() -> {
        Random rnd = new Random(threadSeed);
        MethodOptions options = new MethodOptions(4, 7);
        for (int b = 0; b < batchesPerThread; b++) {
          int mi = rnd.nextInt(models.size());
          Method method = Method.values()[rnd.nextInt(Method.values().length)];
          int rows = 1 + rnd.nextInt(8);
          List<Integer> picked = new ArrayList<>();
          List<TextInput> inputs = new ArrayList<>();
          for (int r = 0; r < rows; r++) {
            int i = rnd.nextInt(pool.size());
            picked.add(i);
            inputs.add(TextInput.of(pool.get(i)));
          }
          try {
            // One batch per call: the budget admits every row of it.
            List<Explanation> out = new Explainer(models.get(mi), new TokenBudget(1 << 20, 64), options)
                .explain(inputs, method, Target.PREDICTED);
            batches.incrementAndGet();
            for (int r = 0; r < rows; r++) {
              Explanation e = out.get(r);
              double[] rel = e.tokens().stream().mapToDouble(x -> x.relevance()).toArray();
              results.incrementAndGet();
              boolean finite = java.util.Arrays.stream(rel).allMatch(Double::isFinite);
              if (!finite) {
                nonFinite.incrementAndGet();
                continue;
              }
              double[] prev = first.putIfAbsent(new Key(mi, method, picked.get(r)), rel);
              if (prev != null && !close(prev, rel)) {
                mismatches.incrementAndGet();
                System.err.println("mismatch: model " + mi + " " + method + " text " + picked.get(r));
              }
              if (method == Method.LRP_AH_LN && Math.abs(e.conservationGap())
                  > 1e-4 * Math.max(1, Math.abs(e.explainedLogit()))) {
                conservationFailures.incrementAndGet();
                System.err.println("conservation: model " + mi + " gap " + e.conservationGap());
              }
            }
          } catch (RuntimeException e) {
            errors.incrementAndGet();
            System.err.println("error: " + e);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    String trainResult;
    try {
      training.get();
      trainResult = "ok";
    } catch (java.util.concurrent.ExecutionException e) {
      trainResult = "failed: " + e.getCause();
    }
    pool2.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("{\"threads\": %d, \"batches\": %d, \"results\": %d, \"distinct_text_methods\": %d, "
        + "\"non_finite\": %d, \"batch_mismatches\": %d, \"conservation_failures\": %d, \"errors\": %d, "
        + "\"training\": \"%s\", \"seconds\": %.1f, \"malloc_perturb\": \"%s\", \"gc\": \"%s\"}%n",
        threads, batches.get(), results.get(), first.size(), nonFinite.get(), mismatches.get(),
        conservationFailures.get(), errors.get(), trainResult, seconds, System.getenv("MALLOC_PERTURB_"),
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(g -> g.getName() + "=" + g.getCollectionCount()).toList());
    models.forEach(TextClassifier::close);
    boolean ok = nonFinite.get() == 0 && mismatches.get() == 0 && conservationFailures.get() == 0 && errors.get() == 0
        && trainResult.equals("ok");
    System.exit(ok ? 0 : 1);
  }

  private static boolean close(double[] a, double[] b) {
    if (a.length != b.length) {
      return false;
    }
    double scale = 0;
    for (double v : a) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > 1e-4 * Math.max(1e-3, scale)) {
        return false;
      }
    }
    return true;
  }

  /** Texts of 1 to 60 words from the random checkpoints' vocabulary (lengths vary, so batch shapes do). */
  private static List<String> texts(int n, long seed) {
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#") && !w.contains("'")).toList();
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = 1 + rnd.nextInt(60);
      List<String> words = new ArrayList<>();
      for (int k = 0; k < len; k++) {
        words.add(vocab.get(rnd.nextInt(vocab.size())));
      }
      out.add(String.join(" ", words));
    }
    return out;
  }

  /** Fine-tuning beside the explain threads: a non-finite loss or gradient stops it with an exception. */
  private static void train(Path dir, long seed) throws Exception {
    Path base = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 2, 64, 4, 128, false, seed), dir.resolve("base"));
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#") && !w.contains("'")).toList();
    Random rnd = new Random(seed);
    List<LabeledText> rows = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      List<String> words = new ArrayList<>();
      for (int k = 0; k < 3 + rnd.nextInt(30); k++) {
        words.add(vocab.get(rnd.nextInt(vocab.size())));
      }
      rows.add(new LabeledText("t" + i, String.join(" ", words), words.size() % 2, i % 10 == 0 ? "test" : "train"));
    }
    new Trainer(new Trainer.Settings(3, 1e-3, 512, 32, 0.1, 0.01, seed, 64)).train(base.toString(), rows, "stress",
        dir.resolve("trained"));
  }
}
