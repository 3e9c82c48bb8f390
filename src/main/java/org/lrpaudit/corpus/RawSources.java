package org.lrpaudit.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the raw sentence sources that jobs/setup-data puts under {@code <data>/raw/} and normalises them to corpus
 * rows: {@code id} = source and 1-based record number in the file (so ids stay put when other records are dropped),
 * label 0 negative / 1 positive, text trimmed. Empty records are dropped (and counted), a record with text but no valid
 * label is an error naming the file and record.
 *
 * <ul>
 *   <li>{@code pang-lee}: {@code raw/pang-lee/polarity-en-pang&lee2.csv}, CSV {@code label,text} without header, label
 *       1 / -1, a byte-order mark before the first cell, each text ending in " \r\n" inside its quotes.</li>
 *   <li>{@code uci-imdb}, {@code uci-yelp}, {@code uci-amazon}: {@code raw/uci-sentiment/{imdb,yelp,amazon}.json}, a
 *       JSON array of {@code {text, class}} with class 0 / 1 and one empty record at the end. A few texts carry C1
 *       control characters that are Windows-1252 punctuation read as Latin-1 (U+0096 for an en dash, U+0085 for an
 *       ellipsis): they are mapped back to the Windows-1252 characters.</li>
 * </ul>
 */
public final class RawSources {
  public static final String PANG_LEE = "pang-lee";
  public static final String UCI_IMDB = "uci-imdb";
  public static final String UCI_YELP = "uci-yelp";
  public static final String UCI_AMAZON = "uci-amazon";
  /** Every real source, in the order rows are read (and duplicates resolved: the first occurrence is kept). */
  public static final List<String> ALL = List.of(PANG_LEE, UCI_IMDB, UCI_YELP, UCI_AMAZON);

  private RawSources() {
  }

  /** Where a source's file lives under the raw folder. */
  public static Path file(Path raw, String source) {
    return switch (source) {
      case PANG_LEE -> raw.resolve("pang-lee").resolve("polarity-en-pang&lee2.csv");
      case UCI_IMDB -> raw.resolve("uci-sentiment").resolve("imdb.json");
      case UCI_YELP -> raw.resolve("uci-sentiment").resolve("yelp.json");
      case UCI_AMAZON -> raw.resolve("uci-sentiment").resolve("amazon.json");
      default -> throw new IllegalArgumentException("unknown source '" + source + "' (known: " + ALL + ")");
    };
  }

  /** Rows of one source read from its file, plus how many empty records were dropped. */
  public record Read(String source, List<CorpusRow> rows, int droppedEmpty) {
  }

  public static Read read(Path raw, String source) throws IOException {
    Path f = file(raw, source);
    if (!Files.isRegularFile(f)) {
      throw new SourceFileMissingException(f, "raw source file of '" + source + "'");
    }
    return source.equals(PANG_LEE) ? readPangLee(f) : readUciJson(f, source);
  }

  /** The Pang & Lee sentence polarity CSV: {@code label,text}, label 1 or -1, optional BOM. */
  public static Read readPangLee(Path file) throws IOException {
    CsvCheck.requireWellFormed(file, ',', false, 2, "0");
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(false);
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    settings.setIgnoreLeadingWhitespacesInQuotes(false);
    settings.setIgnoreTrailingWhitespacesInQuotes(false);
    settings.setSkipEmptyLines(true);
    settings.setMaxCharsPerColumn(1 << 20);
    settings.setNullValue("");
    settings.setEmptyValue("");
    List<CorpusRow> rows = new ArrayList<>();
    int dropped = 0;
    int record = 0;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      CsvParser parser = new CsvParser(settings);
      parser.beginParsing(in);
      for (String[] cells; (cells = parser.parseNext()) != null; ) {
        record++;
        String label = cells.length > 0 ? stripBom(cells[0]).trim() : "";
        String text = cells.length > 1 ? normalise(cells[1]) : "";
        if (text.isEmpty()) {
          dropped++;
          continue;
        }
        if (cells.length > 2) {
          throw new IllegalArgumentException(file + ": record " + record + " has " + cells.length
              + " cells, expected 2 (label,text)");
        }
        int y = switch (label) {
          case "1", "+1" -> CorpusRow.POSITIVE;
          case "-1" -> CorpusRow.NEGATIVE;
          default -> throw new IllegalArgumentException(file + ": record " + record + ": label '" + label
              + "' is neither 1 nor -1");
        };
        rows.add(CorpusRow.of(id(PANG_LEE, record), text, y, PANG_LEE));
      }
    }
    return new Read(PANG_LEE, rows, dropped);
  }

  /** A UCI Sentiment Labelled Sentences file as the npm package sentiment ships it: a JSON array of {text, class}. */
  public static Read readUciJson(Path file, String source) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException(file + ": expected a JSON array of {text, class} records");
    }
    List<CorpusRow> rows = new ArrayList<>();
    int dropped = 0;
    int record = 0;
    for (JsonNode r : root) {
      record++;
      JsonNode t = r.get("text");
      String text = t == null || t.isNull() ? "" : normalise(t.asText());
      if (text.isEmpty()) {
        dropped++;
        continue;
      }
      JsonNode c = r.get("class");
      int y;
      if (c != null && c.isIntegralNumber() && (c.asInt() == 0 || c.asInt() == 1)) {
        y = c.asInt();
      } else if (c != null && c.isTextual() && (c.asText().equals("0") || c.asText().equals("1"))) {
        y = Integer.parseInt(c.asText());
      } else {
        throw new IllegalArgumentException(file + ": record " + record + ": class " + c + " is neither 0 nor 1");
      }
      rows.add(CorpusRow.of(id(source, record), text, y, source));
    }
    return new Read(source, rows, dropped);
  }

  static String id(String source, int record) {
    return String.format(Locale.ROOT, "%s-%05d", source, record);
  }

  static String stripBom(String s) {
    return s != null && !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }

  private static final Charset CP1252 = Charset.forName("windows-1252");

  /** BOM removed, C1 controls read back as Windows-1252, line breaks and runs of white space as one space, trimmed. */
  static String normalise(String s) {
    if (s == null) {
      return "";
    }
    s = stripBom(s);
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= '\u0080' && ch <= '\u009F') {
        String w = new String(new byte[] {(byte) ch}, CP1252);
        b.append(w.charAt(0) == '\uFFFD' ? " " : w);
      } else {
        b.append(ch);
      }
    }
    return b.toString().replaceAll("\\s+", " ").trim();
  }
}
