package io.daxkv.bench.net;

import io.daxkv.bench.net.LoadGenerator.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** The load generator's results: one record per run, a console line, a Markdown row, a CSV row. */
final class NetloadReport {

    private NetloadReport() {
    }

    /** One (op, depth) run's figures. */
    record Result(String label, Op op, int depth, int connections, int valueBytes, String durability, int keys,
                  Duration warmup, double seconds, long ops, double opsPerSec, Histogram h, long errors, long misses,
                  String firstError, String fatal, double serverCpu, double clientCpu) {

        double us(double percentile) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxUs() {
            return h.getTotalCount() == 0 ? Double.NaN : h.getMaxValue() / 1000.0;
        }

        double meanUs() {
            return h.getTotalCount() == 0 ? Double.NaN : h.getMean() / 1000.0;
        }

        /** CPU time a process spent per OK response in the window, µs (cpuPct of one core / ops/s). */
        double cpuUsPerOp(double cpuPct) {
            return opsPerSec > 0 ? cpuPct * 1e4 / opsPerSec : Double.NaN;
        }
    }

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "%-8s op=%s depth=%d conns=%d value=%dB durability=%s ops/s=%,.0f "
                        + "p50=%.1fus p99=%.1fus p99.9=%.1fus max=%.1fus errors=%d%s server-cpu=%s client-cpu=%s%n",
                r.label, r.op.name().toLowerCase(Locale.ROOT), r.depth, r.connections, r.valueBytes, r.durability,
                r.opsPerSec, r.us(50), r.us(99), r.us(99.9), r.maxUs(), r.errors + (r.fatal != null ? 1 : 0),
                r.misses > 0 ? " misses=" + r.misses : "", pct(r.serverCpu), pct(r.clientCpu));
        if (r.firstError != null) {
            System.out.println("         first error: " + r.firstError);
        }
        System.out.flush();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f%%", v);
    }

    /** Appends a row to the Markdown table and the CSV file (either may be null). */
    static void append(Result r, Path md, Path csv) throws IOException {
        if (md != null) {
            boolean header = !Files.exists(md) || !lastLineIsTableRow(md);
            StringBuilder sb = new StringBuilder();
            if (header) {
                sb.append("\n| server | op | depth | conns | value | ops/s | p50 µs | p99 µs | p99.9 µs | max µs "
                        + "| errors | server CPU | client CPU | server CPU µs/op |\n");
                sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d B | %,.0f | %.0f | %.0f | %.0f | %.0f | %d | %s | %s | %s |%n",
                    r.label, r.op.name().toLowerCase(Locale.ROOT), r.depth, r.connections, r.valueBytes, r.opsPerSec,
                    r.us(50), r.us(99), r.us(99.9), r.maxUs(), r.errors + r.misses + (r.fatal != null ? 1 : 0),
                    pct(r.serverCpu), pct(r.clientCpu), Double.isNaN(r.cpuUsPerOp(r.serverCpu)) ? "-"
                            : String.format(Locale.ROOT, "%.1f", r.cpuUsPerOp(r.serverCpu))));
            Files.writeString(md, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (csv != null) {
            boolean header = !Files.exists(csv) || Files.size(csv) == 0;
            StringBuilder sb = new StringBuilder();
            if (header) {
                sb.append("time,server,op,depth,connections,value_bytes,keys,durability,warmup_s,measured_s,ops,"
                        + "ops_per_s,mean_us,p50_us,p90_us,p99_us,p999_us,max_us,errors,misses,server_cpu_pct,"
                        + "client_cpu_pct,server_cpu_us_per_op,client_cpu_us_per_op,first_error\n");
            }
            sb.append(String.join(",",
                    LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
                    csvText(r.label), r.op.name().toLowerCase(Locale.ROOT), Integer.toString(r.depth),
                    Integer.toString(r.connections), Integer.toString(r.valueBytes), Integer.toString(r.keys),
                    r.durability, num(r.warmup.toMillis() / 1000.0), num(r.seconds), Long.toString(r.ops),
                    num(r.opsPerSec), num(r.meanUs()), num(r.us(50)), num(r.us(90)), num(r.us(99)), num(r.us(99.9)),
                    num(r.maxUs()), Long.toString(r.errors + (r.fatal != null ? 1 : 0)), Long.toString(r.misses),
                    num(r.serverCpu), num(r.clientCpu), num2(r.cpuUsPerOp(r.serverCpu)),
                    num2(r.cpuUsPerOp(r.clientCpu)), csvText(r.firstError == null ? "" : r.firstError)));
            sb.append('\n');
            Files.writeString(csv, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static boolean lastLineIsTableRow(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String s = lines.get(i).strip();
            if (!s.isEmpty()) {
                return s.startsWith("|");
            }
        }
        return false;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String num2(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String csvText(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

}
