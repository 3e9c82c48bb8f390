package org.lrpaudit.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** A job's JSON summary (bias_summary.json, probe_summary.json, ...) on any Hadoop FileSystem path. */
public final class SummaryFile {
  private SummaryFile() {}

  public static JsonNode read(String location) {
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(new Configuration()).open(path)) {
      return AuditRecord.JSON.readTree(in);
    } catch (IOException e) {
      throw new AuditException("cannot read summary " + location + " (" + e.getMessage() + ")", e);
    }
  }
}
