# Sourced by the benchmark scripts: builds target/lrp-audit.jar with the benchmark sources (src/bench/java, Maven
# profile `bench`) when the jar is missing, lacks them, or is older than any source. Needs ROOT (the repository root).
# A plain build (jobs/lrp-audit) leaves the benchmarks out, so this runs after it and checks the jar itself.
bench_build() {
  local jar="$ROOT/target/lrp-audit.jar"
  if [ ! -f "$jar" ] || ! unzip -l "$jar" org/lrpaudit/bench/ExplainBenchmark.class >/dev/null 2>&1 \
      || [ -n "$(find "$ROOT/src/main" "$ROOT/src/bench" "$ROOT/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "bench: building with the benchmarks (mvn -Pbench package) ..." >&2
    (cd "$ROOT" && mvn -B -q -Pbench -DskipTests package 1>&2)
  fi
}
