package org.lrpaudit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: an audit id is held by one run at a time, across threads and processes; kill -9 leaves no stale lock. */
class AuditLockTest {
  @TempDir
  Path dir;

  @Test
  void theSameIdIsRefusedInThisJvmOtherIdsAreNot() throws Exception {
    try (AuditLock a = AuditLock.acquire(dir, "a1", "first")) {
      AuditException e = assertThrows(AuditException.class, () -> AuditLock.acquire(dir, "a1", "second"));
      assertTrue(e.getMessage().contains("audit 'a1' is already running: held by pid "
          + ProcessHandle.current().pid()), e.getMessage());
      assertTrue(e.getMessage().contains("first") && e.getMessage().contains(AuditLock.file(dir, "a1").toString()),
          e.getMessage());
      try (AuditLock b = AuditLock.acquire(dir, "a2", "other id")) {
        assertTrue(Files.isRegularFile(AuditLock.file(dir, "a2")));
      }
    }
    try (AuditLock again = AuditLock.acquire(dir, "a1", "after release")) {
      assertTrue(Files.readString(AuditLock.file(dir, "a1")).contains("after release"), "the holder's name");
    }
  }

  /**
   * A lock held by another process is refused with its pid; when that process is killed with SIGKILL (no shutdown
   * hook, no finally), the next run takes the lock at once: nothing to clean up. The lock file stays behind.
   */
  @Test
  void anotherProcessIsNamedAndKill9ReleasesItsLock() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process holder = new ProcessBuilder(java, "-cp", classpath, AuditLockHolder.class.getName(), dir.toString(), "x1")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("held", out.readLine(), "the holder process took the lock");
      AuditException e = assertThrows(AuditException.class, () -> AuditLock.acquire(dir, "x1", "test"));
      assertTrue(e.getMessage().contains("held by pid " + holder.pid() + " on host "), e.getMessage());
      assertTrue(e.getMessage().contains("AuditLockHolder test process"), e.getMessage());
      try (AuditLock other = AuditLock.acquire(dir, "x2", "another id")) {
        assertTrue(other != null);
      }
      holder.destroyForcibly(); // SIGKILL
      assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
      assertEquals(137, holder.exitValue(), "killed by SIGKILL");
      assertTrue(Files.exists(AuditLock.file(dir, "x1")), "its lock file is still there");
      try (AuditLock mine = AuditLock.acquire(dir, "x1", "after kill -9")) {
        assertTrue(Files.readString(AuditLock.file(dir, "x1")).contains("after kill -9"));
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void historiesOnOtherFileSystemsAreRefusedNotTakenAsLocalFolders() {
    for (String location : List.of("hdfs://nn:8020/audits/history", "s3a://bucket/history")) {
      AuditException e = assertThrows(AuditException.class, () -> AuditHistory.local(location));
      assertTrue(e.getMessage().contains("must be a local folder"), e.getMessage());
    }
    assertEquals(Path.of("/tmp/h"), AuditHistory.local("file:///tmp/h"));
    assertEquals(Path.of("audits/history"), AuditHistory.local("audits/history"));
    assertEquals(Path.of("/srv/a:b"), AuditHistory.local("/srv/a:b"));
  }
}
