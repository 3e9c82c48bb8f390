package org.lrpaudit.clustertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lrpaudit.cli.Main;
import org.lrpaudit.model.RandomCheckpoint;

/**
 * A model folder the driver can read but executors cannot: explain, evaluate and probe each end with exit 2, an error
 * naming the model path and the executor with its host, and no output. local-cluster[1,1,1024] runs the executor as its
 * own JVM in a Worker folder under SPARK_HOME, so a path relative to the driver's working folder (the project) is a
 * folder the driver sees and the executor does not, as on a real cluster (jobs/cluster-test does the same there).
 */
class ExecutorModelAccessTest {
  private static final Path WORK = Paths.get("target", "executor-model-access");
  private static final Path MODEL = WORK.resolve("model"); // relative on purpose
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    String sparkHome = System.getenv("SPARK_HOME");
    assertNotNull(sparkHome, "SPARK_HOME must be set (the pom sets it for surefire)");
    Files.createDirectories(Paths.get(sparkHome, "jars"));
    org.apache.commons.io.FileUtils.deleteDirectory(WORK.toFile());
    RandomCheckpoint.write(RandomCheckpoint.spec("bert", 1, 16, 2, 32, false, 3), Files.createDirectories(MODEL));
    List<String> texts = List.of("mary liked the film", "john hated the plot", "a fine story by emma",
        "james was bored", "the acting was good");
    Files.write(WORK.resolve("corpus.jsonl"), java.util.stream.IntStream.range(0, texts.size())
        .mapToObj(i -> "{\"id\": \"t" + i + "\", \"text\": \"" + texts.get(i) + "\", \"label\": " + i % 2 + "}")
        .toList());
    String opens = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
            || a.startsWith("-Djdk.reflect"))
        .collect(Collectors.joining(" "));
    SparkSession.getActiveSession().foreach(s -> { s.stop(); return null; });
    spark = SparkSession.builder().master("local-cluster[1,1,1024]").appName("lrp-executor-model-access")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.executor.extraClassPath", System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path")))
        .config("spark.executor.extraJavaOptions", opens + " -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1")
        .config("spark.executorEnv.DJL_OFFLINE", "true")
        .config("spark.task.maxFailures", "1")
        .getOrCreate();
    StructType mentions = new StructType().add("id", DataTypes.StringType).add("start", DataTypes.IntegerType)
        .add("end", DataTypes.IntegerType).add("kind", DataTypes.StringType);
    spark.createDataFrame(List.of(RowFactory.create("t0", 0, 4, "female_name"), RowFactory.create("t1", 0, 4,
        "male_name"), RowFactory.create("t2", 16, 20, "female_name"), RowFactory.create("t3", 0, 5, "male_name")),
        mentions).write().parquet(WORK.resolve("mentions").toString());
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void explain() {
    assertUnreadableOnExecutor("explain", "--methods", "lrp-ah-ln", "--run-id", "r");
  }

  @Test
  void evaluate() {
    assertUnreadableOnExecutor("evaluate", "--methods", "lrp-ah-ln", "--steps", "3");
  }

  @Test
  void probe() {
    assertUnreadableOnExecutor("probe", "--mentions", WORK.resolve("mentions").toString(), "--replicates", "10",
        "--permutations", "10");
  }

  private static void assertUnreadableOnExecutor(String command, String... options) {
    assertTrue(Files.isDirectory(MODEL), "the driver can read the model");
    Path out = WORK.resolve("out-" + command);
    List<String> args = new java.util.ArrayList<>(List.of(command, "--model", MODEL.toString(), "--input",
        WORK.resolve("corpus.jsonl").toString(), "--output", out.toString(), "--max-length", "32"));
    args.addAll(List.of(options));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int rc;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      rc = Main.run(args.toArray(new String[0]));
    } finally {
      System.setErr(old);
    }
    String message = err.toString(StandardCharsets.UTF_8);
    String error = message.lines().filter(l -> l.contains("executors cannot read the model")).findFirst().orElse("");
    old.println(command + ": exit " + rc + ", " + error);
    assertEquals(2, rc, command + " exit code; standard error:\n" + message);
    assertTrue(error.contains(MODEL.toString()) && error.matches(".*on executor \\S+ on \\S+.*"),
        command + ": the error names the model path and the executor with its host: " + error);
    assertFalse(Files.exists(out), command + ": nothing written to " + out);
  }
}
