package org.lrpaudit.corpus;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The corpus table as one Parquet file (Snappy), written with parquet-hadoop directly (no SparkSession: a local file
 * needs no cluster, and this starts in well under a second). Strings are UTF-8 binary with the STRING annotation, the
 * integers INT32, so Spark reads it as {@code id string, text string, label int, ...}; the base columns are required,
 * the probe columns optional (null on real sentences). Local files only (java.nio), so no Hadoop FileSystem and no
 * .crc side files.
 */
public final class CorpusParquet {
  private CorpusParquet() {
  }

  public static MessageType schema(boolean withProbeColumns) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (String c : CorpusColumns.of(withProbeColumns)) {
      Type.Repetition rep = CorpusColumns.BASE.contains(c) ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL;
      if (CorpusColumns.INTS.contains(c)) {
        b.addField(Types.primitive(PrimitiveTypeName.INT32, rep).named(c));
      } else {
        b.addField(Types.primitive(PrimitiveTypeName.BINARY, rep).as(LogicalTypeAnnotation.stringType()).named(c));
      }
    }
    return b.named("corpus");
  }

  public static void write(Path file, List<CorpusRow> rows, boolean withProbeColumns) throws IOException {
    MessageType schema = schema(withProbeColumns);
    List<String> columns = CorpusColumns.of(withProbeColumns);
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    Configuration conf = new Configuration(false);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(conf)
        .withType(schema)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build()) {
      for (CorpusRow r : rows) {
        if (r.split() == null) {
          throw new IllegalArgumentException("row " + r.id() + " has no split");
        }
        Group g = groups.newGroup();
        Object[] cells = CorpusColumns.cells(r, withProbeColumns);
        for (int i = 0; i < cells.length; i++) {
          if (cells[i] instanceof Integer v) {
            g.add(columns.get(i), v);
          } else if (cells[i] != null) {
            g.add(columns.get(i), (String) cells[i]);
          }
        }
        w.write(g);
      }
    }
  }

  /** Reads a file written by {@link #write}. */
  public static List<CorpusRow> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new SourceFileMissingException(file, "corpus Parquet file");
    }
    List<CorpusRow> rows = new ArrayList<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      for (PageReadStore pages; (pages = reader.readNextRowGroup()) != null; ) {
        RecordReader<Group> records = io.getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          Group g = records.read();
          rows.add(CorpusColumns.row(
              c -> schema.containsField(c) && g.getFieldRepetitionCount(c) > 0 ? g.getString(c, 0) : null,
              c -> schema.containsField(c) && g.getFieldRepetitionCount(c) > 0 ? g.getInteger(c, 0) : null));
        }
      }
    }
    return rows;
  }

  /** A local file as a Parquet OutputFile (parquet 1.13 has none of its own); also used by the audit history. */
  public static final class LocalOutputFile implements OutputFile {
    private final Path path;

    public LocalOutputFile(Path path) {
      this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return open(StandardOpenOption.CREATE);
    }

    private PositionOutputStream open(StandardOpenOption mode) throws IOException {
      FileChannel ch = FileChannel.open(path, mode, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      java.io.OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      return new PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }

  /** A local file as a Parquet InputFile. */
  public static final class LocalInputFile implements InputFile {
    private final Path path;

    public LocalInputFile(Path path) {
      this.path = path;
    }

    @Override
    public long getLength() throws IOException {
      return Files.size(path);
    }

    @Override
    public SeekableInputStream newStream() throws IOException {
      FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
      return new DelegatingSeekableInputStream(Channels.newInputStream(ch)) {
        @Override
        public long getPos() throws IOException {
          return ch.position();
        }

        @Override
        public void seek(long newPos) throws IOException {
          ch.position(newPos);
        }
      };
    }
  }
}
