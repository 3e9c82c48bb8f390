package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.audit.AuditFixtures.Run;
import org.lrpaudit.corpus.CorpusParquet;
import org.lrpaudit.model.TestCheckpoints;

/**
 * The audit command end to end in this JVM (no Spark: the bias and probe outputs are fixtures in the contract format,
 * their stages set to run = false): exit status 0 / 1 / 2, what the record holds (checked against independent
 * computations: SHA-256 of the files, the fixtures' numbers), drift against the previous audit, idempotent reruns.
 */
class AuditJobTest {
  static final List<String> THRESHOLDS = List.of(
      "female_male_share_gap.abs_value <= 0.05",
      "female_male_share_gap.p_value >= 0.01",
      "female_male_share_gap interval includes 0",
      "female_to_male_delta_p interval includes 0",
      "female_male_share_gap.abs_change <= 0.02");

  @TempDir
  static Path shared;
  static Path model;
  static String modelId;
  static Path corpus;

  @TempDir
  Path dir;

  @BeforeAll
  static void model() throws IOException {
    model = TestCheckpoints.tinyBert(shared.resolve("model"), 5);
    modelId = TestCheckpoints.sha256(model.resolve("model.safetensors"));
    corpus = shared.resolve("corpus.csv");
    Files.writeString(corpus, "id,text,label\nt1,maria liked the film,1\nt2,john hated it,0\n");
  }

  /** Fixture outputs (gap's interval [gap - 0.03, gap + 0.02]) and an audit.conf over them. */
  Path setUp(Path where, Path corpusFile, double gap, double delta, List<String> thresholds, String extra)
      throws IOException {
    return AuditFixtures.conf(where, model, modelId, corpusFile, dir.resolve("history"), gap, delta, thresholds, extra);
  }

  static Run audit(Path conf, String id) {
    return AuditFixtures.main("audit", "--conf", conf.toString(), "--audit-id", id);
  }

  static JsonNode record(Run r) throws IOException {
    return AuditRecord.JSON.readTree(r.out());
  }

  @Test
  void passingAuditExitsZeroAndRecordsEveryStatisticAndCheck() throws IOException {
    Run r = audit(setUp(dir.resolve("a"), corpus, 0.02, 0.004, THRESHOLDS, ""), "a1");
    assertEquals(0, r.status(), r.err());
    JsonNode rec = record(r);
    assertEquals("pass", rec.get("status").asText());
    assertEquals(modelId, rec.get("model_id").asText());
    assertEquals(TestCheckpoints.sha256(corpus), rec.get("corpus_fingerprint").asText());
    assertEquals(0.02, rec.at("/headline/female_male_share_gap/value").asDouble(), 0);
    assertEquals(-0.01, rec.at("/headline/female_male_share_gap/ci_low").asDouble(), 1e-15);
    assertEquals("probe", rec.at("/headline/female_to_male_delta_p/source").asText());
    assertEquals(3, rec.get("headline").size());
    assertNull(rec.get("drift"));
    List<String> results = new ArrayList<>();
    rec.get("checks").forEach(c -> results.add(c.get("result").asText()));
    assertEquals(List.of("pass", "pass", "pass", "pass", "skipped"), results);
    assertEquals(0.02, rec.at("/checks/0/actual").asDouble(), 0);
    assertEquals("bias", rec.at("/config/stage/bias/command").asText());

    Path history = dir.resolve("history");
    assertTrue(Files.isRegularFile(history.resolve("records/audit_id=a1.json")));
    List<String> csv = Files.readAllLines(history.resolve("audit_history.csv"));
    assertEquals(1 + 3 + THRESHOLDS.size(), csv.size(), "header + one row per statistic and per check");
    assertTrue(csv.get(0).startsWith("audit_id,time,status,model_id,corpus_fingerprint,section,source,statistic"));
    assertEquals(1, AuditRecord.JSON.readTree(history.resolve("audit_history.json").toFile()).size());
    Map<String, Double> headlineValues = parquetHeadline(history.resolve("audit_history/audit_id=a1"));
    assertEquals(Map.of("female_male_share_gap", 0.02, "female_name_mean_share", 0.051,
        "female_to_male_delta_p", 0.004), headlineValues);
  }

  @Test
  void crossedThresholdExitsOneAndIsRecorded() throws IOException {
    Run r = audit(setUp(dir.resolve("a"), corpus, 0.08, 0.004, THRESHOLDS, ""), "a1");
    assertEquals(1, r.status(), r.err());
    JsonNode rec = record(r);
    assertEquals("fail", rec.get("status").asText());
    assertEquals("fail", rec.at("/checks/0/result").asText(), "|0.08| <= 0.05 is false");
    assertEquals("fail", rec.at("/checks/2/result").asText(), "[0.05, 0.10] does not include 0");
    assertEquals("pass", rec.at("/checks/1/result").asText());
    assertTrue(r.err().contains("FAIL  female_male_share_gap.abs_value <= 0.05"), r.err());
    assertTrue(Files.isRegularFile(dir.resolve("history/records/audit_id=a1.json")));
  }

  /**
   * Issue 14: a summary whose interval is [NaN, NaN] (Jackson writes NaN as a string) crosses the threshold; a NaN
   * value no threshold reads is recorded as it is and read back.
   */
  @Test
  void nanIntervalFailsTheCheckAndIsRecorded() throws IOException {
    Path where = dir.resolve("nan");
    Path conf = setUp(where, corpus, 0.02, 0.004, List.of("female_male_share_gap interval excludes 0",
        "female_to_male_delta_p.n >= 1"), "");
    ObjectNode summary = (ObjectNode) AuditRecord.JSON.readTree(where.resolve("bias/bias_summary.json").toFile());
    ((ObjectNode) summary.at("/headline/female_male_share_gap")).put("ci_low", Double.NaN).put("ci_high", Double.NaN);
    Files.writeString(where.resolve("bias/bias_summary.json"), summary.toString());
    summary = (ObjectNode) AuditRecord.JSON.readTree(where.resolve("probe/probe_summary.json").toFile());
    ((ObjectNode) summary.at("/headline/female_to_male_delta_p")).put("value", Double.NaN);
    Files.writeString(where.resolve("probe/probe_summary.json"), summary.toString());
    Run r = audit(conf, "nan");
    assertEquals(1, r.status(), r.err());
    JsonNode rec = record(r);
    assertEquals("fail", rec.get("status").asText());
    assertEquals("fail", rec.at("/checks/0/result").asText(), "[NaN, NaN] does not exclude 0");
    assertTrue(rec.at("/checks/0/reason").asText().contains("is not finite"), rec.toString());
    assertEquals("pass", rec.at("/checks/1/result").asText());
    assertTrue(r.err().contains("FAIL  female_male_share_gap interval excludes 0"), r.err());
    List<AuditRecord> history = new AuditHistory(dir.resolve("history")).read();
    assertEquals(1, history.size());
    assertTrue(history.get(0).headline().get("female_to_male_delta_p").value().isNaN(), "NaN recorded and read back");
  }

  @Test
  void brokenConfigurationsExitTwoAndRecordNothing() throws IOException {
    Map<String, String[]> cases = new LinkedHashMap<>();
    // case -> {thresholds ('|'-separated), appended HOCON, expected fragment of the error}
    cases.put("syntax", new String[] {"female_male_share_gap is small", "", "is not of the form"});
    cases.put("field", new String[] {"female_male_share_gap.mean <= 1", "", "unknown field 'mean'"});
    cases.put("statistic", new String[] {"male_female_gap <= 1", "",
        "no headline statistic 'male_female_gap' in the summaries (available: female_male_share_gap, "
            + "female_name_mean_share, female_to_male_delta_p)"});
    cases.put("no p-value", new String[] {"female_name_mean_share.p_value >= 0.01", "", "has no p_value"});
    cases.put("unregistered", new String[] {"female_male_share_gap <= 1",
        "audit.stages = [annotate, bias]\naudit.stage.annotate { command = no-such-command, args { x = 1 } }",
        "stage 'annotate' runs the sub-command 'no-such-command', which this build of lrp-audit does not have"});
    cases.put("stage fails", new String[] {"female_male_share_gap <= 1",
        "audit.stages = [explain, bias]\naudit.stage.explain { command = explain-text, args = [--model, "
            + AuditFixtures.q(dir.resolve("missing-model")) + ", \"a text\"] }",
        "stage 'explain' (lrp-audit explain-text) failed with exit status 2"});
    cases.put("missing summary", new String[] {"female_male_share_gap <= 1",
        "audit.stage.probe.summary = " + AuditFixtures.q(dir.resolve("nope.json")), "cannot read summary"});
    cases.put("undefined stage", new String[] {"female_male_share_gap <= 1", "audit.stages = [bias, fairness]",
        "audit.stages lists 'fairness' but audit.stage.fairness is not defined"});
    cases.put("no summaries", new String[] {"female_male_share_gap <= 1", "audit.stages = []",
        "no stage of audit.stages names a summary"});
    cases.put("unwritable history", new String[] {"female_male_share_gap <= 1",
        "audit.history = " + AuditFixtures.q(corpus), "lrp-audit audit: error: "});
    cases.put("bad id", new String[] {"female_male_share_gap <= 1", "audit.id = \"../x\"", "audit id '../x'"});
    int i = 0;
    for (var c : cases.entrySet()) {
      Path where = dir.resolve("case" + i++);
      Path conf = setUp(where, corpus, 0.02, 0.0, List.of(c.getValue()[0].split("\\|")), c.getValue()[1]);
      Run r = c.getKey().equals("bad id") ? AuditFixtures.main("audit", "--conf", conf.toString())
          : audit(conf, "x" + i);
      assertEquals(2, r.status(), c.getKey() + ": " + r.err());
      assertTrue(r.err().contains(c.getValue()[2]), c.getKey() + ": " + r.err());
      assertFalse(Files.exists(dir.resolve("history/records")) && Files.list(dir.resolve("history/records"))
          .findAny().isPresent(), c.getKey() + ": nothing recorded");
    }
    // A stale summary: computed for another model.
    Path where = dir.resolve("stale");
    Path conf = setUp(where, corpus, 0.02, 0.0, THRESHOLDS, "");
    ObjectNode summary = (ObjectNode) AuditRecord.JSON.readTree(where.resolve("bias/bias_summary.json").toFile());
    summary.put("model_id", "0".repeat(64));
    Files.writeString(where.resolve("bias/bias_summary.json"), summary.toString());
    Run r = audit(conf, "stale");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("was computed for model 0000"), r.err());
    assertEquals(2, AuditFixtures.main("audit", "--conf", dir.resolve("no-such.conf").toString()).status());
  }

  @Test
  void driftIsTheChangeAgainstThePreviousAuditOfTheSameCorpus() throws IOException {
    assertEquals(0, audit(setUp(dir.resolve("a"), corpus, 0.02, 0.004, THRESHOLDS, ""), "a1").status());
    Run second = audit(setUp(dir.resolve("b"), corpus, 0.045, -0.002, THRESHOLDS, ""), "a2");
    assertEquals(1, second.status(), "the gap moved by 0.025 > 0.02: " + second.err());
    JsonNode rec = record(second);
    assertEquals("a1", rec.at("/drift/previous_audit_id").asText());
    assertEquals(modelId, rec.at("/drift/previous_model_id").asText());
    assertEquals(0.045 - 0.02, rec.at("/drift/changes/female_male_share_gap/change").asDouble(), 1e-15);
    assertEquals(-0.002 - 0.004, rec.at("/drift/changes/female_to_male_delta_p/change").asDouble(), 1e-15);
    assertEquals(0.0, rec.at("/drift/changes/female_name_mean_share/change").asDouble(), 0);
    JsonNode driftCheck = rec.at("/checks/4");
    assertEquals("fail", driftCheck.get("result").asText());
    assertEquals(0.025, driftCheck.get("actual").asDouble(), 1e-15);
    assertEquals("pass", rec.at("/checks/0/result").asText(), "|0.045| <= 0.05");

    // Another corpus has no previous audit, even with an earlier audit in the same history.
    Path other = dir.resolve("other.csv");
    Files.writeString(other, "id,text,label\nt1,maria liked the film!,1\n");
    Run third = audit(setUp(dir.resolve("c"), other, 0.02, 0.004, THRESHOLDS, ""), "c1");
    assertEquals(0, third.status(), third.err());
    assertNull(record(third).get("drift"));
    assertNotEquals(rec.get("corpus_fingerprint").asText(), record(third).get("corpus_fingerprint").asText());
  }

  @Test
  void rerunningAnAuditIdReplacesItsRecord() throws IOException {
    assertEquals(0, audit(setUp(dir.resolve("a"), corpus, 0.02, 0.004, THRESHOLDS, ""), "a1").status());
    Path conf = setUp(dir.resolve("b"), corpus, 0.03, 0.004, THRESHOLDS, "");
    Run first = audit(conf, "a2");
    Path history = dir.resolve("history");
    List<String> csvBefore = Files.readAllLines(history.resolve("audit_history.csv"));
    Run again = audit(conf, "a2");
    assertEquals(first.status(), again.status());
    assertEquals(withoutTimes(record(first)), withoutTimes(record(again)));
    assertEquals("a1", record(again).at("/drift/previous_audit_id").asText());
    List<String> partitions;
    try (Stream<Path> s = Files.list(history.resolve("audit_history"))) {
      partitions = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(List.of("audit_id=a1", "audit_id=a2"), partitions, "one partition per id, no staging leftovers");
    assertEquals(2, new AuditHistory(history).read().size());
    List<String> csvAfter = Files.readAllLines(history.resolve("audit_history.csv"));
    assertEquals(withoutTimeColumn(csvBefore), withoutTimeColumn(csvAfter));
  }

  /**
   * Issue 14: a second run of an audit id while the first is still running is refused (exit 2, naming the holder);
   * the first run's record is the one that stands. Before, both ran and the later writer silently replaced the other.
   */
  @Test
  void aSecondRunOfTheSameIdIsRefusedWhileTheFirstRuns() throws Exception {
    Path first = setUp(dir.resolve("a"), corpus, 0.02, 0.004, THRESHOLDS,
        "audit.stages = [hold, bias, probe]\naudit.stage.hold { command = hold }");
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Commands holding = new Commands() {
      @Override
      public Set<String> names() {
        return Set.of("hold");
      }

      @Override
      public int run(List<String> args) {
        entered.countDown();
        try {
          return release.await(120, TimeUnit.SECONDS) ? 0 : 1;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return 1;
        }
      }
    };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<AuditRecord> running = pool.submit(() -> new AuditJob(holding, Clock.systemUTC())
          .run(AuditConf.read(first, "same", Instant.now())));
      assertTrue(entered.await(120, TimeUnit.SECONDS), "the first audit is in its first stage");
      Run second = audit(setUp(dir.resolve("b"), corpus, 0.08, 0.004, THRESHOLDS, ""), "same");
      assertEquals(2, second.status(), "refused: " + second.err());
      assertTrue(second.err().contains("audit 'same' is already running: held by pid "
          + ProcessHandle.current().pid()), second.err());
      assertFalse(Files.exists(dir.resolve("history/records/audit_id=same.json")), "the refused run recorded nothing");
      release.countDown();
      AuditRecord r = running.get(120, TimeUnit.SECONDS);
      assertEquals(0.02, r.headline().get("female_male_share_gap").value(), 0);
      assertEquals(0.02, new AuditHistory(dir.resolve("history")).get("same").orElseThrow().headline()
          .get("female_male_share_gap").value(), 0, "the first run's record stands");
      assertEquals(1, audit(setUp(dir.resolve("b"), corpus, 0.08, 0.004, THRESHOLDS, ""), "same").status(),
          "once the first has ended, a rerun of the id runs and replaces its record");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  /**
   * Issue 14: the record is written last. When writing the history fails after the audit's partition (here the notebook
   * CSV cannot be replaced), the audit exits 2 and leaves no record, partition or notebook row, so the next audit's
   * drift compares with the last audit that was recorded. Before, the record was written first and became the
   * baseline of the next audit although the audit "could not run".
   */
  @Test
  void aFailedHistoryWriteLeavesNoRecordForTheNextAuditsDrift() throws IOException {
    assertEquals(0, audit(setUp(dir.resolve("a"), corpus, 0.02, 0.004, THRESHOLDS, ""), "a1").status());
    Path history = dir.resolve("history");
    List<String> csv = Files.readAllLines(history.resolve("audit_history.csv"));
    Files.delete(history.resolve("audit_history.csv"));
    Files.createDirectories(history.resolve("audit_history.csv/in-the-way"));
    Run failed = audit(setUp(dir.resolve("b"), corpus, 0.045, 0.004, THRESHOLDS, ""), "a2");
    assertEquals(2, failed.status(), failed.err());
    assertFalse(Files.exists(history.resolve("records/audit_id=a2.json")), "no record of the failed audit");
    assertFalse(Files.exists(history.resolve("audit_history/audit_id=a2")), "its partition was rolled back");
    assertEquals(List.of("a1"), new AuditHistory(history).read().stream().map(AuditRecord::auditId).toList());
    assertEquals(1, AuditRecord.JSON.readTree(history.resolve("audit_history.json").toFile()).size(),
        "the notebook JSON was rolled back");
    try (Stream<Path> leftovers = Files.list(history.resolve("audit_history"))) {
      assertEquals(List.of("audit_id=a1"), leftovers.map(p -> p.getFileName().toString()).toList());
    }

    org.lrpaudit.model.CheckpointWriter.deleteTree(history.resolve("audit_history.csv"));
    Run next = audit(setUp(dir.resolve("c"), corpus, 0.03, 0.004, THRESHOLDS, ""), "a3");
    assertEquals(0, next.status(), next.err());
    assertEquals("a1", record(next).at("/drift/previous_audit_id").asText(), "not the failed a2");
    assertEquals(csv.get(0), Files.readAllLines(history.resolve("audit_history.csv")).get(0));
  }

  /**
   * A writer killed mid-write (kill -9: no rollback) leaves temporary files, a partition without a record, or a
   * partition that no longer matches its record; the next writer (holding the history lock) repairs all of them from
   * the records.
   */
  @Test
  void whatAKilledWriterLeftIsRepairedByTheNextWrite() throws IOException {
    assertEquals(0, audit(setUp(dir.resolve("a"), corpus, 0.02, 0.004, THRESHOLDS, ""), "a1").status());
    Path history = dir.resolve("history");
    Path table = history.resolve("audit_history");
    // killed after swapping in a2's partition, before its record; and after replacing a1's partition with other rows
    Files.createDirectories(table.resolve("audit_id=a2"));
    Files.copy(table.resolve("audit_id=a1/" + AuditHistory.PART), table.resolve("audit_id=a2/" + AuditHistory.PART));
    Files.writeString(table.resolve("audit_id=a1/" + AuditHistory.DIGEST), "0".repeat(64) + "\n");
    Files.delete(table.resolve("audit_id=a1/" + AuditHistory.PART));
    Files.createDirectories(table.resolve(".staging-dead/x"));
    Files.writeString(history.resolve("records/.audit_id=a2.json.dead"), "{");
    Files.writeString(history.resolve(".audit_history.csv.dead"), "x");
    Files.writeString(history.resolve(".keep-me"), "not ours");

    assertEquals(0, audit(setUp(dir.resolve("c"), corpus, 0.03, 0.004, THRESHOLDS, ""), "a3").status());
    try (Stream<Path> s = Files.list(table)) {
      assertEquals(List.of("audit_id=a1", "audit_id=a3"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals(Map.of("female_male_share_gap", 0.02, "female_name_mean_share", 0.051,
        "female_to_male_delta_p", 0.004), parquetHeadline(table.resolve("audit_id=a1")), "rewritten from its record");
    assertEquals(TestCheckpoints.sha256(history.resolve("records/audit_id=a1.json")),
        Files.readString(table.resolve("audit_id=a1/" + AuditHistory.DIGEST)).strip());
    assertFalse(Files.exists(history.resolve("records/.audit_id=a2.json.dead")));
    assertFalse(Files.exists(history.resolve(".audit_history.csv.dead")));
    assertTrue(Files.exists(history.resolve(".keep-me")), "files that are not the history's own are left alone");
  }

  @Test
  void corpusFingerprintIsTheContentHash() throws IOException {
    assertEquals(TestCheckpoints.sha256(corpus), CorpusFingerprint.of(corpus.toString()));
    Path folder = dir.resolve("lake/corpus");
    Files.createDirectories(folder.resolve("part=1"));
    Files.writeString(folder.resolve("part=1/a.csv"), "id,text\n1,a\n");
    Files.writeString(folder.resolve("b.csv"), "id,text\n2,b\n");
    String before = CorpusFingerprint.of(folder.toString());
    assertEquals(before, CorpusFingerprint.of(folder.toString()), "stable across reads");
    Files.writeString(folder.resolve("_SUCCESS"), "");
    Files.writeString(folder.resolve(".b.csv.crc"), "xyz");
    Files.createDirectories(folder.resolve("_temporary/0"));
    Files.writeString(folder.resolve("_temporary/0/c.csv"), "id,text\n3,c\n");
    assertEquals(before, CorpusFingerprint.of(folder.toString()), "bookkeeping files are not content");
    Files.move(dir.resolve("lake"), dir.resolve("lake2"));
    assertEquals(before, CorpusFingerprint.of(dir.resolve("lake2/corpus").toString()), "location is not content");
    Files.writeString(dir.resolve("lake2/corpus/b.csv"), "id,text\n2,B\n");
    assertNotEquals(before, CorpusFingerprint.of(dir.resolve("lake2/corpus").toString()));
  }

  private static JsonNode withoutTimes(JsonNode record) {
    ObjectNode copy = record.deepCopy();
    copy.remove(List.of("time", "duration_seconds"));
    return copy;
  }

  private static List<String> withoutTimeColumn(List<String> csv) {
    return csv.stream().map(l -> l.replaceFirst("^([^,]*),[^,]*,", "$1,,")).toList();
  }

  /** statistic -> value of the headline rows of one Parquet partition, read with parquet-hadoop. */
  static Map<String, Double> parquetHeadline(Path partition) throws IOException {
    Map<String, Double> out = new HashMap<>();
    try (ParquetFileReader reader = ParquetFileReader.open(
        new CorpusParquet.LocalInputFile(partition.resolve("part-00000.snappy.parquet")))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      var pages = reader.readNextRowGroup();
      RecordReader<Group> rows = new ColumnIOFactory().getColumnIO(schema)
          .getRecordReader(pages, new GroupRecordConverter(schema));
      for (long i = 0; i < pages.getRowCount(); i++) {
        Group g = rows.read();
        if (g.getString("section", 0).equals("headline")) {
          out.put(g.getString("statistic", 0), g.getDouble("value", 0));
        }
      }
    }
    return out;
  }
}
