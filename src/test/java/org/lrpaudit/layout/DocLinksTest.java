package org.lrpaudit.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in README.md and docs/*.md names a file inside the repository, and an anchor (#...) names a heading
 * of that file, as GitHub makes heading anchors: the docs must not send a reader to nothing. Links to http(s) and mailto
 * are not followed; links inside code (fenced blocks, `spans`) are not links.
 */
class DocLinksTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  /** [text](target) and ![alt](target); the target ends at a space (a title may follow) or the closing parenthesis. */
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

  @Test
  void everyRelativeLinkInTheDocsResolves() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<String> broken = new ArrayList<>();
    for (Path doc : docs) {
      broken.addAll(brokenLinks(doc, ROOT));
    }
    assertEquals(List.of(), broken);
  }

  /** The check finds what it is for: a missing file, a missing anchor, a path out of the repository; not a good link. */
  @Test
  void plantedBrokenLinksAreFound(@TempDir Path repo) throws IOException {
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(repo.resolve("docs/other.md"), "# Other\n\n## Run `explain` on a cluster, fast!\n");
    Files.writeString(repo.resolve("README.md"), String.join("\n",
        "# Top", "",
        "[good](docs/other.md), [good anchor](docs/other.md#run-explain-on-a-cluster-fast), [self](#top),",
        "[web](https://example.org/missing.md), `[in code](docs/missing.md)`",
        "[missing file](docs/missing.md) and [missing anchor](docs/other.md#nowhere)",
        "[outside](../outside.md)",
        "```", "[in a fence](docs/missing.md)", "```", ""));
    List<String> broken = brokenLinks(repo.resolve("README.md"), repo);
    assertEquals(List.of("README.md:5: docs/missing.md (no such file)",
        "README.md:5: docs/other.md#nowhere (no heading 'nowhere')",
        "README.md:6: ../outside.md (outside the repository)"), broken);
  }

  /** "file:line: target (why)" for each link of the file that does not resolve. */
  static List<String> brokenLinks(Path doc, Path root) throws IOException {
    List<String> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(doc);
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (fenced) {
        continue;
      }
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
      while (m.find()) {
        String target = m.group(1);
        String problem = problem(doc, root, target);
        if (problem != null) {
          out.add(root.relativize(doc) + ":" + (i + 1) + ": " + target + " (" + problem + ")");
        }
      }
    }
    return out;
  }

  private static String problem(Path doc, Path root, String target) throws IOException {
    if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) { // https:, mailto:: not ours to check
      return null;
    }
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
    if (!resolved.startsWith(root.normalize())) {
      return "outside the repository";
    }
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
        && !anchors(resolved).contains(anchor)) {
      return "no heading '" + anchor + "'";
    }
    return null;
  }

  /**
   * GitHub's heading anchors: the heading's text (code marks and link targets dropped) in lower case, everything but
   * letters, digits, spaces, hyphens and underscores removed, spaces made hyphens; a repeated one gets -1, -2, ...
   */
  static Set<String> anchors(Path markdown) throws IOException {
    Set<String> out = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(markdown)) {
      if (line.trim().startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (fenced || !h.matches()) {
        continue;
      }
      String text = h.group(1).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
      String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      out.add(n == 0 ? slug : slug + "-" + n);
    }
    return out;
  }
}
