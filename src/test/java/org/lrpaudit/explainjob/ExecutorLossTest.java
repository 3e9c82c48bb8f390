package org.lrpaudit.explainjob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lrpaudit.runtime.JobMetrics;
import scala.collection.JavaConverters;

/**
 * local-cluster[2,1,1024]: two executor JVMs. One is killed (SIGKILL) mid-job; the output must still be complete, with no id
 * missing or duplicated, and the relevance identical to an undisturbed run. Needs SPARK_HOME (an empty jars/ folder is
 * enough) and SPARK_SCALA_VERSION in the environment: the pom sets both for surefire.
 */
class ExecutorLossTest {
  @Test
  void killedExecutorLosesNothing(@TempDir Path dir) throws Exception {
    String sparkHome = System.getenv("SPARK_HOME");
    assertNotNull(sparkHome, "SPARK_HOME must be set (the pom sets it for surefire)");
    Files.createDirectories(Paths.get(sparkHome, "jars"));
    String opens = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
            || a.startsWith("-Djdk.reflect"))
        .collect(Collectors.joining(" "));
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    SparkSession spark = SparkSession.builder().master("local-cluster[2,1,1024]").appName("lrp-executor-loss")
        .config("spark.ui.enabled", "false")
        .config("spark.executor.extraClassPath", classPath)
        .config("spark.executor.extraJavaOptions", opens + " -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 "
            + "-Dai.djl.pytorch.num_interop_threads=1")
        .config("spark.executorEnv.DJL_OFFLINE", "true")
        .config("spark.executor.heartbeatInterval", "2s")
        .config("spark.task.maxFailures", "4")
        .getOrCreate();
    try {
      int n = 2000;
      Path input = SparkTests.jsonl(dir.resolve("c.jsonl"), SparkTests.sentences(n, 60, 21));
      Path out = dir.resolve("out");
      String[] common = {"partitions", "8", "chunk-rows", "25", "methods", "lrp-ah-ln"};
      ExplainJob.ExplainSummary quiet = SparkTests.run(spark, input, out, concat(common, "run-id", "undisturbed"));
      assertEquals(n, quiet.rowsIn());

      Killer killer = new Killer();
      spark.sparkContext().addSparkListener(killer);
      ExplainJob.ExplainSummary hit = SparkTests.run(spark, input, out, concat(common, "run-id", "killed"));
      spark.sparkContext().removeSparkListener(killer);
      assertTrue(killer.killedPid.get() > 0, "an executor was killed mid-job");
      assertTrue(killer.removed.get() >= 1, "Spark noticed the lost executor");
      System.err.printf("executor loss: killed pid %d after %d explain tasks had finished; %d failed task(s)%n",
          killer.killedPid.get(), killer.tasksAtKill.get(), killer.failedTasks.get());
      assertTrue(killer.failedTasks.get() >= 1, "tasks were lost with the executor and re-run");

      assertEquals(n, hit.rowsIn());
      assertEquals(Map.of("lrp-ah-ln", (long) n), hit.rowsOut());
      assertEquals(n, SparkTests.count(spark, out, "killed"));
      Map<String, double[]> a = SparkTests.relevance(spark, out, "undisturbed", "lrp-ah-ln"); // fails on a duplicate id
      Map<String, double[]> b = SparkTests.relevance(spark, out, "killed", "lrp-ah-ln");
      assertEquals(n, b.size(), "no id missing");
      double d = SparkTests.maxDifference(a, b);
      System.err.printf("executor loss: max |dR| killed vs undisturbed = %.3g%n", d);
      assertTrue(d <= 1e-6, "relevance differs by " + d);
    } finally {
      spark.stop();
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Kills one executor JVM (SIGKILL) when the first explain task of the job has finished. */
  static final class Killer extends SparkListener {
    final AtomicLong killedPid = new AtomicLong(-1);
    final AtomicInteger tasksAtKill = new AtomicInteger();
    final AtomicInteger explainTasks = new AtomicInteger();
    final AtomicInteger failedTasks = new AtomicInteger();
    final AtomicInteger removed = new AtomicInteger();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (!end.taskInfo().successful()) {
        failedTasks.incrementAndGet();
        return;
      }
      List<AccumulableInfo> acc = JavaConverters.seqAsJavaList(end.taskInfo().accumulables());
      boolean explain = acc.stream().anyMatch(a -> a.name().isDefined() && a.name().get().equals(JobMetrics.ROWS_OUT));
      if (explain && explainTasks.incrementAndGet() == 1 && killedPid.get() < 0) {
        ProcessHandle.current().descendants()
            .filter(p -> commandLine(p).contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
            .findFirst().ifPresent(p -> {
              killedPid.set(p.pid());
              tasksAtKill.set(explainTasks.get());
              p.destroyForcibly();
            });
      }
    }

    /** ProcessHandle.Info drops long argument lists (the executor's class path), so read /proc directly. */
    private static String commandLine(ProcessHandle p) {
      try {
        return new String(Files.readAllBytes(Paths.get("/proc", Long.toString(p.pid()), "cmdline")));
      } catch (java.io.IOException e) {
        return "";
      }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      removed.incrementAndGet();
    }
  }
}
