package org.lrpaudit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Every failure a command lets out exits 2, Errors included: exit 1 means "audit threshold crossed" to a scheduler, and
 * the JVM's own exit status for an uncaught OutOfMemoryError or StackOverflowError is 1.
 */
class MainExitTest {
  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    static Throwable next;

    @Override
    public Integer call() throws Exception {
      Throwable t = next;
      if (t instanceof Error e) {
        throw e;
      }
      throw (Exception) t;
    }
  }

  private static String[] run(Throwable thrown) {
    Boom.next = thrown;
    CommandLine cli = new CommandLine(new Boom());
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int exit = Main.execute(cli);
    return new String[] {Integer.toString(exit), err.toString()};
  }

  @Test
  void errorsExitTwoWithAShortMessage() {
    StackOverflowError deep = new StackOverflowError();
    StackTraceElement[] frames = new StackTraceElement[5000];
    java.util.Arrays.fill(frames, new StackTraceElement("X", "f", "X.java", 1));
    deep.setStackTrace(frames);
    for (Throwable t : new Throwable[] {new OutOfMemoryError("Java heap space"), deep, new AssertionError("x"),
        new IllegalStateException("unexpected"), new java.io.IOException("disk full")}) {
      String[] r = run(t);
      assertEquals("2", r[0], t + ": " + r[1]);
      assertTrue(r[1].contains("lrp-audit boom: error: ") && r[1].contains(t.getClass().getName()), r[1]);
      assertTrue(r[1].lines().count() <= Main.TRACE_FRAMES + 3, "a short report, not the whole trace: " + r[1]);
    }
  }

  @Test
  void badInputStaysOneLine() {
    String[] r = run(new IllegalArgumentException("no column 'text'"));
    assertEquals("2", r[0]);
    assertEquals("lrp-audit boom: error: no column 'text'", r[1].strip());
  }

  @Test
  void mainRunReportsUsageErrorsAsTwo() {
    assertEquals(2, Main.run("explain-text")); // --model missing
    assertEquals(2, Main.run("no-such-command"));
  }
}
