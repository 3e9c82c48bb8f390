package org.lrpaudit.audit;

/** The audit could not run (exit status 2): a broken configuration, a failed stage, or outputs that cannot be read. */
public final class AuditException extends RuntimeException {
  public AuditException(String message) {
    super(message);
  }

  public AuditException(String message, Throwable cause) {
    super(message, cause);
  }
}
