#!/usr/bin/env bash
# Builds one module's test classes and runs one of the benchmarks in docs/benchmarks.md on them, in a JVM of its
# own (not Maven's, whose heap and threads would be in the figures). Never part of `mvn verify`.
#
#   docs/bench.sh <bench> [java options...] [-- benchmark arguments...]
#
#   log         JMH microbenchmarks of the in-memory log       (backend-memory, InMemoryEventLogBenchmark)
#   commands    Tributary.send on the in-memory log              (backend-memory, InMemoryCommandBench)
#   projection  exactly-once projection on memory + HSQLDB      (backend-memory, InMemoryProjectionBench)
#   heap        heap per million events in the in-memory log    (backend-memory, InMemoryLogHeapBench)
#   kafka       commands, projection and footprint on an embedded Kafka broker (backend-kafka, KafkaBench)
#
# Java options set the bench mains' sizes, e.g. -Dbench.iterations=3. Arguments after -- go to JMH instead of the
# default InMemoryEventLogBenchmark, e.g. -- -f 1 'InMemoryEventLogBenchmark.append.*'.
# TRIBUTARY_BUILD_DIR picks the build output folder (default target), as -Dtributary.build.dir does for Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

[ $# -ge 1 ] || usage
bench=$1
shift
java_options=()
default_arguments=()
arguments=()
case "$bench" in
  log)        module=backend-memory; main=org.openjdk.jmh.Main; default_arguments=(InMemoryEventLogBenchmark) ;;
  commands)   module=backend-memory; main=dev.tributary.bench.InMemoryCommandBench ;;
  projection) module=backend-memory; main=dev.tributary.bench.InMemoryProjectionBench ;;
  heap)       module=backend-memory; main=dev.tributary.bench.InMemoryLogHeapBench; java_options=(-Xmx4g) ;;
  kafka)      module=backend-kafka; main=dev.tributary.kafka.bench.KafkaBench ;;
  *)          usage ;;
esac
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    arguments+=("$@")
    break
  fi
  java_options+=("$1")
  shift
done
[ ${#arguments[@]} -gt 0 ] || arguments=("${default_arguments[@]}")

build_dir=${TRIBUTARY_BUILD_DIR:-target}
# -am builds the modules it depends on from this checkout (no install needed); every module in the reactor writes
# its own class path file, of which only the benchmarked module's is used. Maven's output goes to stderr, so that
# stdout holds the benchmark's figures alone.
mvn -q -B -pl "$module" -am test-compile dependency:build-classpath -DskipTests \
  -Dtributary.build.dir="$build_dir" -Dmdep.includeScope=test -Dmdep.outputFile="$build_dir/bench-classpath.txt" >&2

classpath="$module/$build_dir/test-classes:$module/$build_dir/classes:$(cat "$module/$build_dir/bench-classpath.txt")"
exec java "${java_options[@]}" -cp "$classpath" "$main" "${arguments[@]}"
