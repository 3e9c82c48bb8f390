package org.lrpaudit.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Holds one audit id for the whole audit, across processes: the operating system's exclusive lock (fcntl on Linux) on
 * {@code HISTORY/locks/audit_id=ID.lock}. A second run of the same id, in this JVM or another process on any machine
 * that sees the folder with working file locks (a local disk; NFSv4), is refused with a message naming the holder
 * (pid, host, user, start time, configuration), which the holder writes into the file.
 *
 * <p>Why an OS lock and not an exclusive create of the file: the kernel releases the lock when its process ends, also
 * when it is killed with kill -9 or its machine dies (NFSv4: when the lease expires), so a lock can never be stale and
 * no recovery step exists. The file stays behind on purpose (it names the last holder): deleting it while another
 * process waits on it would let two holders lock two different files of the same name. Its presence means nothing; only
 * the lock counts.
 *
 * <p>POSIX locks belong to the process, and closing any descriptor of the file releases all of the process's locks on
 * it; so within this JVM the held ids are kept in a table, checked first, and the file is never opened while this JVM
 * holds its lock.
 */
public final class AuditLock implements AutoCloseable {
  static final String DIR = "locks";
  /** Files locked by this JVM -> who holds them; guarded by the class monitor, as is every open and close. */
  private static final Map<Path, String> HELD = new HashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private AuditLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of an audit id in a history folder. */
  public static Path file(Path history, String auditId) {
    return history.resolve(DIR).resolve("audit_id=" + auditId + ".lock").toAbsolutePath().normalize();
  }

  /**
   * Takes the lock of auditId, or throws an AuditException naming its holder when another run (any process) holds it.
   * what describes this run for the message a refused run prints (e.g. the configuration file).
   */
  public static AuditLock acquire(Path history, String auditId, String what) throws IOException {
    Path file = file(history, auditId);
    Files.createDirectories(file.getParent());
    String me = owner(auditId, what);
    synchronized (AuditLock.class) {
      String inJvm = HELD.get(file);
      if (inJvm != null) {
        throw refused(auditId, file, inJvm);
      }
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        // Something else in this JVM locked the file outside this class. Closing this channel would drop that lock
        // (POSIX), so the channel is left open: a descriptor, in a case that should not happen.
        throw refused(auditId, file, "this JVM (a lock taken outside AuditLock)");
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) { // another process holds it: read who, through this same channel, and leave
        String holder;
        try {
          holder = read(channel);
        } finally {
          channel.close(); // this process holds no lock on the file (HELD says so), so closing releases nothing
        }
        throw refused(auditId, file, holder);
      }
      try {
        byte[] bytes = me.getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        channel.force(true);
      } catch (IOException | RuntimeException e) {
        lock.release();
        channel.close();
        throw e;
      }
      HELD.put(file, me);
      return new AuditLock(file, channel, lock);
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (AuditLock.class) {
      if (!channel.isOpen()) {
        return;
      }
      try {
        lock.release();
      } finally {
        channel.close();
        HELD.remove(file);
      }
    }
  }

  private static AuditException refused(String auditId, Path file, String holder) {
    String who = holder == null || holder.isBlank() ? "another process (it has not written its name yet)"
        : describe(holder);
    return new AuditException("audit '" + auditId + "' is already running: held by " + who + " (lock " + file
        + "). Refusing to run it twice at the same time: wait until it ends, or give this run another --audit-id. "
        + "The lock is released when its holder ends, even when it is killed (kill -9), so nothing needs cleaning up");
  }

  /** The holder's JSON as "pid P on host H (user U) since T, conf C"; the raw text when it is not such JSON. */
  private static String describe(String holder) {
    try {
      var n = AuditRecord.JSON.readTree(holder);
      return "pid " + n.path("pid").asText("?") + " on host " + n.path("host").asText("?") + " (user "
          + n.path("user").asText("?") + ") since " + n.path("started").asText("?") + ", "
          + n.path("run").asText("?");
    } catch (IOException e) {
      return holder.strip();
    }
  }

  private static String owner(String auditId, String what) {
    ObjectNode n = AuditRecord.JSON.createObjectNode();
    n.put("audit_id", auditId);
    n.put("pid", ProcessHandle.current().pid());
    n.put("host", host());
    n.put("user", System.getProperty("user.name"));
    n.put("started", Instant.now().toString());
    n.put("run", what);
    try {
      return AuditRecord.JSON.writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown";
    }
  }

  private static String read(FileChannel channel) throws IOException {
    long size = Math.min(channel.size(), 64 * 1024);
    ByteBuffer b = ByteBuffer.allocate((int) size);
    while (b.hasRemaining() && channel.read(b, b.position()) > 0) {
      // keep reading
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }
}
