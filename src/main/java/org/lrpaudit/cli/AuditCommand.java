package org.lrpaudit.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.lrpaudit.audit.AuditConf;
import org.lrpaudit.audit.AuditException;
import org.lrpaudit.audit.AuditJob;
import org.lrpaudit.audit.AuditRecord;
import org.lrpaudit.audit.CheckResult;
import org.lrpaudit.audit.Commands;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Scheduled fairness audit: runs the stages of audit.conf (explain, annotate, bias, and if configured "
        + "probe and evaluate) for one model on one corpus, checks the thresholds against the headline statistics of "
        + "the stage summaries, and records the audit in audit_history (README, \"Audits\").",
        "Prints the audit record (JSON) on standard output. Exit status: 0 every check passes, 1 a threshold is "
            + "crossed, 2 the audit could not run (nothing is recorded)."})
final class AuditCommand implements Callable<Integer> {
  @Option(names = "--conf", required = true, paramLabel = "FILE", description = "audit.conf (HOCON).")
  Path conf;

  @Option(names = "--audit-id", paramLabel = "ID",
      description = "Audit id (default: audit.id, else a new id from the UTC time). Re-running an id replaces its record.")
  String auditId;

  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    try {
      AuditConf c = AuditConf.read(conf, auditId, clock.instant());
      AuditRecord r = new AuditJob(new MainCommands(), clock).run(c);
      for (CheckResult check : r.checks()) {
        System.err.println("audit " + r.auditId() + ": " + check.result().toUpperCase() + "  " + check.check()
            + (check.actual() != null ? "  (actual " + check.actual() + ")" : "")
            + (check.ciLow() != null ? "  (interval [" + check.ciLow() + ", " + check.ciHigh() + "])" : "")
            + (check.reason() != null && !check.result().equals(CheckResult.PASS) ? ": " + check.reason() : ""));
      }
      System.err.println("audit " + r.auditId() + ": " + r.status() + ", recorded in " + c.history());
      System.out.println(AuditRecord.toJson(r));
      return r.exitCode();
    } catch (AuditException e) {
      System.err.println("lrp-audit audit: error: " + e.getMessage());
      return AuditJob.COULD_NOT_RUN;
    } catch (Exception e) { // anything else (an unwritable history, ...) is also "could not run", never exit 1
      System.err.println("lrp-audit audit: error: " + e);
      e.printStackTrace();
      return AuditJob.COULD_NOT_RUN;
    }
  }

  /** The stages are sub-commands of this same command line, run in this JVM. */
  static final class MainCommands implements Commands {
    @Override
    public Set<String> names() {
      return new CommandLine(new Main()).getSubcommands().keySet();
    }

    @Override
    public int run(List<String> args) {
      return Main.run(args.toArray(String[]::new));
    }
  }
}
