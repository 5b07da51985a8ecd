#!/usr/bin/env bash
# Network load benchmark: the daxkv server (BenchServer) pinned to one core, the closed-loop load
# generator (LoadGenerator) pinned to another, over loopback. Per server allocator it starts a
# fresh server on a fresh store, preloads every key, then runs every op x depth combination.
#
#   bench/run-netload.sh                 # {get,put} x depth {1,16} x {pooled,adaptive}, 50 connections,
#                                        # 100 B values, 100k keys, 5 s warmup + 15 s measured per run (~3 min)
#   QUICK=1 bench/run-netload.sh         # smoke run: 2 s warmup + 3 s measured per run (~1 min)
#   OPS=get DEPTHS=1,4,16 ALLOCATORS=pooled bench/run-netload.sh
#
# Settings (environment):
#   QUICK=1                 short runs (WARMUP=2s DURATION=3s unless set)
#   WARMUP, DURATION        per run (default 5s, 15s; units ms, s, m)
#   OPS, DEPTHS             comma-separated (default get,put and 1,16)
#   ALLOCATORS              server allocators, space- or comma-separated (default "pooled adaptive")
#   ROUNDS                  repeat the allocator loop (pooled, adaptive, pooled, ...) to see the noise (default 1)
#   CONNECTIONS, VALUE_BYTES, KEYS          (default 50, 100, 100000)
#   DURABILITY              of the measured puts: server (the server's default, ASYNC), async, sync
#   SERVER_CPU, CLIENT_CPU  cores for taskset -c (default 0 and 1); PIN=0 runs unpinned
#   SERVER_JVM_OPTS, CLIENT_JVM_OPTS        (default "-Xms1g -Xmx1g" each)
#   SERVER_ARGS, LOADGEN_ARGS               extra arguments for BenchServer / LoadGenerator (see --help)
#   BUILD=always|never|auto (auto: build when the jar is missing or older than a source)
#   DAXKV_BENCH_DIR         where the store's scratch directory goes (default $TMPDIR or /tmp)
#   JAVA                    the java binary
#
# Both JVMs get daxkv's --add-opens/--add-exports/-D flags, which BenchServer --print-jvm-flags reads
# from the parent pom's daxkv.jvm.* (through daxkv-core's filtered jvm-flags.properties): one list.
# Results: bench/results/netload-<time>[-quick].md (run description + table), .csv (one row per
# run, more percentiles), .txt (the generator's console output), .log (the servers' stderr).
# The server is stopped at the end (stdin closed, then SIGTERM, then SIGKILL), also on errors and ^C.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

build() {
    echo "[run-netload] building bench/target/benchmarks.jar (mvn -q -DskipTests -pl bench -am package)" >&2
    (cd "$root" && mvn -q -DskipTests -pl bench -am package)
}

case "${BUILD:-auto}" in
    always) build ;;
    never) ;;
    auto)
        if [[ ! -f "$jar" ]] \
            || [[ -n "$(find "$here/src" "$here/pom.xml" "$root/pom.xml" \
                        "$root/modules/core/src/main" "$root/modules/core/pom.xml" \
                        "$root/modules/protocol/src/main" "$root/modules/protocol/pom.xml" \
                        "$root/modules/server/src/main" "$root/modules/server/pom.xml" \
                        -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
            build
        fi
        ;;
    *) echo "BUILD must be always, never or auto" >&2; exit 2 ;;
esac

if [[ "${QUICK:-0}" == 1 ]]; then
    warmup="${WARMUP:-2s}"; duration="${DURATION:-3s}"; tag="-quick"
else
    warmup="${WARMUP:-5s}"; duration="${DURATION:-15s}"; tag=""
fi
ops="${OPS:-get,put}"
depths="${DEPTHS:-1,16}"
read -r -a allocators <<< "${ALLOCATORS:-pooled adaptive}"
allocators=(${allocators[@]//,/ })
connections="${CONNECTIONS:-50}"
value_bytes="${VALUE_BYTES:-100}"
keys="${KEYS:-100000}"
durability="${DURABILITY:-server}"
server_cpu="${SERVER_CPU:-0}"
client_cpu="${CLIENT_CPU:-1}"
read -r -a server_jvm <<< "${SERVER_JVM_OPTS:--Xms1g -Xmx1g}"
read -r -a client_jvm <<< "${CLIENT_JVM_OPTS:--Xms1g -Xmx1g}"
read -r -a server_args <<< "${SERVER_ARGS:-}"
read -r -a loadgen_args <<< "${LOADGEN_ARGS:-}"

server_pin=(); client_pin=()
if [[ "${PIN:-1}" == 1 ]]; then
    command -v taskset >/dev/null || { echo "[run-netload] taskset not found (util-linux); PIN=0 runs unpinned" >&2; exit 2; }
    server_pin=(taskset -c "$server_cpu"); client_pin=(taskset -c "$client_cpu")
fi

mapfile -t flags < <("$java" -cp "$jar" io.daxkv.bench.net.BenchServer --print-jvm-flags)
[[ ${#flags[@]} -gt 0 ]] || { echo "[run-netload] could not read the JVM flags from $jar" >&2; exit 1; }

mkdir -p "$here/results"
stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/results/netload-$stamp$tag"
md="$out.md"; csv="$out.csv"; txt="$out.txt"; log="$out.log"

server_pid=""; server_in=""; store_dir=""

stop_server() {
    [[ -n "$server_pid" ]] || return 0
    if [[ -n "$server_in" ]]; then
        eval "exec $server_in>&-" 2>/dev/null || true # end of stdin: BenchServer shuts down gracefully
        server_in=""
    fi
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
        echo "[run-netload] server $server_pid still running 10 s after stdin closed: SIGTERM" >&2
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
    if [[ -n "$store_dir" ]]; then rm -rf "$store_dir"; store_dir=""; fi
}
trap stop_server EXIT
trap 'exit 130' INT TERM

cpu_model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
{
    echo "# daxkv network load, $(date '+%Y-%m-%d %H:%M %Z')"
    echo
    echo "- machine: $(hostname), $(nproc) cores (${cpu_model:-unknown CPU}), Linux $(uname -r); $("$java" -version 2>&1 | head -1)"
    echo "- commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$( [[ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ]] && echo ' (with uncommitted changes)')"
    echo "- server: BenchServer, 1 I/O thread, default durability ASYNC, ${server_pin[*]:-unpinned} ${server_jvm[*]}"
    echo "- load generator: 1 I/O thread, $connections connections, closed loop, ${client_pin[*]:-unpinned} ${client_jvm[*]}"
    echo "- workload: ops $ops, depths $depths, $value_bytes B values, $keys keys (key%08d, uniform random), puts' durability: $durability;" \
         "preload of every key (ASYNC, not measured); per run $warmup warmup + $duration measured"
    echo "- latency: send to response, HdrHistogram; closed loop, so not corrected for coordinated omission"
    echo "- server/client CPU: each process's CPU time during the measured window / its length (100% = one core)"
    echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the same cores makes these numbers noisy)"
} > "$md"

rounds="${ROUNDS:-1}"
status=0
for round in $(seq "$rounds"); do
for alloc in "${allocators[@]}"; do
    label="$alloc"
    [[ "$rounds" == 1 ]] || label="$alloc #$round"
    store_dir="$(mktemp -d "${DAXKV_BENCH_DIR:-${TMPDIR:-/tmp}}/daxkv-netload-XXXXXX")"
    echo "[run-netload] server: allocator $alloc, store $store_dir" >&2
    echo "=== server allocator $alloc ($(date +%T))" >> "$log"
    # A coprocess: its stdin is a pipe from this script, so it exits even if this script is killed.
    coproc SERVER { exec "${server_pin[@]}" "$java" "${flags[@]}" "${server_jvm[@]}" -cp "$jar" \
        io.daxkv.bench.net.BenchServer --dir "$store_dir" --allocator "$alloc" --io-threads 1 \
        "${server_args[@]}" 2>>"$log"; }
    server_pid=$SERVER_PID
    server_in=${SERVER[1]}
    port=""
    while IFS= read -r -t 60 line <&"${SERVER[0]}"; do
        case "$line" in
            READY\ *) port="${line#READY }"; break ;;
            *) echo "$line" >> "$log" ;;
        esac
    done
    if [[ -z "$port" ]]; then
        echo "[run-netload] the server did not print READY within 60 s; see $log" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    set +e
    "${client_pin[@]}" "$java" "${flags[@]}" "${client_jvm[@]}" -cp "$jar" io.daxkv.bench.net.LoadGenerator \
        --port "$port" --server-pid "$server_pid" --label "$label" --op "$ops" --depth "$depths" \
        --connections "$connections" --value-bytes "$value_bytes" --keys "$keys" --durability "$durability" \
        --warmup "$warmup" --duration "$duration" --md "$md" --csv "$csv" "${loadgen_args[@]}" 2>&1 | tee -a "$txt"
    rc=${PIPESTATUS[0]}
    set -e
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "[run-netload] the server died during the run; see $log" >&2
        rc=1
    fi
    [[ $rc -eq 0 ]] || status=$rc
    stop_server
done
done

{
    echo
    echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
    { grep -h '^\[bench-server\] pid' "$log" || true; } | sed 's/^/- /'
    { grep -h '^\[loadgen\] [^ ]*:[0-9]*, ' "$txt" || true; } | sed 's/^/- /'
} >> "$md"

echo "[run-netload] results: $md, $csv (console: $txt, server log: $log) (exit $status)" >&2
cat "$md"
exit "$status"
