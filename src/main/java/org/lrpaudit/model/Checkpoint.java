package org.lrpaudit.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A HuggingFace model folder on local disk, checked: config.json, model.safetensors, tokenizer.json. The model id is the
 * SHA-256 of model.safetensors, so results name the exact weights they came from whatever path or copy they were read from.
 */
public record Checkpoint(Path dir, ModelConfig config, Path weights, Path tokenizer, String modelId) {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String TOKENIZER = "tokenizer.json";

  /**
   * Opens a local folder, or a Hadoop FileSystem URI (file:, hdfs:, s3a:, ...) which is first copied to the local cache
   * ({@link RemoteModelCache}).
   */
  public static Checkpoint open(String location) {
    URI uri = URI.create(location.replace(" ", "%20"));
    if (uri.getScheme() == null || uri.getScheme().length() == 1) { // a plain path (or a Windows drive letter)
      return openLocal(Paths.get(location));
    }
    return openLocal(RemoteModelCache.fromEnvironment().fetch(location));
  }

  public static Checkpoint openLocal(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("model folder not found: " + dir);
    }
    Path weights = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights)) {
      if (Files.exists(dir.resolve("pytorch_model.bin"))) {
        throw new CheckpointException(dir + " holds pytorch_model.bin but no model.safetensors. pytorch_model.bin is a "
            + "Python pickle, which lrp-audit never loads (unpickling can run arbitrary code). Convert it once where "
            + "transformers is installed: python -c \"from transformers import AutoModelForSequenceClassification as M; "
            + "M.from_pretrained('DIR').save_pretrained('DIR', safe_serialization=True)\"");
      }
      throw new CheckpointException("model.safetensors not found in " + dir);
    }
    Path tokenizer = dir.resolve(TOKENIZER);
    if (!Files.isRegularFile(tokenizer)) {
      throw new CheckpointException("tokenizer.json not found in " + dir
          + " (a fast-tokenizer file is needed; transformers writes it with tokenizer.save_pretrained)");
    }
    ModelConfig config = ModelConfig.read(dir.resolve(CONFIG));
    return new Checkpoint(dir, config, weights, tokenizer, sha256(weights));
  }

  static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      byte[] buf = new byte[1 << 16];
      while (in.read(buf) >= 0) {
        // reading is hashing
      }
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + " (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
