package io.daxkv.engine;

import io.daxkv.alloc.Allocator;
import io.daxkv.alloc.Extent;
import io.daxkv.index.Epochs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Deferred free: how a record that left the index becomes free space, in two steps.
 *
 * <ol>
 *   <li><b>Unlinked</b> ({@link #supersede}): an overwrite or a delete queues the old record,
 *       tagged with the journal transaction that unlinked it. Its magic and its blocks stay as
 *       they are until that transaction commits: a crash before then must find the record
 *       where the committed journal says it is. The writer does not touch the old record's
 *       page (clearing it there cost a write-protect fault per overwrite).</li>
 *   <li><b>Retired</b> ({@link #clearCommitted}): once the transaction has committed the magic
 *       is zeroed (not flushed: the next checkpoint flushes it before it lets the journal forget
 *       the transaction) and the extents wait, tagged with the epoch of the unlink, until no
 *       reader can still be reading them ({@link Epochs}); then {@link #reclaim} frees them,
 *       neighbours merged.</li>
 * </ol>
 *
 * Freed blocks are therefore reusable only after the freeing transaction commits, as in jbd2.
 * The flusher thread calls {@link #reclaim} every 10 ms; writers call it in line when the
 * backlog grows; a checkpoint calls {@link #clearCommitted} for everything it covers.
 */
final class Reclaimer {

    /** Retired or superseded records beyond which a writer reclaims in line. */
    private static final int BACKLOG = 256;

    /** A record unlinked from the index whose magic is not cleared yet. */
    private static final class Superseded {
        final long epoch;
        final long address;
        final long txnId;
        Superseded(long epoch, long address, long txnId) {
            this.epoch = epoch;
            this.address = address;
            this.txnId = txnId;
        }
    }

    private static final class Retired {
        final long epoch;
        final Extent[] extents;
        final int blocks;

        Retired(long epoch, Extent[] extents) {
            this.epoch = epoch;
            this.extents = extents;
            int n = 0;
            for (Extent e : extents) {
                n += e.blockCount;
            }
            this.blocks = n;
        }
    }

    /** Blocks retired and not yet freed. */
    private final AtomicLong retiredBlocks = new AtomicLong();

    private final RecordIO io;
    private final Epochs epochs;
    private final Allocator allocator;
    private final LongSupplier committedTxnId;
    private final ConcurrentLinkedQueue<Superseded> superseded = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();
    /** Records counted from {@link #supersede} until their extents are freed. */
    private final LongAdder backlog = new LongAdder();
    private final ReentrantLock reclaimLock = new ReentrantLock();

    /** Records unlinked and waiting for their transaction to commit (and a clear). */
    private final AtomicLong uncleared = new AtomicLong();
    /**
     * Uncleared records beyond which a commit is asked for early: what would fill a quarter of
     * the free space (or of a region, if less) at {@value #BLOCKS_PER_RECORD_GUESS} blocks a
     * record. An ASYNC commit flushes region ranges, so it is not asked for lightly; when space
     * does run out, the allocator commits and reclaims before it grows the store.
     */
    private volatile long commitThreshold = MIN_COMMIT_THRESHOLD;
    private static final long MIN_COMMIT_THRESHOLD = 1024;
    private static final int BLOCKS_PER_RECORD_GUESS = 4;
    private final Runnable requestCommit;

    Reclaimer(RecordIO io, Epochs epochs, Allocator allocator, LongSupplier committedTxnId, Runnable requestCommit) {
        this.io = io;
        this.epochs = epochs;
        this.allocator = allocator;
        this.committedTxnId = committedTxnId;
        this.requestCommit = requestCommit;
    }

    /**
     * Queues the record at {@code address}, unlinked by transaction {@code txnId}, to be cleared
     * and freed. Called under the journal's append lock, so a checkpoint that covers the
     * transaction finds the record queued. When unlinked records pile up, asks for a commit
     * early rather than let the store grow.
     */
    void supersede(long address, long txnId) {
        superseded.add(new Superseded(epochs.current(), address, txnId));
        backlog.increment();
        long waiting = uncleared.incrementAndGet();
        // every 256th over the threshold: this runs under the journal's append lock, and the
        // free-space sums walk every region
        if (waiting > commitThreshold && (waiting & 255) == 0) {
            long free = allocator.totalBlocks() - allocator.usedBlocks();
            long region = allocator.spaces()[0].blockCount;
            commitThreshold = Math.max(MIN_COMMIT_THRESHOLD, Math.min(free, region) / 4 / BLOCKS_PER_RECORD_GUESS);
            if (waiting > commitThreshold) {
                requestCommit.run();
            }
        }
    }

    /**
     * Clears the magic of queued records whose unlinking transaction is at most
     * {@code txnLimit} (and committed) and retires their extents. The queue is in near txn
     * order: the routine pass stops at the first record of a later transaction (the next pass
     * takes the rest); a {@code complete} pass (a checkpoint, which must leave none behind)
     * walks the whole queue.
     */
    void clearCommitted(long txnLimit, boolean complete) {
        long limit = Math.min(txnLimit, committedTxnId.getAsLong());
        synchronized (superseded) {
            for (java.util.Iterator<Superseded> it = superseded.iterator(); it.hasNext(); ) {
                Superseded r = it.next();
                if (r.txnId > limit) {
                    if (!complete) {
                        break;
                    }
                    continue;
                }
                it.remove();
                uncleared.decrementAndGet();
                Extent[] extents = io.extentsOf(r.address);
                io.clear(r.address);
                Retired t = new Retired(r.epoch, extents);
                retiredBlocks.addAndGet(t.blocks);
                retired.add(t);
            }
        }
    }

    /** Clears every record whose transaction has committed. */
    void clearCommitted() {
        clearCommitted(Long.MAX_VALUE, false);
    }

    /** Frees in line when many cleared records wait; checked when {@code hint} is a multiple of 64. */
    void reclaimIfBacklogged(long hint) {
        // only what is cleared already: clearing touches the old records' pages, most of them
        // clean after the last flush, so each costs a write fault; the flusher thread takes those
        if ((hint & 63) == 0 && backlog.sum() - uncleared.get() > BACKLOG && reclaimLock.tryLock()) {
            reclaimLocked(false);
        }
    }

    /** Frees every retired extent no reader can still see (skips if another thread is at it). */
    void reclaim() {
        if (!reclaimLock.tryLock()) {
            return;
        }
        reclaimLocked(true);
    }

    /** As {@link #reclaim()}, waiting for another thread's turn to end instead of skipping. */
    void reclaimWaiting() {
        reclaimLock.lock();
        reclaimLocked(true);
    }

    /** Blocks waiting for a commit or for readers before they are free (about: uncleared ones are guessed). */
    long pendingBlocks() {
        return uncleared.get() * BLOCKS_PER_RECORD_GUESS + retiredBlocks.get();
    }

    private void reclaimLocked(boolean clear) {
        try {
            if (clear) {
                clearCommitted();
            }
            // Only extents retired before this advance may go: a reader that pinned after the
            // slot scan below cannot be seen by it, but it also cannot have found an extent
            // unlinked before the advance.
            long now = epochs.advance();
            long min = Math.min(epochs.minPinned(), now);
            List<Extent> ready = new ArrayList<>();
            for (Retired r; (r = retired.peek()) != null && r.epoch < min; ) {
                retired.poll();
                backlog.decrement();
                retiredBlocks.addAndGet(-r.blocks);
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
        clearCommitted(Long.MAX_VALUE, true);
        if (!superseded.isEmpty()) {
            throw new IllegalStateException("records unlinked by uncommitted transactions remain at close");
        }
        List<Extent> all = new ArrayList<>();
        for (Retired r; (r = retired.poll()) != null; ) {
            backlog.decrement();
            retiredBlocks.addAndGet(-r.blocks);
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
