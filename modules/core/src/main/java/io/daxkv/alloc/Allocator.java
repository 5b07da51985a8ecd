package io.daxkv.alloc;

import io.daxkv.DaxKVException;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * The block allocator, in the spirit of ext4's mballoc.
 *
 * <ol>
 *   <li><b>Preallocation windows.</b> Each thread owns a window of contiguous free blocks and
 *       bump-allocates small extents from it without a lock; only refilling the window locks a
 *       region. A window comes from the pre-zeroed pool when it can.</li>
 *   <li><b>Goal block.</b> A refill asks for blocks at or after the end of the thread's previous
 *       window, so one thread's records stay together.</li>
 *   <li><b>Size classes.</b> Requests larger than half a window go straight to the region's
 *       free extents, best fit by size class.</li>
 *   <li><b>Growth.</b> When no region has room, {@link Grower#grow()} adds a region (the zeroer
 *       does it ahead of time when free space runs low, so writers rarely wait for it).</li>
 *   <li><b>Deferred free.</b> {@link #free} is called by the engine only once no reader can still
 *       be looking at the extent; see {@code io.daxkv.index.Epochs}.</li>
 * </ol>
 *
 * Blocks a thread leaves in its window when it dies stay reserved until the store is reopened.
 */
public final class Allocator {

    /** Adds a region and returns its space. */
    public interface Grower {
        RegionSpace grow() throws IOException;

        /**
         * Before growing: frees what is only waiting (blocks unlinked by transactions not yet
         * committed, as ext4 forces a commit before it reports a full disk). Returns the blocks
         * it freed; more than zero means try the allocation again instead of growing.
         */
        default long reclaimPending() {
            return 0;
        }
    }

    private static final class Window {
        RegionSpace space;
        int next;
        int end;
        boolean zeroed;
        /**
         * Refills left before asking for a whole window again, after one could not be had
         * (free space only in holes): meanwhile extents come straight from the holes.
         */
        int shortRefills;

        int remaining() {
            return space == null ? 0 : end - next;
        }
    }

    /** How many allocations go straight to the holes after a whole window could not be had. */
    private static final int SHORT_REFILLS = 64;

    private final Grower grower;
    private final int windowBlocks;
    private final Object growLock = new Object();
    private volatile RegionSpace[] spaces;
    private final ThreadLocal<Window> windows = ThreadLocal.withInitial(Window::new);
    private volatile Thread zeroerThread;
    /** Racy on purpose: a lost update only means one extra or one fewer wake-up. */
    private long lastWakeNanos;
    private final LongAdder windowRefills = new LongAdder();

    public Allocator(RegionSpace[] spaces, int windowBlocks, Grower grower) {
        this.spaces = spaces.clone();
        this.windowBlocks = windowBlocks;
        this.grower = grower;
    }

    /** Registers the thread to wake when the pre-zeroed pool is drawn from. */
    void setZeroerThread(Thread t) {
        this.zeroerThread = t;
    }

    public RegionSpace[] spaces() {
        return spaces;
    }

    public RegionSpace space(int regionId) {
        for (RegionSpace s : spaces) {
            if (s.regionId == regionId) {
                return s;
            }
        }
        throw new IllegalArgumentException("no region " + regionId);
    }

    public int windowBlocks() {
        return windowBlocks;
    }

    /**
     * Hands out {@code n} contiguous blocks, marked used.
     *
     * @throws DaxKVException.StorageIO when the store cannot grow (a full disk)
     */
    public Extent allocate(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("allocate " + n + " blocks");
        }
        Window w = windows.get();
        if (w.remaining() >= n) {
            int start = w.next;
            w.next += n;
            w.space.markUsed(start, n);
            w.space.windowConsumed(n);
            return new Extent(w.space.regionId, start, n, w.zeroed);
        }
        if (n > windowBlocks / 2) {
            return allocateDirect(n, w);
        }
        if (w.shortRefills > 0 && w.space != null) {
            w.shortRefills--;
            Extent e = w.space.takeSmall(n);
            if (e != null) {
                return e;
            }
        }
        return refillAndAllocate(n, w);
    }

    private Extent allocateDirect(int n, Window w) {
        for (;;) {
            RegionSpace[] snapshot = spaces;
            int goal = w.space == null ? 0 : w.end;
            for (int pass = 0; pass < 2; pass++) {
                for (RegionSpace s : ordered(snapshot, w.space)) {
                    Extent e = s.takeWindow(n, n, s == w.space ? goal : 0, pass == 1);
                    if (e != null) {
                        s.markUsed(e.firstBlock, n);
                        s.windowConsumed(n);
                        wakeZeroer();
                        return e;
                    }
                }
            }
            grow(snapshot);
        }
    }

    private Extent refillAndAllocate(int n, Window w) {
        if (w.space != null) {
            w.space.returnWindow(w.next, w.end - w.next, w.zeroed);
        }
        int goal = w.space == null ? 0 : w.end;
        RegionSpace previous = w.space;
        w.space = null;
        for (;;) {
            RegionSpace[] snapshot = spaces;
            // a whole window from any region, else a short one, else (before growing) a short
            // one from runs split between the zeroed and dirty sets
            Extent e = null;
            RegionSpace s = null;
            for (int pass = 0; pass < 3 && e == null; pass++) {
                int min = pass == 0 ? windowBlocks : n;
                for (RegionSpace candidate : ordered(snapshot, previous)) {
                    e = candidate.takeWindow(windowBlocks, min, candidate == previous ? goal : 0, pass == 2);
                    if (e != null) {
                        s = candidate;
                        break;
                    }
                }
            }
            if (e != null) {
                windowRefills.increment();
                w.shortRefills = e.blockCount < windowBlocks ? SHORT_REFILLS : 0;
                w.space = s;
                w.next = e.firstBlock + n;
                w.end = e.firstBlock + e.blockCount;
                w.zeroed = e.preZeroed;
                s.markUsed(e.firstBlock, n);
                s.windowConsumed(n);
                wakeZeroer();
                return new Extent(s.regionId, e.firstBlock, n, e.preZeroed);
            }
            grow(snapshot);
        }
    }

    /** Frees an extent; the caller guarantees no reader can reach it any more. */
    public void free(int regionId, int start, int n) {
        space(regionId).free(start, n);
    }

    /** Adds a region unless another thread already did since {@code seen}. */
    private void grow(RegionSpace[] seen) {
        synchronized (growLock) {
            if (spaces != seen || grower.reclaimPending() > 0) {
                return;
            }
            addSpace(growNow());
        }
    }

    /** Grows ahead of need (called by the zeroer when free space runs low). */
    void growAhead() {
        synchronized (growLock) {
            if (grower.reclaimPending() > 0) {
                return;
            }
            addSpace(growNow());
        }
    }

    private RegionSpace growNow() {
        try {
            return grower.grow();
        } catch (IOException e) {
            throw new DaxKVException.StorageIO("cannot grow the store: " + e.getMessage(), e);
        }
    }

    private void addSpace(RegionSpace s) {
        RegionSpace[] next = Arrays.copyOf(spaces, spaces.length + 1);
        next[next.length - 1] = s;
        spaces = next;
    }

    private static RegionSpace[] ordered(RegionSpace[] all, RegionSpace first) {
        if (first == null || all.length < 2) {
            return all;
        }
        RegionSpace[] out = new RegionSpace[all.length];
        out[0] = first;
        int i = 1;
        for (RegionSpace s : all) {
            if (s != first) {
                out[i++] = s;
            }
        }
        return i == all.length ? out : all;
    }

    /** Wakes the zeroer, at most once per millisecond (an unpark is a system call). */
    private void wakeZeroer() {
        Thread t = zeroerThread;
        long now = System.nanoTime();
        if (t != null && now - lastWakeNanos > 1_000_000) {
            lastWakeNanos = now;
            java.util.concurrent.locks.LockSupport.unpark(t);
        }
    }

    public long windowRefills() {
        return windowRefills.sum();
    }

    public long usedBlocks() {
        long n = 0;
        for (RegionSpace s : spaces) {
            n += s.usedBlocks();
        }
        return n;
    }

    public long totalBlocks() {
        long n = 0;
        for (RegionSpace s : spaces) {
            n += s.blockCount;
        }
        return n;
    }

    /**
     * Free-extent size histogram over every region (index k: extents of [2^k, 2^(k+1)) blocks),
     * trailing empty classes cut.
     */
    public long[] freeExtentHistogram() {
        long[] sum = new long[0];
        for (RegionSpace s : spaces) {
            long[] h = s.freeExtentHistogram();
            if (h.length > sum.length) {
                sum = Arrays.copyOf(sum, h.length);
            }
            for (int i = 0; i < h.length; i++) {
                sum[i] += h[i];
            }
        }
        int n = sum.length;
        while (n > 0 && sum[n - 1] == 0) {
            n--;
        }
        return Arrays.copyOf(sum, n);
    }

    public long zeroedBlocks() {
        long n = 0;
        for (RegionSpace s : spaces) {
            n += s.zeroedBlocks();
        }
        return n;
    }

    /** Free blocks not held in windows or by the zeroer. */
    long takeableBlocks() {
        long n = 0;
        for (RegionSpace s : spaces) {
            n += s.takeableBlocks();
        }
        return n;
    }
}
