package org.lrpaudit.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * audit.conf (HOCON, README "Audits"), read and checked before anything runs. The audit id is known only at run time
 * (the command line, {@code audit.id}, or a new one from the clock), so the file is resolved with it: stage arguments can
 * say {@code run-id = ${audit.id}}. Relative paths are taken relative to the working directory, as on the command line.
 */
public record AuditConf(String id, String model, String corpus, String history, List<StageCall> stages,
    RelevanceOutput relevance, List<Check> checks, JsonNode config) {

  /** Where the relevance table of this audit is, for the dashboard's heatmaps. */
  public record RelevanceOutput(String path, String runId, String method) {}

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Reads the file; idOverride (may be null) wins over {@code audit.id}; now names a new id when neither is given. */
  public static AuditConf read(Path file, String idOverride, Instant now) {
    if (!Files.isRegularFile(file)) {
      throw new AuditException("audit configuration not found: " + file);
    }
    try {
      Config parsed = ConfigFactory.parseFile(file.toFile(),
          com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false));
      String id = idOverride;
      if (id == null || id.isBlank()) {
        Config first = parsed.resolve();
        id = first.hasPath("audit.id") ? first.getString("audit.id") : "";
      }
      if (id.isBlank()) {
        id = ID_TIME.format(now) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
      }
      if (!ID.matcher(id).matches()) {
        throw new AuditException("audit id '" + id + "' must be 1-128 letters, digits, '.', '_' or '-' (it names a "
            + "folder and a run id)");
      }
      Config c = ConfigFactory.parseMap(Map.of("audit.id", id)).withFallback(parsed).resolve();
      return from(c.getConfig("audit"), id, file.toFile());
    } catch (ConfigException e) {
      throw new AuditException(file + ": " + e.getMessage(), e);
    }
  }

  private static AuditConf from(Config a, String id, File file) {
    List<StageCall> stages = new ArrayList<>();
    List<String> names = a.hasPath("stages") ? a.getStringList("stages") : List.of();
    Config stageConfs = a.hasPath("stage") ? a.getConfig("stage") : ConfigFactory.empty();
    for (String name : names) {
      if (stages.stream().anyMatch(s -> s.name().equals(name))) {
        throw new AuditException("audit.stages lists '" + name + "' twice");
      }
      stages.add(StageCall.from(name, stageConfs));
    }
    if (stages.stream().noneMatch(s -> s.summary() != null)) {
      throw new AuditException(file + ": no stage of audit.stages names a summary (audit.stage.<name>.summary), so "
          + "the audit would have no headline statistics to check");
    }
    List<Check> checks = new ArrayList<>();
    for (String t : a.hasPath("thresholds") ? a.getStringList("thresholds") : List.<String>of()) {
      checks.add(Check.parse(t));
    }
    RelevanceOutput relevance = a.hasPath("relevance.path")
        ? new RelevanceOutput(a.getString("relevance.path"), a.getString("relevance.run-id"),
            a.getString("relevance.method"))
        : null;
    return new AuditConf(id, a.getString("model"), a.getString("corpus"), a.getString("history"), List.copyOf(stages),
        relevance, List.copyOf(checks), json(a));
  }

  /** The resolved audit section as JSON, kept in the audit record. */
  private static JsonNode json(Config a) {
    try {
      return new ObjectMapper().readTree(a.root().render(ConfigRenderOptions.concise()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
