#!/usr/bin/env bash
# Runs the daxkv JMH suite (daxkv vs Chronicle Map vs LMDB) and keeps the results.
#
#   bench/run-jmh.sh                          # everything, 1M keys: -wi 2 -i 3 -w 5s -r 5s -f 1
#   QUICK=1 bench/run-jmh.sh                  # smoke run: 100k keys, 1 warmup + 1 measured 3 s iteration
#   QUICK=1 bench/run-jmh.sh 'PointOps.*get'  # any JMH arguments go through: benchmark regexps,
#   bench/run-jmh.sh PointOps -p store=daxkv,lmdb -p valueSize=1024
#
# Settings (environment): QUICK=1, KEYS (-p keys=...), WI, I, W, R, F (JMH's -wi -i -w -r -f),
# BUILD=always|never|auto (auto: build when the jar is missing or older than a source),
# DAXKV_BENCH_DIR (where the stores' scratch files go; default java.io.tmpdir; 1M x 1 KiB needs
# a few GB per store), JAVA (the java binary).
#
# The forked benchmark JVMs get their flags (daxkv's --add-opens/--add-exports from the parent
# pom, Chronicle Map's extras, -Xmx8g) from @Fork, compiled in at build time; nothing to pass here.
# Results: bench/results/jmh-<time>[-quick].json (JMH -rf json) and .txt (the console output,
# with the table at the end and the stores' [daxkv-bench] lines: preload rates, fault counters).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
jar="$here/target/benchmarks.jar"
java="${JAVA:-java}"

build() {
    echo "[run-jmh] building bench/target/benchmarks.jar (mvn -q -DskipTests -pl bench -am package)" >&2
    (cd "$root" && mvn -q -DskipTests -pl bench -am package)
}

case "${BUILD:-auto}" in
    always) build ;;
    never) ;;
    auto)
        if [[ ! -f "$jar" ]] \
            || [[ -n "$(find "$here/src" "$here/pom.xml" "$root/pom.xml" "$root/modules/core/src/main" \
                        "$root/modules/core/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
            build
        fi
        ;;
    *) echo "BUILD must be always, never or auto" >&2; exit 2 ;;
esac

if [[ "${QUICK:-0}" == 1 ]]; then
    keys="${KEYS:-100000}"; wi="${WI:-1}"; i="${I:-1}"; w="${W:-3s}"; r="${R:-3s}"; f="${F:-1}"; tag="-quick"
else
    keys="${KEYS:-}"; wi="${WI:-2}"; i="${I:-3}"; w="${W:-5s}"; r="${R:-5s}"; f="${F:-1}"; tag=""
fi

args=(-wi "$wi" -i "$i" -w "$w" -r "$r" -f "$f")
# Only PointOpsBenchmark has a keys param; JMH ignores -p for params a benchmark lacks.
if [[ -n "$keys" ]]; then
    args+=(-p "keys=$keys")
fi

mkdir -p "$here/results"
stamp="$(date +%Y%m%d-%H%M%S)"
out="$here/results/jmh-$stamp$tag"

# Default: the whole suite (every benchmark in io.daxkv.bench) unless regexps/options were given.
if [[ $# -eq 0 ]]; then
    set -- 'io\.daxkv\.bench\..*'
fi

echo "[run-jmh] $java -jar $jar ${args[*]} -rf json -rff $out.json $*" >&2
# Run from results/: the forked JVMs inherit the working directory, so a crash's hs_err_pid*.log
# lands next to the results instead of in the repo root.
cd "$here/results"
set +e
"$java" -jar "$jar" "${args[@]}" -rf json -rff "$out.json" "$@" 2>&1 | tee "$out.txt"
status=${PIPESTATUS[0]}
set -e
echo "[run-jmh] results: $out.json, $out.txt (exit $status)" >&2
exit "$status"
