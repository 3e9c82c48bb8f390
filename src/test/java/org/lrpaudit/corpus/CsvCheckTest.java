package org.lrpaudit.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** The record-structure check that runs before every CSV reader: malformed quoting never passes silently. */
class CsvCheckTest {
  private static CsvCheck.Result scan(String csv) throws IOException {
    return CsvCheck.scan(new StringReader(csv), "f.csv", ',', true, 0, "id");
  }

  @Test
  void wellFormedFilesPassWithTheirRecordAndLineCounts() throws IOException {
    String lf = "id,text,label,split\na,good film,1,train\nb,\"bad, \"\"really\"\"\nbad\",0,test\n\nc,\"\",1,train\n";
    CsvCheck.Result r = scan(lf);
    assertTrue(r.ok(), r.describe());
    assertEquals(3, r.records());
    assertEquals(6, r.lines());
    CsvCheck.Result crlf = scan(lf.replace("\n", "\r\n"));
    assertTrue(crlf.ok(), crlf.describe());
    assertEquals(3, crlf.records());
    assertEquals(6, crlf.lines());
    assertTrue(scan("id,text\na,no final line end").ok());
    assertTrue(scan("").ok());
    // A quote inside an unquoted value is literal, as Spark and univocity read it.
    assertTrue(scan("id,text\na,he said \"hi\" twice\n").ok());
  }

  @Test
  void anUnterminatedQuoteThatRunsToTheEndIsReportedWithItsLines() throws IOException {
    CsvCheck.Result r = scan("id,text,label,split\na,\"good film,1,train\nb,bad film,0,train\nc,ok film,1,train\n");
    assertEquals(1, r.problemCount());
    assertEquals(1, r.records());
    assertEquals(4, r.lines());
    CsvCheck.Problem p = r.problems().get(0);
    assertEquals(2, p.line());
    assertEquals(4, p.endLine());
    assertEquals("a", p.id());
    assertTrue(p.message().contains("never closed"), p.message());
    assertTrue(r.describe().startsWith("f.csv: 1 malformed CSV record (4 lines read as 1 rows)"), r.describe());
  }

  @Test
  void anUnterminatedQuoteClosedByALaterRowsQuoteIsReported() throws IOException {
    CsvCheck.Result r = scan("id,text,label,split\na,\"good film,1,train\nb,bad film,0,train\nc,\"ok\",1,train\n"
        + "d,fine,0,train\n");
    assertEquals(1, r.problemCount(), r.describe());
    CsvCheck.Problem p = r.problems().get(0);
    assertEquals(2, p.line());
    assertEquals(4, p.endLine());
    assertTrue(p.message().contains("opened on line 2 is closed on line 4"), p.message());
    // An unescaped quote inside a quoted field, on one line.
    CsvCheck.Result q = scan("id,text\na,\"the \"best\" film\"\n");
    assertEquals(1, q.problemCount());
    assertTrue(q.problems().get(0).message().contains("followed by 'b'"), q.describe());
  }

  @Test
  void aRecordWithAnotherFieldCountIsReported() throws IOException {
    CsvCheck.Result r = scan("id,text,label,split\na,good, funny film,1,train\nb,x\n");
    assertEquals(2, r.problemCount());
    assertTrue(r.problems().get(0).message().startsWith("5 fields, but the header has 4"), r.describe());
    assertEquals("b", r.problems().get(1).id());
  }

  @Test
  void headerlessFilesUseTheFirstRowOrTheGivenCount() throws IOException {
    CsvCheck.Result r = CsvCheck.scan(new StringReader("1,\"a \r\n\"\r\n-1,\"b\r\n1,c\r\n"), "p.csv", ',', false, 2, "0");
    assertEquals(1, r.problemCount(), r.describe());
    assertEquals(3, r.problems().get(0).line()); // line 1-2 is one record with a quoted line break
    assertEquals("-1", r.problems().get(0).id());
    CsvCheck.Result tsv = CsvCheck.scan(new StringReader("id\ttext\na\tx, y\n"), "t.tsv", '\t', true, 0, "id");
    assertTrue(tsv.ok(), tsv.describe());
  }

  @Test
  void onlyTheFirstProblemsAreKeptButAllAreCounted() throws IOException {
    StringBuilder s = new StringBuilder("id,text\n");
    for (int i = 0; i < 25; i++) {
      s.append("r").append(i).append(",a,b\n");
    }
    CsvCheck.Result r = scan(s.toString());
    assertEquals(25, r.problemCount());
    assertEquals(CsvCheck.MAX_REPORTED, r.problems().size());
    assertTrue(r.describe().endsWith("... and 15 more"), r.describe());
  }
}
