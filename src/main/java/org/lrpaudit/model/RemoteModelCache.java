package org.lrpaudit.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Copies a model folder from any Hadoop FileSystem into a local cache, one folder per content hash of its weights
 * (cache/sha256). Copies land in a temporary folder first and are moved into place whole, so a crashed copy is never used;
 * concurrent executors fetching the same model end with the same folder.
 */
public final class RemoteModelCache {
  private final Path root;
  private final Configuration hadoop;

  public RemoteModelCache(Path root, Configuration hadoop) {
    this.root = root;
    this.hadoop = hadoop;
  }

  /** LRP_AUDIT_CACHE, else ~/.cache/lrp-audit; models go to its models/ folder. */
  public static RemoteModelCache fromEnvironment() {
    String env = System.getenv("LRP_AUDIT_CACHE");
    Path base = env != null && !env.isBlank() ? Paths.get(env) : Paths.get(System.getProperty("user.home"), ".cache", "lrp-audit");
    return new RemoteModelCache(base.resolve("models"), hadoopConfiguration());
  }

  /**
   * Inside Spark (driver or executor), the job's Hadoop configuration: core-site/hdfs-site plus every spark.hadoop.*
   * setting (an S3 endpoint and its credentials reach the executors this way); outside Spark, Hadoop's defaults.
   */
  public static Configuration hadoopConfiguration() {
    try {
      org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
      if (env != null) {
        return org.apache.spark.deploy.SparkHadoopUtil.get().newConfiguration(env.conf());
      }
    } catch (LinkageError e) {
      // no Spark on the class path (a plain library use): Hadoop's defaults
    }
    return new Configuration();
  }

  /** The local folder holding a copy of the model at this URI. */
  public Path fetch(String uri) {
    org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
    Path tmp = root.resolve(".tmp-" + UUID.randomUUID());
    try {
      FileSystem fs = src.getFileSystem(hadoop);
      if (!fs.exists(src) || !fs.getFileStatus(src).isDirectory()) {
        throw new CheckpointException("model folder not found: " + uri);
      }
      // Checked at the source, in the local check's order, so messages name the URI and nothing incomplete is cached.
      if (!fs.exists(new org.apache.hadoop.fs.Path(src, Checkpoint.WEIGHTS))) {
        throw Checkpoint.missingWeights(uri, fs.exists(new org.apache.hadoop.fs.Path(src, "pytorch_model.bin")));
      }
      // A text classifier's tokenizer.json, or an image classifier's preprocessor_config.json.
      String inputFile = fs.exists(new org.apache.hadoop.fs.Path(src, Checkpoint.TOKENIZER)) ? Checkpoint.TOKENIZER
          : fs.exists(new org.apache.hadoop.fs.Path(src, Checkpoint.PREPROCESSOR)) ? Checkpoint.PREPROCESSOR : null;
      if (inputFile == null) {
        throw Checkpoint.missingTokenizer(uri);
      }
      if (!fs.exists(new org.apache.hadoop.fs.Path(src, Checkpoint.CONFIG))) {
        throw new CheckpointException("config.json not found: " + new org.apache.hadoop.fs.Path(src, Checkpoint.CONFIG));
      }
      Files.createDirectories(tmp);
      for (String name : new String[] {Checkpoint.CONFIG, Checkpoint.WEIGHTS, inputFile}) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(src, name);
        FileStatus st = fs.getFileStatus(file);
        try (InputStream in = fs.open(file)) {
          long n = Files.copy(in, tmp.resolve(name));
          if (n != st.getLen()) {
            throw new CheckpointException(uri + "/" + name + ": copied " + n + " bytes of " + st.getLen());
          }
        }
      }
      Path target = root.resolve(Checkpoint.sha256(tmp.resolve(Checkpoint.WEIGHTS)));
      if (Files.isDirectory(target)) {
        // The key covers the weights only: config.json and tokenizer.json (preprocessor_config.json) may have changed
        // at the source since they were cached. Replace a stale one by renaming (atomic: a concurrent reader sees the
        // old or the new file whole).
        for (String name : new String[] {Checkpoint.CONFIG, inputFile}) {
          Path cached = target.resolve(name);
          if (!Files.exists(cached) || Files.mismatch(tmp.resolve(name), cached) != -1) {
            Files.move(tmp.resolve(name), cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          }
        }
        CheckpointWriter.deleteTree(tmp);
        return target;
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException e) {
        CheckpointWriter.deleteTree(tmp); // another process put the same content in place first
      } catch (IOException e) {
        if (!Files.isDirectory(target)) {
          throw e;
        }
        CheckpointWriter.deleteTree(tmp);
      }
      return target;
    } catch (IOException e) {
      CheckpointWriter.deleteTree(tmp);
      throw new CheckpointException("cannot copy model from " + uri + " (" + e.getMessage() + ")", e);
    } catch (RuntimeException e) {
      CheckpointWriter.deleteTree(tmp);
      throw e;
    }
  }
}
