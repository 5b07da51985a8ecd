package io.daxkv.region;

import io.daxkv.DaxKVException;
import io.daxkv.pmem.PersistentMemory;
import java.util.zip.CRC32C;

/**
 * A block group descriptor: 32 bytes per group in the table at {@link Geometry#gdtOffset}.
 *
 * <pre>
 *  offset size field
 *    0     4   flags            {@link #FLAG_BLOCK_UNINIT}: bitmap never written (all free)
 *    4     4   freeBlocks       free blocks of the group at the last checkpoint
 *    8     4   firstBlock       first data block of the group
 *   12     4   blockCount       blocks in the group (the last may be short)
 *   16     4   bitmapCrc32c     CRC32C of the group's 4 KiB bitmap
 *   20     4   reserved0, zero
 *   24     4   reserved1, zero
 *   28     4   descCrc32c       CRC32C of (regionId, groupIndex, bytes [0, 28))
 * </pre>
 *
 * The descriptor CRC is seeded with the region id and the group index, so a descriptor copied
 * to the wrong place fails its check like a damaged one does.
 */
public final class GroupDescriptor {

    public static final int FLAG_BLOCK_UNINIT = 1;

    public static final int FLAGS_OFFSET = 0;
    public static final int FREE_BLOCKS_OFFSET = FLAGS_OFFSET + 4;
    public static final int FIRST_BLOCK_OFFSET = FREE_BLOCKS_OFFSET + 4;
    public static final int BLOCK_COUNT_OFFSET = FIRST_BLOCK_OFFSET + 4;
    public static final int BITMAP_CRC_OFFSET = BLOCK_COUNT_OFFSET + 4;
    public static final int RESERVED0_OFFSET = BITMAP_CRC_OFFSET + 4;
    public static final int RESERVED1_OFFSET = RESERVED0_OFFSET + 4;
    public static final int CRC_OFFSET = RESERVED1_OFFSET + 4;
    public static final int LENGTH = CRC_OFFSET + 4;

    private GroupDescriptor() {
    }

    /** Writes the descriptor of an uninitialised group (every block free). Not flushed. */
    public static void formatUninit(PersistentMemory m, Geometry g, int regionId, int group) {
        write(m, g, regionId, group, FLAG_BLOCK_UNINIT, g.groupBlockCount(group), 0);
    }

    /** Writes a descriptor; the caller flushes the table. */
    public static void write(PersistentMemory m, Geometry g, int regionId, int group, int flags,
                             int freeBlocks, int bitmapCrc) {
        long at = g.descriptorOffset(group);
        m.putInt(at + FLAGS_OFFSET, flags);
        m.putInt(at + FREE_BLOCKS_OFFSET, freeBlocks);
        m.putInt(at + FIRST_BLOCK_OFFSET, g.groupFirstBlock(group));
        m.putInt(at + BLOCK_COUNT_OFFSET, g.groupBlockCount(group));
        m.putInt(at + BITMAP_CRC_OFFSET, bitmapCrc);
        m.putInt(at + RESERVED0_OFFSET, 0);
        m.putInt(at + RESERVED1_OFFSET, 0);
        m.putInt(at + CRC_OFFSET, descriptorCrc(m, at, regionId, group));
    }

    /**
     * Checks the descriptor's own CRC and fields; returns its flags.
     *
     * @throws DaxKVException.Corrupt naming the file and group
     */
    public static int verify(PersistentMemory m, Geometry g, String file, int regionId, int group) {
        long at = g.descriptorOffset(group);
        int stored = m.getInt(at + CRC_OFFSET);
        int computed = descriptorCrc(m, at, regionId, group);
        if (stored != computed) {
            throw new DaxKVException.Corrupt(file + ": group " + group + " descriptor checksum mismatch (stored 0x"
                    + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(computed) + ")");
        }
        if (m.getInt(at + FIRST_BLOCK_OFFSET) != g.groupFirstBlock(group)
                || m.getInt(at + BLOCK_COUNT_OFFSET) != g.groupBlockCount(group)) {
            throw new DaxKVException.Corrupt(file + ": group " + group + " descriptor disagrees with the geometry");
        }
        int free = m.getInt(at + FREE_BLOCKS_OFFSET);
        if (free < 0 || free > g.groupBlockCount(group)) {
            throw new DaxKVException.Corrupt(file + ": group " + group + " descriptor free count " + free
                    + " outside [0, " + g.groupBlockCount(group) + "]");
        }
        return m.getInt(at + FLAGS_OFFSET);
    }

    public static int freeBlocks(PersistentMemory m, Geometry g, int group) {
        return m.getInt(g.descriptorOffset(group) + FREE_BLOCKS_OFFSET);
    }

    public static int bitmapCrc(PersistentMemory m, Geometry g, int group) {
        return m.getInt(g.descriptorOffset(group) + BITMAP_CRC_OFFSET);
    }

    private static int descriptorCrc(PersistentMemory m, long at, int regionId, int group) {
        CRC32C crc = new CRC32C();
        crc.update(new byte[] {
            (byte) regionId, (byte) (regionId >>> 8), (byte) (regionId >>> 16), (byte) (regionId >>> 24),
            (byte) group, (byte) (group >>> 8), (byte) (group >>> 16), (byte) (group >>> 24)});
        m.updateCrc(crc, at, CRC_OFFSET);
        return (int) crc.getValue();
    }
}
