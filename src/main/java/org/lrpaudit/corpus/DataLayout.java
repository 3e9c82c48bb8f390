package org.lrpaudit.corpus;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where lrp-audit keeps its files. The repository root ("home") is the system property {@code lrp-audit.home} (set by
 * jobs/lrp-audit), else the current directory; settings come from {@code <home>/conf/lrp-audit.conf} (HOCON). The data
 * folder is {@code $LRP_AUDIT_DATA} (relative: to the current directory) or else the setting {@code data.dir}
 * (relative: to home; default {@code data}) — the same rule jobs/setup-data follows.
 */
public record DataLayout(Path home, Path data, Config config) {
  public static final String HOME_PROPERTY = "lrp-audit.home";
  public static final String DATA_ENV = "LRP_AUDIT_DATA";

  public static DataLayout fromEnvironment() {
    return resolve(System.getProperty(HOME_PROPERTY), System.getenv());
  }

  static DataLayout resolve(String homeProperty, Map<String, String> env) {
    Path cwd = Path.of("").toAbsolutePath();
    Path home = homeProperty == null || homeProperty.isBlank() ? cwd : cwd.resolve(homeProperty).normalize();
    Path confFile = home.resolve("conf").resolve("lrp-audit.conf");
    Config config = Files.isRegularFile(confFile)
        ? ConfigFactory.parseFile(confFile.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)).resolve()
        : ConfigFactory.empty();
    String envData = env.get(DATA_ENV);
    Path data;
    if (envData != null && !envData.isBlank()) {
      data = cwd.resolve(envData).normalize();
    } else {
      data = home.resolve(config.hasPath("data.dir") ? config.getString("data.dir") : "data").normalize();
    }
    return new DataLayout(home, data, config);
  }

  public Path raw() {
    return data.resolve("raw");
  }

  public Path lexicons() {
    return data.resolve("lexicons");
  }

  public Path corpus() {
    return data.resolve("corpus");
  }

  /** A path setting resolved against home, or the default (also against home) when unset. */
  public Path path(String key, String fallback) {
    return home.resolve(config.hasPath(key) ? config.getString(key) : fallback).normalize();
  }
}
