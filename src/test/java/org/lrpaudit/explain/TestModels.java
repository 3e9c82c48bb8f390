package org.lrpaudit.explain;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TextClassifier;

/** Seeded random checkpoints written once per JVM (never committed), and texts of a chosen number of tokens. */
final class TestModels {
  private static final ConcurrentHashMap<RandomCheckpoint.Spec, Path> WRITTEN = new ConcurrentHashMap<>();

  private TestModels() {}

  static Path folder(RandomCheckpoint.Spec spec) {
    return WRITTEN.computeIfAbsent(spec, s -> {
      try {
        Path dir = Files.createTempDirectory("lrp-test-model");
        dir.toFile().deleteOnExit();
        return RandomCheckpoint.write(s, dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  static TextClassifier load(RandomCheckpoint.Spec spec, DataType type) {
    return TextClassifier.load(folder(spec).toString(), 512, Device.cpu(), type);
  }

  static RandomCheckpoint.Spec spec(String type, int layers, int hidden, int heads, boolean zeroBiases, long seed) {
    return RandomCheckpoint.spec(type, layers, hidden, heads, 2 * hidden, zeroBiases, seed);
  }

  /** A text of exactly n whole-word tokens from the generated vocabulary (n + 2 model tokens with [CLS] and [SEP]). */
  static String words(int n, long seed) {
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#") && !w.contains("'")).toList();
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(vocab.get(rnd.nextInt(vocab.size())));
    }
    return String.join(" ", out);
  }
}
