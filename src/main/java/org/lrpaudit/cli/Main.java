package org.lrpaudit.cli;

import java.io.PrintWriter;
import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.runtime.ErrorRateException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The lrp-audit command line: one sub-command per job. */
@Command(name = "lrp-audit", mixinStandardHelpOptions = true, version = "lrp-audit 0.1.0",
    description = "Conservative LRP explanations (Ali et al., ICML 2022) of Transformer text and image classifiers, and "
        + "bias audits.",
    subcommands = {ExplainTextCommand.class, ExplainImageCommand.class, ExplainCommand.class, ExplainImagesCommand.class,
        EvaluateCommand.class, EvaluateIdxCommand.class, EvaluateImagesCommand.class, AnnotateCommand.class,
        BiasCommand.class, ProbeCommand.class,
        SlotMentionsCommand.class, AuditCommand.class, DashboardCommand.class, HeatmapGridCommand.class,
        ExportJsonCommand.class, TrainCommand.class,
        TrainImageCommand.class, IdxToPngCommand.class, ImportOnnxCommand.class, PrepareCorpusCommand.class,
        RandomModelCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  /** Success. */
  public static final int OK = 0;
  /**
   * The job ran and its work failed: more rows failed than --max-error-rate allows (nothing committed). For the audit
   * command: a threshold is crossed.
   */
  public static final int WORK_FAILED = 1;
  /** Bad usage, bad input, and anything unexpected (Errors included), or an audit stage that could not run. */
  public static final int FAILED = 2;
  /** Stack frames printed for an unexpected failure (a StackOverflowError has thousands of identical ones). */
  static final int TRACE_FRAMES = 12;

  public static void main(String[] args) {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(run(args));
  }

  /**
   * Runs a command line; exit 0 on success, 1 when the job's work failed (error rate above --max-error-rate; audit: a
   * threshold crossed), 2 on bad usage, bad input or any other failure.
   */
  public static int run(String... args) {
    return execute(new CommandLine(new Main()), args);
  }

  /**
   * Runs a command line with lrp-audit's exit statuses. Every Throwable a command lets out, Errors included
   * (OutOfMemoryError, StackOverflowError), becomes exit 2 with a short message: nothing escapes as the JVM's exit 1, which
   * a scheduler would read as "the work failed" or "audit threshold crossed".
   */
  static int execute(CommandLine cli, String... args) {
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> report(cmd, e));
    try {
      return cli.execute(args);
    } catch (Throwable t) { // Errors pass picocli's handler (it only sees Exceptions)
      return report(cli, t);
    }
  }

  private static int report(CommandLine cmd, Throwable e) {
    PrintWriter err = cmd.getErr();
    try {
      String name = "lrp-audit " + cmd.getCommandName();
      if (e instanceof ErrorRateException) {
        err.println(name + ": failed: " + e.getMessage());
        err.flush();
        return WORK_FAILED;
      }
      if (e instanceof CheckpointException || e instanceof IllegalArgumentException) {
        err.println(name + ": error: " + e.getMessage());
      } else {
        err.println(name + ": error: unexpected failure: " + describe(e));
        StackTraceElement[] frames = e.getStackTrace();
        for (int i = 0; i < Math.min(TRACE_FRAMES, frames.length); i++) {
          err.println("\tat " + frames[i]);
        }
        if (frames.length > TRACE_FRAMES) {
          err.println("\t... " + (frames.length - TRACE_FRAMES) + " more frames");
        }
        Throwable c = e.getCause();
        for (int depth = 0; c != null && depth < 5; depth++, c = c.getCause()) {
          err.println("caused by: " + describe(c));
        }
      }
      err.flush();
    } catch (Throwable ignored) { // e.g. still out of memory: the exit status is what must get through
    }
    return FAILED;
  }

  private static String describe(Throwable t) {
    String hint = t instanceof OutOfMemoryError ? " (the input asks for more memory than the JVM has: check the sizes "
        + "in its files, or raise -Xmx / LRP_AUDIT_JAVA_OPTS)"
        : t instanceof StackOverflowError ? " (the input is nested too deeply)" : "";
    return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()) + hint;
  }
}
