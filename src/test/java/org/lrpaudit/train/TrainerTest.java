package org.lrpaudit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.RandomCheckpoint;
import org.lrpaudit.model.TextClassifier;

/** Fine-tuning learns a learnable task, saves a model that reloads to the same predictions, and is reproducible. */
class TrainerTest {
  private static final List<String> POSITIVE = List.of("good", "great", "wonderful", "loved", "brilliant", "charming");
  private static final List<String> NEGATIVE = List.of("bad", "terrible", "awful", "boring", "dull", "tedious");
  private static final List<String> FILLER = List.of("the", "movie", "film", "was", "story", "acting", "and", "very",
      "plot", "cast", "music", "ending", "it", "this", "a");

  @TempDir
  static Path dir;
  static Path base;

  @BeforeAll
  static void writeBase() throws Exception {
    base = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 1, 32, 4, 64, false, 3), dir.resolve("base"));
  }

  /** Sentences whose label is the polarity of the one sentiment word they hold. */
  static List<LabeledText> data(int n, long seed) {
    Random r = new Random(seed);
    List<LabeledText> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(2);
      List<String> words = new ArrayList<>();
      for (int k = 0; k < 3 + r.nextInt(8); k++) {
        words.add(FILLER.get(r.nextInt(FILLER.size())));
      }
      List<String> lex = label == 1 ? POSITIVE : NEGATIVE;
      words.add(r.nextInt(words.size() + 1), lex.get(r.nextInt(lex.size())));
      String split = i % 10 == 0 ? "test" : i % 10 == 1 ? "validation" : "train";
      out.add(new LabeledText("r" + i, String.join(" ", words), label, split));
    }
    return out;
  }

  static Trainer.Settings settings(long seed) {
    return new Trainer.Settings(6, 3e-3, 512, 32, 0.1, 0.01, seed, 64);
  }

  @Test
  void learnsTheTaskAndTheSavedModelReloadsToTheSameAccuracy() throws Exception {
    List<LabeledText> rows = data(600, 1);
    Path out = dir.resolve("trained");
    TrainingReport report = new Trainer(settings(7)).train(base.toString(), rows, "synthetic", out);
    assertEquals(480, report.splitSizes().get("train"));
    assertEquals(6, report.validationAccuracy().size());
    assertTrue(report.testAccuracy() >= 0.95, "test accuracy " + report.testAccuracy());
    try (TextClassifier reloaded = TextClassifier.load(out.toString(), 64);
        TextClassifier untrained = TextClassifier.load(base.toString(), 64)) {
      List<LabeledText> test = rows.stream().filter(r -> r.split().equals("test")).toList();
      assertEquals(report.testAccuracy(), Trainer.accuracy(reloaded, test), 1e-12);
      assertEquals(report.modelId(), reloaded.modelId());
      assertTrue(Trainer.accuracy(untrained, test) < 0.8, "the task should not be solved before training");
    }
    assertTrue(Files.exists(out.resolve("training-report.json")));
    // The folder gets the permissions any new folder gets here (not a temp folder's owner-only 0700).
    assertEquals(Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain"))),
        Files.getPosixFilePermissions(out));
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() throws Exception {
    List<LabeledText> rows = data(120, 2);
    Trainer.Settings s = new Trainer.Settings(1, 1e-3, 256, 16, 0.1, 0.01, 5, 64);
    String a = new Trainer(s).train(base.toString(), rows, "d", dir.resolve("a")).modelId();
    String b = new Trainer(s).train(base.toString(), rows, "d", dir.resolve("b")).modelId();
    Trainer.Settings other = new Trainer.Settings(1, 1e-3, 256, 16, 0.1, 0.01, 6, 64);
    String c = new Trainer(other).train(base.toString(), rows, "d", dir.resolve("c")).modelId();
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void refusesUnusableTrainingSetsAndWritesNothing() {
    List<LabeledText> oneClass = data(100, 3).stream().map(r -> new LabeledText(r.id(), r.text(), 1, r.split())).toList();
    Path out = dir.resolve("never");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(settings(1)).train(base.toString(), oneClass, "one-class.csv", out));
    assertTrue(e.getMessage().contains("one-class.csv") && e.getMessage().contains("two classes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(settings(1)).train(base.toString(), List.of(), "empty.csv", out));
    assertTrue(e.getMessage().contains("no rows with split 'train'"), e.getMessage());
    List<LabeledText> badLabel = List.of(new LabeledText("x1", "good", 1, "train"), new LabeledText("x2", "bad", 5, "train"));
    e = assertThrows(IllegalArgumentException.class,
        () -> new Trainer(settings(1)).train(base.toString(), badLabel, "bad.csv", out));
    assertTrue(e.getMessage().contains("row x2"), e.getMessage());
    assertFalse(Files.exists(out));
  }
}
