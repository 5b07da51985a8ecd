package io.daxkv.engine;

import io.daxkv.DaxKVException;
import io.daxkv.alloc.Extent;
import io.daxkv.extent.Bytes;
import io.daxkv.extent.ChunkTable;
import io.daxkv.extent.ContinuationHeader;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.extent.RecordHeader;
import io.daxkv.extent.RecordPlan;
import io.daxkv.fault.FaultCounters;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import io.daxkv.region.Region;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Writes, reads and clears records in the mapping (layouts in {@code io.daxkv.extent}).
 *
 * <p>Write order for a record, the publish rule of the whole engine: key, chunk table, value
 * and zero padding first ({@link #writeBody}, in parallel with other writers); then, under the
 * journal's append lock with the record's sequence, continuation headers, header bytes 4..56 and
 * the magic with a release store ({@link #seal}). A record exists once its magic does; a crash
 * before that leaves blocks that recovery sees as free. A record leaves the store by its magic
 * being zeroed (release store), after the transaction that unlinked it commits, before its
 * blocks go anywhere.
 */
final class RecordIO {

    private final Store store;
    private final FaultCounters counters;

    RecordIO(Store store, FaultCounters counters) {
        this.store = store;
        this.counters = counters;
    }

    /** A record written to the mapping (not yet in the index). */
    static final class Written {
        final Extent primary;
        final Extent[] chunks;
        final long sequence;
        final int flags;
        final int keyLength;
        final long valueLength;
        final int dataCrc;
        final int chunkCount;
        /** Set when the record was discarded (cleared and freed) instead of published. */
        boolean discarded;

        Written(Extent primary, Extent[] chunks, long sequence, int flags, int keyLength, long valueLength,
                int dataCrc) {
            this.primary = primary;
            this.chunks = chunks;
            this.sequence = sequence;
            this.flags = flags;
            this.keyLength = keyLength;
            this.valueLength = valueLength;
            this.dataCrc = dataCrc;
            this.chunkCount = chunks.length;
        }

        Extent[] all() {
            Extent[] out = new Extent[1 + chunks.length];
            out[0] = primary;
            System.arraycopy(chunks, 0, out, 1, chunks.length);
            return out;
        }

        long address() {
            return primary.address();
        }
    }

    /** Allocates the extents a record of this shape needs. */
    Extent[] allocate(RecordPlan plan) {
        Geometry g = store.geometry();
        Extent[] out = new Extent[1 + plan.chunkCount];
        int done = 0;
        try {
            out[0] = store.allocator().allocate(g.blocksFor(plan.primaryBytes));
            done = 1;
            for (int i = 0; i < plan.chunkCount; i++) {
                out[1 + i] = store.allocator().allocate(g.blocksFor(plan.chunkBytes(i)));
                done++;
            }
            return out;
        } catch (RuntimeException e) {
            for (int i = 0; i < done; i++) {
                store.allocator().free(out[i].regionId, out[i].firstBlock, out[i].blockCount);
            }
            throw e;
        }
    }

    /**
     * A record whose key, chunk table, value and padding are in the mapping but whose headers
     * are not: invisible to readers and to recovery until {@link #seal} writes its magic.
     */
    static final class Pending {
        final byte[] key;
        final Extent[] extents;
        final RecordPlan plan;
        final long valueLength;
        final int dataCrc;

        Pending(byte[] key, Extent[] extents, RecordPlan plan, long valueLength, int dataCrc) {
            this.key = key;
            this.extents = extents;
            this.plan = plan;
            this.valueLength = valueLength;
            this.dataCrc = dataCrc;
        }

        /** Bytes of the primary extent the record covers: header, key, chunk table, its part of the value. */
        int primaryBytes() {
            return plan.primaryBytes;
        }
    }

    /** Allocates extents and writes everything of a record but its headers (step 1 of 2). */
    Pending writeBody(byte[] key, ByteBuffer value) {
        int keyLength = key.length;
        long valueLength = value.remaining();
        RecordPlan plan = RecordPlan.of(keyLength, valueLength);
        Extent[] extents = allocate(plan);
        CRC32C crc = new CRC32C();
        crc.update(key, 0, keyLength);
        crc.update(value.duplicate());
        int dataCrc = (int) crc.getValue();
        ByteBuffer src = value.duplicate();
        Extent primary = extents[0];
        Geometry g = store.geometry();
        PersistentMemory m = store.region(primary.regionId).memory();
        long base = g.blockOffset(primary.firstBlock);
        m.write(base + RecordHeader.keyOffset(), key, 0, keyLength);
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
            m.write(base + RecordHeader.chunkTableOffset(keyLength), table, 0, table.length);
        }
        src.limit(src.position() + plan.primaryValueBytes);
        m.write(base + RecordHeader.valueOffset(keyLength, plan.chunkCount), src);
        faultWholeExtent(m, g, primary, plan.primaryBytes);
        for (int i = 0; i < plan.chunkCount; i++) {
            Extent c = extents[1 + i];
            PersistentMemory cm = store.region(c.regionId).memory();
            long cbase = g.blockOffset(c.firstBlock);
            ByteBuffer part = value.duplicate();
            part.position(value.position() + (int) plan.chunkValueStart(i));
            part.limit(part.position() + plan.chunkPayload(i));
            cm.write(cbase + ContinuationHeader.LENGTH, part);
            faultWholeExtent(cm, g, c, plan.chunkBytes(i));
        }
        return new Pending(key, extents, plan, valueLength, dataCrc);
    }

    /**
     * Step 2 of 2, under the journal's append lock: continuation headers, then header bytes
     * 4..56, then the magic with a release store. From here on the record exists.
     */
    Written seal(Pending p, long sequence) {
        Geometry g = store.geometry();
        Extent primary = p.extents[0];
        for (int i = 0; i < p.plan.chunkCount; i++) {
            Extent c = p.extents[1 + i];
            byte[] ch = new byte[ContinuationHeader.LENGTH];
            ContinuationHeader.encode(ch, i, primary.regionId, primary.firstBlock, sequence, c.blockCount,
                    c.regionId, c.firstBlock);
            store.region(c.regionId).memory().write(g.blockOffset(c.firstBlock), ch, 0, ch.length);
        }
        int flags = p.plan.chunkCount > 0 ? RecordHeader.FLAG_CHAINED : 0;
        byte[] header = new byte[RecordHeader.LENGTH];
        RecordHeader.encode(header, flags, p.key.length, primary.blockCount, p.valueLength, sequence, p.dataCrc,
                p.plan.chunkCount, primary.regionId, primary.firstBlock);
        PersistentMemory m = store.region(primary.regionId).memory();
        long base = g.blockOffset(primary.firstBlock);
        m.write(base + 4, header, 4, RecordHeader.LENGTH - 4);
        m.putIntRelease(base + RecordHeader.MAGIC_OFFSET, RecordHeader.MAGIC);
        return new Written(primary, p.extents.length == 1 ? NO_CHUNKS
                : java.util.Arrays.copyOfRange(p.extents, 1, p.extents.length),
                sequence, flags, p.key.length, p.valueLength, p.dataCrc);
    }

    /** Frees the extents of a record never sealed: nobody can have seen it. */
    void abandon(Pending p) {
        for (Extent e : p.extents) {
            store.allocator().free(e.regionId, e.firstBlock, e.blockCount);
        }
    }

    static final Extent[] NO_CHUNKS = new Extent[0];

    /**
     * A record written by one thread in one go faults all its blocks at once: when the extent is
     * not pre-zeroed, the only bytes the write does not cover are the padding after the record.
     */
    private void faultWholeExtent(PersistentMemory m, Geometry g, Extent e, int usedBytes) {
        long extentBytes = (long) e.blockCount * g.blockSizeBytes;
        counters.faults.add(e.blockCount);
        counters.conversions.add(e.blockCount);
        if (e.preZeroed) {
            counters.preZeroedHits.add(e.blockCount);
        } else if (extentBytes > usedBytes) {
            m.zero(g.blockOffset(e.firstBlock) + usedBytes, extentBytes - usedBytes);
            counters.bytesZeroed.add(extentBytes - usedBytes);
        }
    }

    void flushExtents(Extent[] extents) {
        Geometry g = store.geometry();
        for (Extent e : extents) {
            store.region(e.regionId).memory().flush(g.blockOffset(e.firstBlock), (long) e.blockCount * g.blockSizeBytes);
        }
    }

    /** Zeroes the magic of the record at {@code address} and of its continuations (not flushed). */
    void clear(long address) {
        Geometry g = store.geometry();
        int regionId = ExtentAddress.regionId(address);
        int block = ExtentAddress.blockIndex(address);
        PersistentMemory m = store.region(regionId).memory();
        long base = g.blockOffset(block);
        int flags = Bytes16.flags(m, base);
        if ((flags & RecordHeader.FLAG_CHAINED) != 0) {
            int keyLength = m.getInt(base + RecordHeader.KEY_LENGTH_OFFSET);
            int chunkCount = m.getInt(base + RecordHeader.CHUNK_COUNT_OFFSET);
            long table = base + RecordHeader.chunkTableOffset(keyLength);
            for (int i = 0; i < chunkCount; i++) {
                long at = table + (long) i * ChunkTable.ENTRY_BYTES;
                int cr = m.getInt(at + ChunkTable.REGION_ID_OFFSET);
                int cb = m.getInt(at + ChunkTable.FIRST_BLOCK_OFFSET);
                PersistentMemory cm = store.region(cr).memory();
                cm.putIntRelease(g.blockOffset(cb), 0);
            }
        }
        m.putIntRelease(base + RecordHeader.MAGIC_OFFSET, 0);
    }

    /** The extents of the record at {@code address}, primary first (read from its header, magic or not). */
    Extent[] extentsOf(long address) {
        Geometry g = store.geometry();
        int regionId = ExtentAddress.regionId(address);
        int block = ExtentAddress.blockIndex(address);
        PersistentMemory m = store.region(regionId).memory();
        long base = g.blockOffset(block);
        int flags = Bytes16.flags(m, base);
        int blocks = m.getInt(base + RecordHeader.EXTENT_BLOCKS_OFFSET);
        if ((flags & RecordHeader.FLAG_CHAINED) == 0) {
            return new Extent[] {new Extent(regionId, block, blocks, false)};
        }
        int keyLength = m.getInt(base + RecordHeader.KEY_LENGTH_OFFSET);
        int chunkCount = m.getInt(base + RecordHeader.CHUNK_COUNT_OFFSET);
        Extent[] out = new Extent[1 + chunkCount];
        out[0] = new Extent(regionId, block, blocks, false);
        long table = base + RecordHeader.chunkTableOffset(keyLength);
        for (int i = 0; i < chunkCount; i++) {
            long at = table + (long) i * ChunkTable.ENTRY_BYTES;
            out[1 + i] = new Extent(m.getInt(at + ChunkTable.REGION_ID_OFFSET), m.getInt(at + ChunkTable.FIRST_BLOCK_OFFSET),
                    m.getInt(at + ChunkTable.BLOCK_COUNT_OFFSET), false);
        }
        return out;
    }

    /** Result of {@link #read}: the value, or a sign the header is gone (superseded or deleted under us). */
    static final byte[] GONE = new byte[0];

    /**
     * Reads the value of the record at {@code address}, checking that it is {@code key}'s, and
     * its CRC when {@code verify}. Returns {@link #GONE} when the magic is no longer there.
     *
     * @throws DaxKVException.ChecksumMismatch naming the key and the block, never wrong bytes
     */
    byte[] read(long address, byte[] key, boolean verify) {
        Geometry g = store.geometry();
        int regionId = ExtentAddress.regionId(address);
        int block = ExtentAddress.blockIndex(address);
        Region r = store.region(regionId);
        PersistentMemory m = r.memory();
        long base = g.blockOffset(block);
        if (m.getIntAcquire(base + RecordHeader.MAGIC_OFFSET) != RecordHeader.MAGIC) {
            return GONE;
        }
        int keyLength = m.getInt(base + RecordHeader.KEY_LENGTH_OFFSET);
        long valueLength = m.getLong(base + RecordHeader.VALUE_LENGTH_OFFSET);
        int flags = Bytes16.flags(m, base);
        int chunkCount = (flags & RecordHeader.FLAG_CHAINED) != 0 ? m.getInt(base + RecordHeader.CHUNK_COUNT_OFFSET) : 0;
        if (keyLength != key.length || valueLength < 0 || valueLength > Limits.MAX_VALUE_BYTES || chunkCount < 0
                || chunkCount > 1024) {
            throw mismatch(key, address, "header does not describe this key");
        }
        if (!m.contentEquals(base + RecordHeader.keyOffset(), key, 0, keyLength)) {
            throw mismatch(key, address, "the record there holds another key");
        }
        byte[] value = new byte[(int) valueLength];
        RecordPlan plan = RecordPlan.of(keyLength, valueLength);
        if (plan.chunkCount != chunkCount) {
            throw mismatch(key, address, "chunk count " + chunkCount + " does not fit the lengths");
        }
        m.read(base + RecordHeader.valueOffset(keyLength, chunkCount), value, 0, plan.primaryValueBytes);
        long table = base + RecordHeader.chunkTableOffset(keyLength);
        for (int i = 0; i < chunkCount; i++) {
            long at = table + (long) i * ChunkTable.ENTRY_BYTES;
            int cr = m.getInt(at + ChunkTable.REGION_ID_OFFSET);
            int cb = m.getInt(at + ChunkTable.FIRST_BLOCK_OFFSET);
            Region c = store.regionOrNull(cr);
            if (c == null || cb < 0 || cb >= g.blockCount) {
                throw mismatch(key, address, "chunk " + i + " points outside the store");
            }
            c.memory().read(g.blockOffset(cb) + ContinuationHeader.LENGTH, value, (int) plan.chunkValueStart(i),
                    plan.chunkPayload(i));
        }
        if (verify) {
            CRC32C crc = new CRC32C();
            crc.update(key, 0, keyLength);
            crc.update(value, 0, value.length);
            if ((int) crc.getValue() != m.getInt(base + RecordHeader.DATA_CRC_OFFSET)) {
                throw mismatch(key, address, "CRC32C mismatch");
            }
        }
        return value;
    }

    /** {@link #readInto}'s answer when the magic is gone (superseded or deleted under us). */
    static final int GONE_LENGTH = Integer.MIN_VALUE;

    /**
     * Copies the value of the record at {@code address} into {@code dst} at its position when it
     * fits in {@code dst.remaining()} (advancing it), verifying the CRC over what was copied;
     * copies nothing when it does not fit. Returns the value length, or {@link #GONE_LENGTH}.
     */
    int readInto(long address, byte[] key, boolean verify, ByteBuffer dst) {
        Geometry g = store.geometry();
        PersistentMemory m = store.region(ExtentAddress.regionId(address)).memory();
        long base = g.blockOffset(ExtentAddress.blockIndex(address));
        if (m.getIntAcquire(base + RecordHeader.MAGIC_OFFSET) != RecordHeader.MAGIC) {
            return GONE_LENGTH;
        }
        long valueLength = m.getLong(base + RecordHeader.VALUE_LENGTH_OFFSET);
        int flags = Bytes16.flags(m, base);
        if ((flags & RecordHeader.FLAG_CHAINED) != 0 || valueLength > dst.remaining()) {
            if (valueLength > dst.remaining() && valueLength >= 0 && valueLength <= Limits.MAX_VALUE_BYTES) {
                return (int) valueLength;
            }
            byte[] v = read(address, key, verify);
            if (v == GONE) {
                return GONE_LENGTH;
            }
            dst.put(v);
            return v.length;
        }
        int keyLength = m.getInt(base + RecordHeader.KEY_LENGTH_OFFSET);
        if (keyLength != key.length || valueLength < 0 || !m.contentEquals(base + RecordHeader.keyOffset(), key, 0, keyLength)) {
            throw mismatch(key, address, "the record there holds another key");
        }
        int start = dst.position();
        m.read(base + RecordHeader.valueOffset(keyLength, 0), dst, (int) valueLength);
        if (verify) {
            CRC32C crc = new CRC32C();
            crc.update(key, 0, keyLength);
            ByteBuffer copied = dst.duplicate();
            copied.position(start).limit(start + (int) valueLength);
            crc.update(copied);
            if ((int) crc.getValue() != m.getInt(base + RecordHeader.DATA_CRC_OFFSET)) {
                dst.position(start);
                throw mismatch(key, address, "CRC32C mismatch");
            }
        }
        return (int) valueLength;
    }

    private static DaxKVException.ChecksumMismatch mismatch(byte[] key, long address, String why) {
        return new DaxKVException.ChecksumMismatch("record for key " + Limits.describeKey(key) + " at "
                + ExtentAddress.toString(address) + " is damaged: " + why);
    }

    /** Reads the 16-bit flags field. */
    static final class Bytes16 {
        private Bytes16() {
        }

        static int flags(PersistentMemory m, long base) {
            return m.getInt(base + RecordHeader.FLAGS_OFFSET) & 0xFFFF;
        }
    }
}
