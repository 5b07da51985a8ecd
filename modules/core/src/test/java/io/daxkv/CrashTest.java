package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Kill -9 in the middle of writes, again and again on the same store: after each kill, every
 * key holds its last acknowledged state or the effect of the one operation of its writer that
 * was in flight, never another key's bytes, never a torn value; an in-flight batch is all there
 * or not at all; an aborted blob never shows; the key and byte counters agree with the contents.
 *
 * <p>A child JVM ({@link CrashChild}) writes with {@link Durability#SYNC} (every third cycle
 * {@link Durability#ASYNC}: the page cache outlives the process, so a process crash must lose
 * nothing that returned either) and reports what it starts and what returned; the parent kills
 * it with SIGKILL after a seeded number of acknowledgements, reopens the store in-process,
 * checks (then closes it and runs fsck, which must find it clean), and starts the next child on the
 * same store.
 *
 * <p>Standalone, for many cycles (from {@code modules/core}, after {@code mvn -o test-compile}):
 * <pre>
 *   mvn -o -q dependency:build-classpath -Dmdep.outputFile=cp.txt
 *   java --add-opens=java.base/java.lang=ALL-UNNAMED ... (the flags of JvmFlags.commandLine()) \
 *        -cp target/test-classes:target/classes:$(cat cp.txt) io.daxkv.CrashTest 500 [dir] [seed] [blockSizeBytes]
 * </pre>
 * It prints {@code crash cycles: N, acknowledged ops checked: M, failures: F} and exits 1 on a failure.
 * Under {@code dir} it keeps each child's record ({@code child-logs/child-N.log}) and copies of the
 * store as the last two kills left it, before recovery touched them ({@code child-logs/crash-image-N}).
 */
class CrashTest {

    static final int THREADS = 4;
    static final int KEYS_PER_THREAD = 12;
    static final long CHILD_STALL_MS = 60_000;

    @TempDir
    Path tmp;

    /** 50 cycles on a store of 128 B blocks, 30 on one of 64 B blocks (a header spans two blocks). */
    @ParameterizedTest(name = "{0} B blocks, {1} cycles")
    @CsvSource({"128, 50", "64, 30"})
    void killNineCyclesKeepEveryAcknowledgedWrite(int blockSizeBytes, int cycles) throws Exception {
        long seed = Long.getLong("daxkv.crash.seed", 20240611L) + blockSizeBytes;
        Cycles c = new Cycles(tmp.resolve("crash-store"), seed, tmp.resolve("child-logs"), blockSizeBytes);
        for (int i = 0; i < cycles; i++) {
            c.runCycle(i);
        }
        assertEquals(cycles, c.cycles);
        assertTrue(c.acksChecked >= cycles * 50L, "only " + c.acksChecked + " acknowledgements in " + cycles + " cycles");
        assertTrue(c.inFlightApplied > 0 && c.inFlightNotApplied > 0, "seed " + seed + ": in-flight operations were never "
                + "caught both ways (applied " + c.inFlightApplied + ", not applied " + c.inFlightNotApplied
                + "): the kills did not land inside operations");
        assertTrue(c.killedDuringOpen > 0, "seed " + seed + ": no child was killed while opening the store");
        System.out.println("crash cycles: " + c.cycles + ", acknowledged ops checked: " + c.acksChecked + ", failures: 0"
                + " (block " + blockSizeBytes + " B; in flight at the kill: " + c.inFlightApplied + " applied, "
                + c.inFlightNotApplied + " not; " + c.killedDuringOpen + " children killed while opening)");
    }

    /** The checker must catch a value of another key, a torn value and a wrong length. */
    @Test
    void decoderRejectsForeignTornAndShortValues() {
        byte[] v = CrashChild.value("c1-2", 77, 500);
        assertEquals(77, CrashChild.decode("c1-2", v));
        assertThrows(IllegalStateException.class, () -> CrashChild.decode("c1-3", v), "another key's value");
        byte[] torn = v.clone();
        torn[400] ^= 1;
        assertThrows(IllegalStateException.class, () -> CrashChild.decode("c1-2", torn), "a torn value");
        assertThrows(IllegalStateException.class, () -> CrashChild.decode("c1-2", Arrays.copyOf(v, 499)), "a short value");
        assertThrows(IllegalStateException.class, () -> CrashChild.decode("c1-2", new byte[3]), "a tiny value");
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("daxkv-crash");
        long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
        int blockSizeBytes = args.length > 3 ? Integer.parseInt(args[3]) : Options.DEFAULT_BLOCK_SIZE_BYTES;
        Cycles c = new Cycles(dir.resolve("store"), seed, dir.resolve("child-logs"), blockSizeBytes);
        c.keepCrashImages = true;
        int failures = 0;
        long start = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                c.runCycle(i);
                if ((i + 1) % 10 == 0) {
                    System.out.println("  " + (i + 1) + " cycles, " + c.acksChecked + " acknowledged ops checked, "
                            + (System.nanoTime() - start) / 1_000_000 + " ms");
                }
            }
        } catch (AssertionError | Exception e) {
            failures++;
            System.out.println("FAILURE (seed " + seed + ", store " + dir + "): " + e.getMessage());
            e.printStackTrace(System.out);
        }
        System.out.println("crash cycles: " + c.cycles + ", acknowledged ops checked: " + c.acksChecked + ", failures: "
                + failures);
        System.exit(failures == 0 ? 0 : 1);
    }

    // ------------------------------------------------------------------------------ the model

    /** A present value: who wrote it. */
    record State(long seq, int length) {
        @Override
        public String toString() {
            return "seq " + seq + " (" + length + " B)";
        }
    }

    /** One key's part of an operation: kind PUT, PIA, REP, BLOB, ABORT or DEL (length -1). */
    record Item(String kind, String key, long seq, int length) {
    }

    /** A parsed BEGIN/ACK text. */
    record Op(String text, String kind, List<Item> items) {

        static Op parse(String text) {
            String[] f = text.split(" ");
            List<Item> items = new ArrayList<>();
            switch (f[0]) {
                case "PUT", "PIA", "REP", "BLOB", "ABORT" -> items.add(new Item(f[0], f[1], Long.parseLong(f[2]),
                        Integer.parseInt(f[3])));
                case "DEL" -> items.add(new Item("DEL", f[1], Long.parseLong(f[2]), -1));
                case "BATCH" -> {
                    for (int i = 1; i < f.length; i++) {
                        String[] p = f[i].split(":");
                        items.add(p[0].equals("D") ? new Item("DEL", p[1], Long.parseLong(p[2]), -1)
                                : new Item("PUT", p[1], Long.parseLong(p[2]), Integer.parseInt(p[3])));
                    }
                }
                default -> throw new IllegalArgumentException("unknown operation in child output: " + text);
            }
            return new Op(text, f[0], items);
        }

        /** The state of each touched key after this op, given the states before (absent: null). */
        Map<String, State> after(Map<String, State> before) {
            Map<String, State> out = new LinkedHashMap<>();
            for (Item it : items) {
                State cur = out.containsKey(it.key) ? out.get(it.key) : before.get(it.key);
                State written = new State(it.seq, it.length);
                State next = switch (it.kind) {
                    case "PUT", "BLOB" -> written;
                    case "PIA" -> cur == null ? written : cur;
                    case "REP" -> cur != null ? written : null;
                    case "ABORT" -> cur;
                    case "DEL" -> null;
                    default -> throw new IllegalStateException("kind " + it.kind);
                };
                out.put(it.key, next);
            }
            return out;
        }
    }

    // ----------------------------------------------------------------------------- the cycles

    static final class Cycles {
        final Path store;
        final long seed;
        final Path logs;
        final int blockSizeBytes;
        final Map<String, State> acked = new HashMap<>();
        final List<String> allKeys = new ArrayList<>();
        /** Copy the store as the kill left it (before recovery touches it) and keep the copy of a failed cycle. */
        boolean keepCrashImages;
        int cycles;
        long acksChecked;
        long inFlightApplied;
        long inFlightNotApplied;
        int killedDuringOpen;
        private String classPath;

        Cycles(Path store, long seed, Path logs, int blockSizeBytes) throws IOException {
            this.store = store;
            this.seed = seed;
            this.blockSizeBytes = blockSizeBytes;
            this.logs = logs;
            Files.createDirectories(logs);
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < KEYS_PER_THREAD; i++) {
                    allKeys.add(CrashChild.key(t, i));
                }
            }
        }

        void runCycle(int cycle) throws Exception {
            try {
                runCycleOnce(cycle);
            } catch (AssertionError e) {
                AssertionError withLog = new AssertionError(e.getMessage() + "\n  child record: "
                        + logs.resolve("child-" + cycle + ".log"), e.getCause());
                withLog.setStackTrace(e.getStackTrace());
                throw withLog;
            }
        }

        private void runCycleOnce(int cycle) throws Exception {
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003 + cycle);
            int killAfter = rnd.nextInt(50, 501);
            Durability durability = cycle % 3 == 2 ? Durability.ASYNC : Durability.SYNC;
            // every fourth cycle a second child opens the store the kill left, and is killed during
            // recovery or right after it: the parent then checks against the first child's record
            boolean killRecovery = cycle % 4 == 3;
            long seqBase = (cycle + 1L) * 100_000_000L;
            String where = "[seed " + seed + " block " + blockSizeBytes + " cycle " + cycle + " " + durability
                    + " kill after " + killAfter + " acks" + (killRecovery ? ", then kill a reopen" : "") + "] ";
            Path stderr = logs.resolve("child-" + cycle + ".err");
            Path record = logs.resolve("child-" + cycle + ".log");
            Files.deleteIfExists(record);

            Deque<String> recent = new ArrayDeque<>();
            int seen = runChild(List.of(store.toString(), Long.toString(rnd.nextLong()), Integer.toString(THREADS),
                    Integer.toString(KEYS_PER_THREAD), Long.toString(seqBase), durability.name(), record.toString(),
                    Integer.toString(blockSizeBytes)), killAfter, null, stderr, recent, where);
            if (killRecovery) {
                String at = cycle % 8 == 3 ? "OPENING" : "OPEN"; // during recovery, or just after it
                Path stderr2 = logs.resolve("child-" + cycle + "-reopen.err");
                runChild(List.of(store.toString(), "0", "0", "0", "0", durability.name(), "-", Integer.toString(blockSizeBytes)),
                        Integer.MAX_VALUE, at, stderr2, new ArrayDeque<>(), where + "(the reopening child) ");
                if (at.equals("OPENING")) {
                    killedDuringOpen++;
                }
            }
            Map<Integer, Op> inFlight = new HashMap<>();
            recent.clear();
            int acks = 0;
            byte[] raw = Files.readAllBytes(record);
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == '\n') { // a last line without its newline was cut by the kill: ignored
                    acks += apply(new String(raw, start, i - start, StandardCharsets.US_ASCII), inFlight, recent, where,
                            stderr);
                    start = i + 1;
                }
            }
            if (acks < seen) {
                throw new AssertionError(where + "the record holds " + acks + " acks, stdout showed " + seen);
            }
            verify(inFlight, where + "after " + acks + " acks: ", recent, stderr);
            acksChecked += acks;
            cycles++;
        }

        /**
         * Runs a child and kills it (SIGKILL) once stdout showed {@code killAfterAcks} acks or the
         * line {@code killAtLine}; returns the acks seen. Stdout only says how far the child got;
         * the record file says what it did.
         */
        private int runChild(List<String> args, int killAfterAcks, String killAtLine, Path stderr, Deque<String> recent,
                             String where) throws Exception {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JvmFlags.commandLine());
            cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                    "-cp", childClassPath(), CrashChild.class.getName()));
            cmd.addAll(args);
            Process child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread pump = new Thread(() -> pumpLines(child.getInputStream(), lines), "crash-pump");
            pump.setDaemon(true);
            pump.start();
            int seen = 0;
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CHILD_STALL_MS);
                for (;;) {
                    String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (line == null) {
                        throw new AssertionError(where + "the child made no progress for " + CHILD_STALL_MS / 1000
                                + " s after " + seen + " acks (a hang in the store?)" + tail(recent, stderr));
                    }
                    if (line == END) {
                        throw new AssertionError(where + "the child ended by itself after " + seen + " acks (exit "
                                + waitExit(child) + ")" + tail(recent, stderr));
                    }
                    recent.addLast(line);
                    if (recent.size() > 12) {
                        recent.removeFirst();
                    }
                    if (line.startsWith("ERR ")) {
                        throw new AssertionError(where + "the child found the store wrong: " + line + tail(recent, stderr));
                    }
                    if (line.startsWith("ACK ")) {
                        seen++;
                    }
                    if (seen >= killAfterAcks || line.equals(killAtLine)) {
                        return seen;
                    }
                }
            } finally {
                child.destroyForcibly(); // SIGKILL
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    throw new AssertionError(where + "the child did not die within 30 s of SIGKILL");
                }
                child.getOutputStream().close();
            }
        }

        /**
         * This JVM's class path, behind copies of the class directories of the engine and of these
         * tests taken once: a build running beside the test (others share the checkout) may
         * rewrite {@code target/classes} while children start, which would fail them with
         * NoClassDefFoundError.
         */
        private String childClassPath() throws Exception {
            if (classPath == null) {
                List<String> parts = new ArrayList<>();
                for (Class<?> c : List.of(CrashChild.class, DaxKV.class)) {
                    Path location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
                    if (Files.isDirectory(location)) {
                        Path copy = logs.resolve("classes-" + parts.size());
                        try (var walk = Files.walk(location)) {
                            for (Path from : (Iterable<Path>) walk::iterator) {
                                Path to = copy.resolve(location.relativize(from).toString());
                                if (Files.isDirectory(from)) {
                                    Files.createDirectories(to);
                                } else {
                                    Files.copy(from, to);
                                }
                            }
                        }
                        location = copy;
                    }
                    parts.add(location.toString());
                }
                parts.add(System.getProperty("java.class.path"));
                classPath = String.join(java.io.File.pathSeparator, parts);
            }
            return classPath;
        }

        /** Applies one output line; returns 1 for an acknowledgement. */
        private int apply(String line, Map<Integer, Op> inFlight, Deque<String> recent, String where, Path stderr) {
            recent.addLast(line);
            if (recent.size() > 12) {
                recent.removeFirst();
            }
            if (line.equals("OPEN") || line.equals("OPENING")) {
                return 0;
            }
            String[] f = line.split(" ", 3);
            if (f[0].equals("ERR")) {
                throw new AssertionError(where + "the child found the store wrong: " + line + tail(recent, stderr));
            }
            int thread = Integer.parseInt(f[1]);
            Op op = Op.parse(f[2]);
            if (f[0].equals("BEGIN")) {
                if (inFlight.containsKey(thread)) {
                    throw new AssertionError(where + "thread " + thread + " began " + f[2] + " while " + inFlight.get(thread).text
                            + " had no ack");
                }
                inFlight.put(thread, op);
                return 0;
            }
            if (!f[0].equals("ACK")) {
                throw new AssertionError(where + "unexpected child output: " + line);
            }
            Op begun = inFlight.remove(thread);
            if (begun == null || !begun.text.equals(op.text)) {
                throw new AssertionError(where + "ack of " + op.text + " without its BEGIN (in flight: "
                        + (begun == null ? "nothing" : begun.text) + ")");
            }
            for (Map.Entry<String, State> e : op.after(acked).entrySet()) {
                if (e.getValue() == null) {
                    acked.remove(e.getKey());
                } else {
                    acked.put(e.getKey(), e.getValue());
                }
            }
            return 1;
        }

        private void verify(Map<Integer, Op> inFlight, String where, Deque<String> recent, Path stderr) {
            Map<String, State> found = new HashMap<>();
            Map<String, State> maybe = new HashMap<>();
            Map<String, Op> maybeBy = new HashMap<>();
            for (Op op : inFlight.values()) {
                for (Map.Entry<String, State> e : op.after(acked).entrySet()) {
                    maybe.put(e.getKey(), e.getValue());
                    maybeBy.put(e.getKey(), op);
                }
            }
            Path snapshot = keepCrashImages ? snapshot(where) : null;
            try (DaxKV kv = DaxKV.open(store, CrashChild.options(Durability.SYNC, blockSizeBytes))) {
                long bytes = 0;
                for (String key : allKeys) {
                    byte[] v;
                    try {
                        v = kv.get(key.getBytes(StandardCharsets.US_ASCII));
                    } catch (DaxKVException e) {
                        throw new AssertionError(where + "get " + key + " threw " + e + tail(recent, stderr), e);
                    }
                    State s = null;
                    if (v != null) {
                        try {
                            s = new State(CrashChild.decode(key, v), v.length);
                        } catch (IllegalStateException bad) {
                            throw new AssertionError(where + "key " + key + " holds a wrong value: " + bad.getMessage()
                                    + "; expected " + describe(acked.get(key)) + (maybeBy.containsKey(key)
                                    ? " or, from in-flight " + maybeBy.get(key).text + ", " + describe(maybe.get(key)) : "")
                                    + tail(recent, stderr));
                        }
                        bytes += key.length() + v.length;
                        found.put(key, s);
                    }
                    State expected = acked.get(key);
                    boolean ok = Objects.equals(s, expected) || maybeBy.containsKey(key) && Objects.equals(s, maybe.get(key));
                    if (!ok) {
                        throw new AssertionError(where + "key " + key + " is " + describe(s) + "; expected its last "
                                + "acknowledged state, " + describe(expected) + (maybeBy.containsKey(key)
                                ? ", or, from the in-flight " + maybeBy.get(key).text + ", " + describe(maybe.get(key))
                                : " (no operation of its writer was in flight)") + tail(recent, stderr));
                    }
                }
                for (Op op : inFlight.values()) {
                    checkAllOrNothing(op, found, where, recent, stderr);
                }
                List<String> scanned = new ArrayList<>();
                try (Cursor c = kv.scan(new byte[0], null)) {
                    while (c.hasNext()) {
                        Entry e = c.next();
                        String key = new String(e.key(), StandardCharsets.US_ASCII);
                        State s = found.get(key);
                        if (s == null) {
                            throw new AssertionError(where + "scan returned key " + key + " (" + e.value().length
                                    + " B), which get says is absent or which nobody wrote" + tail(recent, stderr));
                        }
                        if (CrashChild.decode(key, e.value()) != s.seq || e.value().length != s.length) {
                            throw new AssertionError(where + "scan and get disagree on " + key);
                        }
                        scanned.add(key);
                    }
                }
                assertEquals(found.size(), scanned.size(), where + "scan returned " + scanned + " but get found " + found.keySet());
                Stats st = kv.stats();
                assertEquals(found.size(), st.keys(), where + "stats().keys() after recovery (" + st + ")");
                assertEquals(bytes, st.liveBytes(), where + "stats().liveBytes() after recovery (" + st + ")");
                long blocks = 0;
                for (Map.Entry<String, State> e : found.entrySet()) {
                    blocks += ModelTest.recordBlocks(e.getKey().length(), e.getValue().length, st.blockSizeBytes());
                }
                assertEquals(blocks, st.blocksUsed(), where + "stats().blocksUsed() after recovery: an extent allocated "
                        + "but never committed must be free again (" + st + ")");
            }
            // the reopened store, closed clean, must pass fsck with nothing to replay and nothing found
            io.daxkv.fsck.FsckReport fsck = io.daxkv.fsck.Fsck.run(store, false, io.daxkv.fsck.ProgressListener.NONE);
            if (fsck.result() != io.daxkv.fsck.FsckReport.Result.CLEAN || fsck.replayedTransactions() != 0
                    || fsck.keys() != found.size()) {
                throw new AssertionError(where + "fsck after the reopen: " + fsck.result() + ", " + fsck.keys() + " keys (expected "
                        + found.size() + "), replayed " + fsck.replayedTransactions() + "; findings: " + fsck.findings()
                        + tail(recent, stderr));
            }
            for (Op op : inFlight.values()) {
                Map<String, State> after = op.after(acked);
                boolean applied = false;
                boolean differs = false;
                for (Map.Entry<String, State> e : after.entrySet()) {
                    if (!Objects.equals(e.getValue(), acked.get(e.getKey()))) {
                        differs = true;
                        applied |= Objects.equals(found.get(e.getKey()), e.getValue());
                    }
                }
                if (differs) {
                    if (applied) {
                        inFlightApplied++;
                    } else {
                        inFlightNotApplied++;
                    }
                }
            }
            if (snapshot != null) {
                deleteTree(logs.resolve("crash-image-" + (cycles - 2))); // keep this one and the one before
            }
            // the next cycle starts from what is there (each in-flight op either happened or not)
            acked.clear();
            acked.putAll(found);
        }

        /** A batch in flight: every key before it or every key after it, never a mix. */
        private void checkAllOrNothing(Op op, Map<String, State> found, String where, Deque<String> recent, Path stderr) {
            if (!op.kind.equals("BATCH")) {
                return;
            }
            Map<String, State> after = op.after(acked);
            boolean allBefore = true;
            boolean allAfter = true;
            for (String key : after.keySet()) {
                allBefore &= Objects.equals(found.get(key), acked.get(key));
                allAfter &= Objects.equals(found.get(key), after.get(key));
            }
            if (!allBefore && !allAfter) {
                StringBuilder sb = new StringBuilder();
                for (String key : after.keySet()) {
                    sb.append("\n    ").append(key).append(": found ").append(describe(found.get(key))).append(", before ")
                            .append(describe(acked.get(key))).append(", after ").append(describe(after.get(key)));
                }
                throw new AssertionError(where + "the in-flight " + op.text + " is half applied:" + sb + tail(recent, stderr));
            }
        }

        private Path snapshot(String where) {
            Path image = logs.resolve("crash-image-" + cycles);
            try {
                deleteTree(image);
                Files.createDirectories(image);
                try (var files = Files.list(store)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Files.copy(f, image.resolve(f.getFileName()));
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(where + "cannot copy the crash image: " + e, e);
            }
            return image;
        }

        private static void deleteTree(Path p) {
            if (!Files.exists(p)) {
                return;
            }
            try (var walk = Files.walk(p)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static String describe(State s) {
            return s == null ? "absent" : s.toString();
        }

        private static String tail(Deque<String> recent, Path stderr) {
            String err;
            try {
                err = Files.exists(stderr) ? Files.readString(stderr, StandardCharsets.ISO_8859_1) : "";
            } catch (IOException e) {
                err = "(cannot read " + stderr + ": " + e + ")";
            }
            if (err.length() > 4000) {
                err = err.substring(0, 4000) + "...";
            }
            return "\n  last child lines:\n    " + String.join("\n    ", recent)
                    + (err.isBlank() ? "" : "\n  child stderr:\n" + err);
        }

        private static int waitExit(Process p) throws InterruptedException {
            p.waitFor(10, TimeUnit.SECONDS);
            return p.isAlive() ? -1 : p.exitValue();
        }
    }

    // --------------------------------------------------------------------------- child output

    /** Marks the end of the child's output. */
    static final String END = new String("<end>");

    /** Splits the child's stdout into lines; a last line without its newline was cut by the kill and is dropped. */
    static void pumpLines(InputStream in, BlockingQueue<String> out) {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        out.add(sb.toString());
                        sb.setLength(0);
                    } else {
                        sb.append((char) (buf[i] & 0xFF));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone; what was read counts
        }
        out.add(END);
    }
}
