package org.lrpaudit.audit;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit history folder (a local path), keyed by audit id:
 * <pre>
 *   records/audit_id=ID.json            the full record of each audit (the source of truth)
 *   audit_history/audit_id=ID/part-00000.snappy.parquet   the long table (HistoryRows), partitioned by audit id
 *   audit_history.json, audit_history.csv                 all records / all long rows, for notebooks (no Parquet there)
 *   locks/audit_id=ID.lock              held by a running audit of that id (AuditLock)
 * </pre>
 * Writing an audit id replaces its record and partition. The record is written last: it is the commit, and drift reads
 * only records, so a write that fails leaves no record (its partition and notebook files are rolled back). Every file
 * is written under a temporary name, flushed to disk and renamed into place; a partition folder is swapped in whole.
 * Writers hold {@code .lock} (an OS lock: released when a writer dies), so two writes never interleave; a writer that
 * holds it also repairs what a writer killed mid-write left behind: temporary files, a partition without a record, a
 * partition that does not match its record (each partition keeps the SHA-256 of the record file it was written from in
 * {@code _record.sha256}, a file Spark's readers skip).
 */
public final class AuditHistory {
  public static final String TABLE = "audit_history";
  private static final String RECORDS = "records";
  static final String PART = "part-00000.snappy.parquet";
  static final String DIGEST = "_record.sha256";
  private static final Logger LOG = LoggerFactory.getLogger(AuditHistory.class);
  private final Path dir;

  public AuditHistory(Path dir) {
    this.dir = dir;
  }

  /**
   * The history folder of audit.history: a local path or a file: URI. Other file systems (hdfs:, s3a:) are refused
   * rather than taken as a local folder named "hdfs:": the history's writes and AuditLock need a POSIX file system.
   */
  public static Path local(String location) {
    if (location.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      URI uri = URI.create(location);
      if (!"file".equalsIgnoreCase(uri.getScheme())) {
        throw new AuditException("audit.history = " + location + ": the audit history must be a local folder (a "
            + "path or a file: URI; also NFS), not on " + uri.getScheme() + ": its writes are atomic renames and "
            + "the lock that keeps two runs of an audit id apart is an operating-system file lock");
      }
      return Paths.get(uri);
    }
    return Paths.get(location);
  }

  public Path dir() {
    return dir;
  }

  /** Every recorded audit, oldest first. */
  public List<AuditRecord> read() {
    List<AuditRecord> out = new ArrayList<>();
    for (Path f : recordFiles()) {
      try {
        out.add(AuditRecord.JSON.readValue(f.toFile(), AuditRecord.class));
      } catch (IOException e) {
        throw new AuditException("cannot read audit record " + f + ": " + e.getMessage(), e);
      }
    }
    out.sort(AuditRecord.BY_TIME);
    return out;
  }

  private List<Path> recordFiles() {
    Path records = dir.resolve(RECORDS);
    if (!Files.isDirectory(records)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(records)) {
      return files.filter(p -> p.getFileName().toString().matches("audit_id=.*\\.json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Optional<AuditRecord> get(String auditId) {
    return read().stream().filter(r -> r.auditId().equals(auditId)).findFirst();
  }

  /**
   * Adds the record, replacing any earlier record of its audit id: its partition of the long table first, then the
   * notebook files, then the record itself (the commit). When a step fails, the earlier steps are undone and the
   * exception is thrown: the history is as it was, and no record names the failed audit.
   */
  public void write(AuditRecord record) throws IOException {
    Path recordFile = dir.resolve(RECORDS).resolve("audit_id=" + record.auditId() + ".json");
    byte[] recordBytes = AuditRecord.toJson(record).getBytes(StandardCharsets.UTF_8);
    Files.createDirectories(dir.resolve(RECORDS));
    synchronized (AuditHistory.class) { // FileLock is per process: threads of this JVM queue here
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
        repair();
        List<AuditRecord> committed = read();
        List<AuditRecord> all = new ArrayList<>(committed);
        all.removeIf(r -> r.auditId().equals(record.auditId()));
        all.add(record);
        all.sort(AuditRecord.BY_TIME);
        Path table = dir.resolve(TABLE);
        Path target = table.resolve("audit_id=" + record.auditId());
        Path previous = null;
        Path staged = null;
        boolean swapped = false;
        try {
          staged = stagePartition(record, recordBytes);
          if (Files.exists(target)) {
            previous = table.resolve(".replaced-" + UUID.randomUUID());
            Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
          }
          Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
          swapped = true;
          syncDirectory(table);
          writeAtomically(dir.resolve(TABLE + ".json"), AuditRecord.toJson(all));
          writeCsv(all);
          writeAtomically(recordFile, recordBytes); // the commit
        } catch (IOException | RuntimeException | Error e) {
          if (staged != null && !swapped) {
            CheckpointWriter.deleteTree(staged);
          }
          rollBack(e, target, swapped, previous, committed);
          throw e;
        }
        if (previous != null) {
          CheckpointWriter.deleteTree(previous);
        }
      }
    }
  }

  /** Undoes a write that failed before its commit: the old partition back, the notebook files from the records. */
  private void rollBack(Throwable failure, Path target, boolean swapped, Path previous, List<AuditRecord> committed) {
    try {
      if (swapped) {
        CheckpointWriter.deleteTree(target);
      }
      if (previous != null && Files.exists(previous)) {
        Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
      }
      writeAtomically(dir.resolve(TABLE + ".json"), AuditRecord.toJson(committed));
      writeCsv(committed);
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e); // the next write repairs what is left (repair())
    }
  }

  /**
   * Run by a writer holding .lock, so no other writer is half-way: removes temporary files and folders a killed writer
   * left, partitions of audits that have no record, and rewrites partitions that are missing or were written from
   * another version of their record (a writer killed between its partition and its record).
   */
  private void repair() throws IOException {
    Path table = dir.resolve(TABLE);
    // the temporary names this class uses (writeAtomically, writeCsv, stagePartition, write)
    Map<Path, String> temporary = Map.of(dir, "\\.audit_history\\.(json|csv)\\..+",
        dir.resolve(RECORDS), "\\.audit_id=.*\\.json\\..+", table, "\\.(staging|replaced)-.+");
    for (var t : temporary.entrySet()) {
      if (!Files.isDirectory(t.getKey())) {
        continue;
      }
      try (Stream<Path> files = Files.list(t.getKey())) {
        for (Path f : files.filter(f -> f.getFileName().toString().matches(t.getValue())).toList()) {
          LOG.warn("audit history: removing {}, left by a writer that did not finish", f);
          CheckpointWriter.deleteTree(f);
        }
      }
    }
    Map<String, byte[]> records = new TreeMap<>();
    for (Path f : recordFiles()) {
      String name = f.getFileName().toString();
      records.put(name.substring(0, name.length() - ".json".length()), Files.readAllBytes(f));
    }
    if (Files.isDirectory(table)) {
      try (Stream<Path> parts = Files.list(table)) {
        for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("audit_id=")).toList()) {
          if (!records.containsKey(p.getFileName().toString())) {
            LOG.warn("audit history: removing {}: no audit record has its id (its audit did not finish)", p);
            CheckpointWriter.deleteTree(p);
          }
        }
      }
    }
    for (var e : records.entrySet()) {
      Path partition = table.resolve(e.getKey());
      Path digest = partition.resolve(DIGEST);
      String want = sha256(e.getValue());
      if (Files.isRegularFile(digest) && Files.readString(digest).strip().equals(want)
          && Files.isRegularFile(partition.resolve(PART))) {
        continue;
      }
      LOG.info("audit history: writing {} from its record (missing, or written before its record changed)",
          partition);
      AuditRecord r = AuditRecord.JSON.readValue(e.getValue(), AuditRecord.class);
      Path staged = stagePartition(r, e.getValue());
      Path old = table.resolve(".replaced-" + UUID.randomUUID());
      if (Files.exists(partition)) {
        Files.move(partition, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(staged, partition, StandardCopyOption.ATOMIC_MOVE);
      CheckpointWriter.deleteTree(old);
    }
  }

  /** The record's partition, written and flushed into a staging folder beside the table's partitions. */
  private Path stagePartition(AuditRecord record, byte[] recordBytes) throws IOException {
    Path table = dir.resolve(TABLE);
    Files.createDirectories(table);
    Path staging = table.resolve(".staging-" + UUID.randomUUID());
    Files.createDirectories(staging);
    try {
      writeParquet(staging.resolve(PART), HistoryRows.of(record));
      sync(staging.resolve(PART));
      Files.writeString(staging.resolve(DIGEST), sha256(recordBytes) + "\n");
      sync(staging.resolve(DIGEST));
      syncDirectory(staging);
      return staging;
    } catch (IOException | RuntimeException e) {
      CheckpointWriter.deleteTree(staging);
      throw e;
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
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
    try {
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
      sync(tmp);
      Files.move(tmp, dir.resolve(TABLE + ".csv"), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void writeAtomically(Path file, String content) throws IOException {
    writeAtomically(file, content.getBytes(StandardCharsets.UTF_8));
  }

  /** content under a temporary name, flushed to disk, renamed over file, the folder flushed: all or nothing. */
  static void writeAtomically(Path file, byte[] content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID());
    try {
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          c.write(b);
        }
        c.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(file.getParent());
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void sync(Path file) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.force(true);
    }
  }

  /** Makes renames in dir durable (Linux: fsync of the folder); a file system that cannot is left as it is. */
  private static void syncDirectory(Path dir) {
    try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      // not supported here (some file systems, other OSes): the rename itself is still atomic
    }
  }
}
