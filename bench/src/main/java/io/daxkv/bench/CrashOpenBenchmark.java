package io.daxkv.bench;

import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.Options;
import io.daxkv.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Open time after a crash: a child JVM loads a store (1M keys of 1000 B by default, ASYNC, then
 * {@link DaxKV#checkpoint()}), writes a tail of SYNC overwrites after the checkpoint and is
 * killed with SIGKILL. The crashed store is copied, and each copy opened in this JVM: once with
 * its index checkpoint (load it, replay the log after it, visit the records both name), once
 * with the checkpoint deleted (scan every region). Wall time of {@link DaxKV#open} per mode,
 * median of the repetitions, each on a fresh copy of the same crash image (forced to disk, so
 * the copy leaves no dirty page for open's flush), page cache warm, after one uncounted round of
 * both that warms the JIT up. The crashed child's own unflushed pages (its last SYNC writes went
 * to the journal only) are in the image as it left them.
 *
 * <pre>
 *   bench/run-crash-open.sh [keys [valueBytes [tailWrites [repetitions]]]]
 * </pre>
 * Not JMH: each measurement needs a crashed store, which only a killed process leaves.
 */
public final class CrashOpenBenchmark {

    private CrashOpenBenchmark() {
    }

    static byte[] key(int i) {
        return String.format("user%012d", i).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] value(int i, int length, int round) {
        byte[] v = new byte[length];
        long x = i * 0x9E3779B97F4A7C15L + round;
        for (int j = 0; j < length; j++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            v[j] = (byte) ('a' + (x & 15));
        }
        return v;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            return;
        }
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int tail = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path work = TempDirs.create("crash-open");
        try {
            run(work, keys, valueBytes, tail, reps);
        } finally {
            TempDirs.delete(work);
        }
    }

    /** Loads, checkpoints, writes the tail, says READY and waits to be killed. */
    static void child(Path dir, int keys, int valueBytes, int tail) {
        DaxKV kv = DaxKV.open(dir, Options.builder().durability(Durability.ASYNC).build());
        for (int i = 0; i < keys; i++) {
            kv.put(key(i), value(i, valueBytes, 0));
        }
        kv.checkpoint();
        for (int i = 0; i < tail; i++) {
            kv.put(key(i * 7 % keys), value(i * 7 % keys, valueBytes, 1), Durability.SYNC);
        }
        System.out.println("READY " + kv.stats().keys());
        System.out.flush();
        for (;;) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static void run(Path work, int keys, int valueBytes, int tail, int reps) throws Exception {
        Path crashed = work.resolve("crashed");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashOpenBenchmark.class.getName(), "child",
                crashed.toString(), String.valueOf(keys), String.valueOf(valueBytes), String.valueOf(tail)));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                System.out.println("[child] " + line);
            }
            if (line == null) {
                throw new IllegalStateException("the loading child exited with " + p.waitFor());
            }
            System.out.printf("[crash-open] child loaded %d keys of %d B and wrote %d SYNC overwrites in %.1f s; SIGKILL%n",
                    keys, valueBytes, tail, (System.nanoTime() - t0) / 1e9);
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor(60, TimeUnit.SECONDS);
        }
        long[][] millis = new long[2][reps];
        Stats[] last = new Stats[2];
        for (int r = -1; r < reps; r++) { // round -1 warms the JIT up and is not counted
            for (int mode = 0; mode < 2; mode++) {
                Path copy = work.resolve("copy");
                TempDirs.delete(copy);
                copyTree(crashed, copy);
                if (mode == 1) {
                    deleteIndexCheckpoints(copy);
                }
                long start = System.nanoTime();
                DaxKV kv = DaxKV.open(copy);
                if (r >= 0) {
                    millis[mode][r] = (System.nanoTime() - start) / 1_000_000;
                }
                try {
                    last[mode] = kv.stats();
                    check(kv, keys, valueBytes, tail);
                } finally {
                    kv.close();
                }
                TempDirs.delete(copy);
            }
        }
        String[] names = {"index checkpoint + log replay", "full scan (checkpoint deleted)"};
        System.out.println();
        System.out.printf("open after a crash: %,d keys x %d B, %,d SYNC writes after the checkpoint, %d repetitions%n",
                keys, valueBytes, tail, reps);
        System.out.println("| mode | open ms (median) | all runs | recovery ms (last) | replay ms (last) | replayed txns | keys |"
                + " built on checkpoint |");
        System.out.println("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |");
        long[] medians = new long[2];
        for (int mode = 0; mode < 2; mode++) {
            long[] m = millis[mode].clone();
            Arrays.sort(m);
            medians[mode] = m[m.length / 2];
            System.out.printf("| %s | %,d | %s | %,d | %,d | %,d | %,d | %s |%n", names[mode], medians[mode],
                    Arrays.toString(millis[mode]), last[mode].recoveryMillis(), last[mode].replayMillis(),
                    last[mode].replayedTransactions(), last[mode].keys(), last[mode].openedFromIndexCheckpoint());
        }
        System.out.printf("scan / checkpoint: %.2fx%n", medians[1] / (double) Math.max(1, medians[0]));
    }

    /** Every key holds its loaded value or the overwrite its tail gave it (a sample of 10,000). */
    static void check(DaxKV kv, int keys, int valueBytes, int tail) {
        if (kv.stats().keys() != keys) {
            throw new IllegalStateException("the store holds " + kv.stats().keys() + " keys, " + keys + " were written");
        }
        boolean[] overwritten = new boolean[keys];
        for (int i = 0; i < tail; i++) {
            overwritten[i * 7 % keys] = true;
        }
        for (int s = 0; s < Math.min(keys, 10_000); s++) {
            int i = (int) ((long) s * keys / Math.min(keys, 10_000));
            byte[] want = value(i, valueBytes, overwritten[i] ? 1 : 0);
            if (!Arrays.equals(want, kv.get(key(i)))) {
                throw new IllegalStateException("key " + i + " does not hold its last acknowledged value");
            }
        }
    }

    static void deleteIndexCheckpoints(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (io.daxkv.index.IndexCheckpoint.isCheckpointFile(p.getFileName().toString())) {
                    Files.delete(p);
                }
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().equals("LOCK")) {
                    Path target = to.resolve(p.getFileName());
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    // a crashed store's files are on disk: leave no dirty page of the copy for open's flush
                    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(target,
                            java.nio.file.StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
        }
    }
}
