package org.lrpaudit.train;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.lrpaudit.corpus.CsvCheck;

/**
 * Reads labelled rows from a CSV file with a header naming id, text, label and split (other columns are ignored), with
 * univocity (RFC 4180 quoting; it is on the class path through Spark). Errors name the file, line and column.
 */
public final class LabeledCsv {
  private LabeledCsv() {}

  public static List<LabeledText> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("training data not found: " + file);
    }
    // Malformed quoting fails here, naming the lines: univocity would merge the rows silently.
    CsvCheck.requireWellFormed(file, ',', true, 0, "id");
    CsvParserSettings settings = new CsvParserSettings();
    settings.setHeaderExtractionEnabled(true);
    settings.setMaxCharsPerColumn(1_000_000);
    settings.setNullValue("");
    settings.setEmptyValue("");
    // LF, CR LF or CR, as the file has it (a fixed "\n" left a CR in the last header cell: "no column 'split'").
    settings.setLineSeparatorDetectionEnabled(true);
    CsvParser parser = new CsvParser(settings);
    List<LabeledText> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      parser.beginParsing(in);
      String[] parsed = parser.getContext().parsedHeaders();
      if (parsed == null) {
        throw new IllegalArgumentException(file + ": empty file, expected a header row with id, text, label, split");
      }
      List<String> header = Arrays.stream(parsed).map(h -> h == null ? "" : h.replace("\uFEFF", "").trim()).toList();
      int id = column(header, "id", file);
      int text = column(header, "text", file);
      int label = column(header, "label", file);
      int split = column(header, "split", file);
      for (String[] r; (r = parser.parseNext()) != null; ) {
        long line = parser.getContext().currentLine();
        String labelText = r.length > label ? r[label] : "";
        int value;
        try {
          value = Integer.parseInt(labelText.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(file + " line " + line + ": label '" + labelText + "' is not a class index");
        }
        rows.add(new LabeledText(r[id], r.length > text ? r[text] : "", value, r.length > split ? r[split] : ""));
      }
    } finally {
      parser.stopParsing();
    }
    return rows;
  }

  private static int column(List<String> header, String name, Path file) {
    int i = header.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(file + ": no column '" + name + "' in the header " + header);
    }
    return i;
  }
}
