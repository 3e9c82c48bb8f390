package org.lrpaudit.audit;

import java.util.List;
import java.util.Set;

/** The lrp-audit sub-commands an audit's stages run, in this JVM (the command line provides them: cli.Main). */
public interface Commands {
  /** Names of the registered sub-commands. */
  Set<String> names();

  /** Runs one command line (sub-command first) and returns its exit status; 0 is success. */
  int run(List<String> args);
}
