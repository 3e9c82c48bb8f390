package org.lrpaudit.bias;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.runtime.JobException;

/** Bad inputs are counted and reported (mentions in == mentions accounted for), bad jobs fail before writing anything. */
class BiasBadInputTest {
  @TempDir
  static Path dir;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = BiasTables.spark();
  }

  @Test
  void everyBadMentionIsCountedUnderItsOwnStatus() throws Exception {
    List<BiasTables.Doc> docs = new ArrayList<>();
    docs.add(BiasTables.doc("a", 1, 1, List.of("anna", "was", "good"), new double[] {1, 0.5, 2}, 0.1, 0.1));
    docs.add(BiasTables.doc("b", 0, 0, List.of("john", "was", "bad"), new double[] {-1, 0.5, 2}, 0.1, 0.1));
    docs.add(BiasTables.failed("c"));
    docs.add(BiasTables.doc("d", 0, 0, List.of("mary"), new double[] {1}, 0, 0));
    docs.add(BiasTables.doc("d", 1, 0, List.of("mary"), new double[] {1}, 0, 0)); // the same id twice
    List<BiasTables.Mention> m = List.of(
        new BiasTables.Mention("a", 0, 4, "Anna", "female_name"),
        new BiasTables.Mention("b", 0, 4, "John", "male_name"),
        new BiasTables.Mention("c", 0, 4, "Paul", "male_name"),         // relevance row failed
        new BiasTables.Mention("zz", 0, 4, "Kate", "female_name"),      // id not in relevance
        new BiasTables.Mention("a", 10, 40, "good...", "female_name"),  // beyond the text (length 13)
        new BiasTables.Mention("a", -2, 3, "ann", "female_name"),       // negative start
        new BiasTables.Mention("a", 5, 5, "", "female_name"),           // empty
        new BiasTables.Mention("d", 0, 4, "Mary", "female_name"),       // ambiguous id
        new BiasTables.Mention("a", 4, 5, " ", "female_name"));         // only the space: no word
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t1"), docs, "r", "lrp-ah-ln");
    Path men = BiasTables.writeMentions(spark, dir.resolve("t1/m"), m);
    Map<String, Object> s = new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(),
        dir.resolve("t1/out").toString()));
    Map<String, Long> expected = new TreeMap<>(Map.of("ok", 2L, MentionSpans.RELEVANCE_NOT_OK, 1L,
        MentionSpans.NOT_IN_RELEVANCE, 1L, MentionSpans.OUTSIDE_TEXT, 2L, MentionSpans.EMPTY_SPAN, 1L,
        MentionSpans.DUPLICATE_ID, 1L, MentionSpans.NO_UNIT, 1L));
    assertEquals(expected, s.get("mention_status"));
    assertEquals((long) m.size(), s.get("mention_rows"));
    assertEquals(2L, s.get("joined_mentions"));
    assertEquals(5L, s.get("relevance_rows"));
    assertEquals(Map.of("ok", 4L, "text_too_long", 1L), s.get("relevance_status"));
    String summary = Files.readString(dir.resolve("t1/out/bias_summary.json"));
    assertTrue(summary.contains("\"offsets_outside_text\" : 2"), summary);
  }

  @Test
  void missingColumnsUnknownRunsAndExistingRunsFailBeforeWritingAnything() throws Exception {
    List<BiasTables.Doc> docs = List.of(BiasTables.doc("a", 1, 1, List.of("anna"), new double[] {1}, 0, 0));
    Path rel = BiasTables.writeRelevance(spark, dir.resolve("t2"), docs, "r", "lrp-ah-ln");
    Path men = BiasTables.writeMentions(spark, dir.resolve("t2/m"),
        List.of(new BiasTables.Mention("a", 0, 4, "Anna", "female_name")));
    Path noKind = dir.resolve("t2/nokind");
    spark.read().parquet(men.toString()).drop("kind").write().parquet(noKind.toString());
    Path out = dir.resolve("t2/out");
    JobException e = assertThrows(JobException.class, () -> new BiasJob(spark).run(BiasSettings.of(rel.toString(),
        noKind.toString(), out.toString())));
    assertTrue(e.getMessage().contains("[kind]") && e.getMessage().contains(noKind.toString()), e.getMessage());
    e = assertThrows(JobException.class, () -> new BiasJob(spark).run(BiasSettings.of(men.toString(),
        men.toString(), out.toString())));
    assertTrue(e.getMessage().contains("relevance table") && e.getMessage().contains("status"), e.getMessage());
    e = assertThrows(JobException.class, () -> new BiasJob(spark).run(new BiasSettings(rel.toString(), men.toString(),
        out.toString(), "gi", null, "words", 100, 100, 1, List.of(), null, 5, false, "mention")));
    assertTrue(e.getMessage().contains("no run") && e.getMessage().contains("gi"), e.getMessage());
    assertFalse(Files.exists(out), "a job that fails before computing writes nothing");

    new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(), out.toString()));
    e = assertThrows(JobException.class, () -> new BiasJob(spark).run(BiasSettings.of(rel.toString(), men.toString(),
        out.toString())));
    assertTrue(e.getMessage().contains("--overwrite"), e.getMessage());
  }
}
