package org.lrpaudit.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.lrpaudit.model.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit (issue #7): run the configured stages for one model on one corpus, read the headline statistics of their
 * summaries, check the thresholds, compare with the previous audit of the same corpus, and record the result in
 * audit_history. Exit status: 0 every check passes, 1 a threshold is crossed, 2 the audit could not run (then nothing
 * is recorded).
 */
public final class AuditJob {
  public static final int PASS = 0;
  public static final int THRESHOLD_CROSSED = 1;
  public static final int COULD_NOT_RUN = 2;
  private static final Logger LOG = LoggerFactory.getLogger(AuditJob.class);

  private final Commands commands;
  private final Clock clock;

  public AuditJob(Commands commands, Clock clock) {
    this.commands = commands;
    this.clock = clock;
  }

  /**
   * Runs the audit described by conf; throws AuditException when it cannot run, also when another run of the same
   * audit id holds its lock (AuditLock, held from before the first stage until the record is written).
   */
  public AuditRecord run(AuditConf conf) throws IOException {
    Instant start = clock.instant();
    checkRegistered(conf.stages());
    Path historyDir = AuditHistory.local(conf.history());
    try (AuditLock lock = AuditLock.acquire(historyDir, conf.id(), "audit " + conf.id() + " of model "
        + conf.model())) {
      return runLocked(conf, start, new AuditHistory(historyDir));
    }
  }

  private AuditRecord runLocked(AuditConf conf, Instant start, AuditHistory history) throws IOException {
    Map<String, String> printed = new TreeMap<>();
    for (StageCall stage : conf.stages()) {
      if (stage.run()) {
        printed.put(stage.name(), runStage(stage));
      } else {
        LOG.info("audit {}: stage {} not run (run = false), using its existing outputs", conf.id(), stage.name());
      }
    }
    String modelId = modelId(conf.model());
    String fingerprint = CorpusFingerprint.of(conf.corpus());
    Map<String, Headline> headline = new TreeMap<>();
    Map<String, String> summaries = new TreeMap<>();
    Map<String, String> statsCsv = new TreeMap<>();
    for (StageCall stage : conf.stages()) {
      if (stage.summary() != null) {
        summaries.put(stage.name(), stage.summary());
        readSummary(stage, modelId, headline);
      }
      if (stage.statsCsv() != null) {
        statsCsv.put(stage.name(), stage.statsCsv());
      }
    }
    for (StageCall stage : conf.stages()) {
      addErrorRates(stage, printed.get(stage.name()), headline);
    }

    String time = start.toString();
    Optional<AuditRecord> previous = Drift.previous(history.read(), conf.id(), fingerprint, start);
    Drift drift = previous.map(p -> Drift.between(p, headline)).orElse(null);
    Map<String, Double> previousValues = drift == null ? Map.of() : drift.previousValues();
    List<CheckResult> checks = new ArrayList<>();
    for (Check c : conf.checks()) {
      checks.add(c.evaluate(headline, previousValues));
    }
    boolean crossed = checks.stream().anyMatch(c -> c.result().equals(CheckResult.FAIL));
    double seconds = (clock.millis() - start.toEpochMilli()) / 1000.0;
    AuditRecord record = new AuditRecord(conf.id(), time, crossed ? AuditRecord.FAIL : AuditRecord.PASS,
        crossed ? THRESHOLD_CROSSED : PASS, modelId, conf.model(), conf.corpus(), fingerprint, headline, checks, drift,
        new AuditRecord.Outputs(summaries, statsCsv, conf.relevance()), seconds, conf.config());
    history.write(record);
    return record;
  }

  /** Every stage to run must name a registered sub-command; checked before the first stage runs. */
  void checkRegistered(List<StageCall> stages) {
    for (StageCall s : stages) {
      if (s.run() && !commands.names().contains(s.command())) {
        throw new AuditException("stage '" + s.name() + "' runs the sub-command '" + s.command() + "', which this "
            + "build of lrp-audit does not have (registered: " + String.join(", ", new TreeSet<>(commands.names())) + "). Set "
            + "audit.stage." + s.name() + ".run = false to audit outputs that already exist, or leave the stage out "
            + "of audit.stages");
      }
    }
  }

  /** Runs a stage; returns what it printed on standard output (its JSON summary, for the jobs). */
  private String runStage(StageCall stage) {
    List<String> line = new ArrayList<>();
    line.add(stage.command());
    line.addAll(stage.args());
    LOG.info("audit: stage {}: lrp-audit {}", stage.name(), String.join(" ", line));
    // The stages print their own results on standard output; the audit's standard output is its record only. A
    // stage's result goes to the log as one line (its files hold it whole), not as pages of JSON.
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int status;
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      status = commands.run(line);
    } catch (RuntimeException e) {
      throw new AuditException("stage '" + stage.name() + "' failed: " + e.getMessage(), e);
    } finally {
      System.setOut(out);
      logPrinted(stage.name(), printed.toString(StandardCharsets.UTF_8));
    }
    if (status != 0) {
      throw new AuditException("stage '" + stage.name() + "' (lrp-audit " + stage.command() + ") failed with exit "
          + "status " + status + (status == 1 ? ": its work failed (e.g. more rows failed than its --max-error-rate "
          + "allows), nothing of it was committed" : "") + " (its error is logged above)");
    }
    return printed.toString(StandardCharsets.UTF_8);
  }

  /**
   * Every job's summary holds an "errors" object (spark.RowErrors): rows, input errors (the row's own fault), job
   * errors (any other failure) and the error rate. The audit records, per stage, {@code <stage>_error_rate} (n: rows
   * attempted) and {@code <stage>_input_error_rate} (n: rows) as headline statistics, so thresholds can watch them
   * (e.g. "explain_error_rate <= 0.01", tighter than the job's own --max-error-rate). Read from what the stage printed
   * when it ran in this audit, else from its summary file; a stage with neither (slot-mentions, a run = false stage
   * without summary) has none.
   */
  private static void addErrorRates(StageCall stage, String printedText, Map<String, Headline> headline) {
    JsonNode errors = null;
    if (printedText != null && !printedText.isBlank()) {
      try {
        errors = AuditRecord.JSON.readTree(printedText).get("errors");
      } catch (IOException notJson) {
        // a command that prints something else: fall back to the summary file
      }
    }
    if ((errors == null || !errors.isObject()) && stage.summary() != null) {
      errors = SummaryFile.read(stage.summary()).get("errors");
    }
    if (errors == null || !errors.isObject()) {
      LOG.info("audit: stage {} reports no error rate (no 'errors' object in its output)", stage.name());
      return;
    }
    long rows = errors.path("rows").asLong();
    long input = errors.path("input_errors").asLong();
    long job = errors.path("job_errors").asLong();
    String unit = errors.path("unit").asText("rows");
    String limit = errors.hasNonNull("max_error_rate") ? "; the stage fails above --max-error-rate "
        + errors.get("max_error_rate").asDouble() : "";
    put(headline, new Headline(stage.name(), stage.name() + "_error_rate", errors.path("error_rate").asDouble(), null,
        null, null, rows - input, "share of the " + unit + " the " + stage.name() + " stage attempted that failed for "
        + "reasons other than their own content (" + job + " of " + (rows - input) + ")" + limit));
    put(headline, new Headline(stage.name(), stage.name() + "_input_error_rate", errors.path("input_error_rate")
        .asDouble(), null, null, null, rows, "share of the " + unit + " of the " + stage.name() + " stage that "
        + "could not be used for their own content (" + input + " of " + rows + ": empty texts, missing ids, ...)"));
  }

  private static void put(Map<String, Headline> headline, Headline h) {
    Headline clash = headline.put(h.name(), h);
    if (clash != null) {
      throw new AuditException("headline statistic '" + h.name() + "' appears in the outputs of both stage '"
          + clash.source() + "' and stage '" + h.source() + "': thresholds could not tell them apart");
    }
  }

  private static void logPrinted(String stage, String printed) {
    String text = printed.strip();
    if (text.isEmpty()) {
      return;
    }
    try {
      text = new ObjectMapper().readTree(text).toString(); // one line
    } catch (IOException notJson) {
      text = text.replaceAll("\\s*\\R\\s*", " ");
    }
    int cut = Character.isHighSurrogate(text.length() > 600 ? text.charAt(599) : 'x') ? 599 : 600; // not in a pair
    LOG.info("audit: stage {} printed: {}", stage, text.length() <= 600 ? text : text.substring(0, cut) + " ...");
  }

  private static String modelId(String model) {
    try {
      return Checkpoint.open(model).modelId();
    } catch (RuntimeException e) {
      throw new AuditException("cannot read the model " + model + ": " + e.getMessage(), e);
    }
  }

  /** Adds the summary's headline map; its model_id, when it has one, must be the audited model's. */
  private static void readSummary(StageCall stage, String modelId, Map<String, Headline> headline) {
    JsonNode summary = SummaryFile.read(stage.summary());
    JsonNode summaryModel = summary.get("model_id");
    if (summaryModel != null && !summaryModel.isNull() && !summaryModel.asText().equals(modelId)) {
      throw new AuditException(stage.summary() + " was computed for model " + summaryModel.asText() + ", not for the "
          + "audited model " + modelId + " (stale outputs?)");
    }
    JsonNode map = summary.get("headline");
    if (map == null || !map.isObject()) {
      throw new AuditException(stage.summary() + " has no headline object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Headline h = Headline.fromJson(stage.name(), e.getKey(), e.getValue(), stage.summary());
      Headline clash = headline.put(e.getKey(), h);
      if (clash != null) {
        throw new AuditException("headline statistic '" + e.getKey() + "' appears in the summaries of both stage '"
            + clash.source() + "' and stage '" + stage.name() + "': thresholds could not tell them apart");
      }
    }
  }
}
