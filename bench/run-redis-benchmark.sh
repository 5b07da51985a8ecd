#!/usr/bin/env bash
# Races daxkv's RESP listener against redis-server on redis-benchmark, in one run, and prints the
# ratio table (issue 6).
#
#   bench/run-redis-benchmark.sh              # -t set,get,mset, 50 clients, pipeline 1 and 16, 100 B values
#   N=1000000 bench/run-redis-benchmark.sh    # requests per test (default 500000)
#   WARMUP=0 bench/run-redis-benchmark.sh     # no warm-up round (default: one unmeasured round of
#                                             #   WARMUP_N=200000 requests per test at pipeline 16 on each server)
#
# Each server runs pinned to core 0 (taskset -c 0), redis-benchmark to core 1. redis-server runs
# with AOF on, appendfsync everysec, no RDB snapshots; daxkv serves a fresh store with its default
# durability (ASYNC: commits within 1 s), the like-for-like pair. Needs redis-server and
# redis-benchmark (Debian: apt-get install redis-server redis-tools; the script installs them when
# missing and it runs as root). Results: bench/results/redis-benchmark-<time>.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
n="${N:-500000}"
warmup_n="${WARMUP_N:-200000}"
clients="${CLIENTS:-50}"
size="${SIZE:-100}"
tests="set,get,mset"

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "[redis-benchmark] installing redis-server and redis-tools from Debian's packages" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools >/dev/null
        service redis-server stop >/dev/null 2>&1 || true
    else
        echo "redis-server and redis-benchmark are needed: apt-get install redis-server redis-tools" >&2
        exit 2
    fi
fi
if [[ ! -f "$root/modules/cli/target/daxkv.jar" ]]; then
    (cd "$root" && mvn -q -DskipTests package)
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
scratch="$(mktemp -d "${DAXKV_BENCH_DIR:-/tmp}/daxkv-redis-bench-XXXXXX")"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

wait_ping() {
    for _ in $(seq 1 240); do
        if redis-cli -p "$1" ping 2>/dev/null | grep -q PONG; then return 0; fi
        sleep 0.25
    done
    echo "server on port $1 did not answer PING" >&2
    exit 1
}

run_bench() { # name port pipeline -> lines "test rps p50"
    taskset -c 1 redis-benchmark -p "$2" -q -t "$tests" -n "$n" -c "$clients" -d "$size" -P "$3" 2>/dev/null \
        | tr '\r' '\n' | grep "requests per second" \
        | sed -E 's/^ *([A-Z]+)( \(10 keys\))?: ([0-9.]+) requests per second, p50=([0-9.]+) msec/\1 \3 \4/'
}

redis_port="$(free_port)"
mkdir -p "$scratch/redis"
taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --appendonly yes --appendfsync everysec --save "" \
    --dir "$scratch/redis" --daemonize no --logfile "$scratch/redis.log" &
pids+=($!)
daxkv_port="$(free_port)"; daxkv_proto="$(free_port)"
JAVA_OPTS="${JAVA_OPTS:-} -Xms1g -Xmx1g" taskset -c 0 "$root/bin/daxkv" serve --dir "$scratch/daxkv" \
    --port "$daxkv_proto" --no-admin --resp-port "$daxkv_port" --set store.journal-size=256M \
    >"$scratch/daxkv.out" 2>"$scratch/daxkv.err" &
pids+=($!)
wait_ping "$redis_port"
wait_ping "$daxkv_port"

# Warm-up, not measured: the same tests once against each server, so daxkv's JIT has compiled the
# command path before the first measured test (redis-server has nothing to warm; it gets the same).
if [[ "${WARMUP:-1}" == 1 ]]; then
    for port in "$redis_port" "$daxkv_port"; do
        echo "[redis-benchmark] warm-up on port $port (not measured): -t $tests -n $warmup_n -P 16" >&2
        taskset -c 1 redis-benchmark -p "$port" -q -t "$tests" -n "$warmup_n" -c "$clients" -d "$size" -P 16 >/dev/null 2>&1
    done
fi

declare -A rps p50
for pipeline in 1 16; do
    for server in redis daxkv; do
        port=$redis_port; [[ $server == daxkv ]] && port=$daxkv_port
        echo "[redis-benchmark] $server, pipeline $pipeline: -t $tests -n $n -c $clients -d $size" >&2
        while read -r t r p; do
            rps[$server,$pipeline,$t]=$r; p50[$server,$pipeline,$t]=$p
        done < <(run_bench "$server" "$port" "$pipeline")
    done
done

mkdir -p "$here/results"
out="$here/results/redis-benchmark-$(date -u +%Y%m%d-%H%M%S).md"
{
    echo "# redis-benchmark: daxkv RESP vs redis-server $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')"
    echo
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; servers on core 0, redis-benchmark on core 1;"
    echo "-t $tests -n $n -c $clients -d $size; redis: AOF everysec, no RDB; daxkv: ASYNC (commit within 1 s);"
    if [[ "${WARMUP:-1}" == 1 ]]; then
        echo "after one unmeasured warm-up round per server (-t $tests -n $warmup_n -P 16)"
    else
        echo "no warm-up round (WARMUP=0): daxkv's first test includes its JIT compilation"
    fi
    echo
    echo "| test | pipeline | redis ops/s | daxkv ops/s | daxkv / redis | redis p50 ms | daxkv p50 ms |"
    echo "|---|---|---|---|---|---|---|"
    for pipeline in 1 16; do
        for t in SET GET MSET; do
            r=${rps[redis,$pipeline,$t]:-0}; d=${rps[daxkv,$pipeline,$t]:-0}
            ratio=$(python3 -c "print(f'{$d/$r:.2f}' if $r else '-')")
            printf '| %s | %s | %s | %s | %sx | %s | %s |\n' "$t" "$pipeline" "$r" "$d" "$ratio" \
                "${p50[redis,$pipeline,$t]:--}" "${p50[daxkv,$pipeline,$t]:--}"
        done
    done
} | tee "$out"
echo "[redis-benchmark] wrote $out" >&2
