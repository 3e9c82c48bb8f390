package org.lrpaudit.runtime;

/**
 * The job ran, but more of its rows failed for reasons other than their own content than --max-error-rate allows: its
 * output was not committed (a previous output stays as it was). The command line exits with status 1.
 */
public final class ErrorRateException extends RuntimeException {
  private final transient RowErrors errors;

  public ErrorRateException(String message, RowErrors errors) {
    super(message);
    this.errors = errors;
  }

  public RowErrors errors() {
    return errors;
  }
}
