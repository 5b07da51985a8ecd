package io.daxkv.region;

/**
 * Where everything sits in a region file of a given size and block size. Derived, never
 * stored on its own: the superblock records every field so a reader can check that the file
 * agrees with what this class computes.
 *
 * <pre>
 *   0                4096          bitmapOffset            dataOffset                 regionSize
 *   | superblock     | group desc. | block bitmaps          | data blocks ...            |
 *   | (one 4 KiB     | table       | (one 4 KiB bitmap      | blockCount x blockSize     |
 *   |  block)        | (32 B each) |  per group)            |                            |
 * </pre>
 *
 * Every metadata area starts on a 4 KiB page; data starts on a multiple of both 4 KiB and the
 * block size, so no data block shares a page with metadata.
 */
public final class Geometry {

    public static final int PAGE_BYTES = 4096;
    /** One 4 KiB bitmap per group: 32768 blocks, as ext4 with 4 KiB blocks. */
    public static final int BLOCKS_PER_GROUP = 8 * PAGE_BYTES;
    public static final int BITMAP_BYTES_PER_GROUP = BLOCKS_PER_GROUP / 8;

    public final int blockSizeBytes;
    public final long regionSizeBytes;
    public final int blocksPerGroup;
    public final int groupCount;
    public final int blockCount;
    public final long gdtOffset;
    public final long bitmapOffset;
    public final long dataOffset;

    private Geometry(int blockSizeBytes, long regionSizeBytes, int groupCount, int blockCount,
                     long gdtOffset, long bitmapOffset, long dataOffset) {
        this.blockSizeBytes = blockSizeBytes;
        this.regionSizeBytes = regionSizeBytes;
        this.blocksPerGroup = BLOCKS_PER_GROUP;
        this.groupCount = groupCount;
        this.blockCount = blockCount;
        this.gdtOffset = gdtOffset;
        this.bitmapOffset = bitmapOffset;
        this.dataOffset = dataOffset;
    }

    public static Geometry of(long regionSizeBytes, int blockSizeBytes) {
        long maxBlocks = (regionSizeBytes - PAGE_BYTES) / blockSizeBytes;
        long maxGroups = (maxBlocks + BLOCKS_PER_GROUP - 1) / BLOCKS_PER_GROUP;
        long gdtOffset = Superblock.BLOCK_BYTES;
        long gdtBytes = roundUp(maxGroups * GroupDescriptor.LENGTH, PAGE_BYTES);
        long bitmapOffset = gdtOffset + gdtBytes;
        long bitmapBytes = maxGroups * BITMAP_BYTES_PER_GROUP;
        long dataOffset = roundUp(bitmapOffset + bitmapBytes, Math.max(PAGE_BYTES, blockSizeBytes));
        long blockCount = (regionSizeBytes - dataOffset) / blockSizeBytes;
        if (blockCount <= 0 || blockCount > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("region of " + regionSizeBytes + " bytes with "
                    + blockSizeBytes + " B blocks has no room for data");
        }
        int groupCount = (int) ((blockCount + BLOCKS_PER_GROUP - 1) / BLOCKS_PER_GROUP);
        return new Geometry(blockSizeBytes, regionSizeBytes, groupCount, (int) blockCount,
                gdtOffset, bitmapOffset, dataOffset);
    }

    /** Byte offset of data block {@code blockIndex} in the region file. */
    public long blockOffset(int blockIndex) {
        return dataOffset + (long) blockIndex * blockSizeBytes;
    }

    /** Byte offset of group {@code groupIndex}'s bitmap. */
    public long bitmapOffset(int groupIndex) {
        return bitmapOffset + (long) groupIndex * BITMAP_BYTES_PER_GROUP;
    }

    /** Byte offset of group {@code groupIndex}'s descriptor. */
    public long descriptorOffset(int groupIndex) {
        return gdtOffset + (long) groupIndex * GroupDescriptor.LENGTH;
    }

    /** First data block of group {@code groupIndex}. */
    public int groupFirstBlock(int groupIndex) {
        return groupIndex * BLOCKS_PER_GROUP;
    }

    /** Blocks in group {@code groupIndex} (the last group may be short). */
    public int groupBlockCount(int groupIndex) {
        return Math.min(BLOCKS_PER_GROUP, blockCount - groupFirstBlock(groupIndex));
    }

    /** Blocks needed for {@code lengthBytes} bytes. */
    public int blocksFor(long lengthBytes) {
        return (int) ((lengthBytes + blockSizeBytes - 1) / blockSizeBytes);
    }

    static long roundUp(long v, long multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }

    @Override
    public String toString() {
        return "Geometry[regionSizeBytes=" + regionSizeBytes + ", blockSizeBytes=" + blockSizeBytes
                + ", groupCount=" + groupCount + ", blockCount=" + blockCount + ", dataOffset=" + dataOffset + "]";
    }
}
