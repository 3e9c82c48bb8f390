package org.lrpaudit.cli;

import org.lrpaudit.model.CheckpointException;
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
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(run(args));
  }

  /** Runs a command line; exit 0 on success, 2 on bad usage or input. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof CheckpointException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("lrp-audit " + cmd.getCommandName() + ": error: " + e.getMessage());
        return 2;
      }
      throw e;
    });
    return cli.execute(args);
  }
}
