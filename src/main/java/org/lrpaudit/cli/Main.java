package org.lrpaudit.cli;

import org.lrpaudit.model.CheckpointException;
import org.lrpaudit.spark.ErrorRateException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The lrp-audit command line: one sub-command per job. */
@Command(name = "lrp-audit", mixinStandardHelpOptions = true, version = "lrp-audit 0.1.0",
    description = "Conservative LRP explanations (Ali et al., ICML 2022) of Transformer text classifiers, and bias audits.",
    subcommands = {ExplainTextCommand.class, ExplainCommand.class, EvaluateCommand.class, AnnotateCommand.class,
        BiasCommand.class, ProbeCommand.class, SlotMentionsCommand.class, AuditCommand.class, DashboardCommand.class,
        TrainCommand.class, ImportOnnxCommand.class, PrepareCorpusCommand.class, RandomModelCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Success. */
  public static final int OK = 0;
  /**
   * The job ran and its work failed: more rows failed than --max-error-rate allows (nothing committed), or an
   * unexpected error (picocli's code for an exception it did not expect). For the audit command: a threshold is crossed.
   */
  public static final int FAILED = 1;
  /** Bad usage or input, found before any compute (or a stage of an audit could not run). */
  public static final int BAD_USAGE = 2;

  /**
   * Runs a command line; exit 0 on success, 1 when the job's work failed (error rate above --max-error-rate, or an
   * unexpected error), 2 on bad usage or input.
   */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ErrorRateException) {
        cmd.getErr().println("lrp-audit " + cmd.getCommandName() + ": failed: " + e.getMessage());
        return FAILED;
      }
      if (e instanceof CheckpointException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("lrp-audit " + cmd.getCommandName() + ": error: " + e.getMessage());
        return BAD_USAGE;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
