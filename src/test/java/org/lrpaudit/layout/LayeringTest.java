package org.lrpaudit.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of src/main read as the pipeline: no package refers to a higher one (docs/layout-and-libraries.md). Read
 * from the sources: every org.lrpaudit.X that a file names outside comments (imports and fully qualified names).
 */
class LayeringTest {
  /** Lowest first. A sub-package (model.family, model.onnx) is its parent's layer. */
  static final List<String> ORDER = List.of("tensor", "rules", "model", "explain", "corpus", "train", "runtime", "api",
      "explainjob", "ml", "eval", "annotate", "bias", "probe", "audit", "report", "cli");
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.lrpaudit\\.([a-z]+)\\b");
  private static final Path MAIN = Path.of("src/main/java/org/lrpaudit");

  @Test
  void noPackageRefersToAHigherOne() throws IOException {
    List<String> violations = violations(MAIN);
    assertEquals(List.of(), violations, "package references against the order " + ORDER);
  }

  @Test
  void everyPackageHasItsPlace() throws IOException {
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(MAIN)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    }
    assertEquals(new TreeSet<>(ORDER), packages, "a new package needs its place in ORDER and in the docs");
  }

  /** The check itself finds a planted violation: a model class that imports the explain job. */
  @Test
  void aPlantedViolationIsFound(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("Planted.java"), "package org.lrpaudit.model;\n"
        + "// org.lrpaudit.cli in a comment is not a reference\n"
        + "import org.lrpaudit.explainjob.ExplainJob;\nclass Planted {}\n");
    List<String> found = violations(dir);
    assertEquals(1, found.size(), found.toString());
    assertTrue(found.get(0).contains("Planted.java") && found.get(0).contains("explainjob"), found.get(0));
  }

  static List<String> violations(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String own = root.relativize(f).getName(0).toString();
        int level = ORDER.indexOf(own);
        Matcher m = REFERENCE.matcher(code(f));
        while (m.find()) {
          String other = m.group(1);
          if (ORDER.indexOf(other) > level) {
            out.add(root.relativize(f) + " (" + own + ") refers to " + other);
          }
        }
      }
    }
    return out;
  }

  /** The file without comments, so a javadoc link or a note does not count. */
  private static String code(Path f) {
    try {
      return Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
