package org.lrpaudit.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage's settings record is made by its own package and by the front ends of that stage only: the command line
 * (cli, each command its own stage's) and, for explain, the Spark ML Transformer (ml). No stage builds another's
 * settings (probe must not build ExplainSettings, the dashboard no EvaluateSettings); what stages share is runtime's
 * (CorpusSource). Read from the sources, comments left out.
 */
class StageSettingsTest {
  /** Each stage's settings record, and the packages besides its own that may name it. */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "ExplainSettings", Set.of("explainjob", "cli", "ml"),
      "EvaluateSettings", Set.of("eval", "cli"),
      "AnnotateSettings", Set.of("annotate", "cli"),
      "BiasSettings", Set.of("bias", "cli"),
      "ProbeSettings", Set.of("probe", "cli"));
  private static final Path MAIN = Path.of("src/main/java/org/lrpaudit");

  @Test
  void noPackageNamesAnotherStagesSettings() throws IOException {
    assertEquals(List.of(), violations(MAIN));
  }

  @Test
  void eachSettingsRecordLivesInItsPackage() {
    ALLOWED.forEach((name, packages) -> {
      long found = packages.stream().filter(p -> Files.exists(MAIN.resolve(p).resolve(name + ".java"))).count();
      assertEquals(1, found, name + " should live in one of " + packages);
    });
  }

  /** The check finds a planted violation: the probe package building the explain stage's settings. */
  @Test
  void aPlantedViolationIsFound(@TempDir Path dir) throws IOException {
    Path probe = Files.createDirectories(dir.resolve("probe"));
    Files.writeString(probe.resolve("Planted.java"), "package org.lrpaudit.probe;\n"
        + "// ExplainSettings in a comment is not a use\n"
        + "class Planted { Object s = org.lrpaudit.explainjob.ExplainSettings.from(null); }\n");
    List<String> found = violations(dir);
    assertEquals(List.of("probe/Planted.java names ExplainSettings"), found);
  }

  static List<String> violations(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String pkg = root.relativize(f).getName(0).toString();
        String code = withoutComments(Files.readString(f));
        ALLOWED.forEach((name, packages) -> {
          if (!packages.contains(pkg) && Pattern.compile("\\b" + name + "\\b").matcher(code).find()) {
            out.add(root.relativize(f).toString().replace('\\', '/') + " names " + name);
          }
        });
      }
    }
    out.sort(null);
    return out;
  }

  private static String withoutComments(String java) {
    return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
  }
}
