package org.lrpaudit.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A HuggingFace model folder on local disk, checked: config.json, model.safetensors, and tokenizer.json for a text
 * classifier or preprocessor_config.json for an image classifier ({@link ImageFamily}; tokenizer is then null). The model
 * id is the SHA-256 of model.safetensors, so results name the exact weights they came from whatever path or copy they were
 * read from.
 */
public record Checkpoint(Path dir, ModelConfig config, Path weights, Path tokenizer, String modelId) {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String TOKENIZER = "tokenizer.json";
  /** An image classifier's resize / rescale / normalise settings (HuggingFace's image processor). */
  public static final String PREPROCESSOR = "preprocessor_config.json";
  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

  /**
   * Opens a local folder, or a Hadoop FileSystem URI (file:, hdfs:, s3a:, ...) which is first copied to the local cache
   * ({@link RemoteModelCache}).
   */
  public static Checkpoint open(String location) {
    return open(location, null);
  }

  /** As {@link #open(String)}, copying remote folders into the given cache (null: {@link RemoteModelCache#fromEnvironment}). */
  public static Checkpoint open(String location, RemoteModelCache cache) {
    // A scheme of two or more letters makes a URI; anything else (a single letter is a Windows drive) is a path. Not
    // URI.create: a local path may hold characters a URI may not ('[', '%', '|', ...).
    if (!URI_SCHEME.matcher(location).lookingAt()) {
      return openLocal(Paths.get(location));
    }
    return openLocal((cache != null ? cache : RemoteModelCache.fromEnvironment()).fetch(location));
  }

  public static Checkpoint openLocal(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("model folder not found: " + dir);
    }
    Path weights = dir.resolve(WEIGHTS);
    if (!Files.isRegularFile(weights) && Files.isRegularFile(dir.resolve(ShardedSafetensors.INDEX))) {
      weights = dir.resolve(ShardedSafetensors.INDEX); // sharded: model.safetensors.index.json + shards
    }
    if (!Files.isRegularFile(weights)) {
      throw missingWeights(dir.toString(), Files.exists(dir.resolve("pytorch_model.bin")));
    }
    Path tokenizer = dir.resolve(TOKENIZER);
    boolean image = Files.isRegularFile(dir.resolve(PREPROCESSOR));
    if (!Files.isRegularFile(tokenizer) && !image) {
      throw missingTokenizer(dir.toString());
    }
    ModelConfig config = ModelConfig.read(dir.resolve(CONFIG));
    if (config.family() instanceof ImageFamily) {
      if (!image) {
        throw new CheckpointException(PREPROCESSOR + " not found in " + dir + " (model_type '" + config.modelType()
            + "' is an image classifier; transformers writes the file with image_processor.save_pretrained)");
      }
      return new Checkpoint(dir, config, weights, null, modelId(weights));
    }
    if (!Files.isRegularFile(tokenizer)) {
      throw missingTokenizer(dir.toString());
    }
    TextTokenizer.check(tokenizer, config);
    return new Checkpoint(dir, config, weights, tokenizer, modelId(weights));
  }

  /**
   * This checkpoint, if it is a text classifier; an image classifier is refused with the command to use instead. The text
   * jobs call it on the driver, so an image folder fails before any compute rather than in every row.
   */
  public Checkpoint requireText() {
    if (isImage()) {
      throw new CheckpointException(dir + ": model_type '" + config.modelType() + "' is an image classifier; "
          + "explain it with explain-image");
    }
    return this;
  }

  /** Whether this is an image classifier (preprocessor_config.json, no tokenizer). */
  public boolean isImage() {
    return tokenizer == null;
  }

  /** The image processor settings of an image classifier. */
  public Path preprocessor() {
    return dir.resolve(PREPROCESSOR);
  }

  /** The tensors: model.safetensors, or the shards its index names. */
  public TensorSource openWeights() {
    return weights.getFileName().toString().equals(ShardedSafetensors.INDEX)
        ? ShardedSafetensors.open(weights) : SafetensorsFile.open(weights);
  }

  /** SHA-256 of model.safetensors; for a sharded checkpoint, of the index's bytes followed by each shard's hash. */
  private static String modelId(Path weights) {
    if (!weights.getFileName().toString().equals(ShardedSafetensors.INDEX)) {
      return sha256(weights);
    }
    try (ShardedSafetensors s = ShardedSafetensors.open(weights)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(Files.readAllBytes(weights));
      for (String shard : s.shardNames()) {
        d.update(sha256(weights.resolveSibling(shard)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + weights + " (" + e.getMessage() + ")", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** model.safetensors is missing from the folder at where; pytorchBin: the folder holds pytorch_model.bin instead. */
  static CheckpointException missingWeights(String where, boolean pytorchBin) {
    if (pytorchBin) {
      return new CheckpointException(where + " holds pytorch_model.bin but no model.safetensors. pytorch_model.bin is a "
          + "Python pickle, which lrp-audit never loads (unpickling can run arbitrary code). Convert it once where "
          + "transformers is installed: python -c \"from transformers import AutoModelForSequenceClassification as M; "
          + "M.from_pretrained('DIR').save_pretrained('DIR', safe_serialization=True)\"");
    }
    return new CheckpointException("model.safetensors not found in " + where);
  }

  static CheckpointException missingTokenizer(String where) {
    return new CheckpointException("tokenizer.json not found in " + where
        + " (a fast-tokenizer file is needed; transformers writes it with tokenizer.save_pretrained; an image classifier "
        + "needs " + PREPROCESSOR + " instead)");
  }

  public static String sha256(Path file) {
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
