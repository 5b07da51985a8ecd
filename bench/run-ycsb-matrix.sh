#!/usr/bin/env bash
# Runs the YCSB matrix: daxkv (embedded and server) against RocksDB, LMDB, MapDB, Chronicle Map and
# Redis 7, every workload x store x durability group x thread count, each row on a fresh store
# loaded and run by site.ycsb.Client in forked JVMs with the same settings for every store.
#
#   bench/run-ycsb-matrix.sh                        # full: workloads A-F, 1M records, threads 1 and 2,
#                                                   #   ASYNC and SYNC (hours: see bench/README.md)
#   QUICK=1 bench/run-ycsb-matrix.sh                # quick: A, C, E, 100k records, 1 thread, ASYNC (~4 min)
#   QUICK=1 STORES=daxkv,rocksdb,lmdb bench/run-ycsb-matrix.sh
#   bench/run-ycsb-matrix.sh --workloads a --durability sync --threads 1,2   # Matrix options go through
#   java -cp bench/target/benchmarks.jar io.daxkv.bench.ycsb.Matrix --help  # every option
#
# Settings (environment; each maps to a Matrix option, which wins when both are given):
# QUICK=1 (--mode quick; default --mode full), STORES (daxkv,daxkv-server,rocksdb,lmdb,mapdb,chronicle,redis),
# WORKLOADS (a..f), DURABILITY (async,sync), THREADS (1,2), RECORDS, OPERATIONS, MAX_SECONDS (cap on a
# run phase), JVM_OPTS (heap and GC of every forked JVM; default -Xms4g -Xmx4g -XX:+UseG1GC),
# WORKLOAD_DIR (default bench/ycsb/workloads), DAXKV_BENCH_DIR (where the rows' data directories go;
# 1M records take 1-3 GB per store; default java.io.tmpdir), BUILD=always|never|auto (auto: build when
# the jar is missing or older than a source), JAVA (the java binary).
#
# Redis rows need redis-server (Debian's redis-server package, Redis 7). When it is missing and the
# Redis rows are asked for, this script installs it with apt-get (as root, or through sudo) and says
# so; if that fails the Redis rows are skipped, not failed. The matrix starts its own redis-server
# per row on a free 127.0.0.1 port with a scratch directory, and stops it.
#
# The daxkv rows use io.daxkv.ycsb.DaxKVEmbeddedDB / DaxKVClientDB from modules/ycsb; a binding
# that is not in the jar is reported as skipped.
#
# Results: bench/results/ycsb-<time>[-quick].md (how it was run, each row's durability, a table per
# workload: ops/s, p50 and p99 per operation; daxkv's ratio to the best peer), .csv (one line per
# row), .png (the ratio chart), .txt (this console output) and -logs/ (every client and server's
# output, the command lines). Exit status 1 when a row failed (any failed operation fails its row).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

build() {
    echo "[run-ycsb-matrix] building bench/target/benchmarks.jar (mvn -q -DskipTests -pl bench -am package)" >&2
    (cd "$root" && mvn -q -DskipTests -pl bench -am package)
}

case "${BUILD:-auto}" in
    always) build ;;
    never) ;;
    auto)
        if [[ ! -f "$jar" ]] \
            || [[ -n "$(find "$here/src/main" "$here/pom.xml" "$root/pom.xml" \
                        "$root"/modules/{core,protocol,client,server,ycsb}/src/main \
                        "$root"/modules/{core,protocol,client,server,ycsb}/pom.xml \
                        -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
            build
        fi
        ;;
    *) echo "BUILD must be always, never or auto" >&2; exit 2 ;;
esac

args=()
tag=""
if [[ "${QUICK:-0}" == 1 ]]; then
    args+=(--mode quick); tag="-quick"
else
    args+=(--mode full)
fi
[[ -z "${STORES:-}" ]] || args+=(--stores "$STORES")
[[ -z "${WORKLOADS:-}" ]] || args+=(--workloads "$WORKLOADS")
[[ -z "${DURABILITY:-}" ]] || args+=(--durability "$DURABILITY")
[[ -z "${THREADS:-}" ]] || args+=(--threads "$THREADS")
[[ -z "${RECORDS:-}" ]] || args+=(--records "$RECORDS")
[[ -z "${OPERATIONS:-}" ]] || args+=(--operations "$OPERATIONS")
[[ -z "${MAX_SECONDS:-}" ]] || args+=(--max-seconds "$MAX_SECONDS")
[[ -z "${JVM_OPTS:-}" ]] || args+=(--jvm-opts "$JVM_OPTS")
[[ -z "${DAXKV_BENCH_DIR:-}" ]] || args+=(--scratch "$DAXKV_BENCH_DIR")
args+=(--workload-dir "${WORKLOAD_DIR:-$here/ycsb/workloads}")

# Redis rows: install Debian's redis-server when it is missing (never needed by the test suite).
wants_redis=1
if [[ -n "${STORES:-}" && ",${STORES}," != *",redis,"* ]]; then wants_redis=0; fi
for a in "$@"; do case "$a" in --stores=*) [[ ",${a#--stores=}," == *",redis,"* ]] || wants_redis=0 ;; esac; done
prev=""
for a in "$@"; do [[ "$prev" != "--stores" ]] || { [[ ",$a," == *",redis,"* ]] || wants_redis=0; }; prev="$a"; done
if [[ $wants_redis == 1 ]] && ! command -v redis-server >/dev/null; then
    echo "[run-ycsb-matrix] redis-server not found: installing Debian's redis-server (Redis 7) for the Redis rows" >&2
    sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo"
    if ! { $sudo apt-get install -y -q redis-server >/dev/null 2>&1 \
            || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo apt-get install -y -q redis-server >/dev/null 2>&1; }; }; then
        echo "[run-ycsb-matrix] could not install redis-server (apt-get install -y redis-server); the Redis rows will be skipped" >&2
    else
        echo "[run-ycsb-matrix] installed: $(redis-server --version)" >&2
    fi
fi

mkdir -p "$here/results"
name="ycsb-$(date +%Y%m%d-%H%M%S)$tag"
out="$here/results/$name"
cd "$root"
set +e
"$java" -cp "$jar" io.daxkv.bench.ycsb.Matrix "${args[@]}" --results "$here/results" --name "$name" "$@" 2>&1 \
    | tee "$out.txt"
status=${PIPESTATUS[0]}
set -e
echo "[run-ycsb-matrix] results: $out.md, $out.csv, $out.png, $out.txt, $out-logs/ (exit $status)" >&2
exit "$status"
