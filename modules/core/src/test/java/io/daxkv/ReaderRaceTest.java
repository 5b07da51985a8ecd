package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Readers racing writers that overwrite, delete and re-put keys in small regions, so freed extents
 * are handed to other keys (of other sizes) while readers may still be looking: no read may ever
 * return bytes of another key, of another length, or of a version nobody wrote, and no operation
 * may throw.
 *
 * <p>Each value describes itself: {@code [keyId u32][version u64][length u32]} and then the key's
 * bytes repeated, each byte mixed with the version and its position. Versions come from a counter
 * per key taken before the write, so a reader can check that what it read was written (version at
 * most the counter).
 *
 * <p>Two modes. Owned keys: one writer per key, so each writer knows its keys' final state, the
 * results of delete/putIfAbsent/replace are checked, and a reader must never go back to an older
 * version of a key after it has seen a newer one. Shared keys: every writer writes every key, so
 * writes of one key race each other in the publish step; the contents after the race must survive
 * close and reopen unchanged.
 */
class ReaderRaceTest {

    private static final int KEYS = 48;
    private static final int WRITERS = 3;
    private static final int READERS = 3;
    private static final int WRITER_OPS = 40_000;
    private static final int HEADER_BYTES = 16;
    private static final long REGION_BYTES = 4 << 20;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}, block {1} B, verifyOnRead {2}, shared keys {3}")
    @CsvSource({"11, 64, true, false", "12, 64, false, false", "13, 128, false, false", "14, 4096, true, false",
            "15, 64, false, true", "16, 128, true, true"})
    void readersNeverSeeAnotherKeysBytes(long seed, int blockSizeBytes, boolean verifyOnRead, boolean shared)
            throws Exception {
        // Blocks an overwrite frees are reused only after the transaction that freed them commits;
        // committing every millisecond keeps that lag short, so the few regions are reused many
        // times over (the point of this test) instead of the store growing to hold the churn.
        Options options = Options.builder().regionSizeBytes(REGION_BYTES).blockSizeBytes(blockSizeBytes)
                .verifyOnRead(verifyOnRead).commitIntervalMs(1).build();
        Path dir = tmp.resolve("race-" + seed);
        byte[][] keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            // lengths 3..14 so records of one key differ in shape from those of another
            keys[i] = ("k" + i + "/" + "x".repeat(i % 11)).getBytes(StandardCharsets.US_ASCII);
        }
        AtomicLongArray announced = new AtomicLongArray(KEYS); // per key: the last version handed to a writer
        byte[][][] finalValues = new byte[WRITERS][][];
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLong bytesWritten = new AtomicLong();
        AtomicLong valuesChecked = new AtomicLong();
        AtomicLong nullsRead = new AtomicLong();
        String tag = "[seed=" + seed + " block=" + blockSizeBytes + " verify=" + verifyOnRead + " shared=" + shared + "] ";
        List<Entry> contents;

        try (DaxKV kv = DaxKV.open(dir, options)) {
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch writersDone = new CountDownLatch(WRITERS);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        finalValues[writer] = new Writer(kv, keys, writer, shared,
                                new SplittableRandom(seed * 1000 + writer), announced, bytesWritten).run(tag);
                    } catch (Throwable t) {
                        errors.add(new AssertionError(tag + "writer " + writer + " threw " + t, t));
                    } finally {
                        writersDone.countDown();
                    }
                }, "writer-" + w));
            }
            for (int r = 0; r < READERS; r++) {
                int reader = r;
                threads.add(new Thread(() -> {
                    try {
                        start.await();
                        new Reader(kv, keys, !shared, new SplittableRandom(seed * 1000 + 100 + reader), announced,
                                writersDone, valuesChecked, nullsRead).run(tag + "reader " + reader + ": ");
                    } catch (Throwable t) {
                        errors.add(t instanceof AssertionError ? t : new AssertionError(tag + "reader " + reader + " threw " + t, t));
                    }
                }, "reader-" + r));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) {
                t.join(120_000);
                assertTrue(!t.isAlive(), tag + t.getName() + " did not finish within 120 s");
            }
            if (!errors.isEmpty()) {
                AssertionError first = new AssertionError(tag + errors.size() + " thread(s) failed; first: " + errors.peek(),
                        errors.peek());
                errors.stream().skip(1).limit(5).forEach(first::addSuppressed);
                throw first;
            }

            Stats s = kv.stats();
            // every block ever written was converted once per allocation: conversions far above the
            // blocks the regions hold means freed extents went to new records again and again. (A
            // freed extent waits for the commit of the transaction that freed it, so the store
            // holds some churn besides the live data: threefold reuse, not more, is asked for.)
            assertTrue(s.conversions() > 3 * s.blocksTotal(), tag + "only " + s.conversions() + " block conversions in "
                    + s.blocksTotal() + " blocks: too little block reuse to test anything (" + s + ")");
            assertTrue(bytesWritten.get() > 2 * s.regions() * REGION_BYTES, tag + "writers wrote " + bytesWritten.get()
                    + " bytes into " + s.regions() + " region(s) (" + s + ")");
            assertTrue(valuesChecked.get() > 10_000, tag + "readers checked only " + valuesChecked.get() + " values");
            assertTrue(nullsRead.get() > 0, tag + "readers never saw a deleted key: deletes did not race reads");
            contents = checkContents(kv, keys, tag + "before reopen: ");
            if (!shared) {
                checkFinal(kv, keys, finalValues, tag + "before reopen: ");
            }
        }
        try (DaxKV kv = DaxKV.open(dir, options)) {
            List<Entry> after = checkContents(kv, keys, tag + "after reopen: ");
            checkBlocksUsed(kv, after, tag);
            assertEquals(contents.size(), after.size(), tag + "keys before close and after reopen");
            for (int i = 0; i < contents.size(); i++) {
                assertArrayEquals(contents.get(i).key(), after.get(i).key(), tag + "key #" + i + " after reopen");
                assertArrayEquals(contents.get(i).value(), after.get(i).value(), tag + "value of key #" + i + " after reopen");
            }
            if (!shared) {
                checkFinal(kv, keys, finalValues, tag + "after reopen: ");
            }
        }
    }

    /** A full scan: known keys in order, each value its key's, and get, the key count and byte count agreeing. */
    private static List<Entry> checkContents(DaxKV kv, byte[][] keys, String tag) {
        List<Entry> all = new ArrayList<>();
        long bytes = 0;
        try (Cursor c = kv.scan(new byte[0], null)) {
            while (c.hasNext()) {
                Entry e = c.next();
                int id = idOf(keys, e.key());
                assertTrue(id >= 0, tag + "scan returned a key nobody wrote");
                check(id, keys[id], e.value(), tag + "scan: ");
                if (!all.isEmpty()) {
                    assertTrue(Arrays.compareUnsigned(all.get(all.size() - 1).key(), e.key()) < 0, tag + "scan out of order");
                }
                assertArrayEquals(e.value(), kv.get(e.key()), tag + "get and scan disagree on key " + id);
                all.add(e);
                bytes += e.key().length + e.value().length;
            }
        }
        for (int i = 0; i < KEYS; i++) {
            int id = i;
            if (all.stream().noneMatch(e -> Arrays.equals(e.key(), keys[id]))) {
                assertNull(kv.get(keys[i]), tag + "key " + i + " is missing from the scan but get finds it");
            }
        }
        assertEquals(all.size(), kv.stats().keys(), tag + "stats().keys()");
        assertEquals(bytes, kv.stats().liveBytes(), tag + "stats().liveBytes()");
        return all;
    }

    /** Right after open only live records own blocks. */
    private static void checkBlocksUsed(DaxKV kv, List<Entry> contents, String tag) {
        Stats s = kv.stats();
        long blocks = 0;
        for (Entry e : contents) {
            blocks += ModelTest.recordBlocks(e.key().length, e.value().length, s.blockSizeBytes());
        }
        assertEquals(blocks, s.blocksUsed(), tag + "stats().blocksUsed() after reopen (" + s + ")");
    }

    /**
     * NX/XX semantics under contention: of threads racing putIfAbsent on a fresh key exactly one
     * wins and its value is what is stored; racing replace all succeed and one value stays; of
     * threads racing delete exactly one sees the key.
     */
    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"21", "22"})
    void conditionalWritesHaveExactlyOneWinner(long seed) throws Exception {
        int threads = 4;
        int rounds = 1500;
        String tag = "[seed=" + seed + "] ";
        try (DaxKV kv = DaxKV.open(tmp.resolve("nx-" + seed), Options.builder().regionSizeBytes(REGION_BYTES).build())) {
            java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads);
            boolean[][] absentWins = new boolean[rounds][threads];
            boolean[][] replaced = new boolean[rounds][threads];
            boolean[][] deleted = new boolean[rounds][threads];
            byte[][] afterAbsent = new byte[rounds][];
            byte[][] afterReplace = new byte[rounds][];
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                ts.add(new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed * 100 + me);
                    try {
                        for (int r = 0; r < rounds; r++) {
                            byte[] key = ("nx-" + r).getBytes(StandardCharsets.US_ASCII);
                            barrier.await();
                            absentWins[r][me] = kv.putIfAbsent(key, encode(me, key, r, rnd.nextInt(HEADER_BYTES, 600)));
                            barrier.await();
                            if (me == 0) {
                                afterAbsent[r] = kv.get(key);
                            }
                            barrier.await();
                            replaced[r][me] = kv.replace(key, encode(me, key, r, rnd.nextInt(HEADER_BYTES, 600)));
                            barrier.await();
                            if (me == 0) {
                                afterReplace[r] = kv.get(key);
                            }
                            barrier.await();
                            deleted[r][me] = kv.delete(key);
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                        barrier.reset(); // the others fail with BrokenBarrierException instead of waiting forever
                    }
                }, "nx-" + t));
            }
            ts.forEach(Thread::start);
            for (Thread t : ts) {
                t.join(120_000);
                assertTrue(!t.isAlive(), tag + t.getName() + " did not finish within 120 s");
            }
            if (!errors.isEmpty()) {
                throw new AssertionError(tag + "a racing thread threw " + errors.peek(), errors.peek());
            }
            for (int r = 0; r < rounds; r++) {
                int wins = 0;
                int deletes = 0;
                for (int t = 0; t < threads; t++) {
                    wins += absentWins[r][t] ? 1 : 0;
                    deletes += deleted[r][t] ? 1 : 0;
                    assertTrue(replaced[r][t], tag + "round " + r + ": replace by thread " + t + " of a present key failed");
                }
                assertEquals(1, wins, tag + "round " + r + ": putIfAbsent winners");
                byte[] key = ("nx-" + r).getBytes(StandardCharsets.US_ASCII);
                int winner = 0;
                while (!absentWins[r][winner]) {
                    winner++;
                }
                assertTrue(afterAbsent[r] != null, tag + "round " + r + ": the key is absent after putIfAbsent");
                check(winner, key, afterAbsent[r], tag + "round " + r + " after putIfAbsent (winner " + winner + "): ");
                assertTrue(afterReplace[r] != null, tag + "round " + r + ": the key is absent after replace");
                int last = getInt(afterReplace[r], 0);
                assertTrue(last >= 0 && last < threads, tag + "round " + r + ": value after replace names writer " + last);
                check(last, key, afterReplace[r], tag + "round " + r + " after replace: ");
                assertEquals(1, deletes, tag + "round " + r + ": deletes that found the key");
            }
            assertEquals(0, kv.stats().keys(), tag + "keys left after every round deleted its key");
        }
    }

    /** The reader's check must catch another key's value, a torn byte and a wrong length. */
    @Test
    void checkRejectsForeignTornAndResizedValues() {
        byte[] k1 = "k1/x".getBytes(StandardCharsets.US_ASCII);
        byte[] k2 = "k2/xx".getBytes(StandardCharsets.US_ASCII);
        byte[] v = encode(1, k1, 9, 300);
        assertEquals(9, check(1, k1, v, ""));
        assertThrows(AssertionError.class, () -> check(2, k2, v, ""), "another key's value");
        byte[] torn = v.clone();
        torn[200] ^= 0x40;
        assertThrows(AssertionError.class, () -> check(1, k1, torn, ""), "a torn value");
        assertThrows(AssertionError.class, () -> check(1, k1, Arrays.copyOf(v, 299), ""), "a shortened value");
        assertThrows(AssertionError.class, () -> check(1, k1, new byte[HEADER_BYTES - 1], ""), "a tiny value");
    }

    /** The state each writer left must be exactly what get and a full scan see. */
    private static void checkFinal(DaxKV kv, byte[][] keys, byte[][][] finalValues, String tag) {
        int present = 0;
        long bytes = 0;
        List<Integer> expectedIds = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            byte[] expected = finalValues[i % WRITERS][i];
            byte[] got = kv.get(keys[i]);
            if (expected == null) {
                assertNull(got, tag + "key " + i + " was deleted last but reads " + (got == null ? 0 : got.length) + " bytes");
            } else {
                assertArrayEquals(expected, got, tag + "key " + i + ": final value");
                present++;
                bytes += keys[i].length + expected.length;
            }
        }
        for (int i = 0; i < KEYS; i++) {
            if (finalValues[i % WRITERS][i] != null) {
                expectedIds.add(i);
            }
        }
        expectedIds.sort((a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
        List<Integer> scanned = new ArrayList<>();
        try (Cursor c = kv.scan(new byte[0], null)) {
            while (c.hasNext()) {
                Entry e = c.next();
                int id = idOf(keys, e.key());
                assertTrue(id >= 0, tag + "scan returned a key nobody wrote: " + new String(e.key(), StandardCharsets.ISO_8859_1));
                assertArrayEquals(finalValues[id % WRITERS][id], e.value(), tag + "scan: value of key " + id);
                scanned.add(id);
            }
        }
        assertEquals(expectedIds, scanned, tag + "full scan: keys in order");
        assertEquals(present, kv.stats().keys(), tag + "stats().keys()");
        assertEquals(bytes, kv.stats().liveBytes(), tag + "stats().liveBytes()");
    }

    private static int idOf(byte[][] keys, byte[] key) {
        for (int i = 0; i < keys.length; i++) {
            if (Arrays.equals(keys[i], key)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------------- value format

    /** A value of {@code length} bytes (at least {@link #HEADER_BYTES}) for this key and version. */
    static byte[] encode(int keyId, byte[] key, long version, int length) {
        byte[] v = new byte[length];
        putInt(v, 0, keyId);
        putLong(v, 4, version);
        putInt(v, 12, length);
        for (int i = HEADER_BYTES; i < length; i++) {
            v[i] = body(key, version, i);
        }
        return v;
    }

    private static byte body(byte[] key, long version, int i) {
        return (byte) (key[i % key.length] ^ (version * 31 + (i >>> 4)));
    }

    /** Decodes and checks a value read under {@code keys[keyId]}; returns its version. */
    static long check(int keyId, byte[] key, byte[] v, String tag) {
        if (v.length < HEADER_BYTES) {
            fail(tag + "key " + keyId + ": read " + v.length + " bytes, shorter than any value written");
        }
        int id = getInt(v, 0);
        long version = getLong(v, 4);
        int length = getInt(v, 12);
        if (id != keyId) {
            fail(tag + "key " + keyId + ": read a value of key " + id + " (version " + version + ", " + v.length + " bytes)");
        }
        if (length != v.length) {
            fail(tag + "key " + keyId + " version " + version + ": header says " + length + " bytes, read " + v.length);
        }
        for (int i = HEADER_BYTES; i < v.length; i++) {
            if (v[i] != body(key, version, i)) {
                fail(tag + "key " + keyId + " version " + version + ": byte " + i + " of " + v.length + " is "
                        + (v[i] & 0xFF) + ", expected " + (body(key, version, i) & 0xFF) + " (torn or foreign bytes)");
            }
        }
        return version;
    }

    private static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static int getInt(byte[] b, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static long getLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (b[at + i] & 0xFFL) << (8 * i);
        }
        return v;
    }

    // ---------------------------------------------------------------------------- the threads

    /** Owns keys {@code i % WRITERS == writer}; returns their final values (null: absent). */
    private static final class Writer {
        final DaxKV kv;
        final byte[][] keys;
        final int writer;
        final boolean shared;
        final SplittableRandom rnd;
        final AtomicLongArray announced;
        final AtomicLong bytesWritten;
        final byte[][] current = new byte[KEYS][];

        Writer(DaxKV kv, byte[][] keys, int writer, boolean shared, SplittableRandom rnd, AtomicLongArray announced,
               AtomicLong bytesWritten) {
            this.kv = kv;
            this.keys = keys;
            this.writer = writer;
            this.shared = shared;
            this.rnd = rnd;
            this.announced = announced;
            this.bytesWritten = bytesWritten;
        }

        byte[][] run(String tag) {
            for (int op = 0; op < WRITER_OPS; op++) {
                int id = ownKey();
                int dice = rnd.nextInt(100);
                String where = tag + "writer " + writer + " op " + op + " key " + id + ": ";
                if (dice < 55) {
                    byte[] v = next(id);
                    kv.put(keys[id], v);
                    current[id] = v;
                } else if (dice < 72) {
                    boolean deleted = kv.delete(keys[id]);
                    if (!shared) {
                        assertEquals(current[id] != null, deleted, where + "delete() result");
                    }
                    current[id] = null;
                } else if (dice < 78) {
                    byte[] v = next(id);
                    boolean stored = kv.putIfAbsent(keys[id], v);
                    if (!shared) {
                        assertEquals(current[id] == null, stored, where + "putIfAbsent() result");
                    }
                    if (stored) {
                        current[id] = v;
                    }
                } else if (dice < 84) {
                    byte[] v = next(id);
                    boolean stored = kv.replace(keys[id], v);
                    if (!shared) {
                        assertEquals(current[id] != null, stored, where + "replace() result");
                    }
                    if (stored) {
                        current[id] = v;
                    }
                } else if (dice < 95) {
                    WriteBatch b = new WriteBatch();
                    List<Runnable> apply = new ArrayList<>();
                    for (int i = rnd.nextInt(1, 6); i > 0; i--) {
                        int k = ownKey();
                        if (rnd.nextInt(3) == 0) {
                            b.delete(keys[k]);
                            apply.add(() -> current[k] = null);
                        } else {
                            byte[] v = next(k);
                            b.put(keys[k], v);
                            apply.add(() -> current[k] = v);
                        }
                    }
                    kv.write(b);
                    apply.forEach(Runnable::run);
                } else {
                    byte[] v = next(id);
                    try (Blob blob = kv.createBlob(keys[id], v.length)) {
                        // two halves, the second first: the fault path converts each block once
                        int half = v.length / 2;
                        blob.write(half, Arrays.copyOfRange(v, half, v.length));
                        blob.write(0, Arrays.copyOfRange(v, 0, half));
                        blob.commit();
                    }
                    current[id] = v;
                }
            }
            return current;
        }

        private int ownKey() {
            return shared ? rnd.nextInt(KEYS) : writer + WRITERS * rnd.nextInt(KEYS / WRITERS);
        }

        /** The next version of key {@code id}, announced before it is written. */
        private byte[] next(int id) {
            long ver = announced.incrementAndGet(id);
            int dice = rnd.nextInt(2000);
            // now and then a chained record (over 1 MiB: a primary extent and a continuation)
            int length = dice < 1000 ? rnd.nextInt(HEADER_BYTES, 200) : dice < 1800 ? rnd.nextInt(200, 1500)
                    : dice < 1999 ? rnd.nextInt(1500, 9000) : rnd.nextInt(1 << 20, (1 << 20) + 100_000);
            bytesWritten.addAndGet(length + keys[id].length);
            return encode(id, keys[id], ver, length);
        }
    }

    private static final class Reader {
        final DaxKV kv;
        final byte[][] keys;
        final boolean monotonic;
        final SplittableRandom rnd;
        final AtomicLongArray announced;
        final CountDownLatch writersDone;
        final AtomicLong valuesChecked;
        final AtomicLong nullsRead;
        final long[] lastSeen = new long[KEYS];

        Reader(DaxKV kv, byte[][] keys, boolean monotonic, SplittableRandom rnd, AtomicLongArray announced,
               CountDownLatch writersDone, AtomicLong valuesChecked, AtomicLong nullsRead) {
            this.kv = kv;
            this.keys = keys;
            this.monotonic = monotonic;
            this.rnd = rnd;
            this.announced = announced;
            this.writersDone = writersDone;
            this.valuesChecked = valuesChecked;
            this.nullsRead = nullsRead;
        }

        void run(String tag) {
            long checked = 0;
            long nulls = 0;
            // bounded by the writers' operation count: read until every writer has finished
            for (long op = 0; writersDone.getCount() > 0; op++) {
                if (rnd.nextInt(8) != 0) {
                    int id = rnd.nextInt(KEYS);
                    byte[] v = kv.get(keys[id]);
                    if (v == null) {
                        nulls++;
                    } else {
                        seen(id, v, tag + "get #" + op + ": ");
                        checked++;
                    }
                } else {
                    int from = rnd.nextInt(KEYS);
                    int limit = rnd.nextInt(1, 20);
                    byte[] previous = null;
                    try (Cursor c = kv.scan(keys[from], null)) {
                        for (int n = 0; n < limit && c.hasNext(); n++) {
                            Entry e = c.next();
                            int id = idOf(keys, e.key());
                            if (id < 0) {
                                fail(tag + "scan #" + op + " returned a key nobody wrote: "
                                        + new String(e.key(), StandardCharsets.ISO_8859_1));
                            }
                            if (Arrays.compareUnsigned(e.key(), keys[from]) < 0
                                    || previous != null && Arrays.compareUnsigned(previous, e.key()) >= 0) {
                                fail(tag + "scan #" + op + " from key " + from + " returned key " + id + " out of order");
                            }
                            previous = e.key();
                            seen(id, e.value(), tag + "scan #" + op + ": ");
                            checked++;
                        }
                    }
                }
            }
            valuesChecked.addAndGet(checked);
            nullsRead.addAndGet(nulls);
        }

        private void seen(int id, byte[] v, String tag) {
            long ver = check(id, keys[id], v, tag);
            long max = announced.get(id); // read after the value: covers every version written before the read
            if (ver < 1 || ver > max) {
                fail(tag + "key " + id + " read version " + ver + " but writers had only announced up to " + max);
            }
            if (monotonic && ver < lastSeen[id]) {
                fail(tag + "key " + id + " read version " + ver + " after this reader had already seen version " + lastSeen[id]);
            }
            lastSeen[id] = ver;
        }
    }
}
