package org.lrpaudit.annotate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.lrpaudit.runtime.JobException;

/**
 * The lexicon configuration of the annotate job (HOCON): {@code conf/lexicons/lexicons.conf} holds the defaults; files
 * given with --lexicons are merged on top, in order, so a user adds a lexicon with {@code annotate.lexicons += {...}} or
 * replaces the list with {@code annotate.lexicons = [...]}. Every lexicon names its file with {@code data-file} (relative
 * to the data folder, where jobs/setup-data extracts the third-party lists) or {@code file} (relative to the folder of
 * the configuration file that says it, absolute, or a Hadoop FileSystem URI). Everything is checked here, before any
 * compute: unknown keys, duplicate names, missing or empty files (named with the setting that points at them).
 */
public final class LexiconConfig {
  public static final String LEXICONS = "annotate.lexicons";
  public static final String COMMON_WORDS = "annotate.common-words";
  private static final Set<String> KEYS = Set.of("name", "kind", "file", "data-file", "case", "priority", "exclude", "not-after",
      "language", "yield-after");

  /** The lexicons in priority order (stable: equal priorities keep configuration order), and the common-words list. */
  public record Loaded(List<LexiconTerms> lexicons, String commonWordsFile, int commonWords) {
  }

  private LexiconConfig() {
  }

  /** Merges the configuration files (later ones win) and resolves them. */
  public static Config read(List<Path> files) {
    Config merged = ConfigFactory.empty();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new JobException("lexicon configuration " + f + " not found (--lexicons)");
      }
      try {
        merged = ConfigFactory.parseFile(f.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
            .withFallback(merged);
      } catch (ConfigException e) {
        throw new JobException("lexicon configuration " + f + ": " + e.getMessage(), e);
      }
    }
    try {
      return merged.resolve();
    } catch (ConfigException e) {
      throw new JobException("lexicon configuration: " + e.getMessage(), e);
    }
  }

  public static List<LexiconSpec> specs(Config config, Path dataDir) {
    List<? extends Config> entries;
    try {
      entries = config.getConfigList(LEXICONS);
    } catch (ConfigException e) {
      throw new JobException("lexicon configuration: " + e.getMessage(), e);
    }
    if (entries.isEmpty()) {
      throw new JobException(LEXICONS + " is empty: configure at least one lexicon");
    }
    List<LexiconSpec> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      Config e = entries.get(i);
      String where = LEXICONS + "[" + i + "]";
      for (String key : e.root().keySet()) {
        if (!KEYS.contains(key)) {
          throw new JobException(where + " (" + e.origin().description() + "): unknown key '" + key + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
        }
      }
      String name = string(e, "name", where);
      where = where + " '" + name + "'";
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
        throw new JobException(where + ": name must be letters, digits, '_', '.', '-'");
      }
      if (!names.add(name)) {
        throw new JobException(where + ": a second lexicon named '" + name + "' (names must be unique)");
      }
      String kind = string(e, "kind", where);
      if (!kind.matches("[a-z][a-z0-9_]*")) {
        throw new JobException(where + ": kind '" + kind + "' must be lowercase letters, digits and '_'");
      }
      String file = location(e, where, dataDir);
      CaseRule rule = CaseRule.parse(e.hasPath("case") ? e.getString("case") : CaseRule.IGNORE_UNLESS_WORD.key,
          where + ".case");
      int priority;
      try {
        priority = e.hasPath("priority") ? e.getInt("priority") : 100;
      } catch (ConfigException ex) {
        throw new JobException(where + ".priority must be an integer (" + ex.getMessage() + ")", ex);
      }
      List<String> exclude = new ArrayList<>();
      for (Config x : configs(e, "exclude", where)) {
        exclude.add(location(x, where + ".exclude", dataDir));
      }
      String language = null;
      if (e.hasPath("language")) {
        language = e.getString("language").trim();
        if (!language.matches("[a-z]{2,3}")) {
          throw new JobException(where + ".language = '" + language + "': must be a lowercase ISO 639 code (en, de, es, fr)");
        }
      }
      out.add(new LexiconSpec(name, kind, file, rule, priority, where + "." + (e.hasPath("file") ? "file" : "data-file")
          + " (" + e.origin().description() + ")", exclude, words(e, "not-after", where), language,
          words(e, "yield-after", where)));
    }
    return out;
  }

  /** Reads every lexicon (and the common words if a lexicon needs them); any missing or empty file fails the job. */
  public static Loaded load(Config config, Path dataDir) {
    return load(config, dataDir, null);
  }

  /**
   * The languages some lexicon is limited to (sorted); lexicons without a language serve every language.
   */
  public static java.util.SortedSet<String> languages(List<LexiconSpec> specs) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    specs.stream().map(LexiconSpec::language).filter(java.util.Objects::nonNull).forEach(out::add);
    return out;
  }

  /**
   * Like {@link #load(Config, Path)}, for texts of one language: only the lexicons of that language and those without
   * one are read. A language no lexicon is configured for is an error (naming the configured ones); null, or a
   * configuration without any language setting, reads all.
   */
  public static Loaded load(Config config, Path dataDir, String language) {
    List<LexiconSpec> specs = specs(config, dataDir);
    if (language != null) {
      java.util.SortedSet<String> known = languages(specs);
      if (!known.isEmpty() && !known.contains(language)) {
        throw new JobException("--language " + language + ": no lexicon is configured for it (" + LEXICONS
            + "[].language: " + (known.isEmpty() ? "none" : String.join(", ", known)) + "); add lexicons with "
            + "language = " + language + " (see conf/lexicons/lexicons.conf)");
      }
      specs = specs.stream().filter(s -> s.language() == null || s.language().equals(language)).toList();
    }
    Set<String> common = Set.of();
    String commonFile = null;
    if (specs.stream().anyMatch(s -> s.caseRule() == CaseRule.IGNORE_UNLESS_WORD)) {
      if (!config.hasPath(COMMON_WORDS)) {
        throw new JobException("a lexicon uses case = " + CaseRule.IGNORE_UNLESS_WORD.key + ", so " + COMMON_WORDS
            + " must name the list of ordinary words");
      }
      common = new HashSet<>();
      List<String> files = new ArrayList<>();
      for (Config c : configs(config, COMMON_WORDS, COMMON_WORDS)) {
        String f = location(c, COMMON_WORDS, dataDir);
        files.add(f);
        for (String w : terms(f, COMMON_WORDS + " (" + c.origin().description() + ")")) {
          common.add(w.toLowerCase(Locale.ROOT));
        }
      }
      commonFile = String.join(", ", files);
    }
    List<LexiconTerms> lexicons = new ArrayList<>();
    for (LexiconSpec s : specs) {
      Set<String> exclude = new HashSet<>();
      for (String f : s.excludeFiles()) {
        for (String w : terms(f, s.setting().replaceFirst("\\.(file|data-file) ", ".exclude "))) {
          exclude.add(w.toLowerCase(Locale.ROOT));
        }
      }
      lexicons.add(LexiconTerms.of(s, terms(s.file(), s.setting()), common, exclude));
    }
    lexicons.sort(java.util.Comparator.comparingInt(l -> l.spec().priority())); // stable
    return new Loaded(List.copyOf(lexicons), commonFile, common.size());
  }

  /** {@code data-file} against the data folder, or {@code file} against the folder of the file that configures it. */
  static String location(Config e, String where, Path dataDir) {
    boolean data = e.hasPath("data-file");
    boolean own = e.hasPath("file");
    if (data == own) {
      throw new JobException(where + " (" + e.origin().description() + "): give exactly one of 'file' (relative to "
          + "the configuration file) or 'data-file' (relative to the data folder " + dataDir + ")");
    }
    String key = data ? "data-file" : "file";
    String value = e.getString(key).trim();
    if (value.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return value; // a URI: hdfs:, s3a:, file:
    }
    Path p = Path.of(value);
    if (p.isAbsolute()) {
      return p.normalize().toString();
    }
    if (data) {
      return dataDir.resolve(p).toAbsolutePath().normalize().toString();
    }
    ConfigValue v = e.getValue(key);
    String origin = v.origin().filename();
    Path base = origin == null ? Path.of("") : Path.of(origin).toAbsolutePath().getParent();
    return base.resolve(p).toAbsolutePath().normalize().toString();
  }

  /** The terms of a lexicon file: one a line, '#' lines and blank lines skipped, trimmed, first occurrence kept. */
  static List<String> terms(String file, String setting) {
    Set<String> out = new LinkedHashSet<>();
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(URI.create(file.startsWith("/") ? "file://" + file
          : file));
      FileSystem fs = path.getFileSystem(new Configuration());
      if (!fs.exists(path) || !fs.getFileStatus(path).isFile()) {
        throw new JobException("lexicon file " + file + " not found (" + setting + "); run jobs/setup-data to "
            + "extract the third-party lists, or fix the setting");
      }
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          line = line.replace("\uFEFF", "").trim();
          if (!line.isEmpty() && !line.startsWith("#")) {
            out.add(line);
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      if (e instanceof JobException j) {
        throw j;
      }
      throw new JobException("cannot read lexicon file " + file + " (" + setting + "): " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new JobException("lexicon file " + file + " (" + setting + ") holds no terms");
    }
    return List.copyOf(out);
  }

  private static Set<String> words(Config e, String key, String where) {
    if (!e.hasPath(key)) {
      return Set.of();
    }
    try {
      Set<String> out = new HashSet<>();
      for (String w : e.getStringList(key)) {
        out.add(w.trim().toLowerCase(Locale.ROOT));
      }
      return out;
    } catch (ConfigException ex) {
      throw new JobException(where + "." + key + " must be a list of words (" + ex.getMessage() + ")", ex);
    }
  }

  /** An optional setting holding one {file | data-file} object or a list of them. */
  private static List<? extends Config> configs(Config e, String key, String where) {
    if (!e.hasPath(key)) {
      return List.of();
    }
    try {
      return e.getValue(key).valueType() == com.typesafe.config.ConfigValueType.LIST ? e.getConfigList(key)
          : List.of(e.getConfig(key));
    } catch (ConfigException ex) {
      throw new JobException(where + ": " + key + " must be {file = ...} / {data-file = ...} or a list of them ("
          + ex.getMessage() + ")", ex);
    }
  }

  private static String string(Config e, String key, String where) {
    if (!e.hasPath(key) || e.getString(key).isBlank()) {
      throw new JobException(where + " (" + e.origin().description() + "): '" + key + "' is required");
    }
    return e.getString(key).trim();
  }
}
