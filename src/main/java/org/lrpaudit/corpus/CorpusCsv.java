package org.lrpaudit.corpus;

import com.univocity.parsers.common.record.Record;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The corpus table as CSV: UTF-8 without BOM, a header row, comma-separated, RFC 4180 quoting (a field holding a comma,
 * a double quote or a line break is put in double quotes, and a double quote inside is doubled; spaces are kept
 * as they are), lines ended by \n. A null is an empty unquoted field; an empty string would be {@code ""}. Reads back with
 * Spark ({@code spark.read.option("header", true).option("multiLine", true).option("escape", "\"").csv(...)}), pandas
 * and Python's csv module.
 */
public final class CorpusCsv {
  private CorpusCsv() {
  }

  public static void write(Path file, List<CorpusRow> rows, boolean withProbeColumns) throws IOException {
    CsvWriterSettings settings = new CsvWriterSettings();
    settings.getFormat().setDelimiter(',');
    settings.getFormat().setQuote('"');
    settings.getFormat().setQuoteEscape('"');
    settings.getFormat().setLineSeparator("\n");
    settings.setQuotationTriggers(',', '"', '\n', '\r');
    settings.setQuoteAllFields(false);
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    settings.setNullValue(null);
    settings.setEmptyValue("\"\"");
    settings.setHeaders(CorpusColumns.of(withProbeColumns).toArray(String[]::new));
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      CsvWriter w = new CsvWriter(out, settings);
      w.writeHeaders();
      for (CorpusRow r : rows) {
        w.writeRow(CorpusColumns.cells(r, withProbeColumns));
      }
      w.close();
    }
  }

  /** Reads a corpus CSV written by {@link #write} (or any CSV with at least the base columns, in any order). */
  public static List<CorpusRow> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SourceFileMissingException(file, "corpus CSV");
    }
    CsvCheck.requireWellFormed(file, ',', true, 0, CorpusColumns.ID);
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(',');
    settings.getFormat().setQuote('"');
    settings.getFormat().setQuoteEscape('"');
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setHeaderExtractionEnabled(true);
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    settings.setIgnoreLeadingWhitespacesInQuotes(false);
    settings.setIgnoreTrailingWhitespacesInQuotes(false);
    settings.setMaxCharsPerColumn(1 << 22);
    settings.setNullValue(null);
    settings.setEmptyValue("");
    List<CorpusRow> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      CsvParser parser = new CsvParser(settings);
      parser.beginParsing(in);
      String[] header = parser.getContext().headers();
      if (header == null) {
        throw new IllegalArgumentException(file + ": empty file, expected a header row");
      }
      Set<String> present = new HashSet<>();
      for (String h : header) {
        present.add(RawSources.stripBom(h));
      }
      for (String c : CorpusColumns.BASE) {
        if (!present.contains(c)) {
          throw new IllegalArgumentException(file + ": no column '" + c + "' in the header " + present);
        }
      }
      for (Record rec; (rec = parser.parseNextRecord()) != null; ) {
        Record r = rec;
        long line = parser.getContext().currentLine();
        try {
          rows.add(CorpusColumns.row(
              c -> present.contains(c) ? r.getString(c) : null,
              c -> {
                String v = present.contains(c) ? r.getString(c) : null;
                return v == null || v.isEmpty() ? null : Integer.valueOf(v.trim());
              }));
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(file + ": line " + line + ": " + e.getMessage(), e);
        }
      }
    }
    return rows;
  }
}
