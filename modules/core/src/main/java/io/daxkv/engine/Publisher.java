package io.daxkv.engine;

import io.daxkv.Durability;
import io.daxkv.WriteBatch;
import io.daxkv.alloc.Extent;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.extent.RecordHeader;
import io.daxkv.extent.RecordPlan;
import io.daxkv.index.Index;
import io.daxkv.index.IndexEntry;
import io.daxkv.journal.Journal;
import io.daxkv.journal.JournalLayout;
import io.daxkv.region.Region;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The commit step of every write. Under the journal's append lock: take the sequence, seal the
 * record (header and magic), add the journal entry, change the index, queue the record that
 * left it. So sequence order, journal order and index order are one order, and a condition
 * (put-if-absent, replace) is decided against an index no other writer is changing. After the
 * lock: live-bytes accounting.
 *
 * <p>Each method returns the journal transaction holding the write, or
 * {@link Store#NOT_WRITTEN} when nothing was written.
 */
final class Publisher {

    /**
     * SYNC records of at most this many bytes (header, key, value) carry their bytes in the
     * journal (ext4's data=journal): their commit is one sequential flush of the log, not an
     * fsync of a region range, which on ext4 costs a file system journal commit whenever the
     * range held unwritten (fallocated) blocks. Larger SYNC records, blobs and every ASYNC
     * record are data=ordered: their region range is flushed before the commit. For ASYNC that
     * measured faster (JMH, 1M keys, random overwrites, one thread: 100 B 209k vs 179k puts/s,
     * 1 KiB 122k vs 106k), as it writes each byte to the device once.
     */
    static final int DATA_JOURNAL_MAX_BYTES = 64 << 10;

    private final Store store;
    private final RecordIO io;
    private final Journal journal;
    private final Index index;
    private final Reclaimer reclaimer;
    private final AtomicLong sequence;
    private final LongAdder liveBytes = new LongAdder();

    Publisher(Store store, RecordIO io, Journal journal, Index index, Reclaimer reclaimer, long maxSequence,
              long liveBytesAtOpen) {
        this.store = store;
        this.io = io;
        this.journal = journal;
        this.index = index;
        this.reclaimer = reclaimer;
        this.sequence = new AtomicLong(maxSequence);
        this.liveBytes.add(liveBytesAtOpen);
    }

    /** The last sequence handed out. */
    long lastSequence() {
        return sequence.get();
    }

    /** Key and value bytes of the live records. */
    long liveBytes() {
        return liveBytes.sum();
    }

    /**
     * Publishes a written record under its key, unless {@code mode} refuses (the record is then
     * abandoned).
     */
    long put(RecordIO.Pending p, Store.PutMode mode, Durability durability) {
        long txn;
        long old;
        try {
            journal.lock();
        } catch (RuntimeException e) {
            io.abandon(p);
            throw e;
        }
        try {
            IndexEntry e = index.get(p.key);
            boolean present = e != null;
            if (mode == Store.PutMode.IF_ABSENT && present || mode == Store.PutMode.IF_PRESENT && !present) {
                io.abandon(p);
                return Store.NOT_WRITTEN;
            }
            old = putLocked(p, e, durability);
            if (durability == Durability.SYNC) {
                journal.willAwait();
            }
            txn = journal.runningTxnId();
        } finally {
            journal.unlock();
        }
        afterPut(p, old);
        return txn;
    }

    /** Deletes {@code key} if present. */
    long delete(byte[] key, Durability durability) {
        long address;
        long txn;
        journal.lock();
        try {
            IndexEntry e = index.get(key);
            if (e == null) {
                return Store.NOT_WRITTEN;
            }
            address = deleteLocked(e);
            if (durability == Durability.SYNC) {
                journal.willAwait();
            }
            txn = journal.runningTxnId();
        } finally {
            journal.unlock();
        }
        afterDelete(address);
        return txn;
    }

    /**
     * For {@link BatchWriter}: under one hold of the append lock, journals and publishes every
     * put (already written, in {@code ops} order) and delete: one transaction.
     */
    long batch(List<WriteBatch.Op> ops, List<RecordIO.Pending> puts, Durability durability) {
        long txn;
        long[] olds = new long[ops.size()];
        try {
            journal.lock();
        } catch (RuntimeException e) {
            for (RecordIO.Pending p : puts) {
                io.abandon(p);
            }
            throw e;
        }
        boolean any = false;
        try {
            int put = 0;
            for (int i = 0; i < ops.size(); i++) {
                WriteBatch.Op op = ops.get(i);
                IndexEntry e = index.get(op.key());
                if (op.isDelete()) {
                    olds[i] = e == null ? -1 : deleteLocked(e);
                    any |= e != null;
                } else {
                    olds[i] = putLocked(puts.get(put++), e, durability);
                    any = true;
                }
            }
            if (any && durability == Durability.SYNC) {
                journal.willAwait();
            }
            txn = any ? journal.runningTxnId() : Store.NOT_WRITTEN;
        } finally {
            journal.unlock();
        }
        int put = 0;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).isDelete()) {
                if (olds[i] != -1) {
                    afterDelete(olds[i]);
                }
            } else {
                afterPut(puts.get(put++), olds[i]);
            }
        }
        return txn;
    }

    /** The most journal bytes these operations can take as one transaction (data journaled or not). */
    static long journalBytesAtMost(Collection<WriteBatch.Op> ops) {
        long bytes = 0;
        for (WriteBatch.Op op : ops) {
            if (op.isDelete()) {
                bytes += JournalLayout.deleteEntryBytes(op.key().length);
            } else {
                RecordPlan plan = RecordPlan.of(op.key().length, op.value().length);
                bytes += JournalLayout.putEntryBytes(plan.chunkCount, op.key().length,
                        dataJournalBytes(plan.chunkCount, plan.primaryBytes));
            }
        }
        return bytes;
    }

    /** Under the append lock: sequence, seal, journal entry, index. Returns the superseded address or -1. */
    private long putLocked(RecordIO.Pending p, IndexEntry e, Durability durability) {
        long seq = sequence.incrementAndGet();
        RecordIO.Written w = io.seal(p, seq);
        Extent primary = w.primary;
        int dataBytes = durability == Durability.SYNC ? dataJournalBytes(w.chunks.length, p.primaryBytes()) : 0;
        journal.addPut(seq, p.key, primary, w.chunks, store.region(primary.regionId).memory(),
                store.geometry().blockOffset(primary.firstBlock), dataBytes);
        long address = w.address();
        if (e == null) {
            IndexEntry fresh = new IndexEntry(p.key, address, seq, p.valueLength);
            synchronized (fresh) {
                index.insert(fresh);
            }
            return -1;
        }
        long old;
        synchronized (e) {
            old = e.address;
            e.address = address;
            e.sequence = seq;
            e.valueLength = p.valueLength;
        }
        reclaimer.supersede(old, journal.runningTxnId());
        return old;
    }

    /** Under the append lock: journal the delete, unlink the entry. Returns the record's address. */
    private long deleteLocked(IndexEntry e) {
        long seq = sequence.incrementAndGet();
        journal.addDelete(seq, e.key);
        long address;
        synchronized (e) {
            e.removed = true;
            index.unlink(e);
            address = e.address;
        }
        reclaimer.supersede(address, journal.runningTxnId());
        return address;
    }

    /** Outside the lock: live-bytes accounting. */
    private void afterPut(RecordIO.Pending p, long old) {
        long bytes = p.key.length + p.valueLength;
        if (old != -1) {
            // the old record is queued but intact: its blocks cannot be freed while this thread is pinned
            bytes -= recordBytes(old);
        }
        liveBytes.add(bytes);
    }

    private void afterDelete(long address) {
        liveBytes.add(-recordBytes(address));
    }

    /** Bytes of a record's primary extent that go into the journal with it: all of it, or none. */
    private static int dataJournalBytes(int chunkCount, int primaryBytes) {
        return chunkCount == 0 && primaryBytes <= DATA_JOURNAL_MAX_BYTES ? primaryBytes : 0;
    }

    /** Key plus value length of the record at {@code address} (from its header). */
    private long recordBytes(long address) {
        Region r = store.region(ExtentAddress.regionId(address));
        long base = store.geometry().blockOffset(ExtentAddress.blockIndex(address));
        return r.memory().getInt(base + RecordHeader.KEY_LENGTH_OFFSET) + r.memory().getLong(base + RecordHeader.VALUE_LENGTH_OFFSET);
    }
}
