package org.lrpaudit.bench;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.lrpaudit.corpus.CorpusParquet;
import org.lrpaudit.corpus.IdxImages;

/**
 * Writes the image table of jobs/bench/images: N Fashion-MNIST images of an IDX file pair, repeated as often as needed,
 * each encoded as an 8-bit gray PNG, as one Parquet file {id string, label int, image binary}, the lake form
 * explain-images reads (ids "f{i}", so repeats stay distinct rows). Written to a temporary sibling and moved into place,
 * so an interrupted run leaves no table that looks complete. Usage: ImageBenchTable OUT.parquet N IMAGES.gz LABELS.gz.
 */
public final class ImageBenchTable {
  private ImageBenchTable() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException("usage: ImageBenchTable OUT.parquet N IMAGES-IDX LABELS-IDX");
    }
    Path out = Paths.get(args[0]).toAbsolutePath();
    int n = Integer.parseInt(args[1]);
    IdxImages.Images idx = IdxImages.readImages(Paths.get(args[2]));
    int[] labels = IdxImages.readLabels(Paths.get(args[3]), IdxImages.FASHION_MNIST_LABELS.size());
    if (labels.length != idx.count()) {
      throw new IllegalArgumentException(args[2] + " holds " + idx.count() + " images, " + args[3] + " " + labels.length
          + " labels");
    }
    // Each distinct image is encoded once: a repeat is the same bytes under a new id.
    byte[][] png = new byte[Math.min(n, idx.count())][];
    for (int i = 0; i < png.length; i++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ImageIO.write(idx.image(i), "png", bytes);
      png[i] = bytes.toByteArray();
    }
    MessageType schema = Types.buildMessage()
        .addField(Types.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("id"))
        .addField(Types.required(PrimitiveTypeName.INT32).named("label"))
        .addField(Types.required(PrimitiveTypeName.BINARY).named("image"))
        .named("images");
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    long bytes = 0;
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new CorpusParquet.LocalOutputFile(tmp))
        .withConf(new Configuration(false)).withType(schema).withCompressionCodec(CompressionCodecName.SNAPPY)
        .withWriteMode(ParquetFileWriter.Mode.OVERWRITE).build()) {
      for (int i = 0; i < n; i++) {
        int k = i % png.length;
        bytes += png[k].length;
        w.write(groups.newGroup().append("id", "f" + i).append("label", labels[k])
            .append("image", Binary.fromConstantByteArray(png[k])));
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
    System.err.printf("wrote %,d images (%,d distinct, %,d PNG bytes) to %s%n", n, png.length, bytes, out);
  }
}
