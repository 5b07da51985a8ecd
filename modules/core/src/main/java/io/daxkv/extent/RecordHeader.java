package io.daxkv.extent;

import java.util.zip.CRC32C;

/**
 * The header at the start of every record's primary extent: 56 bytes.
 *
 * <pre>
 *  offset size field
 *    0     4   magic          {@link #MAGIC}; written last, with a release store: a record exists
 *                             once its magic does, and is deleted by zeroing it
 *    4     2   flags          {@link #FLAG_CHAINED}: the value continues in other extents;
 *                             no other bit is defined (a record with one is not taken)
 *    6     2   reserved, zero
 *    8     4   keyLength      1 .. 65536
 *   12     4   extentBlocks   blocks of this (primary) extent
 *   16     8   valueLength    0 .. 64 MiB, over all extents
 *   24     8   sequence       store-wide, increasing; the highest valid one wins a key on recovery
 *   32     4   dataCrc32c     CRC32C of key then value (all extents, in order)
 *   36     4   chunkCount     continuation extents (0 unless chained)
 *   40     8   reserved, zero (a batch is one journal transaction; records carry no batch mark)
 *   48     4   reserved, zero
 *   52     4   headerCrc32c   CRC32C of (regionId, blockIndex, bytes [0, 52)): binds the header
 *                             to its place, so a header-shaped run of bytes elsewhere (a value
 *                             holding a copy of a record, say) is not taken for a record
 * </pre>
 *
 * After the header: the key, then {@code chunkCount} chunk-table entries of
 * {@link ChunkTable#ENTRY_BYTES} bytes, then the first part of the value, then zeros to the end
 * of the extent's last block.
 */
public final class RecordHeader {

    /** The bytes "DXKR" in little-endian order. */
    public static final int MAGIC = 0x524B5844;
    public static final int FLAG_CHAINED = 1;
    /** Every flag bit this format defines. */
    public static final int KNOWN_FLAGS = FLAG_CHAINED;

    public static final int MAGIC_OFFSET = 0;
    public static final int FLAGS_OFFSET = MAGIC_OFFSET + 4;
    public static final int RESERVED0_OFFSET = FLAGS_OFFSET + 2;
    public static final int KEY_LENGTH_OFFSET = RESERVED0_OFFSET + 2;
    public static final int EXTENT_BLOCKS_OFFSET = KEY_LENGTH_OFFSET + 4;
    public static final int VALUE_LENGTH_OFFSET = EXTENT_BLOCKS_OFFSET + 4;
    public static final int SEQUENCE_OFFSET = VALUE_LENGTH_OFFSET + 8;
    public static final int DATA_CRC_OFFSET = SEQUENCE_OFFSET + 8;
    public static final int CHUNK_COUNT_OFFSET = DATA_CRC_OFFSET + 4;
    public static final int RESERVED1_OFFSET = CHUNK_COUNT_OFFSET + 4;
    public static final int RESERVED2_OFFSET = RESERVED1_OFFSET + 8;
    public static final int HEADER_CRC_OFFSET = RESERVED2_OFFSET + 4;
    public static final int LENGTH = HEADER_CRC_OFFSET + 4;

    private RecordHeader() {
    }

    /** Offset of the key from the start of the extent. */
    public static int keyOffset() {
        return LENGTH;
    }

    /** Offset of the chunk table from the start of the extent. */
    public static int chunkTableOffset(int keyLength) {
        return LENGTH + keyLength;
    }

    /** Offset of the first value byte from the start of the extent. */
    public static int valueOffset(int keyLength, int chunkCount) {
        return LENGTH + keyLength + chunkCount * ChunkTable.ENTRY_BYTES;
    }

    /**
     * Fills {@code dst[0, LENGTH)} with a complete header, magic and header CRC included.
     * The caller writes bytes [4, LENGTH) first and the magic last.
     */
    public static void encode(byte[] dst, int flags, int keyLength, int extentBlocks, long valueLength,
                              long sequence, int dataCrc, int chunkCount, int regionId, int blockIndex) {
        Bytes.putInt(dst, MAGIC_OFFSET, MAGIC);
        Bytes.putShort(dst, FLAGS_OFFSET, (short) flags);
        Bytes.putShort(dst, RESERVED0_OFFSET, (short) 0);
        Bytes.putInt(dst, KEY_LENGTH_OFFSET, keyLength);
        Bytes.putInt(dst, EXTENT_BLOCKS_OFFSET, extentBlocks);
        Bytes.putLong(dst, VALUE_LENGTH_OFFSET, valueLength);
        Bytes.putLong(dst, SEQUENCE_OFFSET, sequence);
        Bytes.putInt(dst, DATA_CRC_OFFSET, dataCrc);
        Bytes.putInt(dst, CHUNK_COUNT_OFFSET, chunkCount);
        Bytes.putLong(dst, RESERVED1_OFFSET, 0L);
        Bytes.putInt(dst, RESERVED2_OFFSET, 0);
        Bytes.putInt(dst, HEADER_CRC_OFFSET, headerCrc(dst, regionId, blockIndex));
    }

    /** The header CRC of {@code header[0, HEADER_CRC_OFFSET)} placed at (regionId, blockIndex). */
    public static int headerCrc(byte[] header, int regionId, int blockIndex) {
        return headerCrc(header, regionId, blockIndex, new CRC32C());
    }

    /** As {@link #headerCrc(byte[], int, int)}, reusing {@code crc} (reset first). */
    public static int headerCrc(byte[] header, int regionId, int blockIndex, CRC32C crc) {
        return Bytes.placeCrc(header, HEADER_CRC_OFFSET, regionId, blockIndex, crc);
    }
}
