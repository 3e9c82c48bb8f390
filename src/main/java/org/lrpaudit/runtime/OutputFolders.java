package org.lrpaudit.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Schema checks on output folders, so that a job replaces only what it wrote: a folder is one of ours when every entry
 * in it has a name our writers produce (Spark's part files and markers, Hadoop's checksum files, the job's own file
 * names). A user's file put there, or a user's folder passed as the output, is never deleted: the job refuses it first.
 */
public final class OutputFolders {
  private OutputFolders() {}

  /** A name Spark's file writers leave in a table folder: part files, commit markers and their checksums. */
  public static boolean isSparkFile(String name) {
    if (name.startsWith(".") && name.endsWith(".crc")) {
      return isSparkFile(name.substring(1, name.length() - 4));
    }
    return name.startsWith("part-") || name.equals("_SUCCESS") || name.startsWith("_committed_")
        || name.startsWith("_started_") || name.equals("_temporary");
  }

  /** A name our writer gave, or the Hadoop checksum file of one (.NAME.crc on a local file system). */
  public static boolean isOwn(String name, Set<String> own) {
    return own.contains(name) || name.startsWith(".") && name.endsWith(".crc")
        && own.contains(name.substring(1, name.length() - 4));
  }

  /**
   * Entries of a table folder written by Spark that are not Spark's: an empty list for a Parquet/CSV/JSON folder
   * Spark wrote (partition folders key=value included), else the foreign names (at most 5, relative to dir).
   */
  public static List<String> foreignInTable(FileSystem fs, Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    collect(fs, dir, "", out);
    return out;
  }

  private static void collect(FileSystem fs, Path dir, String prefix, List<String> out) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      if (out.size() >= 5) {
        return;
      }
      String name = f.getPath().getName();
      if (f.isDirectory() && name.indexOf('=') > 0 && !name.startsWith(".") && !name.startsWith("_")) {
        collect(fs, f.getPath(), prefix + name + "/", out);
      } else if (!isSparkFile(name)) {
        out.add(prefix + name);
      }
    }
  }

  /**
   * Fails unless path is absent, an empty folder, or a table folder Spark wrote (what a job may delete and write anew).
   * what names the output in the message, e.g. "--output" or "mentions table".
   */
  public static void requireReplaceableTable(FileSystem fs, Path path, String what) {
    try {
      if (!fs.exists(path)) {
        return;
      }
      if (!fs.getFileStatus(path).isDirectory()) {
        throw new JobException(what + " " + path + " exists and is a file, not a table folder; lrp-audit does not "
            + "replace it: choose another path");
      }
      List<String> foreign = foreignInTable(fs, path);
      if (!foreign.isEmpty()) {
        throw new JobException(what + " " + path + " exists and is not a table lrp-audit wrote (it holds '"
            + String.join("', '", foreign) + "'); replacing it would delete those files, so nothing was written: "
            + "choose another path, or empty or remove it yourself");
      }
    } catch (IOException e) {
      throw new JobException("cannot inspect " + what + " " + path + " (" + e.getMessage() + ")", e);
    }
  }
}
