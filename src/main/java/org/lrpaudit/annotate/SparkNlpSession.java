package org.lrpaudit.annotate;

import java.lang.reflect.Field;
import org.apache.spark.sql.SparkSession;

/**
 * Points Spark NLP at the session the annotate job runs in.
 *
 * <p>Why: Spark NLP keeps the first SparkSession of the JVM in a lazy field ({@code ResourceHelper.spark}) and uses it
 * for its annotators' features. In a JVM that stops a session and starts another (an audit's stages, a notebook
 * kernel, a test suite) the annotators then fail with "Cannot call methods on a stopped SparkContext". Spark NLP offers
 * no setter, so the field is replaced when it holds a stopped session.
 */
public final class SparkNlpSession {
  private SparkNlpSession() {
  }

  public static void bind(SparkSession spark) {
    try {
      Class<?> helper = Class.forName("com.johnsnowlabs.nlp.util.io.ResourceHelper$");
      Object module = helper.getField("MODULE$").get(null);
      SparkSession cached = (SparkSession) helper.getMethod("spark").invoke(module);
      if (cached != spark && cached.sparkContext().isStopped()) {
        Field field = helper.getDeclaredField("spark");
        field.setAccessible(true);
        field.set(module, spark);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot bind Spark NLP to this Spark session (Spark NLP version changed?): " + e, e);
    }
  }
}
