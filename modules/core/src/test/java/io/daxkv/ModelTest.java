package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-based test of the public API: random sequences of operations run against a store and
 * against a {@link TreeMap} in unsigned byte order; every return value, every read and, after
 * each reopen, the full contents and the key and byte counters must agree.
 *
 * <p>Keys come from a small pool (so overwrites, deletes and conditional writes hit), including
 * prefixes of each other and bytes above 0x7F (unsigned order). Values are 0 to ~2 KiB, sometimes
 * 1.5 MiB (chained over several extents, in 4 MiB regions so the store grows). A failure message
 * names the variant, the seed, the operation number and the last operations run.
 */
class ModelTest {

    private static final int OPS = 2000;
    private static final int LARGE_VALUE_BYTES = 3 << 19; // 1.5 MiB: a primary extent plus a continuation
    private static final long REGION_BYTES = 4 << 20;

    @TempDir
    Path tmp;

    static LongStream asyncSeeds() {
        return LongStream.range(0, 30);
    }

    static LongStream syncSeeds() {
        return LongStream.range(1000, 1008);
    }

    static LongStream smallBlockSeeds() {
        return LongStream.range(2000, 2008);
    }

    static LongStream largeBlockSeeds() {
        return LongStream.range(3000, 3008);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("asyncSeeds")
    void asyncBlock128(long seed) {
        new Run("async/128", seed, Options.builder().regionSizeBytes(REGION_BYTES).build(), OPS).run();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("syncSeeds")
    void syncBlock128(long seed) {
        new Run("sync/128", seed, Options.builder().regionSizeBytes(REGION_BYTES).durability(Durability.SYNC)
                .journalSizeBytes(1 << 20).build(),
                OPS).run();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("smallBlockSeeds")
    void asyncBlock64(long seed) {
        new Run("async/64", seed, Options.builder().regionSizeBytes(REGION_BYTES).blockSizeBytes(64).build(), OPS).run();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("largeBlockSeeds")
    void asyncBlock4096(long seed) {
        new Run("async/4096", seed, Options.builder().regionSizeBytes(REGION_BYTES).blockSizeBytes(4096).build(), OPS)
                .run();
    }

    /** Without the zeroer every fault zeroes by itself; the answers must not change. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("smallBlockSeeds")
    void asyncNoZeroer(long seed) {
        new Run("async/128/no-zeroer", seed, Options.builder().regionSizeBytes(REGION_BYTES).zeroer(false).build(), OPS)
                .run();
    }

    /** A scan whose end lies before its start holds no key: empty, or refused as an invalid argument. */
    @Test
    void scanWithEndBeforeStartIsEmptyOrInvalidArgument() {
        try (DaxKV kv = DaxKV.open(tmp.resolve("reversed"), Options.builder().regionSizeBytes(REGION_BYTES).build())) {
            kv.put(new byte[] {5}, new byte[] {1});
            try (Cursor c = kv.scan(new byte[] {9}, new byte[] {1})) {
                assertFalse(c.hasNext(), "scan [9, 1) returned a key");
            } catch (DaxKVException.InvalidArgument expected) {
                // refusing the range is as good as an empty answer
            } catch (RuntimeException e) {
                fail("scan [9, 1) threw " + e + " instead of returning nothing or DaxKVException.InvalidArgument", e);
            }
        }
    }

    /** Closing the store ends every cursor: hasNext then throws Closed, even when an entry was already fetched. */
    @Test
    void closingTheStoreEndsCursors() {
        Path d = tmp.resolve("cursors");
        DaxKV kv = DaxKV.open(d, Options.builder().regionSizeBytes(REGION_BYTES).build());
        Cursor fresh;
        Cursor positioned;
        try {
            for (int i = 0; i < 5; i++) {
                kv.put(new byte[] {(byte) i}, new byte[] {(byte) i});
            }
            fresh = kv.scan(new byte[0], null);
            positioned = kv.scan(new byte[0], null);
            assertTrue(positioned.hasNext(), "a store with 5 keys scans empty");
            assertArrayEquals(new byte[] {0}, positioned.next().key(), "first key");
            assertTrue(positioned.hasNext(), "second key");
            assertThrows(DaxKVException.Locked.class, () -> DaxKV.open(d, Options.defaults()), "a second open of an open store");
            assertArrayEquals(new byte[] {3}, kv.get(new byte[] {3}), "the store after a refused second open");
        } finally {
            kv.close();
        }
        assertThrows(DaxKVException.Closed.class, fresh::hasNext, "hasNext of a cursor that had not started, after close");
        assertThrows(DaxKVException.Closed.class, positioned::hasNext, "hasNext of a cursor holding its next entry, after close");
        positioned.close();
        positioned.close(); // idempotent
    }

    // --------------------------------------------------------------------------------- the run

    private final class Run {
        final String variant;
        final long seed;
        final Options options;
        final int ops;
        final SplittableRandom rnd;
        final NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        final byte[][] keys;
        final Deque<String> recent = new ArrayDeque<>();
        final Path dir;
        DaxKV kv;
        int step;
        int reopens;

        Run(String variant, long seed, Options options, int ops) {
            this.variant = variant;
            this.seed = seed;
            this.options = options;
            this.ops = ops;
            this.rnd = new SplittableRandom(seed);
            this.keys = keyPool(rnd);
            this.dir = tmp.resolve("store-" + variant.replace('/', '-') + "-" + seed);
        }

        void run() {
            kv = DaxKV.open(dir, options);
            try {
                for (step = 0; step < ops; step++) {
                    oneOperation();
                    assertEquals(model.size(), kv.stats().keys(), ctx("stats().keys() after the operation"));
                    assertEquals(modelBytes(), kv.stats().liveBytes(), ctx("stats().liveBytes() after the operation"));
                }
                reopen();
            } finally {
                kv.close();
            }
        }

        private void oneOperation() {
            int dice = rnd.nextInt(1000);
            if (dice < 280) {
                put();
            } else if (dice < 430) {
                get();
            } else if (dice < 540) {
                delete();
            } else if (dice < 610) {
                putIfAbsent();
            } else if (dice < 680) {
                replace();
            } else if (dice < 780) {
                scan();
            } else if (dice < 880) {
                batch();
            } else if (dice < 970) {
                blob();
            } else if (dice < 980) {
                log("sync");
                kv.sync();
            } else if (dice < 985) {
                log("reopen");
                reopen();
            } else {
                emptyBatchAndBadArguments();
            }
        }

        // -------------------------------------------------------------------------- operations

        private void put() {
            byte[] k = key();
            byte[] v = value();
            if (rnd.nextInt(4) == 0) {
                // the ByteBuffer overload, from a direct buffer with the bytes in the middle
                log("put(ByteBuffer) " + hex(k) + " len=" + v.length);
                ByteBuffer kb = ByteBuffer.allocateDirect(k.length + 7);
                kb.position(3);
                kb.put(k);
                kb.flip().position(3);
                ByteBuffer vb = ByteBuffer.allocate(v.length + 10);
                vb.position(5);
                vb.put(v);
                vb.flip().position(5);
                kv.put(kb, vb);
                assertEquals(3, kb.position(), ctx("put(ByteBuffer) moved the key's position"));
                assertEquals(5, vb.position(), ctx("put(ByteBuffer) moved the value's position"));
            } else {
                log("put " + hex(k) + " len=" + v.length);
                byte[] mine = v.clone();
                kv.put(k, mine);
                Arrays.fill(mine, (byte) 0x5A); // the caller may reuse its array at once
            }
            model.put(k, v);
            if (rnd.nextInt(3) == 0) {
                checkGet(k);
            }
        }

        private void get() {
            byte[] k = rnd.nextInt(10) == 0 ? absentKey() : key();
            if (rnd.nextInt(4) == 0) {
                byte[] expected = model.get(k);
                int room = expected == null ? rnd.nextInt(64) : Math.max(0, expected.length + rnd.nextInt(-3, 4));
                log("get(ByteBuffer) " + hex(k) + " room=" + room);
                ByteBuffer dst = ByteBuffer.allocate(room + 2);
                dst.position(2);
                int n = kv.get(k, dst);
                if (expected == null) {
                    assertEquals(-1, n, ctx("get(ByteBuffer) of an absent key"));
                    assertEquals(2, dst.position(), ctx("get(ByteBuffer) of an absent key moved the position"));
                } else {
                    assertEquals(expected.length, n, ctx("get(ByteBuffer) length"));
                    if (expected.length <= room) {
                        assertEquals(2 + expected.length, dst.position(), ctx("get(ByteBuffer) position after copy"));
                        assertArrayEquals(expected, Arrays.copyOfRange(dst.array(), 2, 2 + expected.length),
                                ctx("get(ByteBuffer) bytes"));
                    } else {
                        assertEquals(2, dst.position(), ctx("get(ByteBuffer) copied a value that does not fit"));
                    }
                }
            } else {
                log("get " + hex(k));
                checkGet(k);
            }
        }

        private void delete() {
            byte[] k = rnd.nextInt(10) == 0 ? absentKey() : key();
            log("delete " + hex(k));
            boolean expected = model.remove(k) != null;
            assertEquals(expected, kv.delete(k), ctx("delete() result"));
            if (rnd.nextInt(3) == 0) {
                checkGet(k);
            }
        }

        private void putIfAbsent() {
            byte[] k = key();
            byte[] v = value();
            log("putIfAbsent " + hex(k) + " len=" + v.length);
            boolean expected = !model.containsKey(k);
            assertEquals(expected, kv.putIfAbsent(k, v), ctx("putIfAbsent() result"));
            if (expected) {
                model.put(k, v);
            }
            checkGet(k);
        }

        private void replace() {
            byte[] k = key();
            byte[] v = value();
            log("replace " + hex(k) + " len=" + v.length);
            boolean expected = model.containsKey(k);
            assertEquals(expected, kv.replace(k, v), ctx("replace() result"));
            if (expected) {
                model.put(k, v);
            }
            checkGet(k);
        }

        private void scan() {
            byte[] from = rnd.nextInt(5) == 0 ? new byte[0] : rnd.nextBoolean() ? key() : absentKey();
            byte[] to = null;
            if (rnd.nextInt(3) != 0) {
                byte[] t = rnd.nextBoolean() ? key() : absentKey();
                to = Arrays.compareUnsigned(t, from) >= 0 ? t : from; // [from, from) is legal and empty
            }
            int limit = rnd.nextInt(4) == 0 ? Integer.MAX_VALUE : rnd.nextInt(1, 12);
            log("scan [" + hex(from) + ", " + (to == null ? "end" : hex(to)) + ") limit=" + limit);
            NavigableMap<byte[], byte[]> range = to == null ? model.tailMap(from, true) : model.subMap(from, true, to, false);
            List<Map.Entry<byte[], byte[]>> expected = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
                if (expected.size() == limit) {
                    break;
                }
                expected.add(e);
            }
            List<Entry> got = new ArrayList<>();
            try (Cursor c = kv.scan(from, to)) {
                while (got.size() < limit && c.hasNext()) {
                    got.add(c.next());
                }
            }
            compareEntries(expected, got, "scan");
        }

        private void batch() {
            WriteBatch b = new WriteBatch();
            int n = rnd.nextInt(1, 9);
            StringBuilder sb = new StringBuilder("batch");
            List<Runnable> apply = new ArrayList<>();
            byte[] last = null;
            for (int i = 0; i < n; i++) {
                byte[] k = last != null && rnd.nextInt(4) == 0 ? last : key(); // sometimes the same key again
                last = k;
                if (rnd.nextInt(3) == 0) {
                    b.delete(k);
                    sb.append(" del ").append(hex(k));
                    apply.add(() -> model.remove(k));
                } else {
                    byte[] v = rnd.nextInt(40) == 0 ? large() : small();
                    byte[] mine = v.clone();
                    b.put(k, mine);
                    Arrays.fill(mine, (byte) 0x33); // batches copy what they are given
                    sb.append(" put ").append(hex(k)).append(" len=").append(v.length);
                    apply.add(() -> model.put(k, v));
                }
            }
            log(sb.toString());
            kv.write(b);
            apply.forEach(Runnable::run);
            if (rnd.nextBoolean()) {
                checkGet(last);
            }
        }

        private void blob() {
            byte[] k = key();
            int capacity = rnd.nextInt(25) == 0 ? LARGE_VALUE_BYTES : rnd.nextInt(0, 3000);
            boolean commit = rnd.nextInt(5) != 0;
            byte[] content = new byte[capacity];
            StringBuilder sb = new StringBuilder("blob " + hex(k) + " capacity=" + capacity);
            Blob blob = kv.createBlob(k, capacity);
            try {
                assertEquals(capacity, blob.capacity(), ctx("blob capacity"));
                assertArrayEquals(k, blob.key(), ctx("blob key"));
                int writes = capacity == 0 ? 0 : rnd.nextInt(0, 6);
                for (int i = 0; i < writes; i++) {
                    int off = rnd.nextInt(capacity);
                    int len = rnd.nextInt(0, Math.min(capacity - off, capacity > 4096 ? 300_000 : 700) + 1);
                    byte[] part = randomBytes(len);
                    blob.write(off, part);
                    System.arraycopy(part, 0, content, off, len);
                    sb.append(" w@").append(off).append('+').append(len);
                }
                if (capacity > 0) {
                    int off = rnd.nextInt(capacity);
                    int len = rnd.nextInt(0, Math.min(capacity - off, 5000) + 1);
                    assertArrayEquals(Arrays.copyOfRange(content, off, off + len), blob.read(off, len),
                            ctx("blob read [" + off + ", +" + len + ") before commit (unwritten bytes read as zero)"));
                }
                sb.append(commit ? " commit" : " close");
                log(sb.toString());
                int cap = capacity;
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.write(cap, new byte[1]),
                        ctx("blob write past the capacity"));
                assertThrows(DaxKVException.InvalidArgument.class, () -> blob.read(-1, 1), ctx("blob read at -1"));
                if (commit) {
                    blob.commit();
                    model.put(k, content);
                    assertThrows(DaxKVException.Closed.class, blob::commit, ctx("second commit of a blob"));
                    assertThrows(DaxKVException.Closed.class, () -> blob.write(0, new byte[0]), ctx("write after commit"));
                }
            } finally {
                blob.close();
                blob.close(); // idempotent
            }
            if (!commit) {
                assertThrows(DaxKVException.Closed.class, () -> blob.write(0, new byte[0]), ctx("write after close"));
            }
            checkGet(k);
        }

        /** Operations that must change nothing: an empty batch, rejected arguments. */
        private void emptyBatchAndBadArguments() {
            log("empty batch, empty key, value over the limit");
            kv.write(new WriteBatch());
            expectInvalidRun(() -> kv.put(new byte[0], new byte[1]), "put with an empty key");
            expectInvalid(() -> kv.get(new byte[0]), "get with an empty key");
            expectInvalidRun(() -> kv.put(new byte[DaxKV.MAX_KEY_BYTES + 1], new byte[1]), "put with a key over the limit");
            byte[] k = key();
            expectInvalid(() -> kv.createBlob(k, DaxKV.MAX_VALUE_BYTES + 1), "blob over the value limit");
            WriteBatch bad = new WriteBatch().put(key(), new byte[] {1}).put(new byte[0], new byte[] {2});
            expectInvalidRun(() -> kv.write(bad), "batch with one empty key");
            checkGet(k);
        }

        private void expectInvalid(Supplier<Object> call, String what) {
            try {
                call.get();
                fail(ctx(what + " was accepted"));
            } catch (DaxKVException.InvalidArgument expected) {
                // the store must be unchanged; the caller's model says so
            }
        }

        private void expectInvalidRun(Runnable call, String what) {
            expectInvalid(() -> {
                call.run();
                return null;
            }, what);
        }

        private void reopen() {
            kv.close();
            kv.close(); // idempotent
            try {
                kv.get(keys[0]);
                fail(ctx("get on a closed store did not throw"));
            } catch (DaxKVException.Closed expected) {
                // as documented
            }
            // geometry is fixed at format time: a reopen asking for another one must get the same store
            Options again = rnd.nextInt(3) != 0 ? options : options.toBuilder().blockSizeBytes(rnd.nextBoolean() ? 64 : 1024)
                    .regionSizeBytes(rnd.nextBoolean() ? 8 << 20 : REGION_BYTES).build();
            kv = DaxKV.open(dir, again);
            reopens++;
            assertEquals(options.blockSizeBytes(), kv.stats().blockSizeBytes(), ctx("block size after reopen with " + again));
            List<Entry> all = new ArrayList<>();
            try (Cursor c = kv.scan(new byte[0], null)) {
                c.forEachRemaining(all::add);
            }
            compareEntries(new ArrayList<>(model.entrySet()), all, "full scan after reopen #" + reopens);
            Stats s = kv.stats();
            assertEquals(model.size(), s.keys(), ctx("stats().keys() after reopen #" + reopens));
            assertEquals(modelBytes(), s.liveBytes(), ctx("stats().liveBytes() after reopen #" + reopens));
            long blocks = 0;
            for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
                blocks += recordBlocks(e.getKey().length, e.getValue().length, s.blockSizeBytes());
            }
            assertEquals(blocks, s.blocksUsed(), ctx("stats().blocksUsed() after reopen #" + reopens
                    + ": blocks not owned by a live record (a leak) or records sharing blocks"));
            for (byte[] k : keys) {
                checkGet(k);
            }
        }

        // ----------------------------------------------------------------------------- checks

        private void checkGet(byte[] k) {
            byte[] expected = model.get(k);
            byte[] got = kv.get(k);
            if (expected == null) {
                assertNull(got, ctx("get " + hex(k) + " of an absent key returned " + (got == null ? "" : got.length + " bytes")));
            } else {
                assertNotNull(got, ctx("get " + hex(k) + " returned null for a present key of " + expected.length + " bytes"));
                assertArrayEquals(expected, got, ctx("get " + hex(k) + " bytes (expected " + expected.length + ", got "
                        + got.length + ")"));
            }
        }

        private void compareEntries(List<Map.Entry<byte[], byte[]>> expected, List<Entry> got, String what) {
            int n = Math.min(expected.size(), got.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(expected.get(i).getKey(), got.get(i).key(), ctx(what + ": key #" + i));
                assertArrayEquals(expected.get(i).getValue(), got.get(i).value(), ctx(what + ": value of key #" + i + " "
                        + hex(got.get(i).key())));
            }
            assertEquals(expected.size(), got.size(), ctx(what + ": entry count"));
        }

        private long modelBytes() {
            long sum = 0;
            for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
                sum += e.getKey().length + e.getValue().length;
            }
            return sum;
        }

        // ------------------------------------------------------------------------------- data

        private byte[] key() {
            return keys[rnd.nextInt(keys.length)];
        }

        /** A key never put: in between, before or after the pool. */
        private byte[] absentKey() {
            for (;;) {
                byte[] k = randomBytes(rnd.nextInt(1, 6));
                boolean inPool = false;
                for (byte[] p : keys) {
                    inPool |= Arrays.equals(p, k);
                }
                if (!inPool) {
                    return k;
                }
            }
        }

        private byte[] value() {
            return rnd.nextInt(150) == 0 ? large() : small();
        }

        private byte[] small() {
            int dice = rnd.nextInt(100);
            int len = dice < 5 ? 0 : dice < 60 ? rnd.nextInt(1, 200) : rnd.nextInt(200, 2200);
            return randomBytes(len);
        }

        private byte[] large() {
            return randomBytes(LARGE_VALUE_BYTES - rnd.nextInt(0, 5000));
        }

        private byte[] randomBytes(int len) {
            byte[] b = new byte[len];
            for (int i = 0; i < len; ) {
                long r = rnd.nextLong();
                for (int j = 0; j < 8 && i < len; j++, i++) {
                    b[i] = (byte) (r >>> (8 * j));
                }
            }
            return b;
        }

        // --------------------------------------------------------------------------- messages

        private void log(String op) {
            recent.addLast("#" + step + " " + op);
            if (recent.size() > 25) {
                recent.removeFirst();
            }
        }

        private String ctx(String what) {
            return "[" + variant + " seed=" + seed + " op#" + step + " reopens=" + reopens + "] " + what
                    + "\n  last operations:\n    " + String.join("\n    ", recent);
        }
    }

    /**
     * Blocks a live record of these lengths owns (primary extent and continuations, as
     * {@link io.daxkv.extent.RecordPlan} cuts it): right after open, nothing else is in use.
     */
    static long recordBlocks(int keyLength, long valueLength, int blockSizeBytes) {
        io.daxkv.extent.RecordPlan plan = io.daxkv.extent.RecordPlan.of(keyLength, valueLength);
        long blocks = (plan.primaryBytes + blockSizeBytes - 1) / blockSizeBytes;
        for (int i = 0; i < plan.chunkCount; i++) {
            blocks += (plan.chunkBytes(i) + blockSizeBytes - 1) / blockSizeBytes;
        }
        return blocks;
    }

    /** 24 keys: short and long, prefixes of each other, bytes 0x00 and 0xFF, printable and not. */
    static byte[][] keyPool(SplittableRandom rnd) {
        List<byte[]> pool = new ArrayList<>();
        pool.add(new byte[] {0});
        pool.add(new byte[] {(byte) 0xFF});
        pool.add(new byte[] {(byte) 0x80, 1});
        pool.add(new byte[] {(byte) 0x7F});
        byte[] base = new byte[12];
        for (int i = 0; i < base.length; i++) {
            base[i] = (byte) rnd.nextInt(256);
        }
        pool.add(Arrays.copyOf(base, 1));
        pool.add(Arrays.copyOf(base, 4));
        pool.add(Arrays.copyOf(base, 12));
        pool.add(("key-" + rnd.nextInt(1000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] longKey = new byte[rnd.nextInt(100, 400)];
        for (int i = 0; i < longKey.length; i++) {
            longKey[i] = (byte) rnd.nextInt(256);
        }
        pool.add(longKey);
        if (rnd.nextInt(3) == 0) {
            byte[] maxKey = new byte[DaxKV.MAX_KEY_BYTES]; // the longest key allowed
            Arrays.fill(maxKey, (byte) rnd.nextInt(256));
            maxKey[maxKey.length - 1] ^= 1;
            pool.add(maxKey);
        }
        while (pool.size() < 24) {
            byte[] k = new byte[rnd.nextInt(1, 10)];
            for (int i = 0; i < k.length; i++) {
                k[i] = (byte) rnd.nextInt(256);
            }
            boolean dup = false;
            for (byte[] p : pool) {
                dup |= Arrays.equals(p, k);
            }
            if (!dup) {
                pool.add(k);
            }
        }
        // dedupe the fixed ones against each other (base may start with 0x00 or 0xFF)
        List<byte[]> unique = new ArrayList<>();
        for (byte[] k : pool) {
            boolean dup = false;
            for (byte[] u : unique) {
                dup |= Arrays.equals(u, k);
            }
            if (!dup) {
                unique.add(k);
            }
        }
        return unique.toArray(new byte[0][]);
    }

    static String hex(byte[] k) {
        StringBuilder sb = new StringBuilder(Math.min(k.length, 16) * 2 + 8);
        for (int i = 0; i < Math.min(k.length, 16); i++) {
            sb.append(String.format("%02x", k[i] & 0xFF));
        }
        if (k.length > 16) {
            sb.append("..(").append(k.length).append(')');
        }
        return sb.length() == 0 ? "''" : sb.toString();
    }
}
