package io.daxkv.crash;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.Blob;
import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.Entry;
import io.daxkv.Options;
import io.daxkv.Stats;
import io.daxkv.WriteBatch;
import io.daxkv.extent.RecordPlan;
import io.daxkv.pmem.MemoryWrapper;
import io.daxkv.pmem.PersistentMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated power loss: every workload of up to three operations on two keys, run once on a
 * store whose files live in recorded heap memory ({@link PowerLossRecorder}); then recovery runs
 * on power-loss images built from the record ({@link CrashImages}): durable bytes plus prefixes,
 * subsets and 8-byte tears of the stores not yet flushed, at every flush. On each image:
 *
 * <ul>
 *   <li>the store opens;</li>
 *   <li>it holds exactly the state after the acknowledged operations, or after the one in flight
 *       as well (operations are SYNC and run one at a time, so nothing else is allowed: no lost
 *       acknowledged write, no half batch, no value of another key or of a freed block, no
 *       uncommitted blob);</li>
 *   <li>its counters agree: keys, live bytes, and used blocks equal the live records' extents
 *       (a block allocated by an operation that did not commit is free again);</li>
 *   <li>it takes a new write, closes clean and reopens to the same contents, built on the index
 *       checkpoint the close wrote;</li>
 *   <li>a process crash right after the recovery (every file as it stood) recovers to the same
 *       contents, alternately from the index checkpoint and by a scan, so nothing the first
 *       recovery left unseen in free blocks comes back.</li>
 * </ul>
 * Index checkpoints are files, not mappings: the recorder keeps each as it is written, and an
 * image holds those written before its crash point.
 *
 * <p>Operation kinds: small put (one block), multi-block put, delete, a batch of two puts, a batch
 * of a put and a delete, and a blob (reserved, written in two parts, committed); a put on a key
 * that exists is the overwrite. The suite runs every workload of one and two operations and a
 * seeded sample of three-operation ones, at least 10,000 images. The exhaustive sweep (every
 * workload of up to three operations, more images per crash point) runs with
 * {@code mvn -pl modules/core test -Pexhaustive-power-loss} (see the README).
 */
class PowerLossTest {

    static final boolean EXHAUSTIVE = Boolean.getBoolean("daxkv.powerloss.exhaustive");
    static final int BLOCK_BYTES = 128;
    static final byte[][] KEYS = {bytes("k0"), bytes("k1")};

    @TempDir
    Path tmp;

    /** The one INFO line each open after a crash logs would be thousands of lines here. */
    private static final java.util.logging.Logger ENGINE_LOG = java.util.logging.Logger.getLogger("io.daxkv");
    private static java.util.logging.Level engineLogLevel;

    @org.junit.jupiter.api.BeforeAll
    static void quietRecoveryLog() {
        engineLogLevel = ENGINE_LOG.getLevel();
        ENGINE_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreRecoveryLog() {
        ENGINE_LOG.setLevel(engineLogLevel);
    }

    /** One operation of a workload. */
    enum Kind { SMALL, MULTI, DELETE, BATCH_PUTS, BATCH_PUT_DELETE, BLOB }

    static final class Op {
        final Kind kind;
        final int key;

        Op(Kind kind, int key) {
            this.kind = kind;
            this.key = key;
        }

        /** The value this op (at {@code index} of its workload) writes to key {@code k}. */
        byte[] value(int index, int k) {
            int length = kind == Kind.MULTI ? 700 : kind == Kind.BLOB ? 300 : (kind == Kind.BATCH_PUTS && k == 1) ? 500 : 12;
            byte[] v = new byte[length];
            byte[] tag = bytes("op" + index + "-" + kind + "-k" + k + ";");
            for (int i = 0; i < length; i++) {
                v[i] = tag[i % tag.length];
            }
            return v;
        }

        void run(DaxKV s, int index) {
            byte[] key = KEYS[this.key];
            switch (kind) {
                case SMALL:
                case MULTI:
                    s.put(key, value(index, this.key));
                    break;
                case DELETE:
                    s.delete(key);
                    break;
                case BATCH_PUTS:
                    s.write(new WriteBatch().put(KEYS[0], value(index, 0)).put(KEYS[1], value(index, 1)));
                    break;
                case BATCH_PUT_DELETE:
                    s.write(new WriteBatch().put(key, value(index, this.key)).delete(KEYS[1 - this.key]));
                    break;
                case BLOB:
                    byte[] v = value(index, this.key);
                    try (Blob b = s.createBlob(key, v.length)) {
                        b.write(v.length / 2, Arrays.copyOfRange(v, v.length / 2, v.length));
                        b.write(0, Arrays.copyOfRange(v, 0, v.length / 2));
                        b.commit();
                    }
                    break;
                default:
                    throw new IllegalStateException(kind.toString());
            }
        }

        void applyTo(Map<String, byte[]> state, int index) {
            switch (kind) {
                case SMALL:
                case MULTI:
                case BLOB:
                    state.put(name(key), value(index, key));
                    break;
                case DELETE:
                    state.remove(name(key));
                    break;
                case BATCH_PUTS:
                    state.put(name(0), value(index, 0));
                    state.put(name(1), value(index, 1));
                    break;
                case BATCH_PUT_DELETE:
                    state.put(name(key), value(index, key));
                    state.remove(name(1 - key));
                    break;
                default:
                    throw new IllegalStateException(kind.toString());
            }
        }

        @Override
        public String toString() {
            return kind == Kind.BATCH_PUTS ? kind.toString() : kind + "(k" + key + ")";
        }
    }

    static List<Op> allOps() {
        List<Op> ops = new ArrayList<>();
        for (Kind k : Kind.values()) {
            ops.add(new Op(k, 0));
            if (k != Kind.BATCH_PUTS) {
                ops.add(new Op(k, 1));
            }
        }
        return ops;
    }

    /** Every workload of one and two operations, and (all or a seeded sample of) three. */
    static List<List<Op>> workloads(int sampleOfThree, long seed) {
        List<Op> ops = allOps();
        List<List<Op>> out = new ArrayList<>();
        for (Op a : ops) {
            out.add(List.of(a));
        }
        for (Op a : ops) {
            for (Op b : ops) {
                out.add(List.of(a, b));
            }
        }
        List<List<Op>> threes = new ArrayList<>();
        for (Op a : ops) {
            for (Op b : ops) {
                for (Op c : ops) {
                    threes.add(List.of(a, b, c));
                }
            }
        }
        if (sampleOfThree < threes.size()) {
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = threes.size() - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                List<Op> t = threes.get(i);
                threes.set(i, threes.get(j));
                threes.set(j, t);
            }
            threes = threes.subList(0, sampleOfThree);
        }
        out.addAll(threes);
        return out;
    }

    static Options options() {
        return Options.builder().regionSizeBytes(Options.MIN_REGION_SIZE_BYTES).blockSizeBytes(BLOCK_BYTES)
                .journalSizeBytes(1L << 20).durability(Durability.SYNC).build();
    }

    @Test
    void recoveryKeepsEveryAcknowledgedWriteOnEveryPowerLossImage() throws IOException {
        long seed = Long.getLong("daxkv.powerloss.seed", 20261202L);
        List<List<Op>> workloads = workloads(EXHAUSTIVE ? Integer.MAX_VALUE : 90, seed);
        CrashImages.Budget budget = EXHAUSTIVE ? new CrashImages.Budget(6, 3, 3) : new CrashImages.Budget(2, 2, 2);
        long images = 0;
        long crashPointsWithPending = 0;
        int i = 0;
        for (List<Op> w : workloads) {
            long[] counted = runAndCheck(w, seed + i, budget, tmp.resolve("w" + i++));
            images += counted[0];
            crashPointsWithPending += counted[1];
        }
        System.out.println("power-loss images checked: " + images + " from " + workloads.size() + " workloads ("
                + crashPointsWithPending + " images with torn or partial pending stores; recovered from the index"
                + " checkpoint " + fromCheckpoint + ", by a scan " + scanned + ")");
        assertTrue(images >= (EXHAUSTIVE ? 100_000 : 10_000), "only " + images + " images");
        assertTrue(fromCheckpoint >= images / 4 && scanned >= images / 20,
                "both recoveries must be exercised: checkpoint " + fromCheckpoint + ", scan " + scanned);
    }

    /** Runs one workload recorded, then checks every image; returns {images, images that were not "none"/"all"}. */
    long[] runAndCheck(List<Op> workload, long seed, CrashImages.Budget budget, Path dir) throws IOException {
        PowerLossRecorder recorder = new PowerLossRecorder();
        List<Map<String, byte[]>> states = new ArrayList<>();
        Map<String, byte[]> state = new TreeMap<>();
        states.add(new TreeMap<>(state));
        try (DaxKV s = DaxKV.open(dir, options().toBuilder().memoryWrapper(recorder).build())) {
            recorder.opened();
            for (int i = 0; i < workload.size(); i++) {
                recorder.started(i);
                workload.get(i).run(s, i);
                recorder.returned(i);
                workload.get(i).applyTo(state, i);
                states.add(new TreeMap<>(state));
            }
        }
        List<String> names = recorder.fileNames();
        long[] partial = new long[1];
        long n = CrashImages.forEach(recorder, budget, seed, image -> {
            if (!image.description.endsWith("none of them") && !image.description.endsWith("all of them")) {
                partial[0]++;
            }
            check(dir, names, image, states, workload);
        });
        deleteTree(dir);
        return new long[] {n, partial[0]};
    }

    private long checked;
    /** Images whose first open was built on the index checkpoint, and those that scanned. */
    private long fromCheckpoint;
    private long scanned;

    void check(Path dir, List<String> names, CrashImages.Image image, List<Map<String, byte[]>> states, List<Op> workload) {
        String what = "workload " + workload + ", " + image.description;
        try {
            installWholeFiles(dir, image.wholeFiles);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ImageWrapper files = new ImageWrapper(names, image.files);
        Options o = options().toBuilder().memoryWrapper(files).build();
        Map<String, byte[]> got;
        List<SparseMemory> crashCopy = new ArrayList<>();
        Map<String, byte[]> crashWholeFiles;
        try (DaxKV s = DaxKV.open(dir, o)) {
            got = contents(s);
            Map<String, byte[]> before = states.get(image.acknowledged);
            Map<String, byte[]> after = image.inFlight >= 0 ? states.get(image.acknowledged + 1) : null;
            if (!same(got, before) && (after == null || !same(got, after))) {
                throw new AssertionError(what + ": store holds " + show(got) + ", expected " + show(before)
                        + (after == null ? "" : " or " + show(after)));
            }
            checkCounters(s.stats(), got, what);
            if (s.stats().openedFromIndexCheckpoint()) {
                fromCheckpoint++;
            } else {
                scanned++;
            }
            // a process crash right after recovery: every file as it stands (one lock holds the store still)
            synchronized (image.files.get(0).lock()) {
                Object lock = new Object();
                for (SparseMemory m : image.files) {
                    crashCopy.add(m.copy(lock));
                }
                crashWholeFiles = wholeFiles(dir);
            }
            s.put(bytes("later"), bytes("written after recovery"));
        } catch (RuntimeException | IOException e) {
            throw new AssertionError(what + ": " + e, e);
        }
        Map<String, byte[]> recovered = new TreeMap<>(got);
        got.put("later", bytes("written after recovery"));
        try (DaxKV s = DaxKV.open(dir, o)) {
            Map<String, byte[]> again = contents(s);
            if (!same(got, again)) {
                throw new AssertionError(what + ": after a clean close and reopen the store holds " + show(again)
                        + ", before it held " + show(got));
            }
            checkCounters(s.stats(), again, what + ", reopened");
            if (s.stats().regionsOpenedDirty() != 0 || s.stats().replayedTransactions() != 0
                    || !s.stats().openedFromIndexCheckpoint()) {
                throw new AssertionError(what + ": the reopen after a clean close found "
                        + s.stats().regionsOpenedDirty() + " dirty regions, replayed "
                        + s.stats().replayedTransactions() + " transactions and "
                        + (s.stats().openedFromIndexCheckpoint() ? "used" : "did not use") + " the index checkpoint");
            }
        } catch (RuntimeException e) {
            throw new AssertionError(what + ", reopened: " + e, e);
        }
        // the process crash after the later write: recovered once with the index checkpoint, once
        // by a scan (which must not bring back anything the first recovery left in free blocks)
        boolean scan = (checked++ & 1) == 0;
        try {
            if (scan) {
                crashWholeFiles.keySet().removeIf(io.daxkv.index.IndexCheckpoint::isCheckpointFile);
            }
            installWholeFiles(dir, crashWholeFiles);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (DaxKV s = DaxKV.open(dir, options().toBuilder().memoryWrapper(new ImageWrapper(names, crashCopy)).build())) {
            Map<String, byte[]> again = contents(s);
            if (!same(recovered, again)) {
                throw new AssertionError(what + ": after a process crash following the recovery, "
                        + (scan ? "a scan" : "the index checkpoint") + " gives " + show(again) + ", the store held "
                        + show(recovered));
            }
            checkCounters(s.stats(), again, what + ", after the process crash");
        } catch (RuntimeException e) {
            throw new AssertionError(what + ", after a process crash following recovery (" + (scan ? "scan" : "checkpoint")
                    + "): " + e, e);
        }
    }

    /** The index checkpoint files of {@code dir} with their bytes. */
    static Map<String, byte[]> wholeFiles(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (io.daxkv.index.IndexCheckpoint.isCheckpointFile(name) && !name.endsWith(".tmp")) {
                    try {
                        out.put(name, Files.readAllBytes(p));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // deleted after a superblock write that named a newer one: not needed
                    }
                }
            }
        }
        return out;
    }

    /** Makes {@code dir}'s index checkpoint files exactly {@code files}. */
    static void installWholeFiles(Path dir, Map<String, byte[]> files) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (io.daxkv.index.IndexCheckpoint.isCheckpointFile(p.getFileName().toString())) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    static void checkCounters(Stats st, Map<String, byte[]> got, String what) {
        long blocks = 0;
        long bytes = 0;
        for (Map.Entry<String, byte[]> e : got.entrySet()) {
            RecordPlan p = RecordPlan.of(bytes(e.getKey()).length, e.getValue().length);
            blocks += (p.primaryBytes + BLOCK_BYTES - 1) / BLOCK_BYTES;
            bytes += e.getValue().length;
        }
        if (st.keys() != got.size() || st.blocksUsed() != blocks) {
            throw new AssertionError(what + ": stats say " + st.keys() + " keys in " + st.blocksUsed()
                    + " blocks; the store holds " + got.size() + " keys whose records take " + blocks + " blocks");
        }
    }

    static Map<String, byte[]> contents(DaxKV s) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Cursor c = s.scan(new byte[0], null)) {
            while (c.hasNext()) {
                Entry e = c.next();
                out.put(new String(e.key(), StandardCharsets.UTF_8), e.value());
            }
        }
        for (byte[] k : KEYS) {
            byte[] v = s.get(k);
            byte[] scanned = out.get(name(k));
            if (!Arrays.equals(v, scanned)) {
                throw new AssertionError("get(" + name(k) + ") and scan disagree: " + show(v) + " vs " + show(scanned));
            }
        }
        return out;
    }

    static boolean same(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static String show(Map<String, byte[]> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, byte[]> e : m.entrySet()) {
            sb.append(sb.length() > 1 ? ", " : "").append(e.getKey()).append('=').append(show(e.getValue()));
        }
        return sb.append('}').toString();
    }

    static String show(byte[] v) {
        if (v == null) {
            return "absent";
        }
        String s = new String(v, 0, Math.min(v.length, 24), StandardCharsets.UTF_8);
        return "\"" + s + (v.length > 24 ? "…" : "") + "\" (" + v.length + " B)";
    }

    static String name(int key) {
        return name(KEYS[key]);
    }

    static String name(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Hands the store an image's memories in place of its files' mappings (the same ones on every open). */
    static final class ImageWrapper implements MemoryWrapper {
        private final List<String> names;
        private final List<SparseMemory> files;

        ImageWrapper(List<String> names, List<SparseMemory> files) {
            this.names = names;
            this.files = files;
        }

        @Override
        public PersistentMemory wrap(Path file, PersistentMemory mapping) {
            int i = names.indexOf(file.getFileName().toString());
            if (i < 0) {
                throw new IllegalStateException(file + " was not in the recording (names: " + names + ")");
            }
            SparseMemory m = files.get(i);
            m.onClose(mapping);
            return m;
        }
    }
}
