package org.lrpaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.model.CheckpointWriter;
import org.lrpaudit.model.RandomCheckpoint;

/**
 * No command deletes or overwrites a user's files: an output folder that is not one of ours (a marker file or a schema
 * check) is refused before any work, with exit 2, and everything in it stays as it was. train --out used to delete a
 * whole folder (notes.txt and all), evaluate --overwrite replaced any folder, slot-mentions deleted any folder, and
 * random-model wrote its files into any folder.
 */
class NoDataLossTest {
  @TempDir
  static Path tmp;
  static Path base;
  static Path trainCsv;

  @BeforeAll
  static void setUp() throws IOException {
    base = RandomCheckpoint.write(RandomCheckpoint.spec("bert", 1, 16, 2, 32, false, 3), tmp.resolve("base"));
    StringBuilder csv = new StringBuilder("id,text,label,split\n");
    String[] words = {"good film", "bad film", "great story", "dull plot"};
    for (int i = 0; i < 24; i++) {
      csv.append("r").append(i).append(',').append(words[i % 4]).append(',').append(i % 2 == 0 ? 1 : 0).append(',')
          .append(i % 6 == 0 ? "test" : i % 6 == 1 ? "validation" : "train").append('\n');
    }
    trainCsv = Files.writeString(tmp.resolve("train.csv"), csv.toString());
  }

  private static Path usersFolder(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("notes.txt"), "my notes");
    return dir;
  }

  private static void assertUntouched(Path dir, String... names) throws IOException {
    assertEquals("my notes", Files.readString(dir.resolve("notes.txt")));
    List<String> have = new ArrayList<>();
    try (var s = Files.list(dir)) {
      s.forEach(p -> have.add(p.getFileName().toString()));
    }
    List<String> want = new ArrayList<>(List.of("notes.txt"));
    want.addAll(List.of(names));
    assertEquals(want.stream().sorted().toList(), have.stream().sorted().toList(), "nothing added or removed in " + dir);
  }

  private static int train(Path out) {
    return Main.run("train", "--base", base.toString(), "--train", trainCsv.toString(), "--out", out.toString(),
        "--epochs", "1", "--max-length", "16");
  }

  @Test
  void trainRefusesAUsersFolderAndReplacesOnlyItsOwnModel() throws IOException {
    Path users = usersFolder("users-train");
    assertEquals(2, train(users));
    assertUntouched(users);

    Path own = tmp.resolve("trained");
    assertEquals(0, train(own));
    assertTrue(Files.isRegularFile(own.resolve(CheckpointWriter.MARKER)));
    assertEquals(0, train(own), "a folder train wrote is replaced by the next train");
    Files.writeString(own.resolve("notes.txt"), "my notes");
    assertEquals(2, train(own), "not once a user's file was put into it");
    assertTrue(Files.isRegularFile(own.resolve("model.safetensors")));
    assertUntouched(own, "config.json", "model.safetensors", "tokenizer.json", "training-report.json",
        CheckpointWriter.MARKER);

    assertEquals(2, Main.run("train", "--base", base.toString(), "--train", trainCsv.toString(), "--out",
        base.toString(), "--epochs", "1"), "--out must not be the base model");
  }

  @Test
  void randomModelRefusesAUsersFolder() throws IOException {
    Path users = usersFolder("users-random");
    Files.writeString(users.resolve("config.json"), "{\"mine\": true}");
    assertEquals(2, Main.run("random-model", "--out", users.toString()));
    assertEquals("{\"mine\": true}", Files.readString(users.resolve("config.json")));
    assertUntouched(users, "config.json");
    Path own = tmp.resolve("random");
    assertEquals(0, Main.run("random-model", "--out", own.toString()));
    assertEquals(0, Main.run("random-model", "--out", own.toString(), "--seed", "2"));
  }

  @Test
  void evaluateOverwriteReplacesOnlyAnEvaluateOutput() throws IOException {
    Path input = Files.writeString(tmp.resolve("eval.jsonl"),
        "{\"id\": \"a\", \"text\": \"a good film\", \"label\": 1}\n{\"id\": \"b\", \"text\": \"a dull plot\", \"label\": 0}\n");
    Path out = tmp.resolve("eval-out");
    String[] args = {"evaluate", "--model", base.toString(), "--input", input.toString(), "--output", out.toString(),
        "--methods", "random", "--steps", "3", "--overwrite"};
    assertEquals(0, Main.run(args));
    assertTrue(Files.isRegularFile(out.resolve("summary.json")));
    assertEquals(0, Main.run(args), "an earlier evaluate output is replaced with --overwrite");

    Files.writeString(out.resolve("notes.txt"), "my notes");
    assertEquals(2, Main.run(args));
    assertTrue(Files.isRegularFile(out.resolve("summary.json")));
    assertEquals("my notes", Files.readString(out.resolve("notes.txt")));

    Path users = usersFolder("users-eval");
    args[6] = users.toString();
    assertEquals(2, Main.run(args));
    assertUntouched(users);
  }

  @Test
  void slotMentionsRefusesAUsersFolder() throws IOException {
    Path input = Files.writeString(tmp.resolve("slots.csv"), "id,text,slot_kind,slot_start,slot_end,slot_value\n"
        + "p1,Mary liked it.,female_name,0,4,Mary\n");
    Path users = usersFolder("users-slots");
    assertEquals(2, Main.run("slot-mentions", "--input", input.toString(), "--output", users.toString()));
    assertUntouched(users);
    Path own = tmp.resolve("slots-out");
    assertEquals(0, Main.run("slot-mentions", "--input", input.toString(), "--output", own.toString()));
    assertEquals(0, Main.run("slot-mentions", "--input", input.toString(), "--output", own.toString()),
        "its own table is replaced");
    assertFalse(Files.exists(own.resolve("notes.txt")));
  }
}
