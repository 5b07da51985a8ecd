package io.daxkv.engine;

import io.daxkv.extent.Bytes;
import io.daxkv.extent.ChunkTable;
import io.daxkv.extent.ContinuationHeader;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.extent.RecordHeader;
import io.daxkv.extent.RecordPlan;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import java.util.function.IntFunction;
import java.util.zip.CRC32C;

/**
 * What a block holds, read the way {@link Recovery} reads it: a record's primary extent, a
 * continuation, or neither. Shared by recovery and by {@code io.daxkv.fsck}, so the checker
 * takes for a record exactly what an open takes for one.
 *
 * <p>A block is a primary when it starts with {@link RecordHeader#MAGIC}, its position-bound
 * header CRC verifies, its flags are known, its key and value lengths are in
 * {@link Limits}, and its chunk count and extent length are what {@link RecordPlan} gives for
 * those lengths and fit in the region. A block is a continuation when it starts with
 * {@link ContinuationHeader#MAGIC}, its header CRC verifies and its extent fits.
 *
 * <p>Not thread-safe: one instance per scanning thread (it reuses a header buffer and a CRC).
 */
public final class RecordScanner {

    /** A record's primary extent as its header, key and chunk table say. */
    public static final class Primary {
        public int regionId;
        public int block;
        public int extentBlocks;
        public int flags;
        public int keyLength;
        public long valueLength;
        public long sequence;
        public int dataCrc;
        public int chunkCount;
        public byte[] key;
        /** Per continuation, its {@link ExtentAddress}. */
        public long[] chunkAddresses;
        /** Per continuation, its block count as the chunk table says. */
        public int[] chunkBlocks;
        /** Recovery: listed as is by the index checkpoint, so its data is not read again at open. */
        public boolean trusted;

        public long address() {
            return ExtentAddress.of(regionId, block);
        }
    }

    /** A continuation extent as its header says. */
    public static final class Continuation {
        public int regionId;
        public int block;
        public int extentBlocks;
        public int chunkIndex;
        public long owner;
        public long sequence;
        /** Caller's bookkeeping: a live primary lists it. */
        public boolean live;

        public long address() {
            return ExtentAddress.of(regionId, block);
        }
    }

    private final Geometry g;
    private final CRC32C scratchCrc = new CRC32C();
    private final byte[] header = new byte[Math.max(RecordHeader.LENGTH, ContinuationHeader.LENGTH)];

    public RecordScanner(Geometry g) {
        this.g = g;
    }

    /** The primary at {@code block} of region {@code regionId} (mapped as {@code m}), or null. */
    public Primary primary(PersistentMemory m, int regionId, int block) {
        long base = g.blockOffset(block);
        m.read(base, header, 0, RecordHeader.LENGTH);
        if (Bytes.getInt(header, RecordHeader.MAGIC_OFFSET) != RecordHeader.MAGIC
                || Bytes.getInt(header, RecordHeader.HEADER_CRC_OFFSET)
                    != RecordHeader.headerCrc(header, regionId, block, scratchCrc)) {
            return null;
        }
        Primary c = new Primary();
        c.regionId = regionId;
        c.block = block;
        c.flags = Bytes.getShort(header, RecordHeader.FLAGS_OFFSET);
        c.keyLength = Bytes.getInt(header, RecordHeader.KEY_LENGTH_OFFSET);
        c.extentBlocks = Bytes.getInt(header, RecordHeader.EXTENT_BLOCKS_OFFSET);
        c.valueLength = Bytes.getLong(header, RecordHeader.VALUE_LENGTH_OFFSET);
        c.sequence = Bytes.getLong(header, RecordHeader.SEQUENCE_OFFSET);
        c.dataCrc = Bytes.getInt(header, RecordHeader.DATA_CRC_OFFSET);
        c.chunkCount = Bytes.getInt(header, RecordHeader.CHUNK_COUNT_OFFSET);
        if ((c.flags & ~RecordHeader.KNOWN_FLAGS) != 0 || c.keyLength < 1 || c.keyLength > Limits.MAX_KEY_BYTES
                || c.valueLength < 0 || c.valueLength > Limits.MAX_VALUE_BYTES) {
            return null;
        }
        RecordPlan plan = RecordPlan.of(c.keyLength, c.valueLength);
        if (plan.chunkCount != c.chunkCount || g.blocksFor(plan.primaryBytes) != c.extentBlocks
                || (long) block + c.extentBlocks > g.blockCount) {
            return null;
        }
        c.key = new byte[c.keyLength];
        m.read(base + RecordHeader.keyOffset(), c.key, 0, c.keyLength);
        c.chunkAddresses = new long[c.chunkCount];
        c.chunkBlocks = new int[c.chunkCount];
        long table = base + RecordHeader.chunkTableOffset(c.keyLength);
        for (int i = 0; i < c.chunkCount; i++) {
            long at = table + (long) i * ChunkTable.ENTRY_BYTES;
            c.chunkAddresses[i] = ExtentAddress.of(m.getInt(at + ChunkTable.REGION_ID_OFFSET),
                    m.getInt(at + ChunkTable.FIRST_BLOCK_OFFSET));
            c.chunkBlocks[i] = m.getInt(at + ChunkTable.BLOCK_COUNT_OFFSET);
        }
        return c;
    }

    /** The continuation at {@code block} of region {@code regionId}, or null. */
    public Continuation continuation(PersistentMemory m, int regionId, int block) {
        m.read(g.blockOffset(block), header, 0, ContinuationHeader.LENGTH);
        if (Bytes.getInt(header, ContinuationHeader.MAGIC_OFFSET) != ContinuationHeader.MAGIC
                || Bytes.getInt(header, ContinuationHeader.HEADER_CRC_OFFSET)
                    != ContinuationHeader.headerCrc(header, regionId, block)) {
            return null;
        }
        Continuation c = new Continuation();
        c.regionId = regionId;
        c.block = block;
        c.extentBlocks = Bytes.getInt(header, ContinuationHeader.EXTENT_BLOCKS_OFFSET);
        c.chunkIndex = Bytes.getInt(header, ContinuationHeader.CHUNK_INDEX_OFFSET);
        c.owner = ExtentAddress.of(Bytes.getInt(header, ContinuationHeader.OWNER_REGION_OFFSET),
                Bytes.getInt(header, ContinuationHeader.OWNER_BLOCK_OFFSET));
        c.sequence = Bytes.getLong(header, ContinuationHeader.SEQUENCE_OFFSET);
        if (c.extentBlocks < 1 || (long) block + c.extentBlocks > g.blockCount) {
            return null;
        }
        return c;
    }

    /**
     * Whether {@code k} (null: none was found at the address) is continuation {@code i} of
     * {@code c}: owner, sequence, index and length as the chunk table and the plan say.
     */
    public boolean chainMatches(Primary c, int i, Continuation k) {
        RecordPlan plan = RecordPlan.of(c.keyLength, c.valueLength);
        return k != null && k.owner == c.address() && k.sequence == c.sequence && k.chunkIndex == i
                && k.extentBlocks == c.chunkBlocks[i] && k.extentBlocks == g.blocksFor(plan.chunkBytes(i));
    }

    /**
     * The CRC32C of {@code c}'s key and value over all its extents (the caller has checked the
     * chain with {@link #chainMatches}); compare with {@link Primary#dataCrc}.
     */
    public int dataCrc(Primary c, IntFunction<PersistentMemory> memoryOfRegion) {
        RecordPlan plan = RecordPlan.of(c.keyLength, c.valueLength);
        CRC32C crc = new CRC32C();
        crc.update(c.key, 0, c.keyLength);
        memoryOfRegion.apply(c.regionId).updateCrc(crc,
                g.blockOffset(c.block) + RecordHeader.valueOffset(c.keyLength, c.chunkCount), plan.primaryValueBytes);
        for (int i = 0; i < c.chunkCount; i++) {
            int region = ExtentAddress.regionId(c.chunkAddresses[i]);
            int block = ExtentAddress.blockIndex(c.chunkAddresses[i]);
            memoryOfRegion.apply(region).updateCrc(crc, g.blockOffset(block) + ContinuationHeader.LENGTH,
                    plan.chunkPayload(i));
        }
        return (int) crc.getValue();
    }
}
