package io.daxkv.bench.ycsb;

import io.daxkv.bench.TempDirs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one row of the matrix: a fresh scratch directory; the row's server when the store is one
 * (redis-server or daxkv's BenchServer); the YCSB load phase, then the run phase, each a
 * {@code site.ycsb.Client} in its own JVM (it calls System.exit); their stdout parsed and checked.
 * The scratch directory is deleted afterwards whatever happened; the phases' output stays in the
 * logs directory ({@code NN-<workload>-<store>-<durability>-<threads>t-load.out}, ...).
 *
 * <p>The load phase writes at the store's ASYNC setting unless {@link Matrix#loadAtRowDurability}
 * (loading 1M records one fsync at a time would take LMDB half an hour per row), with
 * {@link Matrix#loadThreads} client threads for every store; every store syncs at close, so the
 * run phase starts from the same durable data, and measures the row's setting and threads.
 */
final class RowRunner {

    private final Matrix m;
    private final ForkJvm jvm;
    private final PrintStream console;

    RowRunner(Matrix m, ForkJvm jvm, PrintStream console) {
        this.m = m;
        this.jvm = jvm;
        this.console = console;
    }

    MatrixRow run(int step, MatrixRow.Key key) throws IOException, InterruptedException {
        String name = String.format(Locale.ROOT, "%02d-%c-%s-%s-%dt", step, key.workload(), key.store().id,
                key.durability().property(), key.threads());
        Path dir = TempDirs.create(m.scratch, "ycsb-" + key.store().id);
        ServerProcess server = null;
        try {
            PeerDurability loadDurability = m.loadAtRowDurability ? key.durability() : PeerDurability.ASYNC;
            if (key.store() == Store.REDIS) {
                server = ServerProcess.redis(m.redisServer, dir, m.logs.resolve(name + "-server.log"), loadDurability);
            } else if (key.store() == Store.DAXKV_SERVER) {
                server = ServerProcess.daxkv(jvm, dir.resolve("store"), m.logs.resolve(name + "-server.log"),
                        key.durability());
            }
            int port = server == null ? -1 : server.port();
            Path data = dir.resolve("data");

            console.print("load " + count(m.records) + " ... ");
            console.flush();
            Phase loaded = phase(name + "-load", key, true,
                    key.store().bindingProperties(data, port, loadDurability, m.loadThreads));
            YcsbOutput load = loaded.out();
            List<String> problems = checkLoad(load, loaded.exit(), m.records, m.stepTimeoutSeconds);
            if (!problems.isEmpty()) {
                return failed(key, problems, load, null, name + "-load");
            }
            console.print(MatrixReport.opsPerSec(load.windowOpsPerSec()) + " ops/s; run ... ");
            console.flush();

            if (server != null && key.store() == Store.REDIS && loadDurability != key.durability()) {
                server.redisAppendfsync(key.durability());
            }
            Phase ran = phase(name + "-run", key, false, key.store().bindingProperties(data, port, key.durability(), key.threads()));
            YcsbOutput run = ran.out();
            problems = checkRun(run, ran.exit(), m.operations, m.maxSeconds, m.stepTimeoutSeconds);
            if (server != null && !server.alive()) {
                problems.add(server.describe() + " died during the row");
            }
            if (!problems.isEmpty()) {
                return failed(key, problems, load, run, name + "-run");
            }
            console.println(MatrixReport.opsPerSec(run.windowOpsPerSec()) + " ops/s" + latencies(run));
            return new MatrixRow(key, MatrixRow.Status.OK, List.of(), load, run);
        } catch (IOException e) {
            return failed(key, new ArrayList<>(List.of(String.valueOf(e.getMessage()))), null, null, name);
        } finally {
            if (server != null) {
                server.close();
            }
            TempDirs.delete(dir);
        }
    }

    /** One client run: what it printed, and how it ended. */
    private record Phase(YcsbOutput out, ForkJvm.Exit exit) {
    }

    private Phase phase(String name, MatrixRow.Key key, boolean load, Map<String, String> binding)
            throws IOException, InterruptedException {
        Path out = m.logs.resolve(name + ".out");
        Path err = m.logs.resolve(name + ".err");
        List<String> command = jvm.command("site.ycsb.Client", clientArgs(key, load, binding));
        Files.writeString(m.logs.resolve(name + ".cmd"), String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        ForkJvm.Exit exit = ForkJvm.run(command, m.logs, out, err, m.stepTimeoutSeconds);
        YcsbOutput parsed = YcsbOutput.parse(new String(Files.readAllBytes(out), StandardCharsets.UTF_8).lines().toList());
        if (exit.code() != 0 && !exit.timedOut()) { // say why, when the JVM did not even start the client
            String firstError = new String(Files.readAllBytes(err), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank()).findFirst().orElse(null);
            if (firstError != null) {
                List<String> problems = new ArrayList<>(parsed.problems());
                problems.add("stderr: " + firstError.strip());
                parsed = new YcsbOutput(parsed.runTimeMs(), parsed.throughputOpsPerSec(), parsed.timing(), parsed.ops(),
                        List.copyOf(problems));
            }
        }
        return new Phase(parsed, exit);
    }

    /** site.ycsb.Client's arguments for one phase. */
    List<String> clientArgs(MatrixRow.Key key, boolean load, Map<String, String> binding) {
        List<String> a = new ArrayList<>(List.of(load ? "-load" : "-t", "-db", TimedDB.class.getName(),
                "-p", TimedDB.DELEGATE_PROPERTY + "=" + key.store().bindingClass,
                "-P", m.workloadDir.resolve("workload" + key.workload()).toString(),
                "-threads", Integer.toString(load ? m.loadThreads : key.threads()),
                "-p", "recordcount=" + m.records,
                "-p", "operationcount=" + m.operations,
                "-p", "measurementtype=hdrhistogram",
                "-p", "hdrhistogram.percentiles=50,99"));
        if (!load && m.maxSeconds > 0) {
            a.addAll(List.of("-p", "maxexecutiontime=" + m.maxSeconds));
        }
        binding.forEach((k, v) -> a.addAll(List.of("-p", k + "=" + v)));
        return a;
    }

    private MatrixRow failed(MatrixRow.Key key, List<String> problems, YcsbOutput load, YcsbOutput run, String log) {
        problems.add("log: " + m.logs.resolve(log + ".out") + " (.err)");
        console.println("FAILED: " + String.join("; ", problems));
        return new MatrixRow(key, MatrixRow.Status.FAILED, List.copyOf(problems), load, run);
    }

    /** Why a load phase failed; empty when it loaded every record with every insert OK. */
    static List<String> checkLoad(YcsbOutput out, ForkJvm.Exit exit, long records, long timeoutSeconds) {
        List<String> problems = exitProblems("load", exit, timeoutSeconds);
        out.failures().forEach(f -> problems.add("load: " + f));
        YcsbOutput.OpStats insert = out.op("INSERT");
        long ok = insert == null ? 0 : insert.ok();
        if (ok != records) {
            problems.add("load: " + ok + " of " + records + " records inserted");
        }
        return problems;
    }

    /**
     * Why a run phase failed; empty when every operation was OK and all {@code operations} were
     * done, or the phase ran into its time cap ({@code maxSeconds}, YCSB's maxexecutiontime).
     */
    static List<String> checkRun(YcsbOutput out, ForkJvm.Exit exit, long operations, int maxSeconds,
                                 long timeoutSeconds) {
        List<String> problems = exitProblems("run", exit, timeoutSeconds);
        out.failures().forEach(f -> problems.add("run: " + f));
        long done = out.operationsDone();
        boolean capped = maxSeconds > 0 && out.runTimeMs().orElse(0) >= maxSeconds * 1000L - 1000;
        if (done == 0) {
            problems.add("run: no operation done");
        } else if (done < operations && !capped) {
            problems.add("run: " + done + " of " + operations + " operations done");
        }
        return problems;
    }

    private static List<String> exitProblems(String phase, ForkJvm.Exit exit, long timeoutSeconds) {
        List<String> problems = new ArrayList<>();
        if (exit.timedOut()) {
            problems.add(phase + ": killed after " + timeoutSeconds + " s");
        } else if (exit.code() != 0) {
            problems.add(phase + ": client exit code " + exit.code());
        }
        return problems;
    }

    /** ", READ p99 45 µs, UPDATE p99 60 µs" for the progress line. */
    private static String latencies(YcsbOutput run) {
        StringBuilder b = new StringBuilder();
        for (String op : YcsbOutput.OPERATIONS) {
            YcsbOutput.OpStats s = run.op(op);
            if (s != null && s.p99Us() >= 0) {
                b.append(b.length() == 0 ? " (p99: " : ", ").append(op).append(' ')
                        .append(String.format(Locale.US, "%,d", s.p99Us())).append(" µs");
            }
        }
        return b.length() == 0 ? "" : b.append(')').toString();
    }

    /** 100000 as "100k", 1000000 as "1M". */
    static String count(long n) {
        if (n >= 1_000_000 && n % 1_000_000 == 0) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1000 && n % 1000 == 0) {
            return n / 1000 + "k";
        }
        return Long.toString(n);
    }
}
