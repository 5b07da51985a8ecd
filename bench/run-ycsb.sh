#!/usr/bin/env bash
# Runs one YCSB workload against daxkv: YCSB's load phase, then its run phase, each in its own
# JVM (site.ycsb.Client calls System.exit), with daxkv's JVM flags. YCSB's output is printed as it
# comes (results on stdout, YCSB's progress on stderr); this script's own lines start [run-ycsb].
#
#   bench/run-ycsb.sh daxkv a                                   # embedded, fresh scratch store, workload A
#   bench/run-ycsb.sh daxkv workloade -p recordcount=100000 -p operationcount=100000 -threads 2
#   bench/run-ycsb.sh daxkv c -p daxkv.dir=/data/ycsb -p daxkv.durability=sync
#   bench/run-ycsb.sh daxkv-client a                            # starts bin/daxkv serve on a free port
#   bench/run-ycsb.sh daxkv-client a -p daxkv.host=10.0.0.5 -p daxkv.port=7420   # a running server
#
# BINDING: daxkv (io.daxkv.ycsb.DaxKVEmbeddedDB; a store in a fresh scratch directory unless
#          -p daxkv.dir=DIR is given) or daxkv-client (io.daxkv.ycsb.DaxKVClientDB; unless
#          daxkv.host or daxkv.port is given, a server is started for the run: `bin/daxkv serve`
#          on a scratch store, a free port, no admin port, stopped with SIGTERM at the end).
# WORKLOAD: a, workloada, ... f (bench/ycsb/workloads/), or the path of a workload file.
# Everything after goes to both phases as it is: -p key=value (any YCSB or daxkv.* property; see
# README.md "YCSB"), -threads N, -target N, -s (status every 10 s), ...
#
# Environment: BUILD=always|never|auto (auto: build when an artifact is missing or older than a
# source; mvn -q -DskipTests -pl modules/ycsb,modules/cli -am package), JAVA (the java binary),
# JAVA_OPTS (extra JVM options for the YCSB JVMs and the server, e.g. -Xmx8g), SERVE_OPTS (extra
# `daxkv serve` options, e.g. "--durability sync"), DAXKV_BENCH_DIR (where scratch directories
# go; default TMPDIR or /tmp; 1M records take about 1.5 GB), KEEP=1 (keep the scratch directory:
# the store, the server's log, each phase's output).
#
# Exit status: 0 when both phases exited 0 and every operation returned OK; 1 when some operation
# did not (the count is printed); YCSB's own status when it failed; 2 for usage errors.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
java="${JAVA:-java}"
ycsb_target="$root/modules/ycsb/target"
cli_jar="$root/modules/cli/target/daxkv.jar"

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -ge 2 ]] || usage
binding="$1"
workload="$2"
shift 2

case "$binding" in
    daxkv) db=io.daxkv.ycsb.DaxKVEmbeddedDB ;;
    daxkv-client) db=io.daxkv.ycsb.DaxKVClientDB ;;
    -h|--help) usage ;;
    *) echo "[run-ycsb] BINDING must be daxkv or daxkv-client, not '$binding'" >&2; exit 2 ;;
esac

workloads="$here/ycsb/workloads"
if [[ -f "$workload" ]]; then
    workload_file="$workload"
elif [[ -f "$workloads/$workload" ]]; then
    workload_file="$workloads/$workload"
elif [[ -f "$workloads/workload${workload,,}" ]]; then
    workload_file="$workloads/workload${workload,,}"
else
    echo "[run-ycsb] no workload '$workload': give a, b, ... f, a name in $workloads ($(ls "$workloads" | tr '\n' ' '))" \
        "or a file" >&2
    exit 2
fi

# Which daxkv.* properties the caller set (YCSB takes them as "-p key=value").
has_dir=0
has_server=0
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[i]}" == -p && $((i + 1)) -lt ${#args[@]} ]]; then
        case "${args[i + 1]}" in
            daxkv.dir=*) has_dir=1 ;;
            daxkv.host=*|daxkv.port=*) has_server=1 ;;
        esac
    fi
done
need_server=0
if [[ "$binding" == daxkv-client && $has_server == 0 ]]; then
    need_server=1
fi

# ----------------------------------------------------------------------------------- build
build() {
    echo "[run-ycsb] building (mvn -q -DskipTests -pl modules/ycsb,modules/cli -am package)" >&2
    (cd "$root" && mvn -q -DskipTests -pl modules/ycsb,modules/cli -am package)
}

ycsb_jar() {
    ls "$ycsb_target"/daxkv-ycsb-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1 || true
}

# Missing artifacts, or a jar older than a source or pom. (classpath.txt and daxkv-jvm.args are
# only rewritten when their content changes, so their age says nothing.)
stale() {
    local artifact
    for artifact in "$ycsb_target/classpath.txt" "$ycsb_target/daxkv-jvm.args"; do
        [[ -f "$artifact" ]] || return 0
    done
    for artifact in "$(ycsb_jar)" "$cli_jar"; do
        if [[ -z "$artifact" || ! -f "$artifact" ]]; then
            return 0
        fi
        if [[ -n "$(find "$root/pom.xml" "$root/modules" -type f -not -path '*/target/*' \
                    \( -name pom.xml -o -path '*/src/main/*' \) -newer "$artifact" -print -quit 2>/dev/null)" ]]; then
            return 0
        fi
    done
    return 1
}

case "${BUILD:-auto}" in
    always) build ;;
    never) ;;
    auto) if stale; then build; fi ;;
    *) echo "[run-ycsb] BUILD must be always, never or auto" >&2; exit 2 ;;
esac

jar="$(ycsb_jar)"
for f in "$jar" "$ycsb_target/classpath.txt" "$ycsb_target/daxkv-jvm.args"; do
    if [[ -z "$f" || ! -f "$f" ]]; then
        echo "[run-ycsb] ${f:-$ycsb_target/daxkv-ycsb-*.jar} is missing; build with BUILD=always" >&2
        exit 2
    fi
done
classpath="$(cat "$ycsb_target/classpath.txt")"
# A build without -am resolves daxkv's own modules from ~/.m2, which may hold an old snapshot.
if tr ':' '\n' <<<"$classpath" | grep '/io/daxkv/' | grep -qv "^$root/"; then
    echo "[run-ycsb] $ycsb_target/classpath.txt names daxkv jars outside $root (an installed snapshot);" \
        "rebuild with BUILD=always" >&2
    exit 2
fi
classpath="$classpath:$jar"

# --------------------------------------------------------------------------------- scratch
base="${DAXKV_BENCH_DIR:-${TMPDIR:-/tmp}}"
mkdir -p "$base"
scratch="$(mktemp -d "$base/daxkv-ycsb.XXXXXX")"
server_pid=""

stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for ((w = 0; w < 600; w++)); do # graceful shutdown: up to 60 s, then SIGKILL
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "[run-ycsb] the server did not stop within 60 s of SIGTERM; killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}

finish() {
    stop_server
    if [[ "${KEEP:-0}" == 1 ]]; then
        echo "[run-ycsb] kept $scratch" >&2
    else
        rm -rf "$scratch"
    fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

extra=()
if [[ "$binding" == daxkv && $has_dir == 0 ]]; then
    extra+=(-p "daxkv.dir=$scratch/store")
fi

if [[ $need_server == 1 ]]; then
    if [[ "${BUILD:-auto}" == never && ! -f "$cli_jar" ]]; then
        echo "[run-ycsb] $cli_jar is missing (the server); build with BUILD=always" >&2
        exit 2
    fi
    log="$scratch/server.log"
    # shellcheck disable=SC2086 # SERVE_OPTS is split on purpose
    "$root/bin/daxkv" serve --dir "$scratch/store" --port 0 --no-admin ${SERVE_OPTS:-} >"$log" 2>&1 &
    server_pid=$!
    port=""
    for ((w = 0; w < 600; w++)); do # up to 60 s for "daxkv V serving DIR on HOST:PORT"
        port="$(grep -oE ' on [^ ]+:[0-9]+$' "$log" 2>/dev/null | head -1 | sed 's/.*://')" || true
        [[ -n "$port" ]] && break
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "[run-ycsb] the server exited before it served; its output:" >&2
            cat "$log" >&2
            server_pid=""
            exit 3
        fi
        sleep 0.1
    done
    if [[ -z "$port" ]]; then
        echo "[run-ycsb] the server did not say it serves within 60 s; its output:" >&2
        cat "$log" >&2
        exit 3
    fi
    echo "[run-ycsb] server: bin/daxkv serve --dir $scratch/store on 127.0.0.1:$port ${SERVE_OPTS:-}(pid $server_pid)" >&2
    extra+=(-p daxkv.host=127.0.0.1 -p "daxkv.port=$port")
fi

# ---------------------------------------------------------------------------------- phases
failed_ops=0
for phase in load run; do
    if [[ $phase == load ]]; then flag=-load; else flag=-t; fi
    cmd=("$java" "@$ycsb_target/daxkv-jvm.args")
    # shellcheck disable=SC2206 # JAVA_OPTS is split on purpose
    cmd+=(${JAVA_OPTS:-} -cp "$classpath" site.ycsb.Client "$flag" -db "$db" -P "$workload_file" "${extra[@]}" "$@")
    echo "[run-ycsb] $phase: java ... site.ycsb.Client $flag -db $db -P $workload_file ${extra[*]}${*:+ $*}" >&2
    set +e
    "${cmd[@]}" | tee "$scratch/$phase.out"
    status=${PIPESTATUS[0]}
    set -e
    if [[ $status != 0 ]]; then
        echo "[run-ycsb] $phase: YCSB exited with $status" >&2
        exit "$status"
    fi
    # "[READ], Return=OK, 500" is success; any other Return= is not (YCSB also measures those
    # operations again as [READ-FAILED], which are therefore not counted twice).
    n="$(awk -F', *' '/^\[[A-Z-]+\], Return=/ && $2 != "Return=OK" { s += $3 } END { print s + 0 }' \
        "$scratch/$phase.out")"
    if [[ $n != 0 ]]; then
        echo "[run-ycsb] $phase: $n operations did not return OK (see the Return= lines above)" >&2
        failed_ops=$((failed_ops + n))
    fi
    if ! grep -q '^\[OVERALL\], Throughput' "$scratch/$phase.out"; then
        echo "[run-ycsb] $phase: YCSB printed no results" >&2
        exit 1
    fi
    # A thread whose DB init (or cleanup) failed prints the exception, on stdout too, and YCSB
    # still exits 0: the other threads' results alone would look like a clean run.
    if grep -q '^site\.ycsb\.DBException' "$scratch/$phase.out"; then
        echo "[run-ycsb] $phase: the binding failed in init or cleanup (its exception is above)" >&2
        exit 1
    fi
    if ! grep -q '^\[[A-Z-]*\], Return=' "$scratch/$phase.out"; then
        echo "[run-ycsb] $phase: no operation ran" >&2
        exit 1
    fi
done

stop_server
if [[ $failed_ops != 0 ]]; then
    exit 1
fi
