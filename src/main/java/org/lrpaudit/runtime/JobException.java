package org.lrpaudit.runtime;

/**
 * A job that cannot run as asked (bad input, model or output path): raised before any compute, with a message for people.
 * An IllegalArgumentException, so the command line reports it as bad usage (exit code 2).
 */
public class JobException extends IllegalArgumentException {
  public JobException(String message) {
    super(message);
  }

  public JobException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The message of the innermost cause: what Spark and Hadoop wrap several times over is said once. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
