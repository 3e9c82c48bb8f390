package org.lrpaudit.corpus;

import java.nio.file.Path;

/** A raw source file (or lexicon, or tokenizer) that the corpus needs is not there: names the file and the fix. */
public final class SourceFileMissingException extends IllegalArgumentException {
  private final Path file;

  public SourceFileMissingException(Path file, String what) {
    super("missing " + what + ": " + file.toAbsolutePath() + " (fetch it with jobs/setup-data, or point --raw/--lexicons "
        + "at the folder holding it)");
    this.file = file;
  }

  public Path file() {
    return file;
  }
}
