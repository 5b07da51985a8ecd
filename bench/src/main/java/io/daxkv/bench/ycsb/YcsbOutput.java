package io.daxkv.bench.ycsb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one {@code site.ycsb.Client} run printed on stdout, parsed: the {@code [OVERALL]} run time
 * and throughput, and per operation ({@code [READ]}, {@code [UPDATE]}, ...) the count, mean,
 * 50th and 99th percentile latency (the client must run with {@code measurementtype=hdrhistogram}
 * and {@code hdrhistogram.percentiles=50,99}) and the {@code Return=} counts.
 *
 * <p>The lines look like {@code [READ], 99thPercentileLatency(us), 61}. Everything else (GC
 * lines, {@code [CLEANUP]}, warnings, stack traces) is kept only as far as {@link #problems} needs:
 * YCSB prints a binding's init failure or an uncaught exception as a stack trace on stdout and
 * still exits 0, so a line that starts a stack trace is a problem.
 */
record YcsbOutput(OptionalLong runTimeMs, OptionalDouble throughputOpsPerSec, Timing timing,
                  Map<String, OpStats> ops, List<String> problems) {

    /** The operations a workload performs, in the order tables show them. */
    static final List<String> OPERATIONS = List.of("READ", "UPDATE", "INSERT", "SCAN", "READ-MODIFY-WRITE", "DELETE");

    private static final Pattern LINE = Pattern.compile("^\\[([^\\]]+)\\], ([^,]+), (.*)$");
    private static final Pattern EXCEPTION = Pattern.compile(
            "^(Exception in thread .*|([a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error)(: .*)?)$");
    private static final String FAILED_SUFFIX = "-FAILED";

    /**
     * What {@link TimedDB} printed ({@code [MATRIX]} lines): the window between the first thread's
     * open and the last thread's close, and the longest open and close; null when it printed nothing.
     */
    record Timing(long operationsWindowMs, long maxInitMs, long maxCleanupMs) {
    }

    /** One operation's numbers; latencies in microseconds, -1 when not printed. */
    record OpStats(String name, long operations, double averageUs, long p50Us, long p99Us, Map<String, Long> returns) {

        /** Return codes other than OK with their counts, as "NOT_FOUND x 3". */
        List<String> failedReturns() {
            List<String> out = new ArrayList<>();
            returns.forEach((code, n) -> {
                if (!"OK".equals(code) && n > 0) {
                    out.add(code + " x " + n);
                }
            });
            return out;
        }

        /** Successful operations (Return=OK). */
        long ok() {
            return returns.getOrDefault("OK", 0L);
        }
    }

    /** Parses the stdout lines of one client run. */
    static YcsbOutput parse(List<String> lines) {
        OptionalLong runTime = OptionalLong.empty();
        OptionalDouble throughput = OptionalDouble.empty();
        Map<String, OpBuilder> ops = new LinkedHashMap<>();
        Map<String, Long> matrix = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.strip();
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                if (EXCEPTION.matcher(line).matches() && problems.size() < 5) {
                    problems.add("client printed: " + line);
                }
                continue;
            }
            String section = m.group(1);
            String metric = m.group(2).strip();
            String value = m.group(3).strip();
            if (section.equals("OVERALL")) {
                if (metric.equals("RunTime(ms)")) {
                    runTime = OptionalLong.of(Math.round(Double.parseDouble(value)));
                } else if (metric.equals("Throughput(ops/sec)")) {
                    throughput = OptionalDouble.of(Double.parseDouble(value));
                }
                continue;
            }
            if (section.equals("MATRIX")) {
                try {
                    matrix.put(metric, Long.parseLong(value));
                } catch (NumberFormatException e) {
                    problems.add("unreadable value in: " + line);
                }
                continue;
            }
            if (!isOperation(section)) {
                continue; // GC totals, CLEANUP
            }
            OpBuilder op = ops.computeIfAbsent(section, OpBuilder::new);
            try {
                op.set(metric, value);
            } catch (NumberFormatException e) {
                problems.add("unreadable value in: " + line);
            }
        }
        Map<String, OpStats> built = new LinkedHashMap<>();
        ops.forEach((name, b) -> built.put(name, b.build()));
        Timing timing = matrix.containsKey("OperationsWindow(ms)")
                ? new Timing(matrix.get("OperationsWindow(ms)"), matrix.getOrDefault("MaxInit(ms)", -1L),
                        matrix.getOrDefault("MaxCleanup(ms)", -1L))
                : null;
        return new YcsbOutput(runTime, throughput, timing, Collections.unmodifiableMap(built), List.copyOf(problems));
    }

    private static boolean isOperation(String section) {
        String base = section.endsWith(FAILED_SUFFIX) ? section.substring(0, section.length() - FAILED_SUFFIX.length())
                : section;
        return OPERATIONS.contains(base);
    }

    /**
     * Operations the client completed, whatever their status: the client's own count, recovered
     * from throughput x run time (it prints throughput = 1000 x count / run time in ms). Per-op
     * counts would count a READ-MODIFY-WRITE three times (READ and UPDATE are measured inside it).
     */
    long operationsDone() {
        if (runTimeMs.isEmpty() || throughputOpsPerSec.isEmpty()) {
            return 0;
        }
        return Math.round(throughputOpsPerSec.getAsDouble() * runTimeMs.getAsLong() / 1000.0);
    }

    /**
     * Operations per second between the stores' open and close ({@link Timing}): the number the
     * matrix compares. Falls back to YCSB's own throughput when the run was not timed.
     */
    double windowOpsPerSec() {
        if (timing == null) {
            return throughputOpsPerSec.orElse(Double.NaN);
        }
        return operationsDone() * 1000.0 / timing.operationsWindowMs();
    }

    /** Everything that makes the run a failure: non-OK returns, *-FAILED operations, problems. */
    List<String> failures() {
        List<String> out = new ArrayList<>(problems);
        if (throughputOpsPerSec.isEmpty()) {
            out.add("no [OVERALL] Throughput(ops/sec) line");
        }
        ops.values().forEach(op -> {
            if (op.name().endsWith(FAILED_SUFFIX)) {
                out.add(op.name() + ": " + op.operations() + " operations");
            }
            for (String r : op.failedReturns()) {
                out.add(op.name() + " Return=" + r);
            }
        });
        return out;
    }

    /** The operation's numbers, or null when the run did not perform it. */
    OpStats op(String name) {
        return ops.get(name);
    }

    private static final class OpBuilder {
        final String name;
        long operations;
        double averageUs = -1;
        long p50Us = -1;
        long p99Us = -1;
        final Map<String, Long> returns = new LinkedHashMap<>();

        OpBuilder(String name) {
            this.name = name;
        }

        void set(String metric, String value) {
            switch (metric) {
                case "Operations" -> operations = Math.round(Double.parseDouble(value));
                case "AverageLatency(us)" -> averageUs = Double.parseDouble(value);
                case "50thPercentileLatency(us)" -> p50Us = Math.round(Double.parseDouble(value));
                case "99thPercentileLatency(us)" -> p99Us = Math.round(Double.parseDouble(value));
                default -> {
                    if (metric.startsWith("Return=")) {
                        returns.merge(metric.substring("Return=".length()), Math.round(Double.parseDouble(value)),
                                Long::sum);
                    }
                }
            }
        }

        OpStats build() {
            return new OpStats(name, operations, averageUs, p50Us, p99Us, Collections.unmodifiableMap(returns));
        }
    }
}
