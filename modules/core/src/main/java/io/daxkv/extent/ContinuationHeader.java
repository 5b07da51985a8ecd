package io.daxkv.extent;

import java.util.zip.CRC32C;

/**
 * The header of a continuation extent of a chained record: 32 bytes, then payload.
 *
 * <pre>
 *  offset size field
 *    0     4   magic          {@link #MAGIC}
 *    4     4   chunkIndex     0-based position among the record's continuations
 *    8     4   ownerRegionId  where the record's primary extent is
 *   12     4   ownerBlock
 *   16     8   sequence       the owning record's sequence
 *   24     4   extentBlocks   blocks of this extent
 *   28     4   headerCrc32c   CRC32C of (regionId, blockIndex, bytes [0, 28))
 * </pre>
 *
 * A continuation is live only while a live primary lists it in its chunk table with the same
 * sequence; recovery frees the others.
 */
public final class ContinuationHeader {

    /** The bytes "DXKC" in little-endian order. */
    public static final int MAGIC = 0x434B5844;

    public static final int MAGIC_OFFSET = 0;
    public static final int CHUNK_INDEX_OFFSET = MAGIC_OFFSET + 4;
    public static final int OWNER_REGION_OFFSET = CHUNK_INDEX_OFFSET + 4;
    public static final int OWNER_BLOCK_OFFSET = OWNER_REGION_OFFSET + 4;
    public static final int SEQUENCE_OFFSET = OWNER_BLOCK_OFFSET + 4;
    public static final int EXTENT_BLOCKS_OFFSET = SEQUENCE_OFFSET + 8;
    public static final int HEADER_CRC_OFFSET = EXTENT_BLOCKS_OFFSET + 4;
    public static final int LENGTH = HEADER_CRC_OFFSET + 4;

    private ContinuationHeader() {
    }

    public static void encode(byte[] dst, int chunkIndex, int ownerRegionId, int ownerBlock, long sequence,
                              int extentBlocks, int regionId, int blockIndex) {
        Bytes.putInt(dst, MAGIC_OFFSET, MAGIC);
        Bytes.putInt(dst, CHUNK_INDEX_OFFSET, chunkIndex);
        Bytes.putInt(dst, OWNER_REGION_OFFSET, ownerRegionId);
        Bytes.putInt(dst, OWNER_BLOCK_OFFSET, ownerBlock);
        Bytes.putLong(dst, SEQUENCE_OFFSET, sequence);
        Bytes.putInt(dst, EXTENT_BLOCKS_OFFSET, extentBlocks);
        Bytes.putInt(dst, HEADER_CRC_OFFSET, headerCrc(dst, regionId, blockIndex));
    }

    public static int headerCrc(byte[] header, int regionId, int blockIndex) {
        return Bytes.placeCrc(header, HEADER_CRC_OFFSET, regionId, blockIndex, new CRC32C());
    }
}
