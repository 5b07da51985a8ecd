package io.daxkv.alloc;

import io.daxkv.region.Region;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The free-space state of one region.
 *
 * <p>Invariant: every data block of the region is in exactly one of these states.
 * <pre>
 *   used      its bit is set in {@link #used}: owned by a record, an open blob, or a freed
 *             extent that readers may still be looking at (deferred free)
 *   zeroed    free, in the {@code zeroed} set: known to read as zeros, its pages touched
 *   dirty     free, in the {@code dirty} set: contents unknown (old records, fresh file)
 *   windowed  free, reserved by one thread's preallocation window (zeroed or dirty as the
 *             window says); leaves that state by being taken (used) or returned
 *   zeroing   free, taken by the zeroer, on its way from dirty to zeroed
 * </pre>
 * and {@code usedBlocks == popcount(used)}; {@code zeroed + dirty + windowed + zeroing + used ==
 * blockCount}. The in-memory bitmap is ext4's on-disk bitmap plus nothing else: preallocations
 * never set bits, which is mballoc's equation in one line.
 *
 * <p>Locking: the free sets and the windowed/zeroing counts are guarded by {@code this}. The
 * bitmap is updated with atomic word operations outside the lock, so a thread taking blocks
 * from its own window never locks; setting a bit already set (a block handed out twice) or
 * clearing one already clear (a double free) throws {@link IllegalStateException}.
 */
public final class RegionSpace {

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    public final Region region;
    public final int regionId;
    public final int blockCount;
    private final long[] used;
    private final LongAdder usedBlocks = new LongAdder();
    private final FreeExtents zeroed = new FreeExtents();
    private final FreeExtents dirty = new FreeExtents();
    static final int SMALL_MAX_BLOCKS = 64;
    /**
     * Recently freed small extents (at most {@link #SMALL_MAX_BLOCKS}), dirty, kept by exact
     * length in stacks: a record-sized free and a record-sized reuse are O(1), where inserting
     * a million scattered holes into the coalescing tree cost two thirds of a random-overwrite
     * workload. They join the tree (and coalesce) only when a request finds nothing else.
     */
    private final SmallFree small = new SmallFree();
    private final LongAdder windowedBlocks = new LongAdder();
    private long zeroingBlocks;

    /** A space whose blocks are all free and dirty (a new region, or before recovery marks used ones). */
    public RegionSpace(Region region) {
        this.region = region;
        this.regionId = region.id;
        this.blockCount = region.geometry.blockCount;
        this.used = new long[(blockCount + 63) / 64];
    }

    /** Used for tests of the allocator without a region file. */
    RegionSpace(int regionId, int blockCount) {
        this.region = null;
        this.regionId = regionId;
        this.blockCount = blockCount;
        this.used = new long[(blockCount + 63) / 64];
    }

    /** After the used bits are set (recovery or a new region), puts every clear run in the dirty set. */
    public synchronized void rebuildFreeSets() {
        int b = 0;
        while (b < blockCount) {
            if (isUsed(b)) {
                b++;
                continue;
            }
            int start = b;
            while (b < blockCount && !isUsed(b)) {
                b++;
            }
            dirty.add(start, b - start);
        }
    }

    public boolean isUsed(int block) {
        return (((long) WORDS.getVolatile(used, block >>> 6)) & (1L << (block & 63))) != 0;
    }

    /** Sets the bits of {@code [start, start + n)}; throws when any was set already. */
    public void markUsed(int start, int n) {
        if (start < 0 || n <= 0 || start + n > blockCount) {
            throw new IllegalStateException("region " + regionId + ": extent [" + start + ", +" + n + ") out of range");
        }
        int b = start;
        int end = start + n;
        while (b < end) {
            int word = b >>> 6;
            int bit = b & 63;
            int span = Math.min(64 - bit, end - b);
            long mask = span == 64 ? -1L : ((1L << span) - 1) << bit;
            long before = (long) WORDS.getAndBitwiseOr(used, word, mask);
            if ((before & mask) != 0) {
                // undo what this call set, then fail loudly: a block handed out twice
                long mine = mask & ~before;
                WORDS.getAndBitwiseAnd(used, word, ~mine);
                forceBits(start, b - start, false);
                throw new IllegalStateException("region " + regionId + ": block "
                        + (word * 64 + Long.numberOfTrailingZeros(before & mask)) + " handed out twice");
            }
            b += span;
        }
        usedBlocks.add(n);
    }

    /** A record took {@code n} blocks from a window of this region (already marked used). */
    void windowConsumed(int n) {
        windowedBlocks.add(-n);
    }

    /** Clears the bits of a freed extent and puts it in the dirty set. */
    public void free(int start, int n) {
        if (start < 0 || n <= 0 || start + n > blockCount) {
            throw new IllegalStateException("region " + regionId + ": free of [" + start + ", +" + n + ") out of range");
        }
        clearCheckedBits(start, n);
        usedBlocks.add(-n);
        synchronized (this) {
            if (n <= SMALL_MAX_BLOCKS) {
                small.push(start, n);
            } else {
                dirty.add(start, n);
            }
        }
    }

    /**
     * Takes a window of {@code want} blocks (at least {@code min}); null when none fits. Not
     * marked used. With {@code joinSplitRuns} (the last try before the store grows), free runs
     * split between the zeroed and dirty sets are joined first: that walks every zeroed extent.
     */
    synchronized Extent takeWindow(int want, int min, int goal, boolean joinSplitRuns) {
        Extent e = takeFromSets(want, min, goal);
        if (e == null && joinSplitRuns && demoteZeroedNextToDirty()) {
            // a free run split between the sets (the zeroer part-way through it) serves as dirty
            e = takeFromSets(want, min, goal);
        }
        return e;
    }

    /**
     * Moves every zeroed extent that touches a dirty one into the dirty set, so runs split
     * between the two become one (dirty) extent. Returns whether anything moved.
     */
    private boolean demoteZeroedNextToDirty() {
        boolean drained = small.drainInto(dirty);
        java.util.List<int[]> move = new java.util.ArrayList<>();
        zeroed.forEach((start, length) -> {
            if (dirty.touches(start, length)) {
                move.add(new int[] {start, length});
            }
        });
        for (int[] m : move) {
            zeroed.remove(m[0], m[1]);
            dirty.add(m[0], m[1]);
        }
        return drained || !move.isEmpty();
    }

    /**
     * A full window from the zeroed set, else from the dirty set; only then {@code min} blocks
     * (zeroed first). Whole windows come from large free extents, so small holes left by frees
     * are used when no large extent is left (or by requests of about their size).
     */
    private Extent takeFromSets(int want, int min, int goal) {
        int[] sizes = min < want ? new int[] {want, min} : new int[] {want};
        for (int size : sizes) {
            for (int pass = 0; pass < 2; pass++) {
                FreeExtents set = pass == 0 ? zeroed : dirty;
                int start = set.take(size, goal);
                if (start >= 0) {
                    windowedBlocks.add(size);
                    return new Extent(regionId, start, size, pass == 0);
                }
            }
            if (size <= SMALL_MAX_BLOCKS) {
                int start = small.take(size);
                if (start >= 0) {
                    windowedBlocks.add(size);
                    return new Extent(regionId, start, size, false);
                }
            }
        }
        return null;
    }

    /** {@code n} blocks from the small-hole stacks, marked used; null when there is none. */
    synchronized Extent takeSmall(int n) {
        if (n > SMALL_MAX_BLOCKS) {
            return null;
        }
        int start = small.take(n);
        if (start < 0) {
            return null;
        }
        markUsed(start, n);
        return new Extent(regionId, start, n, false);
    }

    /** Returns the unused tail of a window. */
    synchronized void returnWindow(int start, int n, boolean isZeroed) {
        if (n <= 0) {
            return;
        }
        windowedBlocks.add(-n);
        (isZeroed ? zeroed : dirty).add(start, n);
    }

    /**
     * For the zeroer: {@code max} dirty blocks cut from an extent at least that long (where the
     * next windows come from) or, when {@code large} is false, up to {@code max} from the lowest
     * extent; null when there is none.
     */
    synchronized int[] takeDirty(int max) {
        return takeDirty(max, false);
    }

    synchronized int[] takeDirty(int max, boolean large) {
        int start = large ? dirty.take(max, 0) : -1;
        int[] e = start >= 0 ? new int[] {start, max} : large ? null : dirty.takeLowest(max);
        if (e == null && !large) {
            e = small.takeUpTo(max);
        }
        if (e != null) {
            zeroingBlocks += e[1];
        }
        return e;
    }

    /** For the zeroer: the extent it took is now zero. */
    synchronized void zeroedDone(int start, int n) {
        zeroingBlocks -= n;
        zeroed.add(start, n);
    }

    /** For the zeroer: the extent it took could not be zeroed; it goes back as dirty. */
    synchronized void zeroingFailed(int start, int n) {
        zeroingBlocks -= n;
        dirty.add(start, n);
    }

    public long usedBlocks() {
        return usedBlocks.sum();
    }

    public long freeBlocks() {
        return blockCount - usedBlocks.sum();
    }

    public synchronized long zeroedBlocks() {
        return zeroed.totalBlocks();
    }

    public synchronized long dirtyBlocks() {
        return dirty.totalBlocks() + small.totalBlocks();
    }

    public long windowedBlocks() {
        return windowedBlocks.sum();
    }

    /** Free blocks an allocation can still take without waiting for the zeroer. */
    synchronized long takeableBlocks() {
        return zeroed.totalBlocks() + dirty.totalBlocks() + small.totalBlocks();
    }

    /** Free-extent size histogram over both sets (index k: extents of [2^k, 2^(k+1)) blocks). */
    public synchronized long[] freeExtentHistogram() {
        long[] a = zeroed.histogram();
        long[] b = dirty.histogram();
        small.addHistogram(b);
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /** A copy of the used bitmap, one bit per block. */
    public long[] usedBitmap() {
        long[] copy = new long[used.length];
        for (int i = 0; i < used.length; i++) {
            copy[i] = (long) WORDS.getVolatile(used, i);
        }
        return copy;
    }

    /** Clears the bits of {@code [start, start + n)}; when any was already clear, restores them all and throws. */
    private void clearCheckedBits(int start, int n) {
        int b = start;
        int end = start + n;
        while (b < end) {
            int word = b >>> 6;
            int bit = b & 63;
            int span = Math.min(64 - bit, end - b);
            long mask = span == 64 ? -1L : ((1L << span) - 1) << bit;
            long before = (long) WORDS.getAndBitwiseAnd(used, word, ~mask);
            if ((before & mask) != mask) {
                // undo: put back what this word had, and the words already cleared
                WORDS.getAndBitwiseOr(used, word, before & mask);
                forceBits(start, b - start, true);
                throw new IllegalStateException("region " + regionId + ": block "
                        + (word * 64 + Long.numberOfTrailingZeros(~before & mask)) + " freed while free (double free)");
            }
            b += span;
        }
    }

    /** Sets ({@code set}) or clears every bit of {@code [start, start + n)}, unchecked (undo paths). */
    private void forceBits(int start, int n, boolean set) {
        int b = start;
        int end = start + n;
        while (b < end) {
            int bit = b & 63;
            int span = Math.min(64 - bit, end - b);
            long mask = span == 64 ? -1L : ((1L << span) - 1) << bit;
            if (set) {
                WORDS.getAndBitwiseOr(used, b >>> 6, mask);
            } else {
                WORDS.getAndBitwiseAnd(used, b >>> 6, ~mask);
            }
            b += span;
        }
    }
}
