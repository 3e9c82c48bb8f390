# Sourced by the jobs/ scripts that start a JVM running Spark themselves: OPENS, the Java 17 options Spark 3.5 needs
# (each package its own --add-opens; without them: IllegalAccessError ... sun.nio.ch.DirectBuffer).
OPENS=(-XX:+IgnoreUnrecognizedVMOptions)
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS+=("--add-opens=java.base/$p=ALL-UNNAMED")
done
OPENS+=(--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false)
