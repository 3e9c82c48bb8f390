package org.lrpaudit.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.audit.AuditHistory;
import org.lrpaudit.audit.AuditRecord;
import org.lrpaudit.audit.SummaryFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes DIR/index.html for one audit of a history (the latest unless an id is given), reading the stage outputs the
 * audit record points to, and, when an image relevance table is given, its image section (alone when there is no
 * history). Spark is started only to read the relevance tables for the heatmaps.
 */
public final class DashboardJob {
  public static final String PAGE = "index.html";
  private static final Logger LOG = LoggerFactory.getLogger(DashboardJob.class);

  private DashboardJob() {}

  public static Path write(Path historyDir, String auditId, Path outDir, int examples, List<String> exampleIds,
      Supplier<SparkSession> spark) throws IOException {
    return write(historyDir, auditId, outDir, examples, exampleIds, null, null, spark);
  }

  /**
   * historyDir null: a page of the image section alone (images must then be given); faithfulness: an evaluate-images
   * output folder or its summary.json, or evaluate-idx's JSON lines, for the image section's flipping table (null:
   * none).
   */
  public static Path write(Path historyDir, String auditId, Path outDir, int examples, List<String> exampleIds,
      ImageChoice images, Path faithfulness, Supplier<SparkSession> spark) throws IOException {
    requireOwnPage(outDir.resolve(PAGE));
    if (historyDir == null && images == null) {
      throw new AuditException("nothing to show: give an audit history (--history) or an image relevance table "
          + "(--image-relevance)");
    }
    // Read before Spark starts: a broken faithfulness file is refused at once.
    List<FlippingScores.Score> scores = faithfulness == null ? null : FlippingScores.read(faithfulness);
    Dashboard.Inputs page = historyDir == null ? new Dashboard.Inputs(null, List.of(), null, null, List.of(), null)
        : audit(historyDir, auditId, examples, exampleIds, spark);
    if (images != null) {
      List<ImageExample> shown = ImageExamples.read(spark.get(), images);
      page = new Dashboard.Inputs(page.audit(), page.trend(), page.bias(), page.probe(), page.examples(),
          page.examplesNote(), new ImageSection.Inputs(images.table(), images.methods(), shown, scores, null));
    }
    String html = Dashboard.html(page);
    Files.createDirectories(outDir);
    Path file = outDir.resolve(PAGE);
    Path tmp = outDir.resolve("." + PAGE + "." + UUID.randomUUID());
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }

  private static Dashboard.Inputs audit(Path historyDir, String auditId, int examples, List<String> exampleIds,
      Supplier<SparkSession> spark) {
    List<AuditRecord> all = new AuditHistory(historyDir).read();
    if (all.isEmpty()) {
      throw new AuditException("no audits recorded in " + historyDir);
    }
    AuditRecord audit = auditId == null ? all.get(all.size() - 1)
        : all.stream().filter(r -> r.auditId().equals(auditId)).findFirst().orElseThrow(() ->
            new AuditException("audit " + auditId + " is not in " + historyDir));
    List<AuditRecord> trend = all.stream().filter(r -> r.corpusFingerprint().equals(audit.corpusFingerprint())
        && !r.instant().isAfter(audit.instant())).toList();
    AuditRecord.Outputs out = audit.outputs();
    JsonNode bias = summary(out, Dashboard.BIAS);
    JsonNode probe = summary(out, Dashboard.PROBE);
    List<Heatmap.Example> texts = List.of();
    String note = null;
    if (out == null || out.relevance() == null) {
      note = "The audit record names no relevance table (audit.relevance in audit.conf).";
    } else if (examples + exampleIds.size() > 0) {
      try {
        texts = RelevanceExamples.read(spark.get(), out.relevance(), audit.corpus(), audit.model(), exampleIds,
            examples);
      } catch (RuntimeException e) { // e.g. the run's relevance was cleaned up: the rest of the page still stands
        LOG.warn("dashboard: cannot read the relevance table {}: {}", out.relevance().path(), e.getMessage());
        note = "The relevance table " + out.relevance().path() + " (run " + out.relevance().runId()
            + ") cannot be read: " + e.getMessage();
      }
    }
    return new Dashboard.Inputs(audit, trend, bias, probe, texts, note);
  }

  /** Marks a page this job wrote (its title); an index.html without it is someone else's and is never replaced. */
  static final String TITLE_MARK = "<title>lrp-audit dashboard: ";

  static void requireOwnPage(Path page) throws IOException {
    if (!Files.exists(page, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    boolean ours = false;
    if (Files.isRegularFile(page, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (java.io.InputStream in = Files.newInputStream(page)) {
        ours = new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1).contains(TITLE_MARK);
      }
    }
    if (!ours) {
      throw new AuditException(page + " exists and is not a dashboard lrp-audit wrote; it is never replaced: choose "
          + "another --output");
    }
  }

  private static JsonNode summary(AuditRecord.Outputs out, String stage) {
    if (out == null || out.summaries() == null || !out.summaries().containsKey(stage)) {
      return null;
    }
    return SummaryFile.read(out.summaries().get(stage));
  }
}
