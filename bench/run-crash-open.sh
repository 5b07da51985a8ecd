#!/usr/bin/env bash
# Open time after a crash, with the index checkpoint and with a full scan (CrashOpenBenchmark):
# a child JVM loads KEYS keys of VALUE_BYTES (ASYNC, then checkpoint), writes TAIL SYNC overwrites,
# is killed with SIGKILL; each mode then opens a fresh copy of that crashed store REPS times.
#
#   bench/run-crash-open.sh [KEYS [VALUE_BYTES [TAIL [REPS]]]]     (default 1000000 1000 20000 3)
#
# DAXKV_BENCH_DIR picks the scratch disk (1M x 1000 B needs about 3 GB: the store and a copy).
# Prints a Markdown table and the scan/checkpoint ratio.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
if [[ ! -f "$jar" || "${BUILD:-auto}" == always ]]; then
    (cd "$root" && mvn -q -DskipTests -pl bench -am package)
fi
props="$root/modules/core/target/classes/io/daxkv/jvm-flags.properties"
flags=()
for p in $(sed -n 's/^opens=//p' "$props"); do flags+=("--add-opens=$p=ALL-UNNAMED"); done
for p in $(sed -n 's/^exports=//p' "$props"); do flags+=("--add-exports=$p=ALL-UNNAMED"); done
for p in $(sed -n 's/^props=//p' "$props"); do flags+=("$p"); done
exec "${JAVA:-java}" "${flags[@]}" -Xmx8g -cp "$jar" io.daxkv.bench.CrashOpenBenchmark "$@"
