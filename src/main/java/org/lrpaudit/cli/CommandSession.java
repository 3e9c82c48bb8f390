package org.lrpaudit.cli;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of one sub-command. A command started on its own creates its session and stops it when done; a
 * command run inside a JVM that already has a session (an audit's stages under a test or a notebook kernel that
 * started Spark) uses that session and leaves it running, so an audit of five stages does not start and stop Spark five
 * times, and the caller's session survives the command.
 */
record CommandSession(SparkSession spark, boolean owned) implements AutoCloseable {

  static CommandSession open(SparkSession.Builder builder) {
    boolean running = live(SparkSession.getActiveSession()) || live(SparkSession.getDefaultSession());
    return new CommandSession(builder.getOrCreate(), !running);
  }

  /** A session left registered after its context stopped (another caller stopped it) does not count as running. */
  private static boolean live(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }
}
