package org.lrpaudit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train's CSV reader: CRLF reads as LF does, and rows run together by a bad quote are an error naming them. */
class LabeledCsvTest {
  private static final String LF = "id,text,label,split\na,\"a good, funny film\",1,train\nb,\"two\nlines\",0,test\n"
      + "c,a dull plot,0,validation\n";

  @TempDir
  Path tmp;

  @Test
  void crlfReadsAsLf() throws Exception {
    List<LabeledText> lf = LabeledCsv.read(Files.writeString(tmp.resolve("lf.csv"), LF));
    // Was: "no column 'split'": the header's last cell kept its CR.
    List<LabeledText> crlf = LabeledCsv.read(Files.writeString(tmp.resolve("crlf.csv"), LF.replace("\n", "\r\n")));
    assertEquals(3, lf.size());
    assertEquals(3, crlf.size());
    assertEquals("train", crlf.get(0).split());
    assertEquals("validation", crlf.get(2).split());
    assertEquals(lf, crlf, "the same rows, a quoted line break included (univocity reads it as \\n)");
    List<LabeledText> bom = LabeledCsv.read(Files.writeString(tmp.resolve("bom.csv"), "\uFEFF" + LF));
    assertEquals(lf, bom);
  }

  @Test
  void anUnterminatedQuoteIsAnErrorNamingTheRows() throws Exception {
    // Three physical rows; the quote opened on line 2 swallows lines 3 and 4 into one text.
    Path f = Files.writeString(tmp.resolve("merged.csv"), "id,text,label,split\na,\"a good film,1,train\n"
        + "b,a dull plot,0,train\nc,fine,1,test\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabeledCsv.read(f));
    assertTrue(e.getMessage().startsWith(f + ": 1 malformed CSV record (4 lines read as 1 rows)"), e.getMessage());
    assertTrue(e.getMessage().contains("lines 2-4 (id 'a'): the quote opened on line 2 is never closed"), e.getMessage());
  }

  @Test
  void aStrayDelimiterIsAnErrorNotAShiftedRow() throws Exception {
    Path f = Files.writeString(tmp.resolve("stray.csv"), "id,text,label,split\na,good, funny,1,train\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabeledCsv.read(f));
    assertTrue(e.getMessage().contains("line 2 (id 'a'): 5 fields, but the header has 4"), e.getMessage());
  }
}
