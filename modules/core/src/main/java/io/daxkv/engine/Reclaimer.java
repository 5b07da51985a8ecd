package io.daxkv.engine;

import io.daxkv.alloc.Allocator;
import io.daxkv.alloc.Extent;
import io.daxkv.index.Epochs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deferred free: how a record that left the index becomes free space, in two steps.
 *
 * <ol>
 *   <li><b>Superseded</b> ({@link #supersede}): an overwrite queues the old record. Its magic is
 *       still there; recovery resolves it by sequence, and its blocks are not free. The writer
 *       does not touch the old record's page: clearing it there cost a write-protect fault per
 *       overwrite (the page is usually clean after the last flush).</li>
 *   <li><b>Retired</b> ({@link #clearSuperseded}, or {@link #retire} for a record whose magic
 *       the caller cleared): the magic is zeroed (SYNC: flushed, so an older version cannot
 *       outlive a later durable delete after a power failure) and the extents wait, tagged with
 *       the epoch of the unlink, until no reader can still be reading them
 *       ({@link Epochs}); then {@link #reclaim} frees them, neighbours merged.</li>
 * </ol>
 *
 * A delete calls {@link #clearSuperseded} before clearing its own record, so no queued older
 * version of the key can outlive it. The flusher thread calls {@link #reclaim} every 10 ms;
 * writers call it in line when the backlog grows.
 */
final class Reclaimer {

    /** Retired or superseded records beyond which a writer reclaims in line. */
    private static final int BACKLOG = 256;

    /** A record unlinked from the index whose magic is not cleared yet. */
    private static final class Superseded {
        final long epoch;
        final long address;

        Superseded(long epoch, long address) {
            this.epoch = epoch;
            this.address = address;
        }
    }

    private static final class Retired {
        final long epoch;
        final Extent[] extents;

        Retired(long epoch, Extent[] extents) {
            this.epoch = epoch;
            this.extents = extents;
        }
    }

    private final RecordIO io;
    private final Epochs epochs;
    private final Allocator allocator;
    private final boolean sync;
    private final ConcurrentLinkedQueue<Superseded> superseded = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();
    /** Records counted from {@link #supersede} or {@link #retire} until their extents are freed. */
    private final LongAdder backlog = new LongAdder();
    private final ReentrantLock reclaimLock = new ReentrantLock();

    Reclaimer(RecordIO io, Epochs epochs, Allocator allocator, boolean sync) {
        this.io = io;
        this.epochs = epochs;
        this.allocator = allocator;
        this.sync = sync;
    }

    /** Queues the record at {@code address}, just unlinked from the index, to be cleared and freed. */
    void supersede(long address) {
        superseded.add(new Superseded(epochs.current(), address));
        backlog.increment();
    }

    /** Queues the extents of a record, just unlinked, whose magic the caller has cleared. */
    void retire(Extent[] extents) {
        retired.add(new Retired(epochs.current(), extents));
        backlog.increment();
    }

    /** Clears the magic of every queued superseded record and retires its extents. */
    void clearSuperseded() {
        synchronized (superseded) {
            for (Superseded r; (r = superseded.poll()) != null; ) {
                Extent[] extents = io.extentsOf(r.address);
                io.clear(r.address, sync);
                retired.add(new Retired(r.epoch, extents));
            }
        }
    }

    /** Reclaims in line when the backlog is long; checked when {@code hint} is a multiple of 64. */
    void reclaimIfBacklogged(long hint) {
        if ((hint & 63) == 0 && backlog.sum() > BACKLOG) {
            reclaim();
        }
    }

    /** Frees every retired extent no reader can still see (skips if another thread is at it). */
    void reclaim() {
        if (!reclaimLock.tryLock()) {
            return;
        }
        try {
            clearSuperseded();
            // Only extents retired before this advance may go: a reader that pinned after the
            // slot scan below cannot be seen by it, but it also cannot have found an extent
            // unlinked before the advance.
            long now = epochs.advance();
            long min = Math.min(epochs.minPinned(), now);
            List<Extent> ready = new ArrayList<>();
            for (Retired r; (r = retired.peek()) != null && r.epoch < min; ) {
                retired.poll();
                backlog.decrement();
                ready.addAll(Arrays.asList(r.extents));
            }
            freeCoalesced(ready);
        } finally {
            reclaimLock.unlock();
        }
    }

    /** Reclaims until nothing is left, or gives up after a bounded number of tries. */
    void reclaimAll() {
        for (int spins = 0; backlog.sum() > 0 && spins < 10_000; spins++) {
            reclaim();
            if (backlog.sum() > 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Frees everything at once: only when no operation can be running (the store is closing). */
    void reclaimAllQuiescent() {
        clearSuperseded();
        List<Extent> all = new ArrayList<>();
        for (Retired r; (r = retired.poll()) != null; ) {
            backlog.decrement();
            all.addAll(Arrays.asList(r.extents));
        }
        freeCoalesced(all);
    }

    long backlog() {
        return backlog.sum();
    }

    /** Frees extents, merging neighbours first so the free sets see one extent per run. */
    private void freeCoalesced(List<Extent> extents) {
        if (extents.isEmpty()) {
            return;
        }
        extents.sort((a, b) -> a.regionId != b.regionId ? Integer.compare(a.regionId, b.regionId)
                : Integer.compare(a.firstBlock, b.firstBlock));
        Extent run = extents.get(0);
        int runEnd = run.firstBlock + run.blockCount;
        for (int i = 1; i < extents.size(); i++) {
            Extent e = extents.get(i);
            if (e.regionId == run.regionId && e.firstBlock == runEnd) {
                runEnd += e.blockCount;
                continue;
            }
            allocator.free(run.regionId, run.firstBlock, runEnd - run.firstBlock);
            run = e;
            runEnd = e.firstBlock + e.blockCount;
        }
        allocator.free(run.regionId, run.firstBlock, runEnd - run.firstBlock);
    }
}
