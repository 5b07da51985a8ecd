package io.daxkv.bench.ycsb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The matrix's results as Markdown (how it was run, each row's durability, one table per
 * workload, daxkv's ratios to the best peer, the failures) and CSV (one line per row, every
 * operation's count, p50 and p99 in fixed columns). Latencies are microseconds, throughputs
 * operations per second, both from YCSB's own report of each run.
 */
final class MatrixReport {

    /** What each standard workload does (YCSB's core workloads A-F). */
    static final Map<Character, String> WORKLOADS = Map.of(
            'a', "update heavy: 50% read, 50% update, zipfian",
            'b', "read mostly: 95% read, 5% update, zipfian",
            'c', "read only: 100% read, zipfian",
            'd', "read latest: 95% read, 5% insert, latest",
            'e', "short ranges: 95% scan (1-100 records), 5% insert, zipfian",
            'f', "read-modify-write: 50% read, 50% read-modify-write, zipfian");

    private MatrixReport() {
    }

    static void writeMarkdown(Path md, String title, List<String> about, List<MatrixRow> rows,
                              List<Ratios.Ratio> ratios, String chartFileName) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n");
        for (String line : about) {
            b.append("- ").append(line).append('\n');
        }
        durabilities(b, rows);
        for (char w : workloads(rows)) {
            workloadTable(b, w, rows);
        }
        ratioTable(b, ratios, chartFileName);
        problems(b, rows);
        Files.writeString(md, b.toString(), StandardCharsets.UTF_8);
    }

    private static void durabilities(StringBuilder b, List<MatrixRow> rows) {
        Set<String> seen = new LinkedHashSet<>();
        for (MatrixRow r : rows) {
            seen.add("| " + r.key().durability() + " | " + r.key().store().id + " | " + r.key().store().kind.label()
                    + " | " + r.key().setting() + " |");
        }
        b.append("\n## Durability of each row\n\n");
        b.append("| group | store | runs | setting |\n|---|---|---|---|\n");
        seen.forEach(line -> b.append(line).append('\n'));
    }

    private static List<Character> workloads(List<MatrixRow> rows) {
        Set<Character> out = new LinkedHashSet<>();
        rows.forEach(r -> out.add(r.key().workload()));
        return new ArrayList<>(out);
    }

    /** The operations any row of workload {@code w} performed, in {@link YcsbOutput#OPERATIONS} order. */
    private static List<String> operations(char w, List<MatrixRow> rows) {
        List<String> out = new ArrayList<>();
        for (String op : YcsbOutput.OPERATIONS) {
            for (MatrixRow r : rows) {
                if (r.key().workload() == w && r.run() != null && r.run().op(op) != null) {
                    out.add(op);
                    break;
                }
            }
        }
        return out;
    }

    private static void workloadTable(StringBuilder b, char w, List<MatrixRow> rows) {
        List<String> ops = operations(w, rows);
        b.append("\n## Workload ").append(Character.toUpperCase(w));
        String what = WORKLOADS.get(w);
        b.append(what != null ? " (" + what + ")" : "").append("\n\n");
        b.append("| store | durability | threads | load ops/s | run ops/s | YCSB's run ops/s | open / close ms |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|---|---|");
        for (String op : ops) {
            b.append(' ').append(op).append(" p50 | ").append(op).append(" p99 |");
            rule.append("---|---|");
        }
        b.append(" status |\n").append(rule).append("---|\n");
        for (MatrixRow r : rows) {
            if (r.key().workload() != w) {
                continue;
            }
            MatrixRow.Key k = r.key();
            b.append("| ").append(k.store().id).append(" | ").append(k.setting()).append(" | ").append(k.threads())
                    .append(" | ").append(opsPerSec(r.loadOpsPerSec())).append(" | ").append(opsPerSec(r.runOpsPerSec()))
                    .append(" | ").append(opsPerSec(r.runYcsbOpsPerSec())).append(" | ").append(openClose(r.run()))
                    .append(" |");
            for (String op : ops) {
                YcsbOutput.OpStats s = r.run() == null ? null : r.run().op(op);
                b.append(' ').append(s == null ? "" : micros(s.p50Us())).append(" | ")
                        .append(s == null ? "" : micros(s.p99Us())).append(" |");
            }
            b.append(' ').append(statusCell(r)).append(" |\n");
        }
        b.append("\nops/s: operations between the store's open and close (YCSB's own figure, which includes them, "
                + "beside it); latencies in µs, YCSB's HdrHistogram per operation.\n");
    }

    /** "412 / 198": the run phase's longest open and close, in ms. */
    private static String openClose(YcsbOutput run) {
        if (run == null || run.timing() == null) {
            return "";
        }
        return run.timing().maxInitMs() + " / " + run.timing().maxCleanupMs();
    }

    private static String statusCell(MatrixRow r) {
        return switch (r.status()) {
            case OK -> "OK";
            case FAILED -> "FAILED";
            case NA -> "n/a: " + String.join("; ", r.notes());
            case SKIPPED -> "skipped: " + String.join("; ", r.notes());
        };
    }

    private static void ratioTable(StringBuilder b, List<Ratios.Ratio> ratios, String chartFileName) {
        b.append("\n## daxkv against the best peer (run throughput)\n\n");
        if (ratios.isEmpty()) {
            b.append("No comparison: no daxkv row and peer row of the same workload, group and threads ran OK.\n");
        } else {
            b.append("| workload | comparison | daxkv ops/s | best peer | peer ops/s | daxkv / peer |\n");
            b.append("|---|---|---|---|---|---|\n");
            for (Ratios.Ratio r : ratios) {
                b.append("| ").append(r.workloadLabel()).append(" | ").append(r.series()).append(" | ")
                        .append(opsPerSec(r.daxkvOpsPerSec())).append(" | ").append(r.bestPeer().id).append(" | ")
                        .append(opsPerSec(r.bestPeerOpsPerSec())).append(" | ")
                        .append(String.format(Locale.ROOT, "%.2fx", r.ratio())).append(" |\n");
            }
        }
        if (chartFileName != null) {
            b.append("\n![daxkv / best peer](").append(chartFileName).append(")\n");
        }
    }

    private static void problems(StringBuilder b, List<MatrixRow> rows) {
        List<MatrixRow> failed = rows.stream().filter(r -> r.status() == MatrixRow.Status.FAILED).toList();
        if (failed.isEmpty()) {
            return;
        }
        b.append("\n## Failed rows\n\n");
        for (MatrixRow r : failed) {
            b.append("- ").append(r.key().describe()).append(": ").append(String.join("; ", r.notes())).append('\n');
        }
    }

    static final List<String> CSV_HEADER = csvHeader();

    private static List<String> csvHeader() {
        List<String> h = new ArrayList<>(List.of("workload", "store", "runs", "durability", "setting", "threads",
                "status", "load_ops_per_s", "run_ops_per_s", "run_ycsb_ops_per_s", "run_operations", "run_time_ms",
                "run_window_ms", "run_open_ms", "run_close_ms"));
        for (String op : YcsbOutput.OPERATIONS) {
            String c = op.toLowerCase(Locale.ROOT).replace('-', '_');
            h.addAll(List.of(c + "_ops", c + "_p50_us", c + "_p99_us"));
        }
        h.add("notes");
        return List.copyOf(h);
    }

    static void writeCsv(Path csv, List<MatrixRow> rows) throws IOException {
        StringBuilder b = new StringBuilder(String.join(",", CSV_HEADER)).append('\n');
        for (MatrixRow r : rows) {
            MatrixRow.Key k = r.key();
            List<String> cells = new ArrayList<>(List.of(String.valueOf(Character.toUpperCase(k.workload())),
                    k.store().id, k.store().kind.label(), k.durability().name(), k.setting(),
                    Integer.toString(k.threads()), r.status().name(), plain(r.loadOpsPerSec()),
                    plain(r.runOpsPerSec()), plain(r.runYcsbOpsPerSec()),
                    r.run() == null ? "" : Long.toString(r.run().operationsDone()),
                    r.run() == null || r.run().runTimeMs().isEmpty() ? "" : Long.toString(r.run().runTimeMs().getAsLong())));
            YcsbOutput.Timing t = r.run() == null ? null : r.run().timing();
            cells.add(t == null ? "" : Long.toString(t.operationsWindowMs()));
            cells.add(t == null ? "" : Long.toString(t.maxInitMs()));
            cells.add(t == null ? "" : Long.toString(t.maxCleanupMs()));
            for (String op : YcsbOutput.OPERATIONS) {
                YcsbOutput.OpStats s = r.run() == null ? null : r.run().op(op);
                cells.add(s == null ? "" : Long.toString(s.operations()));
                cells.add(s == null || s.p50Us() < 0 ? "" : Long.toString(s.p50Us()));
                cells.add(s == null || s.p99Us() < 0 ? "" : Long.toString(s.p99Us()));
            }
            cells.add(String.join("; ", r.notes()));
            for (int i = 0; i < cells.size(); i++) {
                b.append(i == 0 ? "" : ",").append(csvCell(cells.get(i)));
            }
            b.append('\n');
        }
        Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
    }

    static String csvCell(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** "123,456"; empty for NaN. */
    static String opsPerSec(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.US, "%,.0f", v);
    }

    private static String plain(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String micros(long us) {
        return us < 0 ? "" : String.format(Locale.US, "%,d", us);
    }
}
