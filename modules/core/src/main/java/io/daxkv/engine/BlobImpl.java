package io.daxkv.engine;

import io.daxkv.Blob;
import io.daxkv.DaxKVException;
import io.daxkv.alloc.Extent;
import io.daxkv.extent.Bytes;
import io.daxkv.extent.ChunkTable;
import io.daxkv.extent.ContinuationHeader;
import io.daxkv.extent.RecordHeader;
import io.daxkv.extent.RecordPlan;
import io.daxkv.fault.UnwrittenExtent;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;

/**
 * A reserved, not yet published record written in place by many threads: see {@link Blob}.
 *
 * <p>Lifecycle: {@code OPEN} (extents reserved, blocks unwritten, key and chunk table written)
 * → {@code COMMITTED} (remaining blocks converted, header written, published) or
 * {@code RELEASED} (extents freed). Writes and reads hold the read side of a lock, commit and
 * close the write side, so the reservation never goes away under a writer. Each write also pins
 * a store epoch, so closing the store waits for it.
 */
final class BlobImpl implements Blob {

    private enum State { OPEN, COMMITTED, RELEASED }

    private final Store store;
    private final byte[] key;
    private final long capacity;
    private final RecordPlan plan;
    private final Extent[] extents;
    private final UnwrittenExtent[] faults;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private State state = State.OPEN;

    BlobImpl(Store store, byte[] key, long capacity) {
        this.store = store;
        this.key = key;
        this.capacity = capacity;
        this.plan = RecordPlan.of(key.length, capacity);
        this.extents = store.io().allocate(plan);
        Geometry g = store.geometry();
        this.faults = new UnwrittenExtent[extents.length];
        for (int i = 0; i < extents.length; i++) {
            Extent e = extents[i];
            faults[i] = new UnwrittenExtent(store.region(e.regionId).memory(), g.blockOffset(e.firstBlock), e.blockCount,
                    g.blockSizeBytes, e.preZeroed, store.counters());
        }
        // key and chunk table go in now (faulting their blocks); headers at commit
        faults[0].write(RecordHeader.keyOffset(), key, 0, key.length);
        if (plan.chunkCount > 0) {
            byte[] table = new byte[plan.chunkCount * ChunkTable.ENTRY_BYTES];
            for (int i = 0; i < plan.chunkCount; i++) {
                Extent c = extents[1 + i];
                int at = i * ChunkTable.ENTRY_BYTES;
                Bytes.putInt(table, at + ChunkTable.REGION_ID_OFFSET, c.regionId);
                Bytes.putInt(table, at + ChunkTable.FIRST_BLOCK_OFFSET, c.firstBlock);
                Bytes.putInt(table, at + ChunkTable.BLOCK_COUNT_OFFSET, c.blockCount);
                Bytes.putInt(table, at + ChunkTable.PAYLOAD_LENGTH_OFFSET, plan.chunkPayload(i));
            }
            faults[0].write(RecordHeader.chunkTableOffset(key.length), table, 0, table.length);
        }
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public void write(long offset, byte[] src) {
        Objects.requireNonNull(src, "src must not be null");
        checkRange(offset, src.length);
        int slot = store.enterWrite();
        lock.readLock().lock();
        try {
            checkOpen();
            forEachPart(offset, src.length, (extent, within, srcOffset, length) ->
                    faults[extent].write(within, src, srcOffset, length));
        } finally {
            lock.readLock().unlock();
            store.exit(slot);
        }
    }

    @Override
    public byte[] read(long offset, int length) {
        checkRange(offset, length);
        byte[] out = new byte[length];
        int slot = store.enter();
        lock.readLock().lock();
        try {
            checkOpen();
            forEachPart(offset, length, (extent, within, dstOffset, len) ->
                    faults[extent].read(within, out, dstOffset, len));
            return out;
        } finally {
            lock.readLock().unlock();
            store.exit(slot);
        }
    }

    @Override
    public void commit() {
        long txn;
        int slot = store.enterWrite();
        lock.writeLock().lock();
        try {
            checkOpen();
            for (UnwrittenExtent f : faults) {
                f.convertRemaining();
            }
            Geometry g = store.geometry();
            CRC32C crc = new CRC32C();
            crc.update(key, 0, key.length);
            PersistentMemory m = store.region(extents[0].regionId).memory();
            long base = g.blockOffset(extents[0].firstBlock);
            m.updateCrc(crc, base + RecordHeader.valueOffset(key.length, plan.chunkCount), plan.primaryValueBytes);
            for (int i = 0; i < plan.chunkCount; i++) {
                Extent c = extents[1 + i];
                store.region(c.regionId).memory().updateCrc(crc, g.blockOffset(c.firstBlock) + ContinuationHeader.LENGTH,
                        plan.chunkPayload(i));
            }
            RecordIO.Pending p = new RecordIO.Pending(key, extents, plan, capacity, (int) crc.getValue());
            state = State.COMMITTED;
            store.blobClosed(this);
            // ordered, never data=journal: the committer flushes the blob's extents before the commit
            txn = store.publisher().put(p, Store.PutMode.UPSERT, io.daxkv.Durability.ASYNC);
        } finally {
            lock.writeLock().unlock();
            store.exit(slot);
        }
        if (store.options().durability() == io.daxkv.Durability.SYNC) {
            store.awaitDurable(txn);
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (state != State.OPEN) {
                return;
            }
            release();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The store is closing: drop the reservation (every writer has left; epochs are quiescent). */
    void releaseOnStoreClose() {
        lock.writeLock().lock();
        try {
            if (state == State.OPEN) {
                release();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void release() {
        state = State.RELEASED;
        store.blobClosed(this);
        for (Extent e : extents) {
            store.allocator().free(e.regionId, e.firstBlock, e.blockCount);
        }
    }

    private void checkOpen() {
        if (state == State.COMMITTED) {
            throw new DaxKVException.Closed("blob for key " + Limits.describeKey(key) + " is already committed");
        }
        if (state == State.RELEASED) {
            throw new DaxKVException.Closed("blob for key " + Limits.describeKey(key) + " is closed");
        }
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new DaxKVException.InvalidArgument("blob range of " + length + " bytes at offset " + offset
                    + " is outside [0, " + capacity + ")");
        }
    }

    private interface Part {
        void apply(int extent, long withinExtent, int bufferOffset, int length);
    }

    /** Splits a value range into per-extent parts. */
    private void forEachPart(long offset, int length, Part part) {
        long pos = offset;
        long end = offset + length;
        while (pos < end) {
            int extent;
            long within;
            long partEnd;
            if (pos < plan.primaryValueBytes) {
                extent = 0;
                within = RecordHeader.valueOffset(key.length, plan.chunkCount) + pos;
                partEnd = Math.min(end, plan.primaryValueBytes);
            } else {
                int i = (int) ((pos - plan.primaryValueBytes) / RecordPlan.CONTINUATION_CAPACITY);
                long start = plan.chunkValueStart(i);
                extent = 1 + i;
                within = ContinuationHeader.LENGTH + (pos - start);
                partEnd = Math.min(end, start + plan.chunkPayload(i));
            }
            part.apply(extent, within, (int) (pos - offset), (int) (partEnd - pos));
            pos = partEnd;
        }
    }
}
