package io.daxkv.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.daxkv.DaxKVException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allocator, its regions' free-space state and the free-extent sets, without region files.
 *
 * <p>The invariant under test is RegionSpace's: every block is exactly one of used, zeroed,
 * dirty, windowed, zeroing; {@code usedBlocks == popcount(used)}; no block is handed out twice;
 * a block handed out as pre-zeroed was zeroed since it was last handed out.
 */
class AllocatorTest {

    private static final String DISK_FULL = "No space left on device";
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(30);

    static RegionSpace freshSpace(int regionId, int blockCount) {
        RegionSpace s = new RegionSpace(regionId, blockCount);
        s.rebuildFreeSets();
        return s;
    }

    /** A grower for a disk that is full: always IOException. */
    static Allocator.Grower fullDisk(AtomicInteger calls) {
        return () -> {
            calls.incrementAndGet();
            throw new IOException(DISK_FULL);
        };
    }

    /** A grower adding regions of {@code blockCount} blocks, ids from 1, at most {@code maxNew}; then a full disk. */
    static final class CountingGrower implements Allocator.Grower {
        final int blockCount;
        final int maxNew;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger nextId = new AtomicInteger(1);
        /** Free blocks the allocator still had (takeable) when it asked to grow, per call. */
        final ConcurrentLinkedQueue<Long> takeableAtGrow = new ConcurrentLinkedQueue<>();
        volatile Allocator allocator;

        CountingGrower(int blockCount, int maxNew) {
            this.blockCount = blockCount;
            this.maxNew = maxNew;
        }

        @Override
        public RegionSpace grow() throws IOException {
            calls.incrementAndGet();
            Allocator a = allocator;
            if (a != null) {
                takeableAtGrow.add(a.takeableBlocks());
            }
            if (nextId.get() > maxNew) {
                throw new IOException(DISK_FULL);
            }
            return freshSpace(nextId.getAndIncrement(), blockCount);
        }
    }

    static long sum(List<Extent> extents) {
        long n = 0;
        for (Extent e : extents) {
            n += e.blockCount;
        }
        return n;
    }

    /** used + zeroed + dirty + windowed == blockCount, in every region (nothing is zeroing here). */
    static void assertAccounted(Allocator a, String where) {
        for (RegionSpace s : a.spaces()) {
            long used = s.usedBlocks();
            long zeroed = s.zeroedBlocks();
            long dirty = s.dirtyBlocks();
            long windowed = s.windowedBlocks();
            assertEquals(s.blockCount, used + zeroed + dirty + windowed, () -> where + ": region " + s.regionId
                    + " used " + used + " + zeroed " + zeroed + " + dirty " + dirty + " + windowed " + windowed
                    + " != " + s.blockCount);
            assertTrue(used >= 0 && zeroed >= 0 && dirty >= 0 && windowed >= 0, where);
            long popcount = 0;
            for (long w : s.usedBitmap()) {
                popcount += Long.bitCount(w);
            }
            final long pc = popcount;
            assertEquals(used, pc, () -> where + ": region " + s.regionId + " usedBlocks " + used + " but popcount " + pc);
        }
    }

    // ============================================================== (a) concurrent, no double hand-out

    @ParameterizedTest(name = "threads={0} seed={1}")
    @MethodSource("concurrentCases")
    void concurrentAllocateAndFreeNeverHandsOutABlockTwice(int threads, long seed) throws Exception {
        int blockCount = 16384;
        int windowBlocks = 64;
        int opsPerThread = 12_000;
        RegionSpace space = freshSpace(0, blockCount);
        AtomicInteger growCalls = new AtomicInteger();
        Allocator allocator = new Allocator(new RegionSpace[] {space}, windowBlocks, fullDisk(growCalls));
        AtomicIntegerArray owner = new AtomicIntegerArray(blockCount);
        // 1 while a block is known to read as zero: set by the simulated zeroer, cleared when handed out
        AtomicIntegerArray knownZero = new AtomicIntegerArray(blockCount);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<long[]> handoff = new ConcurrentLinkedQueue<>(); // {owner, first, count}
        List<List<long[]>> heldByThread = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(threads + 2); // workers, the zeroer, this thread
        AtomicBoolean workersDone = new AtomicBoolean();
        AtomicLong zeroerRounds = new AtomicLong();
        List<Thread> all = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            int me = t + 1;
            List<long[]> held = new ArrayList<>();
            heldByThread.add(held);
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + t);
            all.add(new Thread(() -> {
                try {
                    start.await(30, TimeUnit.SECONDS);
                    long heldBlocks = 0;
                    for (int op = 0; op < opsPerThread && violations.isEmpty(); op++) {
                        int r = rnd.nextInt(100);
                        if (heldBlocks >= 600 && r < 65) {
                            r = 65 + rnd.nextInt(35); // at the cap: free instead
                        }
                        if (r < 55) {
                            int n = Math.min(size(rnd, windowBlocks), 2 * windowBlocks);
                            Extent e;
                            try {
                                e = allocator.allocate(n);
                            } catch (DaxKVException.StorageIO full) {
                                violations.add("thread " + me + ": allocate(" + n + ") failed with used "
                                        + space.usedBlocks() + ", zeroed " + space.zeroedBlocks() + ", dirty "
                                        + space.dirtyBlocks() + ", windowed " + space.windowedBlocks() + ", free extents by class "
                                        + java.util.Arrays.toString(space.freeExtentHistogram()) + ": " + full);
                                return;
                            }
                            if (!claim(e, n, me, blockCount, owner, knownZero, space, violations)) {
                                return;
                            }
                            held.add(new long[] {me, e.firstBlock, n});
                            heldBlocks += n;
                        } else if (r < 62 && !held.isEmpty()) {
                            // hand an extent to whichever thread frees it (frees from other threads)
                            long[] h = held.remove(rnd.nextInt(held.size()));
                            heldBlocks -= h[2];
                            handoff.add(h);
                        } else {
                            long[] h = rnd.nextBoolean() ? handoff.poll() : null;
                            if (h == null && !held.isEmpty()) {
                                h = held.remove(rnd.nextInt(held.size()));
                                heldBlocks -= h[2];
                            }
                            if (h != null && !release(h, owner, allocator, violations)) {
                                return;
                            }
                        }
                    }
                } catch (Throwable e) {
                    violations.add("thread " + me + ": " + e);
                } finally {
                    finished.incrementAndGet();
                }
            }, "alloc-" + t));
        }
        // a simulated zeroer: dirty -> zeroed, concurrently with the windows and frees
        Thread zeroer = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(seed);
            try {
                start.await(30, TimeUnit.SECONDS);
                while (!workersDone.get() && violations.isEmpty()) {
                    int[] e = space.takeDirty(1 + rnd.nextInt(64));
                    if (e == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    for (int b = e[0]; b < e[0] + e[1]; b++) {
                        if (space.isUsed(b) || owner.get(b) != 0) {
                            violations.add("zeroer took block " + b + " which is in use (owner " + owner.get(b) + ")");
                        }
                        knownZero.set(b, 1);
                    }
                    space.zeroedDone(e[0], e[1]);
                    zeroerRounds.incrementAndGet();
                }
            } catch (Throwable e) {
                violations.add("zeroer: " + e);
            }
        }, "alloc-zeroer");
        all.forEach(Thread::start);
        zeroer.start();
        start.await(30, TimeUnit.SECONDS);
        for (Thread t : all) {
            t.join(JOIN_MILLIS);
        }
        workersDone.set(true);
        zeroer.join(JOIN_MILLIS);
        assertEquals(threads, finished.get(), "seed " + seed + ": workers did not finish");
        assertTrue(violations.isEmpty(), () -> "seed " + seed + ": " + violations);
        assertEquals(0, growCalls.get(), "seed " + seed + ": the region never ran out, no growth expected");

        // quiescent: ownership, bitmap and counters agree exactly
        List<long[]> held = new ArrayList<>(handoff);
        heldByThread.forEach(held::addAll);
        long heldBlocks = 0;
        for (long[] h : held) {
            heldBlocks += h[2];
        }
        for (int b = 0; b < blockCount; b++) {
            final int block = b;
            assertEquals(owner.get(b) != 0, space.isUsed(b), () -> "seed " + seed + ": block " + block
                    + " owner " + owner.get(block) + " but used bit " + space.isUsed(block));
        }
        assertEquals(heldBlocks, allocator.usedBlocks(), "seed " + seed);
        assertAccounted(allocator, "seed " + seed + " after the workload");
        assertTrue(space.windowedBlocks() <= (long) threads * windowBlocks,
                "seed " + seed + ": windows hold " + space.windowedBlocks());

        for (long[] h : held) {
            assertTrue(release(h, owner, allocator, violations), () -> "seed " + seed + ": " + violations);
        }
        assertEquals(0, allocator.usedBlocks(), "seed " + seed + ": everything freed");
        for (long w : space.usedBitmap()) {
            assertEquals(0, w, "seed " + seed + ": a used bit survived freeing everything");
        }
        assertAccounted(allocator, "seed " + seed + " after freeing everything");
        assertEquals(blockCount, space.zeroedBlocks() + space.dirtyBlocks() + space.windowedBlocks(), "seed " + seed);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> concurrentCases() {
        return Stream.of(
                org.junit.jupiter.params.provider.Arguments.of(4, 11L),
                org.junit.jupiter.params.provider.Arguments.of(6, 12L),
                org.junit.jupiter.params.provider.Arguments.of(8, 13L),
                org.junit.jupiter.params.provider.Arguments.of(8, 14L));
    }

    /** Mostly small (window) requests, some mid, a few direct (larger than half a window). */
    static int size(SplittableRandom rnd, int windowBlocks) {
        int r = rnd.nextInt(100);
        if (r < 70) {
            return 1 + rnd.nextInt(8);
        }
        if (r < 95) {
            return 1 + rnd.nextInt(windowBlocks / 2);
        }
        return windowBlocks / 2 + 1 + rnd.nextInt(4 * windowBlocks);
    }

    /** Takes ownership of every block of {@code e} with a CAS; false (and a violation) on any conflict. */
    private static boolean claim(Extent e, int n, int me, int blockCount, AtomicIntegerArray owner,
                                 AtomicIntegerArray knownZero, RegionSpace space, ConcurrentLinkedQueue<String> violations) {
        if (e.regionId != 0 || e.blockCount != n || e.firstBlock < 0 || e.firstBlock + n > blockCount) {
            violations.add("thread " + me + " asked " + n + " blocks and got " + e);
            return false;
        }
        for (int b = e.firstBlock; b < e.firstBlock + n; b++) {
            if (!owner.compareAndSet(b, 0, me)) {
                violations.add("block " + b + " handed to thread " + me + " while thread " + owner.get(b) + " holds it ("
                        + e + ")");
                return false;
            }
            if (!space.isUsed(b)) {
                violations.add("block " + b + " handed out without its used bit (" + e + ")");
                return false;
            }
            if (e.preZeroed && knownZero.get(b) != 1) {
                violations.add("block " + b + " handed out as pre-zeroed but it was not zeroed since its last use (" + e + ")");
                return false;
            }
            knownZero.set(b, 0); // the new owner writes it
        }
        return true;
    }

    /** Gives up ownership (CAS back to free) and frees; false (and a violation) on any conflict. */
    private static boolean release(long[] h, AtomicIntegerArray owner, Allocator allocator,
                                   ConcurrentLinkedQueue<String> violations) {
        int me = (int) h[0];
        int first = (int) h[1];
        int n = (int) h[2];
        for (int b = first; b < first + n; b++) {
            if (!owner.compareAndSet(b, me, 0)) {
                violations.add("block " + b + " of thread " + me + " was taken over by thread " + owner.get(b));
                return false;
            }
        }
        allocator.free(0, first, n);
        return true;
    }

    @Test
    void markUsedTwiceThrowsAndLeavesTheBitmapAsItWas() {
        RegionSpace s = new RegionSpace(3, 200);
        s.markUsed(10, 5);
        long[] before = s.usedBitmap();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.markUsed(12, 3));
        assertTrue(e.getMessage().contains("handed out twice") && e.getMessage().contains("block 12"), e.getMessage());
        assertArrayEquals(before, s.usedBitmap(), "a refused markUsed must undo what it set");
        assertEquals(5, s.usedBlocks());
        // a conflict found in a later word undoes the bits set in earlier words
        s.markUsed(70, 2);
        long[] before2 = s.usedBitmap();
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> s.markUsed(20, 60));
        assertTrue(e2.getMessage().contains("block 70"), e2.getMessage());
        assertArrayEquals(before2, s.usedBitmap(), "bits 20..69 must be cleared again");
        assertEquals(7, s.usedBlocks());
        // the very same extent twice
        assertThrows(IllegalStateException.class, () -> s.markUsed(10, 5));
        assertThrows(IllegalStateException.class, () -> s.markUsed(195, 10), "out of range");
        assertThrows(IllegalStateException.class, () -> s.markUsed(-1, 2), "negative start");
        assertArrayEquals(before2, s.usedBitmap());
    }

    @Test
    void freeOfAFreeBlockThrows() {
        RegionSpace s = new RegionSpace(0, 200);
        s.markUsed(10, 5);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.free(20, 1));
        assertTrue(e.getMessage().contains("double free"), e.getMessage());
        s.free(10, 5);
        assertEquals(0, s.usedBlocks());
        assertThrows(IllegalStateException.class, () -> s.free(10, 5), "the same extent freed twice");
        assertThrows(IllegalStateException.class, () -> s.free(12, 1), "one block of a freed extent");
    }

    @Test
    void aRefusedFreeLeavesTheBitmapAsItWas() {
        RegionSpace s = new RegionSpace(0, 200);
        s.markUsed(10, 5);
        s.markUsed(100, 40);
        long[] before = s.usedBitmap();
        // [8, 12): blocks 8 and 9 are free, 10 and 11 belong to a live extent
        assertThrows(IllegalStateException.class, () -> s.free(8, 4));
        assertArrayEquals(before, s.usedBitmap(), "a refused free cleared the used bits of a live extent");
        // spanning words: [100, 140) used, 140 free; the bits of 100..139 must survive
        assertThrows(IllegalStateException.class, () -> s.free(100, 41));
        assertArrayEquals(before, s.usedBitmap(), "a refused free cleared the used bits of a live extent");
        long popcount = 0;
        for (long w : s.usedBitmap()) {
            popcount += Long.bitCount(w);
        }
        assertEquals(s.usedBlocks(), popcount, "usedBlocks must equal popcount(used)");
    }

    // ====================================================== (b) exact accounting over many seeds

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void exactAccountingAfterRandomWorkloads(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int blockCount = 256 + rnd.nextInt(3840);
        int windowBlocks = 16 << rnd.nextInt(3);
        int maxNewRegions = rnd.nextInt(3);
        boolean simulateZeroer = rnd.nextBoolean();
        String where = "seed " + seed + " (blockCount " + blockCount + ", window " + windowBlocks + ", zeroer "
                + simulateZeroer + ")";
        CountingGrower grower = new CountingGrower(blockCount, maxNewRegions);
        Allocator a = new Allocator(new RegionSpace[] {freshSpace(0, blockCount)}, windowBlocks, grower);
        grower.allocator = a;
        Map<Integer, boolean[]> knownZero = new HashMap<>();
        List<Extent> held = new ArrayList<>();
        int ops = 500 + rnd.nextInt(2500);
        int storageErrors = 0;
        for (int op = 0; op < ops; op++) {
            int r = rnd.nextInt(100);
            if (r < 50) {
                int n = Math.min(size(rnd, windowBlocks), blockCount / 4);
                try {
                    Extent e = a.allocate(n);
                    checkFresh(a, e, n, knownZero, held, where + " op " + op);
                    held.add(e);
                } catch (DaxKVException.StorageIO full) {
                    storageErrors++;
                    assertEquals(1 + maxNewRegions, a.spaces().length, where + ": StorageIO although the grower could grow");
                    assertTrue(full.getMessage().contains(DISK_FULL), full.getMessage());
                }
            } else if (r < 90 && !held.isEmpty()) {
                Extent e = held.remove(rnd.nextInt(held.size()));
                a.free(e.regionId, e.firstBlock, e.blockCount);
            } else if (simulateZeroer) {
                zeroSome(a, rnd, knownZero);
            }
            assertEquals(sum(held), a.usedBlocks(), where + " op " + op + ": usedBlocks vs held extents");
            assertAccounted(a, where + " op " + op);
        }
        // the used bitmap is exactly the held extents
        for (RegionSpace s : a.spaces()) {
            boolean[] expected = new boolean[s.blockCount];
            for (Extent e : held) {
                if (e.regionId == s.regionId) {
                    for (int b = e.firstBlock; b < e.firstBlock + e.blockCount; b++) {
                        expected[b] = true;
                    }
                }
            }
            for (int b = 0; b < s.blockCount; b++) {
                final int block = b;
                assertEquals(expected[b], s.isUsed(b), () -> where + ": region " + s.regionId + " block " + block);
            }
        }
        // one thread, one window
        long windowed = 0;
        RegionSpace windowSpace = null;
        for (RegionSpace s : a.spaces()) {
            if (s.windowedBlocks() > 0) {
                assertNull(windowSpace, where + ": two regions hold window blocks for one thread");
                windowSpace = s;
                windowed = s.windowedBlocks();
            }
        }
        assertTrue(windowed <= windowBlocks, where + ": window of " + windowed);
        if (windowed > 0) {
            // consume the rest of this thread's window, so every free block is in a free set
            Extent rest = a.allocate((int) windowed);
            assertEquals(windowSpace.regionId, rest.regionId, where + ": the window's tail came from elsewhere");
            checkFresh(a, rest, (int) windowed, knownZero, held, where + " window tail");
            held.add(rest);
            for (RegionSpace s : a.spaces()) {
                assertEquals(0, s.windowedBlocks(), where + ": window not drained in region " + s.regionId);
            }
        }
        for (Extent e : held) {
            a.free(e.regionId, e.firstBlock, e.blockCount);
        }
        held.clear();
        assertEquals(0, a.usedBlocks(), where + ": everything freed");
        assertAccounted(a, where + " after freeing everything");
        if (simulateZeroer) {
            // let the zeroer finish: then the whole region is one zeroed extent
            for (RegionSpace s : a.spaces()) {
                for (int[] e; (e = s.takeDirty(1 + rnd.nextInt(300))) != null; ) {
                    s.zeroedDone(e[0], e[1]);
                }
                assertEquals(s.blockCount, s.zeroedBlocks(), where);
            }
        }
        // coalesced: each region is one free extent again, and can be handed out whole. Without
        // the zeroer, small frees wait in the exact-length stacks (SmallFree) and coalesce only
        // when a request needs them, so the histogram is checked where the zeroer drained them.
        int growCalls = grower.calls.get();
        List<Integer> regionsSeen = new ArrayList<>();
        for (RegionSpace s : simulateZeroer ? a.spaces() : new RegionSpace[0]) {
            long[] histogram = s.freeExtentHistogram();
            int cls = 31 - Integer.numberOfLeadingZeros(s.blockCount);
            for (int c = 0; c < histogram.length; c++) {
                final int k = c;
                assertEquals(c == cls ? 1 : 0, histogram[c], () -> where + ": region " + s.regionId
                        + " free extents of class " + k + " after freeing everything: " + java.util.Arrays.toString(histogram));
            }
        }
        for (int i = 0; i < a.spaces().length; i++) {
            Extent whole = a.allocate(blockCount);
            assertEquals(0, whole.firstBlock, where);
            assertEquals(blockCount, whole.blockCount, where);
            assertEquals(simulateZeroer, whole.preZeroed, where + ": " + whole);
            assertFalse(regionsSeen.contains(whole.regionId), where + ": region handed out whole twice");
            regionsSeen.add(whole.regionId);
        }
        assertEquals(growCalls, grower.calls.get(), where + ": allocating whole free regions must not grow");
        assertEquals(a.totalBlocks(), a.usedBlocks(), where);
        assertAccounted(a, where + " with every region handed out whole");
        if (storageErrors > 0) {
            assertEquals(1 + maxNewRegions, a.spaces().length, where);
        }
    }

    /** Checks a just-allocated extent: in range, disjoint from every held one, pre-zeroed only if really zero. */
    private static void checkFresh(Allocator a, Extent e, int n, Map<Integer, boolean[]> knownZero, List<Extent> held,
                                   String where) {
        RegionSpace s = a.space(e.regionId);
        assertEquals(n, e.blockCount, where + ": " + e);
        assertTrue(e.firstBlock >= 0 && e.firstBlock + n <= s.blockCount, where + ": " + e + " out of range");
        for (Extent h : held) {
            if (h.regionId == e.regionId) {
                assertTrue(e.firstBlock + n <= h.firstBlock || h.firstBlock + h.blockCount <= e.firstBlock,
                        () -> where + ": " + e + " overlaps held " + h);
            }
        }
        boolean[] zero = knownZero.computeIfAbsent(e.regionId, id -> new boolean[s.blockCount]);
        for (int b = e.firstBlock; b < e.firstBlock + n; b++) {
            assertTrue(s.isUsed(b), where + ": block " + b + " handed out without its used bit");
            if (e.preZeroed) {
                final int block = b;
                assertTrue(zero[b], () -> where + ": " + e + " claims pre-zeroed but block " + block
                        + " was not zeroed since its last use");
            }
            zero[b] = false;
        }
    }

    /** What the zeroer does to one chunk: dirty -> zeroing -> zeroed (or back to dirty on failure). */
    private static void zeroSome(Allocator a, SplittableRandom rnd, Map<Integer, boolean[]> knownZero) {
        RegionSpace[] spaces = a.spaces();
        RegionSpace s = spaces[rnd.nextInt(spaces.length)];
        int[] e = s.takeDirty(1 + rnd.nextInt(200));
        if (e == null) {
            return;
        }
        for (int b = e[0]; b < e[0] + e[1]; b++) {
            assertFalse(s.isUsed(b), "the zeroer was given used block " + b);
        }
        if (rnd.nextInt(10) == 0) {
            s.zeroingFailed(e[0], e[1]);
            return;
        }
        boolean[] zero = knownZero.computeIfAbsent(s.regionId, id -> new boolean[s.blockCount]);
        for (int b = e[0]; b < e[0] + e[1]; b++) {
            zero[b] = true;
        }
        s.zeroedDone(e[0], e[1]);
    }

    @Test
    void windowsComeFromThePreZeroedPoolFirstAndRefillAtTheGoal() {
        RegionSpace s = freshSpace(0, 1024);
        int[] z = s.takeDirty(512);
        assertArrayEquals(new int[] {0, 512}, z);
        s.zeroedDone(0, 512);
        Allocator a = new Allocator(new RegionSpace[] {s}, 32, fullDisk(new AtomicInteger()));
        Extent prev = a.allocate(8);
        assertTrue(prev.preZeroed, "a window is taken from the pre-zeroed pool when it has room: " + prev);
        for (int i = 0; i < 40; i++) {
            Extent e = a.allocate(8);
            // a refill asks for blocks at the end of the previous window: one thread's extents stay together
            assertEquals(prev.firstBlock + 8, e.firstBlock, "allocation " + i + " after " + prev + " got " + e);
            prev = e;
        }
        assertTrue(a.windowRefills() >= 40 * 8 / 32, "refills " + a.windowRefills());
        assertAccounted(a, "after 41 allocations");
        // the zeroed pool is used up first, then dirty blocks are handed out as not pre-zeroed
        List<Extent> more = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            more.add(a.allocate(8));
        }
        assertTrue(more.stream().anyMatch(e -> !e.preZeroed), "dirty blocks after the pool ran out");
        for (Extent e : more) {
            assertEquals(e.preZeroed, e.firstBlock + e.blockCount <= 512, "pre-zeroed exactly when taken from [0, 512): " + e);
        }
    }

    @Test
    void allocateRejectsNonPositiveCounts() {
        Allocator a = new Allocator(new RegionSpace[] {freshSpace(0, 64)}, 16, fullDisk(new AtomicInteger()));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(-3));
        assertEquals(0, a.usedBlocks());
    }

    @Test
    void aFreeRunSplitBetweenZeroedAndDirtyStillServesOneExtent() {
        RegionSpace s = freshSpace(0, 256);
        int[] z = s.takeDirty(128);
        s.zeroedDone(z[0], z[1]); // zeroed [0, 128), dirty [128, 256): one contiguous free run
        AtomicInteger growCalls = new AtomicInteger();
        Allocator a = new Allocator(new RegionSpace[] {s}, 16, fullDisk(growCalls));
        Extent e = a.allocate(200);
        assertEquals(200, e.blockCount);
        assertFalse(e.preZeroed, "part of it is dirty");
        assertEquals(0, growCalls.get(), "the region had 256 contiguous free blocks");
    }

    // ====================================================================== (c) growth

    @Test
    void whenARegionIsFullTheGrowerIsCalledAndAllocationContinuesThere() {
        CountingGrower grower = new CountingGrower(256, 1);
        RegionSpace first = freshSpace(0, 256);
        Allocator a = new Allocator(new RegionSpace[] {first}, 16, grower);
        grower.allocator = a;
        List<Extent> got = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            got.add(a.allocate(1));
        }
        assertEquals(0, grower.calls.get(), "no growth while region 0 has room");
        assertEquals(256, first.usedBlocks());
        assertTrue(got.stream().allMatch(e -> e.regionId == 0));
        Extent next = a.allocate(1);
        assertEquals(1, grower.calls.get());
        assertEquals(0L, grower.takeableAtGrow.peek(), "grew while blocks were still free");
        assertEquals(1, next.regionId, "allocation continues in the new region: " + next);
        assertEquals(2, a.spaces().length);
        assertEquals(512, a.totalBlocks());
        assertSame(a.space(1), a.spaces()[1]);
        // and later allocations keep going there without growing again, direct ones too
        Extent big = a.allocate(200);
        assertEquals(1, big.regionId);
        assertEquals(1, grower.calls.get());
        assertEquals(256 + 1 + 200, a.usedBlocks());
        assertAccounted(a, "after growth");
        // the next region would be the third: the disk is full now
        DaxKVException.StorageIO full = assertThrows(DaxKVException.StorageIO.class, () -> a.allocate(100));
        assertTrue(full.getMessage().contains(DISK_FULL), full.getMessage());
        assertEquals(2, a.spaces().length);
        assertAccounted(a, "after a failed growth");
    }

    @Test
    void aGrowerThatThrowsIOExceptionYieldsStorageIOWithItsMessage() {
        AtomicInteger calls = new AtomicInteger();
        RegionSpace s = freshSpace(0, 64);
        Allocator a = new Allocator(new RegionSpace[] {s}, 16, fullDisk(calls));
        List<Extent> got = new ArrayList<>();
        DaxKVException.StorageIO full = null;
        for (int i = 0; i < 100 && full == null; i++) {
            try {
                got.add(a.allocate(1 + i % 3));
            } catch (DaxKVException.StorageIO e) {
                full = e;
            }
        }
        assertNotNull(full, "a full region with a full disk must fail");
        assertTrue(full.getMessage().contains("cannot grow") && full.getMessage().contains(DISK_FULL),
                "message should say what failed and why: " + full.getMessage());
        assertInstanceOf(IOException.class, full.getCause());
        assertEquals(DISK_FULL, full.getCause().getMessage());
        assertTrue(calls.get() >= 1);
        assertEquals(sum(got), a.usedBlocks());
        assertAccounted(a, "after the failure");
        // the direct path fails the same way
        DaxKVException.StorageIO direct = assertThrows(DaxKVException.StorageIO.class, () -> a.allocate(60));
        assertTrue(direct.getMessage().contains(DISK_FULL), direct.getMessage());
        // the allocator is still usable: freed blocks are handed out again without growing
        int before = calls.get();
        Extent freed = got.remove(0);
        a.free(freed.regionId, freed.firstBlock, freed.blockCount);
        Extent again = a.allocate(1);
        assertEquals(0, again.regionId);
        assertEquals(before, calls.get(), "freed space must be found before asking to grow");
        got.add(again);
        assertEquals(sum(got), a.usedBlocks());
        assertAccounted(a, "after reuse");
    }

    @Test
    void concurrentGrowthAddsOneRegionPerNeedAndNeverHandsOutABlockTwice() throws Exception {
        int threads = 8;
        int blockCount = 512;
        int windowBlocks = 16;
        int perThread = 600;
        CountingGrower grower = new CountingGrower(blockCount, 40);
        Allocator a = new Allocator(new RegionSpace[] {freshSpace(0, blockCount)}, windowBlocks, grower);
        ConcurrentHashMap<Long, Integer> owners = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong allocated = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            SplittableRandom rnd = new SplittableRandom(7_000 + t);
            ts.add(new Thread(() -> {
                try {
                    start.await(30, TimeUnit.SECONDS);
                    for (int got = 0; got < perThread; ) {
                        int n = 1 + rnd.nextInt(4);
                        Extent e = a.allocate(n);
                        for (int b = e.firstBlock; b < e.firstBlock + n; b++) {
                            Integer prev = owners.putIfAbsent(((long) e.regionId << 32) | b, me);
                            if (prev != null) {
                                problems.add("region " + e.regionId + " block " + b + " handed to " + me + " and " + prev);
                            }
                        }
                        got += n;
                        allocated.addAndGet(n);
                    }
                } catch (Throwable e) {
                    problems.add("thread " + me + ": " + e);
                }
            }, "grow-" + t));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join(JOIN_MILLIS);
        }
        assertTrue(problems.isEmpty(), problems::toString);
        int regions = a.spaces().length;
        assertEquals(grower.calls.get(), regions - 1, "every grow call added exactly one region");
        assertEquals(allocated.get(), a.usedBlocks());
        assertEquals(allocated.get(), owners.size());
        // no needless regions: all but the newest hold at most a few blocks free each (window tails)
        long needed = (allocated.get() + blockCount - 1) / blockCount;
        assertTrue(regions <= needed + 3, "allocated " + allocated.get() + " blocks in " + regions + " regions of "
                + blockCount);
        assertAccounted(a, "after concurrent growth");
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (RegionSpace s : a.spaces()) {
            assertTrue(ids.add(s.regionId), "region id " + s.regionId + " twice");
        }
    }

    // ====================================================================== (d) FreeExtents

    @Nested
    class FreeExtentsTest {

        Map<Integer, Integer> contents(FreeExtents f) {
            Map<Integer, Integer> m = new TreeMap<>();
            f.forEach(m::put);
            return m;
        }

        @Test
        void coalescesWithTheLeftTheRightAndBothNeighbours() {
            FreeExtents f = new FreeExtents();
            f.add(0, 10);
            f.add(20, 10);
            f.add(40, 5);
            assertEquals(3, f.extentCount());
            f.add(10, 10); // joins both sides
            assertEquals(Map.of(0, 30, 40, 5), contents(f));
            f.add(30, 3); // left only
            assertEquals(Map.of(0, 33, 40, 5), contents(f));
            f.add(37, 3); // right only
            assertEquals(Map.of(0, 33, 37, 8), contents(f));
            f.add(33, 4); // both again: one extent
            assertEquals(Map.of(0, 45), contents(f));
            assertEquals(45, f.totalBlocks());
            assertEquals(1, f.extentCount());
            long[] h = f.histogram();
            assertEquals(1, h[5], "45 blocks is class 5 ([32, 64))");
            assertEquals(1, java.util.Arrays.stream(h).sum());
            f.add(100, 0); // nothing
            assertEquals(1, f.extentCount());
        }

        @Test
        void overlapIsDetected() {
            FreeExtents f = new FreeExtents();
            f.add(10, 10); // [10, 20)
            f.add(30, 10); // [30, 40)
            assertThrows(IllegalStateException.class, () -> f.add(15, 2), "inside");
            assertThrows(IllegalStateException.class, () -> f.add(10, 10), "the same extent");
            assertThrows(IllegalStateException.class, () -> f.add(10, 1), "same start");
            assertThrows(IllegalStateException.class, () -> f.add(5, 6), "overlapping the start");
            assertThrows(IllegalStateException.class, () -> f.add(19, 2), "overlapping the end");
            assertThrows(IllegalStateException.class, () -> f.add(0, 50), "containing both");
            assertThrows(IllegalStateException.class, () -> f.add(25, 6), "reaching into the next");
            assertEquals(Map.of(10, 10, 30, 10), contents(f), "refused adds change nothing");
            assertEquals(20, f.totalBlocks());
        }

        @Test
        void aRefusedAddThatTouchesANeighbourChangesNothing() {
            FreeExtents f = new FreeExtents();
            f.add(0, 5);  // [0, 5)
            f.add(6, 2);  // [6, 8)
            // [5, 7) touches [0, 5) and overlaps [6, 8)
            assertThrows(IllegalStateException.class, () -> f.add(5, 2));
            assertEquals(Map.of(0, 5, 6, 2), contents(f), "the left neighbour was merged away by a refused add");
            assertEquals(7, f.totalBlocks());
            FreeExtents g = new FreeExtents();
            g.add(12, 1);  // [12, 13)
            g.add(15, 3);  // [15, 18)
            // [10, 15) overlaps [12, 13) and touches [15, 18)
            assertThrows(IllegalStateException.class, () -> g.add(10, 5));
            assertEquals(Map.of(12, 1, 15, 3), contents(g), "the right neighbour was merged away by a refused add");
            assertEquals(4, g.totalBlocks());
        }

        @Test
        void takeWithAGoalPrefersAnExtentAtOrAfterTheGoal() {
            FreeExtents f = new FreeExtents();
            f.add(0, 100);
            f.add(500, 100);
            f.add(1000, 8);
            assertEquals(500, f.take(10, 300), "the first extent at or after the goal that fits");
            assertEquals(Map.of(0, 100, 510, 90, 1000, 8), contents(f), "the rest of the extent stays free");
            assertEquals(510, f.take(10, 510), "an extent starting exactly at the goal");
            // after the goal only one too-short extent: falls back to the best fit anywhere,
            // the shorter of [0, 100) and [520, 80)
            assertEquals(520, f.take(20, 900), "best fit when nothing after the goal fits");
            assertEquals(1000, f.take(8, 1000), "an exact fit is taken whole");
            assertEquals(Map.of(0, 100, 540, 60), contents(f));
            assertEquals(160, f.totalBlocks());
            assertEquals(-1, f.take(101, 0), "nothing long enough");
            assertEquals(160, f.totalBlocks(), "a failed take changes nothing");
        }

        @Test
        void takeLooksAtOnlyAFewExtentsAfterTheGoalThenBestFits() {
            FreeExtents f = new FreeExtents();
            for (int i = 0; i < 6; i++) {
                f.add(100 + 10 * i, 2); // six short extents after the goal
            }
            f.add(300, 64);
            f.add(0, 40);
            // the probes see only short ones; the best fit by size class is [0, 40), not [300, 64)
            assertEquals(0, f.take(33, 100));
            assertEquals(Map.of(33, 7, 100, 2, 110, 2, 120, 2, 130, 2, 140, 2, 150, 2, 300, 64), contents(f));
        }

        @Test
        void bestFitBySizeClass() {
            FreeExtents f = new FreeExtents();
            f.add(0, 40);     // class 5
            f.add(100, 20);   // class 4
            f.add(200, 17);   // class 4
            f.add(300, 33);   // class 5
            f.add(400, 5);    // class 2
            int far = 10_000; // no goal hit
            assertEquals(200, f.take(17, far), "the shortest extent that fits, within the class");
            assertEquals(100, f.take(18, far), "the next shortest in class 4");
            assertEquals(300, f.take(30, far), "class 4 is empty: the shortest of class 5 (33 before 40)");
            assertEquals(Map.of(0, 40, 330, 3, 400, 5, 118, 2), contents(f));
            assertEquals(400, f.take(4, far), "class 2 holds the 5-block extent");
            // [404, 1) is class 0 now, [118, 2) and [330, 3) class 1
            assertEquals(330, f.take(3, far), "the exact fit in class 1, not a longer extent");
            assertEquals(0, f.take(4, far), "classes 2 to 4 are empty: the first of class 5");
            assertEquals(Map.of(4, 36, 118, 2, 404, 1), contents(f));
            assertEquals(39, f.totalBlocks());
        }

        @Test
        void takeLowestTakesFromTheFirstExtent() {
            FreeExtents f = new FreeExtents();
            assertNull(f.takeLowest(10));
            f.add(50, 30);
            f.add(10, 5);
            assertArrayEquals(new int[] {10, 5}, f.takeLowest(10));
            assertArrayEquals(new int[] {50, 10}, f.takeLowest(10));
            assertEquals(Map.of(60, 20), contents(f));
            assertEquals(20, f.totalBlocks());
        }

        /** A model-checked random walk: the set always equals the maximal runs of the model's free blocks. */
        @ParameterizedTest(name = "seed {0}")
        @MethodSource("io.daxkv.alloc.AllocatorTest#seeds")
        void matchesAModelOfFreeBlocks(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed ^ 0xF4EEL);
            int size = 64 + rnd.nextInt(2000);
            boolean[] free = new boolean[size];
            FreeExtents f = new FreeExtents();
            for (int op = 0; op < 400; op++) {
                if (rnd.nextBoolean()) {
                    // free a random run of used blocks
                    int start = rnd.nextInt(size);
                    int len = 0;
                    while (start + len < size && !free[start + len] && len < 1 + rnd.nextInt(64)) {
                        len++;
                    }
                    if (len == 0) {
                        continue;
                    }
                    f.add(start, len);
                    for (int b = start; b < start + len; b++) {
                        free[b] = true;
                    }
                } else {
                    int n = 1 + rnd.nextInt(48);
                    int goal = rnd.nextInt(size);
                    int got = f.take(n, goal);
                    int longest = longestRun(free);
                    if (got < 0) {
                        final int l = longest;
                        assertTrue(longest < n, () -> "seed " + seed + ": take(" + n + ") failed with a run of " + l);
                        continue;
                    }
                    for (int b = got; b < got + n; b++) {
                        final int block = b;
                        assertTrue(b < size && free[b], () -> "seed " + seed + ": take(" + n + ", " + goal + ") = " + got
                                + " includes non-free block " + block);
                        free[b] = false;
                    }
                }
                assertEquals(runs(free), contents(f), "seed " + seed + " op " + op);
                long total = 0;
                for (boolean b : free) {
                    total += b ? 1 : 0;
                }
                assertEquals(total, f.totalBlocks(), "seed " + seed + " op " + op);
                assertEquals(runs(free).size(), java.util.Arrays.stream(f.histogram()).sum(), "seed " + seed);
            }
        }

        private int longestRun(boolean[] free) {
            int best = 0;
            int cur = 0;
            for (boolean b : free) {
                cur = b ? cur + 1 : 0;
                best = Math.max(best, cur);
            }
            return best;
        }

        private Map<Integer, Integer> runs(boolean[] free) {
            Map<Integer, Integer> m = new TreeMap<>();
            int b = 0;
            while (b < free.length) {
                if (!free[b]) {
                    b++;
                    continue;
                }
                int s = b;
                while (b < free.length && free[b]) {
                    b++;
                }
                m.put(s, b - s);
            }
            return m;
        }
    }

    @Test
    void helpersAreSound() {
        // the accounting check must be able to fail: a window blocks taken without windowConsumed
        RegionSpace s = freshSpace(0, 128);
        Allocator a = new Allocator(new RegionSpace[] {s}, 16, fullDisk(new AtomicInteger()));
        assertAccounted(a, "fresh");
        s.markUsed(0, 1); // used without leaving a free set: counted twice
        try {
            assertAccounted(a, "broken on purpose");
            fail("assertAccounted did not notice a block counted twice");
        } catch (org.opentest4j.AssertionFailedError expected) {
            assertTrue(expected.getMessage().contains("broken on purpose"));
        }
    }
}
