package org.lrpaudit.runtime;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Spark write into a folder that the caller deletes when the write fails. Spark fails a job as soon as one task
 * fails and kills the job's other tasks without waiting for them, so a task that is still ending can create files in
 * the folder after the caller deleted it: a failed job would leave a half-written staging folder behind (seen as
 * EvaluateJobTest's "staging folder left behind", one run in several). After a failed write this waits until every
 * task started by it has ended (Spark posts a task's end after the task's own output clean-up), then rethrows.
 */
public final class SparkWrites {
  private static final Logger LOG = LoggerFactory.getLogger(SparkWrites.class);
  /** How long a failed write waits for its killed tasks; they stop at their next row, well within this. */
  static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);
  static final Duration NO_JOB_GRACE = Duration.ofSeconds(3);

  private SparkWrites() {}

  /** Runs write; if it throws, first waits (at most DRAIN_TIMEOUT) until no task it started is still running. */
  public static void drainingOnFailure(SparkContext sc, Runnable write) {
    RunningTasks tasks = new RunningTasks();
    sc.addSparkListener(tasks);
    try {
      write.run();
    } catch (Throwable e) { // Spark throws its checked SparkException from Scala code, undeclared
      tasks.awaitNone(DRAIN_TIMEOUT);
      throw e;
    } finally {
      sc.removeSparkListener(tasks);
    }
  }

  /**
   * The jobs and task attempts started since this listener was added and not yet ended. A job's end is posted after
   * the start of every task of it, so "no job and no task open" means every task it launched has ended.
   */
  static final class RunningTasks extends SparkListener {
    private final Set<Integer> jobs = ConcurrentHashMap.newKeySet();
    private final Set<Long> tasks = ConcurrentHashMap.newKeySet();
    private volatile boolean anyJob;

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      jobs.add(start.jobId());
      anyJob = true;
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      jobs.remove(end.jobId());
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart start) {
      tasks.add(start.taskInfo().taskId());
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      tasks.remove(end.taskInfo().taskId());
    }

    /**
     * Listener events arrive asynchronously: a write that failed after starting a job may not have had its job's start
     * delivered yet, so "nothing open" counts only once a job was seen, or after NO_JOB_GRACE (a write that failed
     * before Spark started any job, e.g. on a bad path).
     */
    boolean idle(long waitedNanos) {
      return jobs.isEmpty() && tasks.isEmpty() && (anyJob || waitedNanos > NO_JOB_GRACE.toNanos());
    }

    void awaitNone(Duration timeout) {
      long start = System.nanoTime();
      long deadline = start + timeout.toNanos();
      while (!idle(System.nanoTime() - start)) {
        if (System.nanoTime() > deadline) {
          LOG.warn("a failed write's tasks {} (jobs {}) have not ended after {} s; its folder is cleaned up anyway "
              + "and may have files written after that", tasks, jobs, timeout.toSeconds());
          return;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
