package org.lrpaudit.corpus;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the record structure of a CSV/TSV file (RFC 4180 quoting) before a parser reads it, so that a malformed file
 * fails naming its lines instead of silently becoming other rows. What a CSV parser does quietly, and this reports:
 *
 * <ul>
 *   <li>an unterminated quote: the field runs on to the end of the file, swallowing every later row into one text;
 *   <li>a quote that closes a field and is followed by something other than a delimiter or a line end: an unescaped
 *       quote inside a quoted field, or an unterminated quote whose field ran on until the next quote of a later row
 *       (the rows between became one text);
 *   <li>a record with another number of fields than the header: an unquoted delimiter inside a value, or rows run
 *       together (parsers pad or drop the cells and carry on).
 * </ul>
 *
 * A quote inside an unquoted field is taken literally, as Spark and univocity do. CR LF, LF and CR line ends are all
 * line ends (CR LF counts once); blank lines are skipped, as the parsers skip them. Line numbers are 1-based physical
 * lines of the file.
 */
public final class CsvCheck {
  /** Problems kept per file (the count goes on). */
  public static final int MAX_REPORTED = 10;
  private static final int MAX_ID_CHARS = 40;
  private static final int MAX_HEADER_CHARS = 10_000;

  /** One malformed record: the physical lines it spans and, when known, its id cell. */
  public record Problem(long line, long endLine, String id, String message) implements Serializable {
    @Override
    public String toString() {
      return (line == endLine ? "line " + line : "lines " + line + "-" + endLine)
          + (id == null ? "" : " (id '" + id + "')") + ": " + message;
    }
  }

  /** What a scan found: data records (the header not counted), physical lines, and the problems. */
  public record Result(String file, long records, long lines, long problemCount, List<Problem> problems)
      implements Serializable {
    public boolean ok() {
      return problemCount == 0;
    }

    /** A message naming the file, the number of malformed records and the first of them. */
    public String describe() {
      StringBuilder s = new StringBuilder(file).append(": ").append(problemCount)
          .append(problemCount == 1 ? " malformed CSV record" : " malformed CSV records")
          .append(" (").append(lines).append(" lines read as ").append(records).append(" rows); fix the quoting "
              + "(a field holding a quote, a delimiter or a line break must be quoted, and a quote inside it doubled):");
      for (Problem p : problems) {
        s.append("\n  ").append(p);
      }
      if (problemCount > problems.size()) {
        s.append("\n  ... and ").append(problemCount - problems.size()).append(" more");
      }
      return s.toString();
    }
  }

  private CsvCheck() {}

  /**
   * Scans a local file (UTF-8; undecodable bytes are left to the parser) and fails with an IllegalArgumentException
   * naming the file, the malformed records' lines and ids, unless every record is well formed.
   */
  public static Result requireWellFormed(Path file, char delimiter, boolean header, int expectedFields, String idColumn)
      throws IOException {
    Result r;
    try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
      r = scan(in, file.toString(), delimiter, header, expectedFields, idColumn);
    }
    if (!r.ok()) {
      throw new IllegalArgumentException(r.describe());
    }
    return r;
  }

  /**
   * Scans a whole file.
   *
   * @param header the first record is a header: its field count is what every record must have, and idColumn is
   *     looked up in it (exact name, else ignoring case and a byte-order mark)
   * @param expectedFields without a header, the field count every record must have (0: the first record's)
   * @param idColumn the column whose value names a record in messages (null: none); without a header, its index
   *     as a number ("0")
   */
  public static Result scan(Reader in, String file, char delimiter, boolean header, int expectedFields, String idColumn)
      throws IOException {
    return new Scanner(in, file, delimiter, header, expectedFields, idColumn).run();
  }

  private static final class Scanner {
    private static final int FIELD_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3;

    private final Reader in;
    private final String file;
    private final char delimiter;
    private final boolean header;
    private final String idColumn;
    private int expected;
    private int idIndex = -1;

    private final List<Problem> problems = new ArrayList<>();
    private long problemCount;
    private long records;
    private long line = 1;

    // the record being read
    private long recordLine = 1;
    private int fields;
    private boolean recordEmpty = true;
    private final StringBuilder cell = new StringBuilder();
    private List<String> headerCells;
    private String id;
    private long quoteLine;
    private Problem pending;
    private boolean lastLineEnd;
    private boolean atEnd;

    Scanner(Reader in, String file, char delimiter, boolean header, int expectedFields, String idColumn) {
      this.in = in;
      this.file = file;
      this.delimiter = delimiter;
      this.header = header;
      this.expected = header ? 0 : expectedFields;
      this.idColumn = idColumn;
      if (!header && idColumn != null) {
        idIndex = Integer.parseInt(idColumn);
      }
      if (header) {
        headerCells = new ArrayList<>();
      }
    }

    Result run() throws IOException {
      char[] buf = new char[1 << 16];
      int state = FIELD_START;
      boolean afterCr = false;
      boolean any = false;
      for (int n; (n = in.read(buf)) > 0; ) {
        for (int k = 0; k < n; k++) {
          char c = buf[k];
          any = true;
          if (afterCr) {
            afterCr = false;
            if (c == '\n') {
              continue; // CR LF: one line end, already counted at the CR
            }
          }
          boolean lineEnd = c == '\n' || c == '\r';
          afterCr = c == '\r';
          lastLineEnd = lineEnd;
          switch (state) {
            case FIELD_START -> {
              if (c == '"') {
                state = QUOTED;
                quoteLine = line;
                recordEmpty = false;
              } else if (c == delimiter) {
                endField();
                recordEmpty = false;
              } else if (lineEnd) {
                endRecord();
              } else {
                state = UNQUOTED;
                recordEmpty = false;
                keep(c);
              }
            }
            case UNQUOTED -> {
              if (c == delimiter) {
                endField();
                state = FIELD_START;
              } else if (lineEnd) {
                endRecord();
                state = FIELD_START;
              } else {
                keep(c);
              }
            }
            case QUOTED -> {
              if (c == '"') {
                state = QUOTE_IN_QUOTED;
              } else {
                keep(c);
              }
            }
            default -> { // QUOTE_IN_QUOTED
              if (c == '"') {
                keep(c); // an escaped quote ("")
                state = QUOTED;
              } else if (c == delimiter) {
                endField();
                state = FIELD_START;
              } else if (lineEnd) {
                endRecord();
                state = FIELD_START;
              } else {
                if (pending == null) {
                  pending = new Problem(0, 0, null, quoteLine == line
                      ? "a quoted field is closed and followed by '" + printable(c) + "' instead of the delimiter or a "
                          + "line end (an unescaped quote inside a quoted field?)"
                      : "a quote opened on line " + quoteLine + " is closed on line " + line + " and followed by '"
                          + printable(c) + "': the quote was probably never closed, and the rows in between ran "
                          + "together into one field");
                }
                state = UNQUOTED; // carry on as the parsers do, to find the record's end
                keep(c);
              }
            }
          }
          if (lineEnd) {
            line++;
          }
        }
      }
      atEnd = true;
      if (state == QUOTED) {
        if (pending == null) {
          pending = new Problem(0, 0, null, "the quote opened on line " + quoteLine + " is never closed: every line "
              + "from there to the end of the file would be read as one field of one row");
        }
        endRecord();
      } else if (!recordEmpty || state != FIELD_START) {
        endRecord();
      }
      long lines = line - 1 + (any && !lastLineEnd ? 1 : 0);
      return new Result(file, records, lines, problemCount, List.copyOf(problems));
    }

    private void keep(char c) {
      if (cell.length() < (headerCells != null ? MAX_HEADER_CHARS : MAX_ID_CHARS + 1)) {
        cell.append(c);
      }
    }

    private void endField() {
      if (headerCells != null) {
        headerCells.add(cell.toString());
      } else if (fields == idIndex) {
        id = abbreviate(cell.toString());
      }
      cell.setLength(0);
      fields++;
    }

    private void endRecord() {
      long endLine = atEnd && lastLineEnd ? line - 1 : line;
      if (recordEmpty && fields == 0) { // a blank line
        reset();
        return;
      }
      endField();
      if (headerCells != null) {
        expected = headerCells.size();
        if (idColumn != null) {
          idIndex = find(headerCells, idColumn);
        }
        headerCells = null;
      } else {
        records++;
        if (expected == 0) {
          expected = fields;
        }
        Problem p = pending;
        if (p == null && fields != expected) {
          p = new Problem(0, 0, null, fields + (fields == 1 ? " field" : " fields") + ", but the "
              + (header ? "header has " : "first row has ") + expected
              + (fields > expected ? " (an unquoted delimiter inside a value, or rows run together?)"
                  : " (a missing value, or a line break inside an unquoted value?)"));
        }
        if (p != null) {
          problemCount++;
          if (problems.size() < MAX_REPORTED) {
            problems.add(new Problem(recordLine, endLine, id, p.message()));
          }
        }
      }
      reset();
    }

    private void reset() {
      fields = 0;
      recordEmpty = true;
      cell.setLength(0);
      id = null;
      pending = null;
      recordLine = line + 1;
    }

    private static int find(List<String> header, String name) {
      int exact = header.indexOf(name);
      if (exact >= 0) {
        return exact;
      }
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).replace("\uFEFF", "").trim().equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }

    private static String abbreviate(String v) {
      return v.length() <= MAX_ID_CHARS ? v : v.substring(0, MAX_ID_CHARS) + "...";
    }

    private static String printable(char c) {
      return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
  }
}
