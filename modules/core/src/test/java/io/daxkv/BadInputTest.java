package io.daxkv;

import static io.daxkv.LayoutTestSupport.b;
import static io.daxkv.LayoutTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a caller can get the arguments or the lifecycle wrong: each must fail at once with
 * the documented exception and a message that says what was wrong, and leave the store as it
 * was. Stores are 4 MiB regions in a temporary directory.
 */
class BadInputTest {

    private static final byte[] K = b("present-key");
    private static final byte[] V = b("present-value");

    @TempDir
    Path tmp;

    private Path dir;
    private DaxKV kv;

    @BeforeEach
    void open() {
        dir = tmp.resolve("store");
        kv = DaxKV.open(dir, small());
        kv.put(K, V);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    /** Keys, live bytes, blocks used and the value of K: what a rejected call must not change. */
    private record Snapshot(long keys, long liveBytes, long blocksUsed) {
    }

    private Snapshot state() {
        Stats s = kv.stats();
        return new Snapshot(s.keys(), s.liveBytes(), s.blocksUsed());
    }

    private void assertUnchanged(Snapshot before, String after) {
        assertEquals(before, state(), "store changed after " + after);
        assertArrayEquals(V, kv.get(K), "the previous value after " + after);
    }

    // ========================================================================== nulls

    static Stream<Arguments> nullArguments() {
        byte[] k = b("k");
        ByteBuffer bb = ByteBuffer.wrap(b("x"));
        return Stream.of(
                Arguments.of("put(null, v)", "key", (Consumer<DaxKV>) s -> s.put((byte[]) null, k)),
                Arguments.of("put(k, null)", "value", (Consumer<DaxKV>) s -> s.put(k, (byte[]) null)),
                Arguments.of("put(ByteBuffer null, v)", "key", (Consumer<DaxKV>) s -> s.put((ByteBuffer) null, bb)),
                Arguments.of("put(ByteBuffer k, null)", "value", (Consumer<DaxKV>) s -> s.put(bb, (ByteBuffer) null)),
                Arguments.of("get(null)", "key", (Consumer<DaxKV>) s -> s.get(null)),
                Arguments.of("get(null, dst)", "key", (Consumer<DaxKV>) s -> s.get(null, ByteBuffer.allocate(8))),
                Arguments.of("get(k, null)", "dst", (Consumer<DaxKV>) s -> s.get(k, null)),
                Arguments.of("delete(null)", "key", (Consumer<DaxKV>) s -> s.delete(null)),
                Arguments.of("putIfAbsent(null, v)", "key", (Consumer<DaxKV>) s -> s.putIfAbsent(null, k)),
                Arguments.of("putIfAbsent(k, null)", "value", (Consumer<DaxKV>) s -> s.putIfAbsent(k, null)),
                Arguments.of("replace(null, v)", "key", (Consumer<DaxKV>) s -> s.replace(null, k)),
                Arguments.of("replace(k, null)", "value", (Consumer<DaxKV>) s -> s.replace(K, null)),
                Arguments.of("scan(null, null)", "fromInclusive", (Consumer<DaxKV>) s -> s.scan(null, null)),
                Arguments.of("write(null)", "batch", (Consumer<DaxKV>) s -> s.write(null)),
                Arguments.of("createBlob(null, 10)", "key", (Consumer<DaxKV>) s -> s.createBlob(null, 10)),
                Arguments.of("WriteBatch.put(null, v)", "key", (Consumer<DaxKV>) s -> new WriteBatch().put(null, k)),
                Arguments.of("WriteBatch.put(k, null)", "value", (Consumer<DaxKV>) s -> new WriteBatch().put(k, null)),
                Arguments.of("WriteBatch.delete(null)", "key", (Consumer<DaxKV>) s -> new WriteBatch().delete(null)),
                Arguments.of("Blob.write(0, null)", "src", (Consumer<DaxKV>) s -> {
                    try (Blob blob = s.createBlob(b("blob"), 16)) {
                        blob.write(0, null);
                    }
                }),
                Arguments.of("DaxKV.open(null)", "dir", (Consumer<DaxKV>) s -> DaxKV.open(null)),
                Arguments.of("DaxKV.open(dir, null)", "options", (Consumer<DaxKV>) s -> DaxKV.open(s.directory(), null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nullArguments")
    void nullArgumentThrowsNpeNamingIt(String call, String argument, Consumer<DaxKV> op) {
        Snapshot before = state();
        NullPointerException e = assertThrows(NullPointerException.class, () -> op.accept(kv), call);
        assertNotNull(e.getMessage(), call + ": NPE without a message");
        assertTrue(e.getMessage().startsWith(argument + " "), call + ": message does not name " + argument + ": "
                + e.getMessage());
        assertUnchanged(before, call);
    }

    // ===================================================================== empty keys

    static Stream<Arguments> emptyKeyCalls() {
        byte[] e = new byte[0];
        return Stream.of(
                Arguments.of("put", (Consumer<DaxKV>) s -> s.put(e, b("v"))),
                Arguments.of("put(ByteBuffer)", (Consumer<DaxKV>) s -> s.put(ByteBuffer.allocate(0), ByteBuffer.wrap(b("v")))),
                Arguments.of("get", (Consumer<DaxKV>) s -> s.get(e)),
                Arguments.of("get(dst)", (Consumer<DaxKV>) s -> s.get(e, ByteBuffer.allocate(8))),
                Arguments.of("delete", (Consumer<DaxKV>) s -> s.delete(e)),
                Arguments.of("putIfAbsent", (Consumer<DaxKV>) s -> s.putIfAbsent(e, b("v"))),
                Arguments.of("replace", (Consumer<DaxKV>) s -> s.replace(e, b("v"))),
                Arguments.of("createBlob", (Consumer<DaxKV>) s -> s.createBlob(e, 8)),
                Arguments.of("write(batch put)", (Consumer<DaxKV>) s -> s.write(new WriteBatch().put(b("ok"), b("1")).put(e, b("v")))),
                Arguments.of("write(batch delete)", (Consumer<DaxKV>) s -> s.write(new WriteBatch().put(b("ok"), b("1")).delete(e))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyKeyCalls")
    void emptyKeyIsInvalidArgument(String call, Consumer<DaxKV> op) {
        Snapshot before = state();
        DaxKVException.InvalidArgument e = assertThrows(DaxKVException.InvalidArgument.class, () -> op.accept(kv), call);
        assertFalse(e instanceof DaxKVException.LimitExceeded, call + ": an empty key is not over a limit");
        assertTrue(e.getMessage().contains("empty"), call + ": message: " + e.getMessage());
        assertUnchanged(before, call);
        assertEquals(null, kv.get(b("ok")), call + ": the batch's other put must not be applied");
    }

    // ===================================================================== key limits

    private static byte[] keyOf(int length, int seed) {
        byte[] k = new byte[length];
        new Random(seed).nextBytes(k);
        return k;
    }

    @Test
    void keyOfMaxKeyBytesRoundTripsEverywhereAndSurvivesReopen() {
        assertEquals(64 << 10, DaxKV.MAX_KEY_BYTES);
        byte[] k1 = keyOf(DaxKV.MAX_KEY_BYTES, 1);
        byte[] k2 = keyOf(DaxKV.MAX_KEY_BYTES, 2);
        byte[] k3 = keyOf(DaxKV.MAX_KEY_BYTES, 3);
        kv.put(k1, b("one"));
        assertArrayEquals(b("one"), kv.get(k1));
        assertTrue(kv.putIfAbsent(k2, b("two")));
        assertTrue(kv.replace(k2, b("two!")));
        kv.put(ByteBuffer.wrap(k3), ByteBuffer.wrap(b("three")));
        ByteBuffer dst = ByteBuffer.allocate(16);
        assertEquals(5, kv.get(k3, dst));
        assertArrayEquals(b("three"), Arrays.copyOf(dst.array(), 5));
        int seen = 0;
        try (Cursor c = kv.scan(k1, null)) {
            while (c.hasNext()) {
                Entry e = c.next();
                if (e.key().length == DaxKV.MAX_KEY_BYTES) {
                    seen++;
                }
            }
        }
        assertTrue(seen >= 1, "a scan starting at a max-length key sees it");
        kv.close();
        kv = DaxKV.open(dir, small());
        assertArrayEquals(b("one"), kv.get(k1));
        assertArrayEquals(b("two!"), kv.get(k2));
        assertArrayEquals(b("three"), kv.get(k3));
        assertTrue(kv.delete(k1));
        assertEquals(null, kv.get(k1));
    }

    static Stream<Arguments> overlongKeyCalls() {
        byte[] k = new byte[DaxKV.MAX_KEY_BYTES + 1];
        return Stream.of(
                Arguments.of("put", (Consumer<DaxKV>) s -> s.put(k, b("v"))),
                Arguments.of("put(ByteBuffer)", (Consumer<DaxKV>) s -> s.put(ByteBuffer.wrap(k), ByteBuffer.wrap(b("v")))),
                Arguments.of("get", (Consumer<DaxKV>) s -> s.get(k)),
                Arguments.of("get(dst)", (Consumer<DaxKV>) s -> s.get(k, ByteBuffer.allocate(8))),
                Arguments.of("delete", (Consumer<DaxKV>) s -> s.delete(k)),
                Arguments.of("putIfAbsent", (Consumer<DaxKV>) s -> s.putIfAbsent(k, b("v"))),
                Arguments.of("replace", (Consumer<DaxKV>) s -> s.replace(k, b("v"))),
                Arguments.of("createBlob", (Consumer<DaxKV>) s -> s.createBlob(k, 8)),
                Arguments.of("write(batch)", (Consumer<DaxKV>) s -> s.write(new WriteBatch().put(b("ok"), b("1")).put(k, b("v")))),
                Arguments.of("scan(from)", (Consumer<DaxKV>) s -> s.scan(k, null)),
                Arguments.of("scan(to)", (Consumer<DaxKV>) s -> s.scan(new byte[0], k)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("overlongKeyCalls")
    void keyOfMaxKeyBytesPlusOneIsLimitExceededNamingTheLimit(String call, Consumer<DaxKV> op) {
        Snapshot before = state();
        DaxKVException.LimitExceeded e = assertThrows(DaxKVException.LimitExceeded.class, () -> op.accept(kv), call);
        assertTrue(e.getMessage().contains(String.valueOf(DaxKV.MAX_KEY_BYTES)), call + ": message: " + e.getMessage());
        assertUnchanged(before, call);
        assertEquals(null, kv.get(b("ok")), call + ": the batch's other put must not be applied");
    }

    // =================================================================== value limits

    /** One array of MAX_VALUE_BYTES + 1 for every call (64 MiB of heap; surefire runs with -Xmx2g). */
    @Test
    void valueOfMaxValueBytesPlusOneIsLimitExceededAndChangesNothing() {
        byte[] tooBig = new byte[(int) DaxKV.MAX_VALUE_BYTES + 1];
        List<Executable> calls = List.of(
                () -> kv.put(K, tooBig),
                () -> kv.put(b("new"), tooBig),
                () -> kv.put(ByteBuffer.wrap(K), ByteBuffer.wrap(tooBig)),
                () -> kv.put(ByteBuffer.wrap(K), ByteBuffer.wrap(tooBig).asReadOnlyBuffer()),
                () -> kv.putIfAbsent(b("new"), tooBig),
                () -> kv.replace(K, tooBig),
                () -> kv.write(new WriteBatch().put(b("ok"), b("1")).put(K, tooBig)),
                () -> kv.createBlob(K, DaxKV.MAX_VALUE_BYTES + 1),
                () -> kv.createBlob(b("new"), Long.MAX_VALUE));
        Snapshot before = state();
        for (int i = 0; i < calls.size(); i++) {
            DaxKVException.LimitExceeded e = assertThrows(DaxKVException.LimitExceeded.class, calls.get(i), "call " + i);
            assertTrue(e.getMessage().contains(String.valueOf(DaxKV.MAX_VALUE_BYTES)), "call " + i + ": " + e.getMessage());
            assertUnchanged(before, "call " + i);
            assertEquals(null, kv.get(b("new")));
            assertEquals(null, kv.get(b("ok")));
        }
    }

    @Test
    void negativeBlobCapacityIsInvalidArgument() {
        Snapshot before = state();
        DaxKVException.InvalidArgument e = assertThrows(DaxKVException.InvalidArgument.class, () -> kv.createBlob(b("b"), -1));
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        assertUnchanged(before, "createBlob(-1)");
    }

    @Test
    void fiveMiBValueChainedAcrossExtentsRoundTripsAndSurvivesReopen() {
        byte[] big = new byte[5 << 20];
        new Random(42).nextBytes(big);
        kv.put(b("big"), big);
        assertArrayEquals(big, kv.get(b("big")));
        // the same value from the middle of a direct buffer: only remaining() is stored, positions kept
        ByteBuffer direct = ByteBuffer.allocateDirect(big.length + 100);
        direct.position(50);
        direct.put(big);
        direct.position(50).limit(50 + big.length);
        ByteBuffer key = ByteBuffer.wrap(b("xxbig2yy")).position(2).limit(6);
        kv.put(key, direct);
        assertEquals(50, direct.position(), "value position changed");
        assertEquals(50 + big.length, direct.limit(), "value limit changed");
        assertEquals(2, key.position(), "key position changed");
        assertArrayEquals(big, kv.get(b("big2")));
        ByteBuffer small = ByteBuffer.allocate(10);
        assertEquals(big.length, kv.get(b("big"), small), "length reported when the value does not fit dst");
        assertEquals(0, small.position(), "nothing copied when the value does not fit dst");
        kv.close();
        kv = DaxKV.open(dir, small());
        assertArrayEquals(big, kv.get(b("big")), "5 MiB value after reopen");
        assertArrayEquals(big, kv.get(b("big2")), "5 MiB value (from a direct buffer) after reopen");
        assertArrayEquals(V, kv.get(K));
        assertEquals(3, kv.stats().keys());
    }

    @Test
    void valueOfExactlyMaxValueBytesRoundTrips() {
        kv.close();
        Path big = tmp.resolve("max");
        byte[] v = new byte[(int) DaxKV.MAX_VALUE_BYTES];
        for (int i = 0; i < v.length; i += 4096) {
            v[i] = (byte) (i >>> 12);
        }
        v[v.length - 1] = 42;
        kv = DaxKV.open(big, Options.builder().regionSizeBytes(32L << 20).build());
        kv.put(b("max"), v);
        assertArrayEquals(v, kv.get(b("max")));
        kv.close();
        kv = DaxKV.open(big, Options.builder().regionSizeBytes(32L << 20).build());
        assertArrayEquals(v, kv.get(b("max")), "64 MiB value after reopen");
    }

    // =============================================================== use after close

    static Stream<Arguments> callsAfterClose() {
        return Stream.of(
                Arguments.of("put", (Consumer<DaxKV>) s -> s.put(K, b("v"))),
                Arguments.of("put(ByteBuffer)", (Consumer<DaxKV>) s -> s.put(ByteBuffer.wrap(K), ByteBuffer.wrap(b("v")))),
                Arguments.of("get", (Consumer<DaxKV>) s -> s.get(K)),
                Arguments.of("get(dst)", (Consumer<DaxKV>) s -> s.get(K, ByteBuffer.allocate(64))),
                Arguments.of("delete", (Consumer<DaxKV>) s -> s.delete(K)),
                Arguments.of("putIfAbsent", (Consumer<DaxKV>) s -> s.putIfAbsent(b("absent"), b("v"))),
                Arguments.of("replace", (Consumer<DaxKV>) s -> s.replace(K, b("v"))),
                Arguments.of("scan", (Consumer<DaxKV>) s -> s.scan(new byte[0], null)),
                Arguments.of("write(batch)", (Consumer<DaxKV>) s -> s.write(new WriteBatch().put(K, b("v")))),
                Arguments.of("createBlob", (Consumer<DaxKV>) s -> s.createBlob(b("blob"), 8)),
                Arguments.of("sync", (Consumer<DaxKV>) DaxKV::sync),
                Arguments.of("stats", (Consumer<DaxKV>) DaxKV::stats));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callsAfterClose")
    void everyCallAfterCloseIsClosed(String call, Consumer<DaxKV> op) {
        kv.close();
        DaxKVException.Closed e = assertThrows(DaxKVException.Closed.class, () -> op.accept(kv), call);
        assertTrue(e.getMessage().contains(dir.toString()), call + ": message names the store: " + e.getMessage());
        assertDoesNotThrow(kv::close, "close twice");
        kv = DaxKV.open(dir, small());
        assertArrayEquals(V, kv.get(K), call + ": nothing written by a call after close");
        assertEquals(null, kv.get(b("absent")));
        assertEquals(null, kv.get(b("blob")));
    }

    /** DaxKV.close(): "later calls throw Closed". An empty batch returns before the closed check. */
    @Test
    void emptyBatchAfterCloseIsClosed() {
        kv.close();
        assertThrows(DaxKVException.Closed.class, () -> kv.write(new WriteBatch()));
    }

    @Test
    void closeIsIdempotent() {
        kv.close();
        kv.close();
        kv.close();
        kv = DaxKV.open(dir, small());
        assertArrayEquals(V, kv.get(K));
    }

    // ========================================================================= cursors

    private void putKeys(int n) {
        for (int i = 0; i < n; i++) {
            kv.put(b(String.format("c%03d", i)), b("v" + i));
        }
    }

    @Test
    void cursorNeverAdvancedIsClosedWhenTheStoreCloses() {
        putKeys(5);
        Cursor c = kv.scan(new byte[0], null);
        kv.close();
        assertThrows(DaxKVException.Closed.class, c::hasNext);
        assertThrows(DaxKVException.Closed.class, c::next);
        c.close();
    }

    @Test
    void cursorMidIterationIsClosedWhenTheStoreCloses() {
        putKeys(5);
        Cursor c = kv.scan(new byte[0], null);
        assertNotNull(c.next());
        assertNotNull(c.next());
        kv.close();
        assertThrows(DaxKVException.Closed.class, c::hasNext);
        assertThrows(DaxKVException.Closed.class, c::next);
    }

    /**
     * Cursor's contract: "closing the store ends every cursor (hasNext then throws Closed)".
     * CursorImpl.hasNext returns true for an entry it fetched before the close, and next()
     * hands it out, so a cursor outlives its store by one entry.
     */
    @Test
    void cursorWithAFetchedEntryIsClosedWhenTheStoreCloses() {
        putKeys(5);
        Cursor c = kv.scan(new byte[0], null);
        assertTrue(c.hasNext());
        kv.close();
        assertThrows(DaxKVException.Closed.class, c::hasNext);
        assertThrows(DaxKVException.Closed.class, c::next);
    }

    @Test
    void cursorCloseIsIdempotentAndEndsIt() {
        putKeys(3);
        Cursor c = kv.scan(new byte[0], null);
        assertTrue(c.hasNext());
        c.close();
        c.close();
        assertFalse(c.hasNext(), "a closed cursor has nothing next");
        assertThrows(java.util.NoSuchElementException.class, c::next);
    }

    // =========================================================================== blobs

    @Test
    void blobAfterCommitIsClosed() {
        Blob blob = kv.createBlob(b("blob"), 1000);
        blob.write(10, b("hello"));
        blob.commit();
        assertThrows(DaxKVException.Closed.class, () -> blob.write(0, b("x")), "write after commit");
        assertThrows(DaxKVException.Closed.class, () -> blob.read(0, 1), "read after commit");
        assertThrows(DaxKVException.Closed.class, blob::commit, "commit after commit");
        assertDoesNotThrow(blob::close, "close after commit does nothing");
        assertDoesNotThrow(blob::close);
        byte[] v = kv.get(b("blob"));
        assertEquals(1000, v.length);
        assertArrayEquals(b("hello"), Arrays.copyOfRange(v, 10, 15));
        for (int i = 0; i < v.length; i++) {
            if (i < 10 || i >= 15) {
                assertEquals(0, v[i], "never-written blob byte " + i);
            }
        }
    }

    @Test
    void blobAfterCloseIsClosedAndPublishesNothing() {
        Snapshot before = state();
        Blob blob = kv.createBlob(b("blob"), 5000);
        blob.write(0, b("data"));
        blob.close();
        assertThrows(DaxKVException.Closed.class, () -> blob.write(0, b("x")));
        assertThrows(DaxKVException.Closed.class, () -> blob.read(0, 1));
        assertThrows(DaxKVException.Closed.class, blob::commit);
        assertEquals(null, kv.get(b("blob")));
        assertUnchanged(before, "a blob closed without commit");
    }

    @Test
    void blobAfterStoreCloseIsClosed() {
        Blob blob = kv.createBlob(b("blob"), 100);
        kv.close();
        assertThrows(DaxKVException.Closed.class, () -> blob.write(0, b("x")));
        assertThrows(DaxKVException.Closed.class, () -> blob.read(0, 1));
        assertThrows(DaxKVException.Closed.class, blob::commit);
        kv = DaxKV.open(dir, small());
        assertEquals(null, kv.get(b("blob")), "a blob never committed is not in the store");
    }

    static Stream<Arguments> blobRangesOutside() {
        long cap = 3000;
        return Stream.of(
                Arguments.of("write at -1", (Consumer<Blob>) x -> x.write(-1, new byte[1])),
                Arguments.of("write at capacity", (Consumer<Blob>) x -> x.write(cap, new byte[1])),
                Arguments.of("write across the end", (Consumer<Blob>) x -> x.write(cap - 1, new byte[2])),
                Arguments.of("write longer than capacity", (Consumer<Blob>) x -> x.write(0, new byte[(int) cap + 1])),
                Arguments.of("read at -1", (Consumer<Blob>) x -> x.read(-1, 1)),
                Arguments.of("read across the end", (Consumer<Blob>) x -> x.read(cap - 10, 11)),
                Arguments.of("read of negative length", (Consumer<Blob>) x -> x.read(0, -1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blobRangesOutside")
    void blobRangeOutsideCapacityIsInvalidArgument(String call, Consumer<Blob> op) {
        try (Blob blob = kv.createBlob(b("blob"), 3000)) {
            blob.write(0, b("start"));
            DaxKVException.InvalidArgument e = assertThrows(DaxKVException.InvalidArgument.class, () -> op.accept(blob), call);
            assertTrue(e.getMessage().contains("3000"), call + ": message says the capacity: " + e.getMessage());
            assertArrayEquals(b("start"), blob.read(0, 5), call + ": the blob is still usable");
            blob.write(2995, b("end!!"));
            blob.commit();
        }
        byte[] v = kv.get(b("blob"));
        assertEquals(3000, v.length);
        assertArrayEquals(b("start"), Arrays.copyOf(v, 5));
        assertArrayEquals(b("end!!"), Arrays.copyOfRange(v, 2995, 3000));
    }

    /**
     * BlobImpl.checkRange tests {@code offset + length > capacity}, which overflows for an offset
     * near Long.MAX_VALUE: the range passes the check, forEachPart then does nothing, and the
     * write returns as if it had stored the bytes (a read returns zeros).
     */
    @Test
    void blobRangeThatOverflowsIsInvalidArgument() {
        try (Blob blob = kv.createBlob(b("blob"), 3000)) {
            assertThrows(DaxKVException.InvalidArgument.class, () -> blob.write(Long.MAX_VALUE, new byte[1]), "write");
            assertThrows(DaxKVException.InvalidArgument.class, () -> blob.read(Long.MAX_VALUE, 1), "read");
            assertThrows(DaxKVException.InvalidArgument.class, () -> blob.write(Long.MAX_VALUE - 5, new byte[10]), "write");
        }
    }

    // ============================================================ opening the wrong thing

    @Test
    void directoryWithAStrayFileIsNotAStoreAndIsLeftAlone() throws IOException {
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "not a store");
        DaxKVException.NotAStore e = assertThrows(DaxKVException.NotAStore.class, () -> DaxKV.open(foreign, small()).close());
        assertTrue(e.getMessage().contains(foreign.toString()), "names the directory: " + e.getMessage());
        assertTrue(e.getMessage().contains("notes.txt"), "names the stray file: " + e.getMessage());
        try (Stream<Path> s = Files.list(foreign)) {
            assertEquals(List.of("notes.txt"), s.map(p -> p.getFileName().toString()).toList(),
                    "refusing must not create anything in the directory");
        }
        assertEquals("not a store", Files.readString(foreign.resolve("notes.txt")));
    }

    @Test
    void regularFileIsNotAStore() throws IOException {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "hello");
        DaxKVException.NotAStore e = assertThrows(DaxKVException.NotAStore.class, () -> DaxKV.open(file, small()).close());
        assertTrue(e.getMessage().contains(file.toString()), "names the path: " + e.getMessage());
        assertEquals("hello", Files.readString(file));
    }

    @Test
    void openingTheSameStoreTwiceIsLockedAndTheFirstKeepsWorking() {
        DaxKVException.Locked e = assertThrows(DaxKVException.Locked.class, () -> DaxKV.open(dir, small()).close());
        assertTrue(e.getMessage().contains(dir.toString()), "names the store: " + e.getMessage());
        assertThrows(DaxKVException.Locked.class, () -> DaxKV.open(dir, small()).close(), "still locked");
        kv.put(b("after"), b("lock failure"));
        assertArrayEquals(V, kv.get(K));
        kv.close();
        kv = DaxKV.open(dir, small());
        assertArrayEquals(b("lock failure"), kv.get(b("after")));
    }

    @Test
    void anotherProcessCannotOpenAnOpenStore() throws Exception {
        assertEquals(LayoutLockSupport.LOCKED, openInAnotherProcess(), "a second process opened a store that is open");
    }

    /**
     * A failed second open in this JVM opens and closes its own channel on the LOCK file. POSIX
     * record locks belong to the process and closing any descriptor of the file drops them all
     * (FileLock's Javadoc warns of it), so afterwards the first open no longer holds the lock
     * and another process can open the store at the same time.
     */
    @Test
    void failedSecondOpenInThisJvmDoesNotReleaseTheLock() throws Exception {
        assertThrows(DaxKVException.Locked.class, () -> DaxKV.open(dir, small()).close());
        assertEquals(LayoutLockSupport.LOCKED, openInAnotherProcess(),
                "after a failed second open in this JVM, another process opened the store that is still open");
    }

    private int openInAnotherProcess() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmFlags.commandLine());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(LayoutLockSupport.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM did not finish");
        int status = p.exitValue();
        if (status != LayoutLockSupport.OPENED && status != LayoutLockSupport.LOCKED) {
            throw new AssertionError("child failed with " + status + ": " + Files.readString(tmp.resolve("child.log")));
        }
        return status;
    }

    // ========================================================================= options

    static Stream<Arguments> badOptions() {
        return Stream.of(
                Arguments.of("blockSizeBytes", "100", (Consumer<Options.Builder>) o -> o.blockSizeBytes(100)),
                Arguments.of("blockSizeBytes", "32", (Consumer<Options.Builder>) o -> o.blockSizeBytes(32)),
                Arguments.of("blockSizeBytes", "131072", (Consumer<Options.Builder>) o -> o.blockSizeBytes(128 << 10)),
                Arguments.of("regionSizeBytes", "3145728", (Consumer<Options.Builder>) o -> o.regionSizeBytes(3 << 20)),
                Arguments.of("regionSizeBytes", "4194305", (Consumer<Options.Builder>) o -> o.regionSizeBytes((4 << 20) + 1)),
                Arguments.of("regionSizeBytes", "2147483648", (Consumer<Options.Builder>) o -> o.regionSizeBytes(2L << 30)),
                Arguments.of("commitIntervalMs", "0", (Consumer<Options.Builder>) o -> o.commitIntervalMs(0)),
                Arguments.of("commitIntervalMs", "1001", (Consumer<Options.Builder>) o -> o.commitIntervalMs(1001)),
                Arguments.of("zeroerPoolBytes", "-1", (Consumer<Options.Builder>) o -> o.zeroerPoolBytes(-1)),
                Arguments.of("durability", "null", (Consumer<Options.Builder>) o -> o.durability(null)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badOptions")
    void optionsBuilderRejectsNamingTheSetting(String setting, String value, Consumer<Options.Builder> set) {
        Options.Builder builder = Options.builder();
        DaxKVException.InvalidArgument e = assertThrows(DaxKVException.InvalidArgument.class, () -> set.accept(builder));
        assertTrue(e.getMessage().contains(setting), "names the setting: " + e.getMessage());
        assertTrue(e.getMessage().contains(value), "says the rejected value: " + e.getMessage());
        Options o = builder.build();
        assertEquals(Options.defaults().toString(), o.toString(), "a rejected setting must leave the builder unchanged");
    }
}
