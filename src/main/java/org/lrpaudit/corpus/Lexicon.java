package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lexicon files: one term a line; lines starting with '#' (the provenance header jobs/setup-data writes first, or
 * comments in the project's own lists) and blank lines are skipped; terms are trimmed and kept in file order.
 */
public final class Lexicon {
  private Lexicon() {
  }

  public static List<String> read(Path file, String what) throws IOException {
    List<String> out = new ArrayList<>();
    for (String[] cells : readTsv(file, what)) {
      out.add(cells[0]);
    }
    return out;
  }

  /** The lines of a tab-separated lexicon, each split on tabs (cells trimmed). */
  public static List<String[]> readTsv(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SourceFileMissingException(file, what);
    }
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      line = RawSources.stripBom(line);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split("\t", -1);
      for (int i = 0; i < cells.length; i++) {
        cells[i] = cells[i].trim();
      }
      out.add(cells);
    }
    return out;
  }

  /** {@code term<TAB>integer} lines (AFINN) as a map; later lines win. */
  public static Map<String, Integer> readScores(Path file, String what) throws IOException {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String[] cells : readTsv(file, what)) {
      if (cells.length < 2) {
        throw new IllegalArgumentException(file + ": line '" + String.join("\t", cells) + "' has no score");
      }
      out.put(cells[0].toLowerCase(Locale.ROOT), Integer.parseInt(cells[1]));
    }
    return out;
  }

  /** Case-insensitive set of the terms. */
  public static Set<String> lowerSet(List<String> terms) {
    Set<String> s = new TreeSet<>();
    for (String t : terms) {
      s.add(t.toLowerCase(Locale.ROOT));
    }
    return s;
  }
}
