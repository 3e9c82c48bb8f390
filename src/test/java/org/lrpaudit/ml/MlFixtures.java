package org.lrpaudit.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.model.RandomCheckpoint;

/** A seeded random BERT written once per JVM, texts of demo words, and a JSON-lines corpus of them. */
final class MlFixtures {
  private static Path model;

  private MlFixtures() {}

  static synchronized String model() {
    if (model == null) {
      try {
        Path dir = Files.createTempDirectory("lrp-ml-model");
        model = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 2, 32, 4, 64, false, 23), dir);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return model.toString();
  }

  static SparkSession local() {
    return SparkSession.builder().master("local[2]").appName("lrp-ml-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "3").getOrCreate();
  }

  /** n sentences of 1 to maxWords demo words. */
  static List<String> sentences(int n, int maxWords, long seed) {
    List<String> vocab = RandomCheckpoint.DEMO_WORDS.stream().filter(w -> !w.startsWith("#")).toList();
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder b = new StringBuilder();
      for (int w = 1 + rnd.nextInt(maxWords); w > 0; w--) {
        b.append(b.length() == 0 ? "" : " ").append(vocab.get(rnd.nextInt(vocab.size())));
      }
      out.add(b.toString());
    }
    return out;
  }

  /** {id: "t<i>", text, label: i % 2} per line; a null text is written as JSON null. */
  static Path jsonl(Path file, List<String> texts) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      ObjectNode row = json.createObjectNode().put("id", "t" + i).put("text", texts.get(i)).put("label", i % 2);
      lines.add(json.writeValueAsString(row));
    }
    return Files.write(file, lines);
  }
}
