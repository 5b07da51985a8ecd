package io.daxkv.engine;

import io.daxkv.alloc.Extent;
import io.daxkv.index.Index;
import io.daxkv.index.IndexCheckpoint;
import io.daxkv.journal.Journal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The journal's view of a store ({@link Journal.Host}): how a commit makes the data of its
 * ordered entries durable, how a checkpoint writes everything home after clearing the records
 * it unlinked, and how the index checkpoint is copied, written and retired. The journal calls
 * these from its committer and checkpointer threads.
 */
final class StoreJournalHost implements Journal.Host {

    private final Store store;
    private final Index index;
    private final IndexCheckpointFiles checkpointFiles;

    StoreJournalHost(Store store, Index index, IndexCheckpointFiles checkpointFiles) {
        this.store = store;
        this.index = index;
        this.checkpointFiles = checkpointFiles;
    }

    /**
     * One flush per region, over the span of its extents: each flush of a region range is an
     * fsync of its file, so one wide flush beats many narrow ones.
     */
    @Override
    public void flushOrdered(List<Extent> extents) {
        Map<Integer, long[]> spans = new TreeMap<>();
        for (Extent e : extents) {
            long start = store.geometry().blockOffset(e.firstBlock);
            long end = start + (long) e.blockCount * store.geometry().blockSizeBytes;
            spans.merge(e.regionId, new long[] {start, end},
                    (x, y) -> new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
        }
        for (Map.Entry<Integer, long[]> span : spans.entrySet()) {
            store.region(span.getKey()).memory().flush(span.getValue()[0], span.getValue()[1] - span.getValue()[0]);
        }
    }

    @Override
    public void writeHome(long committedTxnId) {
        store.reclaimer().clearCommitted(committedTxnId, true);
        store.flushAll();
    }

    @Override
    public void failed(Throwable cause) {
        store.journalFailed(cause);
    }

    @Override
    public IndexCheckpoint.Snapshot snapshotIndex(long txnId, long maxSeq) {
        return IndexCheckpoint.snapshot(index, txnId, maxSeq);
    }

    @Override
    public boolean writeIndex(IndexCheckpoint.Snapshot snapshot) {
        return checkpointFiles.write(snapshot);
    }

    @Override
    public void indexInUse(long txnId) {
        checkpointFiles.retireAllBut(txnId);
    }
}
