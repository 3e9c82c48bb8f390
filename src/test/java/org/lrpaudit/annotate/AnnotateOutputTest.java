package org.lrpaudit.annotate;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.runtime.JobException;

/** annotate --overwrite replaces mentions/ only when it is a table Spark wrote, never a folder of someone's files. */
class AnnotateOutputTest {
  @Test
  void overwriteReplacesOnlyASparkTable(@TempDir Path dir) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
    Path mentions = Files.createDirectories(dir.resolve(MentionsTable.FOLDER));
    Files.writeString(mentions.resolve("part-00000-x.snappy.parquet"), "");
    Files.writeString(mentions.resolve("_SUCCESS"), "");
    Files.writeString(mentions.resolve(".part-00000-x.snappy.parquet.crc"), "");
    AnnotateJob.checkOutput(fs, root, true); // a table Spark wrote: may be replaced
    Files.writeString(mentions.resolve("my-notes.txt"), "mine");
    JobException e = assertThrows(JobException.class, () -> AnnotateJob.checkOutput(fs, root, true));
    assertTrue(e.getMessage().contains("is not a table lrp-audit wrote (it holds 'my-notes.txt')"), e.getMessage());
    assertTrue(Files.exists(mentions.resolve("my-notes.txt")));
  }
}
