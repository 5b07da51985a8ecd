package io.daxkv.bench.ycsb;

import io.daxkv.bench.TempDirs;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The YCSB matrix: every workload x store x durability group x thread count, each a fresh store,
 * loaded and run by {@code site.ycsb.Client} in forked JVMs with the same settings for every
 * store; then a results table (Markdown and CSV) and a chart of daxkv's ratio to the best peer.
 * bench/run-ycsb-matrix.sh is the way to run it (it builds the jar and installs redis-server).
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.daxkv.bench.ycsb.Matrix --mode quick|full [--stores ...]
 * </pre>
 *
 * <p>A store whose binding class is not on the forked JVMs' classpath, or Redis without a
 * redis-server binary, is skipped with a message, not failed. Exit status: 0 when no row failed,
 * 1 when one did (a failed operation fails its row), 2 on a usage error.
 */
@Command(name = "ycsb-matrix", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs YCSB workloads against daxkv and its peers; writes .md, .csv and .png results.")
public final class Matrix implements Callable<Integer> {

    /** The two documented presets; any option given on the command line overrides its part. */
    enum Mode {
        /** Time-bound runs: 1M operations or 5 s, whichever ends first. */
        QUICK("a,c,e", 100_000, 1_000_000, "1", "async", 5),
        /** 1M operations, or 60 s for the slow (SYNC, scan) rows. */
        FULL("a,b,c,d,e,f", 1_000_000, 1_000_000, "1,2", "async,sync", 60);

        final String workloads;
        final long records;
        final long operations;
        final String threads;
        final String durabilities;
        final int maxSeconds;

        Mode(String workloads, long records, long operations, String threads, String durabilities, int maxSeconds) {
            this.workloads = workloads;
            this.records = records;
            this.operations = operations;
            this.threads = threads;
            this.durabilities = durabilities;
            this.maxSeconds = maxSeconds;
        }
    }

    @Option(names = "--mode", defaultValue = "QUICK", description = "quick or full (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--workloads", paramLabel = "a,c,e", description = "Workload letters (default: the mode's).")
    String workloadList;

    @Option(names = "--stores", paramLabel = "LIST",
            description = "Stores, comma-separated (default: all: daxkv, daxkv-server, rocksdb, lmdb, mapdb, chronicle, redis).")
    String storeList;

    @Option(names = "--durability", paramLabel = "async,sync", description = "Durability groups (default: the mode's).")
    String durabilityList;

    @Option(names = "--threads", paramLabel = "1,2", description = "Client thread counts (default: the mode's).")
    String threadList;

    @Option(names = "--records", description = "Records loaded per row (default: the mode's: 100k quick, 1M full).")
    Long recordsOption;

    @Option(names = "--operations", description = "Operations per run phase (default: the mode's: 1M).")
    Long operationsOption;

    @Option(names = "--max-seconds", description = "Cap on a run phase, YCSB's maxexecutiontime; 0 = none "
            + "(default: the mode's: 5 quick, 60 full).")
    Integer maxSecondsOption;

    @Option(names = "--load-threads", defaultValue = "4",
            description = "Client threads of every load phase, the same for every store; the load is set-up, not "
                    + "compared (default: ${DEFAULT-VALUE}).")
    int loadThreads;

    @Option(names = "--load-at-row-durability",
            description = "Load SYNC rows with SYNC writes too (default: every load at the store's ASYNC setting).")
    boolean loadAtRowDurability;

    @Option(names = "--workload-dir", defaultValue = "bench/ycsb/workloads",
            description = "Directory of the workload files workloada..workloadf (default: ${DEFAULT-VALUE}).")
    Path workloadDir;

    @Option(names = "--results", defaultValue = "bench/results", description = "Results directory (default: ${DEFAULT-VALUE}).")
    Path results;

    @Option(names = "--scratch", description = "Where the rows' data directories go (default: $DAXKV_BENCH_DIR or java.io.tmpdir).")
    Path scratch;

    @Option(names = "--java", description = "java binary of the forked JVMs (default: this JVM's).")
    String java;

    @Option(names = "--jvm-opts", defaultValue = "-Xms4g -Xmx4g -XX:+UseG1GC",
            description = "Heap and GC of every forked JVM, client and daxkv server alike (default: ${DEFAULT-VALUE}).")
    String jvmOpts;

    @Option(names = "--classpath", description = "Classpath of the forked JVMs (default: this JVM's).")
    String classpath;

    @Option(names = "--redis-server", defaultValue = "redis-server", description = "redis-server binary (default: ${DEFAULT-VALUE}, on PATH).")
    String redisServer;

    @Option(names = "--step-timeout", defaultValue = "1800", description = "Seconds before a phase's JVM is killed (default: ${DEFAULT-VALUE}).")
    long stepTimeoutSeconds;

    @Option(names = "--name", description = "Results file name without extension (default: ycsb-<time>[-quick]).")
    String name;

    @Option(names = "--dry-run", description = "Print the plan and exit.")
    boolean dryRun;

    long records;
    long operations;
    int maxSeconds;
    Path logs;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new Matrix()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        records = recordsOption != null ? recordsOption : mode.records;
        operations = operationsOption != null ? operationsOption : mode.operations;
        maxSeconds = maxSecondsOption != null ? maxSecondsOption : mode.maxSeconds;
        scratch = (scratch != null ? scratch : TempDirs.defaultParent()).toAbsolutePath();
        workloadDir = workloadDir.toAbsolutePath(); // the forked clients run in the logs directory
        results = results.toAbsolutePath();
        ForkJvm jvm = new ForkJvm(java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                ForkJvm.split(jvmOpts), classpath != null ? classpath : System.getProperty("java.class.path"));
        List<MatrixRow.Key> plan = plan();
        for (char w : workloads()) {
            if (!Files.isRegularFile(workloadDir.resolve("workload" + w))) {
                throw new CommandLine.ParameterException(new CommandLine(this), "no workload file "
                        + workloadDir.resolve("workload" + w) + " (--workload-dir)");
            }
        }
        List<String> skipped = new ArrayList<>();
        String redisVersion = redisVersion();
        for (Store s : stores()) {
            if (!jvm.hasClass(s.bindingClass)) {
                skipped.add(s.id + ": binding " + s.bindingClass + " is not on the classpath");
            } else if (s == Store.REDIS && redisVersion == null) {
                skipped.add("redis: no " + redisServer + " (apt-get install -y redis-server; bench/run-ycsb-matrix.sh does it)");
            }
        }
        skipped.forEach(s -> out.println("[ycsb-matrix] skipping " + s));
        out.printf("[ycsb-matrix] %s mode: workloads %s, stores %s, durability %s, threads %s, %s records, "
                        + "%s operations per run%s; %d steps%n", mode.name().toLowerCase(Locale.ROOT),
                workloads().stream().map(c -> String.valueOf(Character.toUpperCase(c))).collect(Collectors.joining(",")),
                stores().stream().map(s -> s.id).collect(Collectors.joining(",")), durabilityList(), threadList(),
                RowRunner.count(records), RowRunner.count(operations),
                maxSeconds > 0 ? " (at most " + maxSeconds + " s)" : "", plan.size());
        if (dryRun) {
            plan.forEach(k -> out.println("  " + k.describe() + ": " + k.setting()));
            return 0;
        }

        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String base = name != null ? name : "ycsb-" + stamp + (mode == Mode.QUICK ? "-quick" : "");
        Files.createDirectories(results);
        logs = results.resolve(base + "-logs").toAbsolutePath();
        Files.createDirectories(logs);
        String loadBefore = loadAverage();
        long started = System.nanoTime();
        RowRunner runner = new RowRunner(this, jvm, out);
        List<MatrixRow> rows = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            MatrixRow.Key k = plan.get(i);
            out.printf("[%d/%d] %s: ", i + 1, plan.size(), k.describe());
            MatrixRow row = notRunnable(k, skipped);
            if (row != null) {
                out.println(row.status() == MatrixRow.Status.NA ? "n/a (" + row.notes().get(0) + ")"
                        : "skipped (" + row.notes().get(0) + ")");
            } else {
                row = runner.run(i + 1, k);
            }
            out.flush();
            rows.add(row);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        List<Ratios.Ratio> ratios = Ratios.of(rows);
        Path md = results.resolve(base + ".md");
        Path csv = results.resolve(base + ".csv");
        Path png = results.resolve(base + ".png");
        String title = "daxkv YCSB matrix, " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));
        RatioChart.write(png, "daxkv / best peer, YCSB run throughput", describeRun(), ratios, RatioChart.WIDTH,
                RatioChart.HEIGHT);
        MatrixReport.writeMarkdown(md, title, about(jvm, redisVersion, loadBefore, took), rows, ratios,
                png.getFileName().toString());
        MatrixReport.writeCsv(csv, rows);
        long failed = rows.stream().filter(r -> r.status() == MatrixRow.Status.FAILED).count();
        out.printf("[ycsb-matrix] %d rows (%d failed) in %s; results: %s, %s, %s (logs: %s)%n", rows.size(), failed,
                formatDuration(took), md, csv, png, logs);
        return failed == 0 ? 0 : 1;
    }

    /** Workload, then durability group, then threads, then store: one workload's rows side by side. */
    List<MatrixRow.Key> plan() {
        List<MatrixRow.Key> plan = new ArrayList<>();
        for (char w : workloads()) {
            for (PeerDurability d : durabilities()) {
                for (int t : threads()) {
                    for (Store s : stores()) {
                        if (s.setting(d) != null) { // Chronicle Map has no SYNC: no row at all
                            plan.add(new MatrixRow.Key(w, s, d, t));
                        }
                    }
                }
            }
        }
        return plan;
    }

    private static MatrixRow notRunnable(MatrixRow.Key k, List<String> skipped) {
        if (k.workload() == 'e' && !k.store().orderedScan) {
            return MatrixRow.notRun(k, MatrixRow.Status.NA, "no ordered scan");
        }
        for (String s : skipped) {
            if (s.startsWith(k.store().id + ":")) {
                return MatrixRow.notRun(k, MatrixRow.Status.SKIPPED, s.substring(k.store().id.length() + 1).trim());
            }
        }
        return null;
    }

    List<Character> workloads() {
        List<Character> out = new ArrayList<>();
        for (String w : list(workloadList != null ? workloadList : mode.workloads)) {
            String l = w.toLowerCase(Locale.ROOT).replace("workload", "");
            if (l.length() != 1 || l.charAt(0) < 'a' || l.charAt(0) > 'f') {
                throw new CommandLine.ParameterException(new CommandLine(this), "workload '" + w + "': expected a to f");
            }
            out.add(l.charAt(0));
        }
        return out;
    }

    List<Store> stores() {
        List<Store> out = new ArrayList<>();
        for (String s : list(storeList != null ? storeList : Store.ids())) {
            try {
                out.add(Store.byId(s));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
        }
        return out;
    }

    private String durabilityList() {
        return durabilityList != null ? durabilityList : mode.durabilities;
    }

    private String threadList() {
        return threadList != null ? threadList : mode.threads;
    }

    List<PeerDurability> durabilities() {
        List<PeerDurability> out = new ArrayList<>();
        for (String d : list(durabilityList())) {
            try {
                out.add(PeerDurability.valueOf(d.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "durability '" + d + "': expected async or sync");
            }
        }
        return out;
    }

    List<Integer> threads() {
        List<Integer> out = new ArrayList<>();
        for (String t : list(threadList())) {
            out.add(Integer.parseInt(t));
        }
        return out;
    }

    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String p : s.split(",")) {
            if (!p.isBlank()) {
                out.add(p.trim());
            }
        }
        return out;
    }

    private String describeRun() {
        return String.format(Locale.US, "%s mode, %s records, %s ops per run, threads %s", mode.name().toLowerCase(Locale.ROOT),
                RowRunner.count(records), RowRunner.count(operations), threadList());
    }

    private List<String> about(ForkJvm jvm, String redisVersion, String loadBefore, Duration took) {
        List<String> a = new ArrayList<>();
        a.add("mode: " + describeRun() + ", durability groups " + durabilityList().toUpperCase(Locale.ROOT)
                + (maxSeconds > 0 ? "; a run phase stops after " + maxSeconds + " s (maxexecutiontime) if not done" : ""));
        a.add("machine: " + hostname() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; Java "
                + System.getProperty("java.runtime.version") + "; commit " + command(5, "git", "rev-parse", "--short", "HEAD"));
        a.add("each row: a fresh data directory; YCSB 0.17.0 load phase (`-load`, " + loadThreads + " client threads, "
                + (loadAtRowDurability ? "at the row's durability" : "every store at its ASYNC setting, synced at close")
                + "), then run phase (`-t`, the row's threads and durability), each `site.ycsb.Client` in its own JVM");
        a.add("forked JVMs, every store alike: `" + String.join(" ", jvm.options) + "` + daxkv's and Chronicle Map's "
                + "flags (`" + String.join(" ", ForkJvm.flags()) + "`), unpinned (client and server share the cores)");
        a.add("servers (fresh per row, 127.0.0.1): daxkv `BenchServer` (1 I/O thread, the same JVM options), "
                + (redisVersion != null ? redisVersion : "redis-server not found")
                + " (AOF on, RDB snapshots off); one connection per client thread");
        a.add("records: YCSB's default 10 fields x 100 B, stored by every binding as one FieldCodec value (1,081 B) "
                + "under the UTF-8 key; update = read, merge, write under a striped lock");
        a.add("ops/s: the operations YCSB counted / the time between the store's open and close (TimedDB wraps every "
                + "binding alike and times them); YCSB's own figure, which includes opening and closing the store, beside "
                + "it; latencies: YCSB's HdrHistogram, µs; no warm-up phase");
        a.add("load average before: " + loadBefore + ", after: " + loadAverage() + "; took " + formatDuration(took));
        return a;
    }

    /** "redis-server v=7.0.15 ..." or null when the binary cannot be run. */
    private String redisVersion() {
        String v = command(10, redisServer, "--version");
        return v.equals("unknown") ? null : v.replace("Redis server ", "redis-server ");
    }

    private static String hostname() {
        String h = command(5, "hostname");
        return h.equals("unknown") ? "unknown host" : h;
    }

    /** The first line a command prints, or "unknown". */
    static String command(long timeoutSeconds, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] outBytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return "unknown";
            }
            String s = new String(outBytes, StandardCharsets.UTF_8).strip();
            int nl = s.indexOf('\n');
            return s.isEmpty() ? "unknown" : nl < 0 ? s : s.substring(0, nl);
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String formatDuration(Duration d) {
        long s = d.toSeconds();
        return s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
    }
}
