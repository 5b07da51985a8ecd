package io.daxkv.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
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

    static final String DISK_FULL = "No space left on device";
    static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(30);

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
