package org.lrpaudit.explainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.cli.Main;

/**
 * Data lakes: corpus, model folder and outputs on HDFS (Hadoop's in-process MiniDFSCluster) and on S3 (S3Proxy, a real
 * S3 API server, as its own JVM on 127.0.0.1, path-style access through hadoop-aws' S3A). The relevance must equal a
 * run on local files. One Spark session (local[2]) for the class, with the S3A settings a user would pass as
 * spark.hadoop.* (so they also reach the model loader through SparkEnv, as on executors).
 */
class DataLakeTest {
  private static final String BUCKET = "lake";
  @TempDir
  static Path tmp;
  private static MiniDFSCluster hdfs;
  private static Process s3proxy;
  private static int s3port;
  private static SparkSession spark;
  private static Path corpus;
  private static Path localOut;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();

    s3port = freePort();
    s3proxy = startS3Proxy(tmp.resolve("s3"), s3port);

    SparkSession.getActiveSession().foreach(s -> { s.stop(); return null; });
    spark = SparkSession.builder().master("local[2]").appName("lrp-data-lake")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + s3port)
        .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
        .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
        .config("spark.hadoop.fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .config("spark.hadoop.fs.s3a.access.key", "local-identity")
        .config("spark.hadoop.fs.s3a.secret.key", "local-credential")
        .config("spark.hadoop.fs.s3a.directory.marker.retention", "keep")
        .config("spark.hadoop.fs.s3a.multiobjectdelete.enable", "false")
        .config("spark.hadoop.fs.s3a.attempts.maximum", "2")
        .config("spark.hadoop.fs.s3a.retry.limit", "2")
        .getOrCreate();

    corpus = SparkTests.jsonl(tmp.resolve("corpus.jsonl"), SparkTests.sentences(120, 30, 5));
    localOut = tmp.resolve("local-out");
    assertEquals(0, explain(SparkTests.model().toString(), corpus.toString(), localOut.toString()));
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (hdfs != null) {
      hdfs.shutdown();
    }
    if (s3proxy != null) {
      s3proxy.destroyForcibly();
    }
  }

  private static int explain(String model, String input, String output) {
    return Main.run("explain", "--model", model, "--input", input, "--output", output, "--run-id", "r",
        "--methods", "lrp-ah-ln", "--max-length", "64", "--partitions", "3");
  }

  @Test
  void corpusModelAndOutputsOnHdfs() throws Exception {
    String root = hdfs.getURI() + "/lake";
    FileSystem fs = FileSystem.get(hdfs.getURI(), new Configuration());
    upload(fs, root);

    assertEquals(0, explain(root + "/model", root + "/corpus.jsonl", root + "/relevance"));
    assertSame(SparkTests.relevance(spark, localOut, "r", "lrp-ah-ln"), relevance(root + "/relevance"));

    assertEquals(0, Main.run("evaluate", "--model", root + "/model", "--input", root + "/corpus.jsonl", "--output",
        root + "/evaluation", "--methods", "lrp-ah-ln,random", "--limit", "20", "--steps", "3", "--max-length", "64"));
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(root + "/evaluation/summary.json")), "evaluate wrote to HDFS");

    // A corpus that does not exist on the cluster's file system: exit 2, the URI named, nothing written.
    assertEquals(2, explain(root + "/model", root + "/no-such-corpus", root + "/relevance-2"));
    assertTrue(!fs.exists(new org.apache.hadoop.fs.Path(root + "/relevance-2")), "nothing written");
  }

  @Test
  void corpusAndModelInS3RelevanceOut() throws Exception {
    // S3Proxy's filesystem backend: a bucket is a folder, an object a file. Upload through S3A like a user would.
    Files.createDirectories(tmp.resolve("s3").resolve(BUCKET));
    String root = "s3a://" + BUCKET + "/audit";
    FileSystem fs = new org.apache.hadoop.fs.Path(root).getFileSystem(spark.sparkContext().hadoopConfiguration());
    upload(fs, root);

    assertEquals(0, explain(root + "/model", root + "/corpus.jsonl", root + "/relevance"));
    assertSame(SparkTests.relevance(spark, localOut, "r", "lrp-ah-ln"), relevance(root + "/relevance"));
  }

  /** Streams the files up (S3A 3.3.4's copyFromLocalFile of a single file fails: "Cannot get relative path"). */
  private static void upload(FileSystem fs, String root) throws IOException {
    for (String name : List.of("config.json", "model.safetensors", "tokenizer.json")) {
      put(fs, SparkTests.model().resolve(name), root + "/model/" + name);
    }
    put(fs, corpus, root + "/corpus.jsonl");
  }

  private static void put(FileSystem fs, Path local, String target) throws IOException {
    try (var out = fs.create(new org.apache.hadoop.fs.Path(target), true)) {
      Files.copy(local, out);
    }
  }

  private static Map<String, double[]> relevance(String table) {
    Path local = tmp.resolve("read-" + Math.abs(table.hashCode()));
    // Read through Spark from the lake, compare as in the other Spark tests.
    spark.read().parquet(table).write().parquet(local.toString());
    return SparkTests.relevance(spark, local, "r", "lrp-ah-ln");
  }

  private static void assertSame(Map<String, double[]> expected, Map<String, double[]> actual) {
    assertEquals(expected.size(), actual.size());
    double d = SparkTests.maxDifference(expected, actual);
    assertTrue(d <= 1e-5, "relevance differs by " + d);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** S3Proxy from target/s3proxy/lib (src/test/s3proxy/pom.xml copies it there on first use). */
  static Process startS3Proxy(Path base, int port) throws Exception {
    Path root = Paths.get(System.getProperty("user.dir"));
    Path lib = root.resolve("target/s3proxy/lib");
    if (!Files.isDirectory(lib) || !Files.list(lib).findAny().isPresent()) {
      Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", root.resolve("src/test/s3proxy/pom.xml").toString(), "package")
          .inheritIO().start();
      assertEquals(0, mvn.waitFor(), "mvn -f src/test/s3proxy/pom.xml package");
    }
    Files.createDirectories(base);
    Properties p = new Properties();
    p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
    p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
    p.setProperty("s3proxy.identity", "local-identity");
    p.setProperty("s3proxy.credential", "local-credential");
    p.setProperty("jclouds.provider", "filesystem");
    p.setProperty("jclouds.filesystem.basedir", base.toString());
    Path props = base.resolveSibling("s3proxy.properties");
    try (var w = Files.newBufferedWriter(props)) {
      p.store(w, null);
    }
    List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", lib + File.separator + "*", "org.gaul.s3proxy.Main", "--properties", props.toString()));
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(base.resolveSibling("s3proxy.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return proc;
      } catch (IOException e) {
        Thread.sleep(250);
      }
      if (!proc.isAlive()) {
        throw new IllegalStateException("S3Proxy exited: " + Files.readString(base.resolveSibling("s3proxy.log")));
      }
    }
    proc.destroyForcibly();
    throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
  }
}
