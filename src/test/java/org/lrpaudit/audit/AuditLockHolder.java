package org.lrpaudit.audit;

import java.nio.file.Path;

/**
 * A separate process for AuditLockTest: takes the lock of an audit id in a history folder, prints "held", and keeps it
 * until killed (or until its standard input closes).
 */
public final class AuditLockHolder {
  private AuditLockHolder() {}

  public static void main(String[] args) throws Exception {
    try (AuditLock lock = AuditLock.acquire(Path.of(args[0]), args[1], "AuditLockHolder test process")) {
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until stdin closes or the process is killed
      }
    }
  }
}
