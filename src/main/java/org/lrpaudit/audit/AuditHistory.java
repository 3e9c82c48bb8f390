package org.lrpaudit.audit;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.lrpaudit.corpus.CorpusParquet;
import org.lrpaudit.model.CheckpointWriter;

/**
 * The audit history folder (a local path), keyed by audit id:
 * <pre>
 *   records/audit_id=ID.json            the full record of each audit (the source of truth)
 *   audit_history/audit_id=ID/part-00000.snappy.parquet   the long table (HistoryRows), partitioned by audit id
 *   audit_history.json, audit_history.csv                 all records / all long rows, for notebooks (no Parquet there)
 * </pre>
 * Writing an audit id replaces its record and partition. Every file is written to a temporary name and renamed into
 * place; a partition folder is swapped in whole. Writers hold a lock file, so two audits never interleave.
 */
public final class AuditHistory {
  public static final String TABLE = "audit_history";
  private static final String RECORDS = "records";
  private final Path dir;

  public AuditHistory(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Every recorded audit, oldest first. */
  public List<AuditRecord> read() {
    Path records = dir.resolve(RECORDS);
    if (!Files.isDirectory(records)) {
      return List.of();
    }
    List<AuditRecord> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(records)) {
      for (Path f : files.filter(p -> p.getFileName().toString().matches("audit_id=.*\\.json")).sorted().toList()) {
        try {
          out.add(AuditRecord.JSON.readValue(f.toFile(), AuditRecord.class));
        } catch (IOException e) {
          throw new AuditException("cannot read audit record " + f + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(AuditRecord.BY_TIME);
    return out;
  }

  public Optional<AuditRecord> get(String auditId) {
    return read().stream().filter(r -> r.auditId().equals(auditId)).findFirst();
  }

  /** Adds the record, replacing any earlier record of its audit id, and rewrites the notebook files. */
  public void write(AuditRecord record) throws IOException {
    Files.createDirectories(dir.resolve(RECORDS));
    try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
      writeAtomically(dir.resolve(RECORDS).resolve("audit_id=" + record.auditId() + ".json"),
          AuditRecord.JSON.writeValueAsString(record));
      writePartition(record);
      List<AuditRecord> all = read();
      writeAtomically(dir.resolve(TABLE + ".json"), AuditRecord.JSON.writeValueAsString(all));
      writeCsv(all);
    }
  }

  private void writePartition(AuditRecord record) throws IOException {
    Path table = dir.resolve(TABLE);
    Files.createDirectories(table);
    Path staging = table.resolve(".staging-" + UUID.randomUUID());
    Files.createDirectories(staging);
    try {
      writeParquet(staging.resolve("part-00000.snappy.parquet"), HistoryRows.of(record));
      Path target = table.resolve("audit_id=" + record.auditId());
      Path old = table.resolve(".replaced-" + UUID.randomUUID());
      boolean replacing = Files.exists(target);
      if (replacing) {
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      if (replacing) {
        CheckpointWriter.deleteTree(old);
      }
    } finally {
      if (Files.exists(staging)) {
        CheckpointWriter.deleteTree(staging);
      }
    }
  }

  static MessageType schema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String c : HistoryRows.COLUMNS) {
      if (c.equals("audit_id")) {
        continue; // the partition column lives in the folder name, as Spark writes it
      }
      if (HistoryRows.DOUBLES.contains(c)) {
        b.addField(Types.primitive(PrimitiveTypeName.DOUBLE, Type.Repetition.OPTIONAL).named(c));
      } else if (c.equals(HistoryRows.N)) {
        b.addField(Types.primitive(PrimitiveTypeName.INT64, Type.Repetition.OPTIONAL).named(c));
      } else {
        b.addField(Types.primitive(PrimitiveTypeName.BINARY, Type.Repetition.OPTIONAL)
            .as(LogicalTypeAnnotation.stringType()).named(c));
      }
    }
    return b.named(TABLE);
  }

  private static void writeParquet(Path file, List<Object[]> rows) throws IOException {
    MessageType schema = schema();
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new CorpusParquet.LocalOutputFile(file))
        .withConf(new Configuration(false)).withType(schema).withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      for (Object[] row : rows) {
        Group g = groups.newGroup();
        for (int i = 1; i < row.length; i++) {
          String c = HistoryRows.COLUMNS.get(i);
          if (row[i] instanceof Double v) {
            g.add(c, v);
          } else if (row[i] instanceof Long v) {
            g.add(c, v);
          } else if (row[i] != null) {
            g.add(c, row[i].toString());
          }
        }
        w.write(g);
      }
    }
  }

  private void writeCsv(List<AuditRecord> all) throws IOException {
    CsvWriterSettings settings = new CsvWriterSettings();
    settings.getFormat().setLineSeparator("\n");
    settings.setHeaders(HistoryRows.COLUMNS.toArray(String[]::new));
    Path tmp = dir.resolve("." + TABLE + ".csv." + UUID.randomUUID());
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      CsvWriter w = new CsvWriter(out, settings);
      w.writeHeaders();
      for (AuditRecord r : all) {
        for (Object[] row : HistoryRows.of(r)) {
          w.writeRow(row);
        }
      }
      w.close();
    }
    Files.move(tmp, dir.resolve(TABLE + ".csv"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID());
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
