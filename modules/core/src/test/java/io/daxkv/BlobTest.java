package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The blob path through the public API: reserve, write from many threads, read, commit, close.
 *
 * <p>Stores that test zeroing are "dirty": their free blocks held another key's bytes
 * ({@link #GARBAGE}) before, and the zeroer is off, so only the fault path stands between a
 * reader and those bytes.
 */
class BlobTest {

    private static final byte GARBAGE = (byte) 0xEE;
    private static final int BS = Options.DEFAULT_BLOCK_SIZE_BYTES;
    private static final int THREE_MIB = 3 << 20;
    private static final long BARRIER_SECONDS = 30;
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(60);

    @TempDir
    Path dir;

    static Options options(boolean zeroer) {
        return Options.builder().regionSizeBytes(8 << 20).zeroer(zeroer).build();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Capacities: empty, one byte, one block short, a few blocks, and one chained over several extents. */
    static IntStream capacities() {
        return IntStream.of(0, 1, BS - 1, 3 * BS + 17, THREE_MIB);
    }

    static IntStream nonEmptyCapacities() {
        return IntStream.of(1, BS - 1, 3 * BS + 17, 40 * BS + 5, THREE_MIB);
    }

    /** Random bytes, none of them zero, so a lost write can never pass for an unwritten range. */
    static byte[] nonZero(SplittableRandom rnd, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (1 + rnd.nextInt(255));
        }
        return out;
    }

    /**
     * Opens a store whose free blocks all held {@link #GARBAGE}: 5 MiB of values written, deleted,
     * and the store reopened with the zeroer off. Checks the garbage really is on disk.
     */
    DaxKV openDirty(Path store) throws IOException {
        byte[] garbage = new byte[64 << 10];
        java.util.Arrays.fill(garbage, GARBAGE);
        int values = 80;
        try (DaxKV kv = DaxKV.open(store, options(false))) {
            for (int i = 0; i < values; i++) {
                kv.put(b("garbage-" + i), garbage);
            }
            for (int i = 0; i < values; i++) {
                assertTrue(kv.delete(b("garbage-" + i)));
            }
        }
        long garbageBytes = 0;
        try (Stream<Path> files = Files.list(store)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                garbageBytes += count(f, GARBAGE);
            }
        }
        assertTrue(garbageBytes >= (long) values * garbage.length * 9 / 10,
                "precondition: the deleted values' bytes are still in the region files (" + garbageBytes + ")");
        DaxKV kv = DaxKV.open(store, options(false));
        assertEquals(0, kv.stats().keys());
        return kv;
    }

    private static long count(Path file, byte value) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) {
                    n += buf[i] == value ? 1 : 0;
                }
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------- zeros

    @ParameterizedTest(name = "capacity {0}")
    @MethodSource("capacities")
    void unwrittenRangesReadAsZerosBeforeAndAfterCommitAndReopen(int capacity) throws Exception {
        long seed = 1000 + capacity;
        SplittableRandom rnd = new SplittableRandom(seed);
        Path store = dir.resolve("s");
        byte[] key = b("blob");
        byte[] model = new byte[capacity];
        try (DaxKV kv = openDirty(store)) {
            Blob blob = kv.createBlob(key, capacity);
            assertEquals(capacity, blob.capacity());
            assertArrayEquals(key, blob.key());
            assertArrayEquals(model, blob.read(0, capacity), "seed " + seed + ": a fresh blob reads as zeros");
            int writes = capacity == 0 ? 0 : 1 + rnd.nextInt(6);
            for (int i = 0; i < writes; i++) {
                int offset = rnd.nextInt(capacity);
                int length = Math.min(capacity - offset, 1 + rnd.nextInt(300));
                write(blob, model, offset, nonZero(rnd, length));
            }
            if (capacity == THREE_MIB) {
                // across the end of the primary extent and into a continuation, and in the last one
                write(blob, model, (1 << 20) - 200, nonZero(rnd, 400));
                write(blob, model, capacity - 10, nonZero(rnd, 10));
            }
            if (capacity > 0) {
                // a zero-length write converts nothing and changes nothing
                blob.write(capacity / 2, new byte[0]);
            }
            assertArrayEquals(model, blob.read(0, capacity), "seed " + seed + ": read before commit");
            for (int i = 0; i < 20 && capacity > 0; i++) {
                int offset = rnd.nextInt(capacity);
                int length = Math.min(capacity - offset, rnd.nextInt(2 * BS));
                assertArrayEquals(java.util.Arrays.copyOfRange(model, offset, offset + length), blob.read(offset, length),
                        "seed " + seed + ": read [" + offset + ", +" + length + ")");
            }
            assertEquals(0, blob.read(capacity, 0).length);
            blob.commit();
            byte[] got = kv.get(key);
            assertEquals(capacity, got.length, "commit publishes exactly capacity bytes");
            assertArrayEquals(model, got, "seed " + seed + ": get after commit");
            assertEquals(1, kv.stats().keys());
        }
        try (DaxKV kv = DaxKV.open(store, options(false))) {
            assertArrayEquals(model, kv.get(key), "seed " + seed + ": get after reopen");
        }
    }

    private static void write(Blob blob, byte[] model, int offset, byte[] data) {
        blob.write(offset, data);
        System.arraycopy(data, 0, model, offset, data.length);
    }

    // ----------------------------------------------------------------- concurrent writers

    @ParameterizedTest(name = "capacity {0}")
    @MethodSource("nonEmptyCapacities")
    void manyThreadsWritingDisjointRanges(int capacity) throws Exception {
        int threads = 8;
        long seed = 2000 + capacity;
        SplittableRandom rnd = new SplittableRandom(seed);
        // pieces of 1 byte to 2 blocks, dealt out to the threads; about one in five left unwritten
        List<List<int[]>> pieces = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            pieces.add(new ArrayList<>());
        }
        byte[] model = new byte[capacity];
        Map<Integer, byte[]> data = new HashMap<>();
        int maxPiece = capacity > 1 << 20 ? 8 * BS : 2 * BS;
        for (int at = 0; at < capacity; ) {
            int length = Math.min(capacity - at, 1 + rnd.nextInt(maxPiece));
            if (rnd.nextInt(5) != 0) {
                byte[] bytes = nonZero(rnd, length);
                data.put(at, bytes);
                System.arraycopy(bytes, 0, model, at, length);
                pieces.get(rnd.nextInt(threads)).add(new int[] {at, length});
            }
            at += length;
        }
        for (List<int[]> p : pieces) {
            Collections.shuffle(p, new java.util.Random(rnd.nextLong()));
        }
        Path store = dir.resolve("s");
        byte[] key = b("disjoint");
        try (DaxKV kv = openDirty(store)) {
            Blob blob = kv.createBlob(key, capacity);
            runTogether(threads, t -> {
                for (int[] p : pieces.get(t)) {
                    blob.write(p[0], data.get(p[0]));
                }
            }, "seed " + seed);
            assertArrayEquals(model, blob.read(0, capacity), "seed " + seed + ": read after the concurrent writes");
            blob.commit();
            assertArrayEquals(model, kv.get(key), "seed " + seed + ": get after commit");
        }
        try (DaxKV kv = DaxKV.open(store, options(false))) {
            assertArrayEquals(model, kv.get(key), "seed " + seed + ": get after reopen");
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @MethodSource("nonEmptyCapacities")
    void manyThreadsWritingOverlappingRangesLeaveOneWritersBytePerByte(int capacity) throws Exception {
        int threads = 8;
        long seed = 3000 + capacity;
        SplittableRandom rnd = new SplittableRandom(seed);
        // covering[p]: bit t set when thread t writes byte p; thread t writes only the byte t + 1
        byte[] covering = new byte[capacity];
        List<List<int[]>> ranges = new ArrayList<>();
        int perThread = capacity > 1 << 20 ? 200 : 30;
        int maxLength = Math.max(1, Math.min(capacity, capacity > 1 << 20 ? 16 * BS : 3 * BS));
        for (int t = 0; t < threads; t++) {
            List<int[]> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                int length = 1 + rnd.nextInt(maxLength);
                int offset = rnd.nextInt(capacity - length + 1);
                mine.add(new int[] {offset, length});
                for (int p = offset; p < offset + length; p++) {
                    covering[p] |= (byte) (1 << t);
                }
            }
            ranges.add(mine);
        }
        Path store = dir.resolve("s");
        byte[] key = b("overlap");
        byte[] read;
        try (DaxKV kv = openDirty(store)) {
            Blob blob = kv.createBlob(key, capacity);
            runTogether(threads, t -> {
                for (int[] r : ranges.get(t)) {
                    byte[] src = new byte[r[1]];
                    java.util.Arrays.fill(src, (byte) (t + 1));
                    blob.write(r[0], src);
                }
            }, "seed " + seed);
            read = blob.read(0, capacity);
            for (int p = 0; p < capacity; p++) {
                int mask = covering[p] & 0xFF;
                int v = read[p] & 0xFF;
                if (mask == 0) {
                    assertEquals(0, v, "seed " + seed + ": byte " + p + " was written by nobody");
                } else {
                    final int at = p;
                    assertTrue(v >= 1 && v <= threads && (mask & (1 << (v - 1))) != 0, () -> "seed " + seed + ": byte "
                            + at + " reads " + v + ", not the byte of one of the threads that wrote it (mask "
                            + Integer.toBinaryString(mask) + ")");
                }
            }
            blob.commit();
            assertArrayEquals(read, kv.get(key), "seed " + seed + ": get after commit differs from the last read");
        }
        try (DaxKV kv = DaxKV.open(store, options(false))) {
            assertArrayEquals(read, kv.get(key), "seed " + seed + ": get after reopen");
        }
    }

    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    /** Runs {@code threads} bodies released together by a barrier; fails with every thread's error. */
    static void runTogether(int threads, ThreadBody body, String where) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            ts.add(new Thread(() -> {
                try {
                    start.await(BARRIER_SECONDS, TimeUnit.SECONDS);
                    body.run(me);
                } catch (Throwable e) {
                    errors.add(e);
                    start.reset();
                }
            }, "blob-test-" + t));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join(JOIN_MILLIS);
            assertTrue(!t.isAlive(), where + ": " + t.getName() + " did not finish");
        }
        if (!errors.isEmpty()) {
            AssertionError e = new AssertionError(where + ": " + errors.size() + " thread(s) failed: " + errors);
            errors.forEach(e::addSuppressed);
            throw e;
        }
    }

    // -------------------------------------------------------------------- commit, replace

    @ParameterizedTest(name = "capacity {0}")
    @MethodSource("capacities")
    void commitReplacesAnOlderValueAndSurvivesReopen(int capacity) throws Exception {
        long seed = 4000 + capacity;
        SplittableRandom rnd = new SplittableRandom(seed);
        Path store = dir.resolve("s");
        byte[] key = b("k");
        byte[] neighbour = nonZero(rnd, 5000);
        byte[] model = new byte[capacity];
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            kv.put(b("neighbour"), neighbour);
            // the older value is larger than the blob for small capacities, smaller for the chained one
            byte[] old = nonZero(rnd, capacity == THREE_MIB ? 1000 : THREE_MIB);
            kv.put(key, old);
            assertArrayEquals(old, kv.get(key));
            try (Blob blob = kv.createBlob(key, capacity)) {
                assertArrayEquals(old, kv.get(key), "an open blob does not hide the current value");
                if (capacity > 0) {
                    write(blob, model, 0, nonZero(rnd, Math.min(capacity, 3000)));
                    int tail = Math.min(capacity, 7);
                    write(blob, model, capacity - tail, nonZero(rnd, tail));
                }
                assertArrayEquals(old, kv.get(key), "writes to an uncommitted blob are invisible to get");
                blob.commit();
            }
            assertArrayEquals(model, kv.get(key), "seed " + seed + ": the blob replaced the older value");
            assertArrayEquals(neighbour, kv.get(b("neighbour")));
            assertEquals(2, kv.stats().keys());
        }
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            assertArrayEquals(model, kv.get(key), "seed " + seed + ": after reopen the blob's value, not the older one");
            assertArrayEquals(neighbour, kv.get(b("neighbour")));
            assertEquals(2, kv.stats().keys());
        }
    }

    @Test
    void aBlobCommittedTwiceInARowUnderOneKeyKeepsTheLater() throws Exception {
        Path store = dir.resolve("s");
        byte[] key = b("twice");
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            Blob first = kv.createBlob(key, 10);
            Blob second = kv.createBlob(key, 20);
            first.write(0, b("first....."));
            second.write(0, b("second.............."));
            first.commit();
            assertArrayEquals(b("first....."), kv.get(key));
            second.commit();
            assertArrayEquals(b("second.............."), kv.get(key));
        }
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            assertArrayEquals(b("second.............."), kv.get(key));
        }
    }

    // -------------------------------------------------------------- close without commit

    @ParameterizedTest(name = "capacity {0}")
    @MethodSource("capacities")
    void closeWithoutCommitLeavesTheKeyAsItWasAndFreesTheBlocks(int capacity) throws Exception {
        long seed = 5000 + capacity;
        SplittableRandom rnd = new SplittableRandom(seed);
        Path store = dir.resolve("s");
        byte[] absent = b("absent");
        byte[] present = b("present");
        byte[] previous = nonZero(rnd, 777);
        byte[] other = nonZero(rnd, 4096);
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            kv.put(b("other"), other);
            kv.put(present, previous);
            long before = kv.stats().blocksUsed();

            Blob blob = kv.createBlob(absent, capacity);
            if (capacity > 0) {
                blob.write(capacity - 1, new byte[] {42});
            }
            long during = kv.stats().blocksUsed();
            assertTrue(during > before, "an open blob holds blocks: " + before + " -> " + during);
            blob.close();
            assertEquals(before, kv.stats().blocksUsed(), "seed " + seed + ": close without commit frees every block");
            assertNull(kv.get(absent), "the key was absent and stays absent");
            blob.close(); // idempotent
            assertEquals(before, kv.stats().blocksUsed(), "a second close frees nothing more");

            Blob over = kv.createBlob(present, capacity);
            if (capacity > 0) {
                over.write(0, nonZero(rnd, Math.min(capacity, 100)));
            }
            over.close();
            assertArrayEquals(previous, kv.get(present), "the previous value survives an abandoned blob");
            assertEquals(before, kv.stats().blocksUsed(), "seed " + seed + ": blocks of the abandoned blob freed");
            assertArrayEquals(other, kv.get(b("other")));
        }
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            assertNull(kv.get(absent), "after reopen");
            assertArrayEquals(previous, kv.get(present), "after reopen");
            assertArrayEquals(other, kv.get(b("other")));
            assertEquals(2, kv.stats().keys());
        }
    }

    @Test
    void closingTheStoreReleasesAnOpenBlob() throws Exception {
        Path store = dir.resolve("s");
        long before;
        Blob blob;
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            kv.put(b("other"), b("value"));
            before = kv.stats().blocksUsed();
            blob = kv.createBlob(b("open"), THREE_MIB);
            blob.write(12345, b("written but never committed"));
        }
        assertThrows(DaxKVException.Closed.class, () -> blob.write(0, new byte[1]), "write after the store closed");
        assertThrows(DaxKVException.Closed.class, blob::commit, "commit after the store closed");
        blob.close(); // nothing left to release; must not throw
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            assertNull(kv.get(b("open")), "an uncommitted blob is not a value after reopen");
            assertArrayEquals(b("value"), kv.get(b("other")));
            assertEquals(before, kv.stats().blocksUsed(), "the open blob's blocks are free again after reopen");
        }
    }

    /**
     * Commit (or close) racing writers: a write holds the blob for its whole duration, so each
     * write is entirely before the commit or fails with Closed. Every writer that had a write
     * return normally must find its whole range in the committed value; the others' ranges are
     * zero; after a close the blocks are free again.
     */
    @ParameterizedTest(name = "commit={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void commitOrCloseRacingWritersSeesEachWriteWholeOrNotAtAll(boolean commit) throws Exception {
        int writers = 6;
        int rounds = 40;
        long seed = 7000 + (commit ? 1 : 0);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (DaxKV kv = openDirty(dir.resolve("s"))) {
            for (int round = 0; round < rounds; round++) {
                String where = "seed " + seed + " round " + round;
                int capacity = writers * (1 + rnd.nextInt(3 * BS));
                int slice = capacity / writers;
                byte[] key = b("race-" + round);
                long usedBefore = kv.stats().blocksUsed();
                Blob blob = kv.createBlob(key, capacity);
                int waitFor = rnd.nextInt(4 * writers);
                java.util.concurrent.atomic.AtomicInteger successes = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.atomic.AtomicBoolean writerFailed = new java.util.concurrent.atomic.AtomicBoolean();
                int[] succeededBy = new int[writers];
                runTogether(writers + 1, t -> {
                    if (t == writers) {
                        // the owner: commit or close once some writes went through
                        while (successes.get() < waitFor && !writerFailed.get()) {
                            Thread.onSpinWait();
                        }
                        if (commit) {
                            blob.commit();
                        } else {
                            blob.close();
                        }
                        return;
                    }
                    byte[] src = new byte[slice];
                    for (;;) {
                        // every write distinct: the committed range must be the last one that returned
                        java.util.Arrays.fill(src, writeValue(t, succeededBy[t]));
                        try {
                            blob.write((long) t * slice, src);
                        } catch (DaxKVException.Closed closed) {
                            return;
                        } catch (RuntimeException | Error e) {
                            writerFailed.set(true);
                            throw e;
                        }
                        succeededBy[t]++;
                        successes.incrementAndGet();
                    }
                }, where);
                if (commit) {
                    byte[] v = kv.get(key);
                    assertEquals(capacity, v.length, where);
                    for (int t = 0; t < writers; t++) {
                        byte expected = succeededBy[t] > 0 ? writeValue(t, succeededBy[t] - 1) : 0;
                        for (int p = t * slice; p < (t + 1) * slice; p++) {
                            final int at = p;
                            final int w = t;
                            assertEquals(expected, v[p], () -> where + ": byte " + at + " of writer " + w + " is not "
                                    + "its last write that returned (" + succeededBy[w] + " returned before the commit)");
                        }
                    }
                    assertTrue(kv.stats().blocksUsed() > usedBefore, where);
                } else {
                    assertNull(kv.get(key), where);
                    assertEquals(usedBefore, kv.stats().blocksUsed(), where + ": close freed the blocks");
                }
            }
        }
    }

    /** The byte writer {@code t} writes in its {@code k}-th write: never zero. */
    private static byte writeValue(int t, int k) {
        return (byte) (1 + (t * 37 + k) % 255);
    }

    // --------------------------------------------------------------------- lifecycle errors

    @Test
    void aSecondCommitAndWritesAfterCommitOrCloseThrowClosed() throws Exception {
        try (DaxKV kv = DaxKV.open(dir.resolve("s"), options(true))) {
            Blob committed = kv.createBlob(b("c"), 100);
            committed.write(0, b("abc"));
            committed.commit();
            DaxKVException.Closed again = assertThrows(DaxKVException.Closed.class, committed::commit);
            assertTrue(again.getMessage().contains("committed"), again.getMessage());
            assertThrows(DaxKVException.Closed.class, () -> committed.write(0, b("x")), "write after commit");
            long used = kv.stats().blocksUsed();
            committed.close(); // after a commit: does nothing
            assertEquals(used, kv.stats().blocksUsed(), "close after commit must not free the published blocks");
            byte[] v = kv.get(b("c"));
            assertEquals(100, v.length);
            assertArrayEquals(b("abc"), java.util.Arrays.copyOf(v, 3));

            Blob closed = kv.createBlob(b("d"), 100);
            closed.close();
            assertThrows(DaxKVException.Closed.class, () -> closed.write(0, b("x")), "write after close");
            assertThrows(DaxKVException.Closed.class, closed::commit, "commit after close");
            assertNull(kv.get(b("d")));
        }
    }

    @Test
    void rangesOutsideTheCapacityAreInvalidArguments() throws Exception {
        try (DaxKV kv = DaxKV.open(dir.resolve("s"), options(true))) {
            assertThrows(DaxKVException.InvalidArgument.class, () -> kv.createBlob(b("neg"), -1));
            assertThrows(DaxKVException.LimitExceeded.class, () -> kv.createBlob(b("big"), DaxKV.MAX_VALUE_BYTES + 1));
            assertThrows(DaxKVException.InvalidArgument.class, () -> kv.createBlob(new byte[0], 10));
            long used = kv.stats().blocksUsed();
            try (Blob blob = kv.createBlob(b("k"), 100)) {
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.write(-1, new byte[1]));
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.write(99, new byte[2]));
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.write(101, new byte[0]));
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.read(100, 1));
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.read(-1, 1));
                assertThrows(NullPointerException.class, () -> blob.write(0, null));
                blob.write(99, new byte[] {9});
                assertEquals(9, blob.read(99, 1)[0]);
            }
            assertEquals(used, kv.stats().blocksUsed(), "refused calls leak nothing");
        }
    }

    // ----------------------------------------------------------- the rest of the store intact

    @Test
    void committingABlobWhileOthersWriteKeepsEveryOtherValueIntact() throws Exception {
        long seed = 6000;
        SplittableRandom rnd = new SplittableRandom(seed);
        Path store = dir.resolve("s");
        Map<String, byte[]> expected = new ConcurrentHashMap<>();
        byte[] blobKey = b("the-blob");
        byte[] model = new byte[THREE_MIB];
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            for (int i = 0; i < 300; i++) {
                byte[] v = nonZero(rnd, rnd.nextInt(3000));
                kv.put(b("key-" + i), v);
                expected.put("key-" + i, v);
            }
            Blob blob = kv.createBlob(blobKey, THREE_MIB);
            int writers = 4;
            int putters = 4;
            long[] seeds = new long[writers + putters];
            for (int i = 0; i < seeds.length; i++) {
                seeds[i] = rnd.nextLong();
            }
            // writers fill disjoint quarters of the blob; putters overwrite and add other keys meanwhile
            int quarter = THREE_MIB / writers;
            byte[][] quarters = new byte[writers][];
            for (int w = 0; w < writers; w++) {
                quarters[w] = nonZero(new SplittableRandom(seeds[w]), quarter);
                System.arraycopy(quarters[w], 0, model, w * quarter, quarter);
            }
            runTogether(writers + putters, t -> {
                if (t < writers) {
                    for (int at = 0; at < quarter; at += 4096) {
                        int len = Math.min(4096, quarter - at);
                        blob.write((long) t * quarter + at, java.util.Arrays.copyOfRange(quarters[t], at, at + len));
                    }
                } else {
                    SplittableRandom r = new SplittableRandom(seeds[t]);
                    for (int i = 0; i < 200; i++) {
                        // each putter owns its keys, so the expected value is its last write
                        String k = "key-" + ((t - writers) + putters * r.nextInt(100));
                        byte[] v = nonZero(r, r.nextInt(3000));
                        kv.put(b(k), v);
                        expected.put(k, v);
                    }
                }
            }, "seed " + seed);
            blob.commit();
            assertArrayEquals(model, kv.get(blobKey), "seed " + seed + ": the blob");
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), kv.get(b(e.getKey())), "seed " + seed + ": " + e.getKey());
            }
            assertEquals(expected.size() + 1, kv.stats().keys());
        }
        try (DaxKV kv = DaxKV.open(store, options(true))) {
            assertArrayEquals(model, kv.get(blobKey), "seed " + seed + ": the blob after reopen");
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), kv.get(b(e.getKey())), "seed " + seed + ": after reopen " + e.getKey());
            }
            assertEquals(expected.size() + 1, kv.stats().keys());
        }
    }
}
