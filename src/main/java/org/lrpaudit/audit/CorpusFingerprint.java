package org.lrpaudit.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * SHA-256 of a corpus's content, on any Hadoop FileSystem path: for a file, of its bytes; for a folder, of every data
 * file under it in path order (relative path, length, bytes), skipping hidden and bookkeeping files ('.'/'_' names:
 * .crc, _SUCCESS, staging folders) the way Spark's readers do. The same files give the same fingerprint wherever they
 * live and however often they are re-read; moving a single file does not change it.
 */
public final class CorpusFingerprint {
  private CorpusFingerprint() {}

  public static String of(String location) {
    Path root = new Path(location);
    try {
      FileSystem fs = root.getFileSystem(new Configuration());
      if (fs instanceof ChecksumFileSystem checksummed) {
        fs = checksummed.getRawFileSystem(); // the bytes as stored; .crc side files are not content
      }
      if (!fs.exists(root)) {
        throw new AuditException("corpus not found: " + location);
      }
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      FileStatus status = fs.getFileStatus(root);
      if (status.isFile()) {
        hashFile(fs, root, sha);
      } else {
        TreeMap<String, Path> files = dataFiles(fs, root);
        if (files.isEmpty()) {
          throw new AuditException("corpus folder " + location + " holds no data files");
        }
        for (var e : files.entrySet()) {
          sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0);
          sha.update(ByteBuffer.allocate(8).putLong(fs.getFileStatus(e.getValue()).getLen()).array());
          hashFile(fs, e.getValue(), sha);
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new AuditException("cannot read corpus " + location + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TreeMap<String, Path> dataFiles(FileSystem fs, Path root) throws IOException {
    String prefix = fs.getFileStatus(root).getPath().toUri().getPath();
    TreeMap<String, Path> files = new TreeMap<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      String relative = p.toUri().getPath().substring(prefix.length()).replaceFirst("^/", "");
      if (!hidden(relative)) {
        files.put(relative, p);
      }
    }
    return files;
  }

  private static boolean hidden(String relative) {
    return Arrays.stream(relative.split("/")).anyMatch(s -> s.startsWith(".") || s.startsWith("_"));
  }

  private static void hashFile(FileSystem fs, Path file, MessageDigest sha) throws IOException {
    try (InputStream in = fs.open(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
  }
}
