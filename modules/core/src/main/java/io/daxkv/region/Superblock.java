package io.daxkv.region;

import io.daxkv.pmem.PersistentMemory;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The superblock: the first 4 KiB block of every region file; the first 128 bytes are used.
 *
 * <pre>
 *  offset size field
 *    0     4   magic              0x534B5844: the bytes "DXKS" in little-endian order
 *    4     4   formatVersion      {@link #FORMAT_VERSION}
 *    8     4   featureCompat      unknown bits are ignored
 *   12     4   featureIncompat    unknown bits: the region is refused
 *   16     4   featureRoCompat    unknown bits: the region is refused (no read-only mode yet)
 *   20     4   blockSizeBytes
 *   24     8   regionSizeBytes
 *   32     8   storeUuidMsb       ties the region to its store's manifest
 *   40     8   storeUuidLsb
 *   48     4   regionId
 *   52     4   blocksPerGroup
 *   56     4   groupCount
 *   60     4   blockCount
 *   64     8   gdtOffset
 *   72     8   bitmapOffset
 *   80     8   dataOffset
 *   88     4   state              {@link #STATE_CLEAN} or {@link #STATE_DIRTY}
 *   92     4   mountCount
 *   96     8   lastMountMillis
 *  104    20   reserved, zero
 *  124     4   crc32c             CRC32C of bytes [0, 124)
 * </pre>
 *
 * Integers are little-endian (the mapping's native order on x86-64 and aarch64).
 */
public final class Superblock {

    public static final int MAGIC = 0x534B5844;
    public static final int FORMAT_VERSION = 1;
    /** Features this build understands in each class (none yet). */
    public static final int KNOWN_INCOMPAT = 0;
    public static final int KNOWN_RO_COMPAT = 0;
    public static final int STATE_CLEAN = 1;
    public static final int STATE_DIRTY = 2;
    public static final int BLOCK_BYTES = 4096;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int FEATURE_COMPAT_OFFSET = FORMAT_VERSION_OFFSET + 4;
    public static final int FEATURE_INCOMPAT_OFFSET = FEATURE_COMPAT_OFFSET + 4;
    public static final int FEATURE_RO_COMPAT_OFFSET = FEATURE_INCOMPAT_OFFSET + 4;
    public static final int BLOCK_SIZE_OFFSET = FEATURE_RO_COMPAT_OFFSET + 4;
    public static final int REGION_SIZE_OFFSET = BLOCK_SIZE_OFFSET + 4;
    public static final int UUID_MSB_OFFSET = REGION_SIZE_OFFSET + 8;
    public static final int UUID_LSB_OFFSET = UUID_MSB_OFFSET + 8;
    public static final int REGION_ID_OFFSET = UUID_LSB_OFFSET + 8;
    public static final int BLOCKS_PER_GROUP_OFFSET = REGION_ID_OFFSET + 4;
    public static final int GROUP_COUNT_OFFSET = BLOCKS_PER_GROUP_OFFSET + 4;
    public static final int BLOCK_COUNT_OFFSET = GROUP_COUNT_OFFSET + 4;
    public static final int GDT_OFFSET_OFFSET = BLOCK_COUNT_OFFSET + 4;
    public static final int BITMAP_OFFSET_OFFSET = GDT_OFFSET_OFFSET + 8;
    public static final int DATA_OFFSET_OFFSET = BITMAP_OFFSET_OFFSET + 8;
    public static final int STATE_OFFSET = DATA_OFFSET_OFFSET + 8;
    public static final int MOUNT_COUNT_OFFSET = STATE_OFFSET + 4;
    public static final int LAST_MOUNT_OFFSET = MOUNT_COUNT_OFFSET + 4;
    public static final int RESERVED_OFFSET = LAST_MOUNT_OFFSET + 8;
    public static final int RESERVED_BYTES = 20;
    public static final int CRC_OFFSET = RESERVED_OFFSET + RESERVED_BYTES;
    /** Bytes used, CRC included. */
    public static final int LENGTH = CRC_OFFSET + 4;

    private Superblock() {
    }

    /** Writes a fresh superblock (state dirty, mount count 0) and flushes it. */
    public static void format(PersistentMemory m, Geometry g, UUID storeUuid, int regionId) {
        m.zero(0, BLOCK_BYTES);
        m.putInt(MAGIC_OFFSET, MAGIC);
        m.putInt(FORMAT_VERSION_OFFSET, FORMAT_VERSION);
        m.putInt(BLOCK_SIZE_OFFSET, g.blockSizeBytes);
        m.putLong(REGION_SIZE_OFFSET, g.regionSizeBytes);
        m.putLong(UUID_MSB_OFFSET, storeUuid.getMostSignificantBits());
        m.putLong(UUID_LSB_OFFSET, storeUuid.getLeastSignificantBits());
        m.putInt(REGION_ID_OFFSET, regionId);
        m.putInt(BLOCKS_PER_GROUP_OFFSET, g.blocksPerGroup);
        m.putInt(GROUP_COUNT_OFFSET, g.groupCount);
        m.putInt(BLOCK_COUNT_OFFSET, g.blockCount);
        m.putLong(GDT_OFFSET_OFFSET, g.gdtOffset);
        m.putLong(BITMAP_OFFSET_OFFSET, g.bitmapOffset);
        m.putLong(DATA_OFFSET_OFFSET, g.dataOffset);
        m.putInt(STATE_OFFSET, STATE_DIRTY);
        seal(m);
        m.flush(0, BLOCK_BYTES);
    }

    /** Recomputes and stores the CRC; call after changing any field. */
    public static void seal(PersistentMemory m) {
        CRC32C crc = new CRC32C();
        m.updateCrc(crc, 0, CRC_OFFSET);
        m.putInt(CRC_OFFSET, (int) crc.getValue());
    }

    /**
     * Checks the superblock against what the manifest says this region must be; returns the
     * recorded state. Every failure names the file and the field.
     *
     * @throws io.daxkv.DaxKVException.Corrupt      on a bad magic, CRC or geometry
     * @throws io.daxkv.DaxKVException.Incompatible on an unknown version or feature
     */
    public static int verify(PersistentMemory m, String file, Geometry expected, UUID storeUuid, int regionId) {
        if (m.sizeBytes() < BLOCK_BYTES) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": too short for a superblock");
        }
        int magic = m.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": superblock magic is 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        CRC32C crc = new CRC32C();
        m.updateCrc(crc, 0, CRC_OFFSET);
        int stored = m.getInt(CRC_OFFSET);
        if (stored != (int) crc.getValue()) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": superblock checksum mismatch (stored 0x"
                    + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString((int) crc.getValue()) + ")");
        }
        int version = m.getInt(FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new io.daxkv.DaxKVException.Incompatible(file + ": superblock format version " + version
                    + ", this build reads version " + FORMAT_VERSION);
        }
        int incompat = m.getInt(FEATURE_INCOMPAT_OFFSET) & ~KNOWN_INCOMPAT;
        int roCompat = m.getInt(FEATURE_RO_COMPAT_OFFSET) & ~KNOWN_RO_COMPAT;
        if (incompat != 0 || roCompat != 0) {
            throw new io.daxkv.DaxKVException.Incompatible(file + ": unknown features (incompat 0x"
                    + Integer.toHexString(incompat) + ", ro_compat 0x" + Integer.toHexString(roCompat) + ")");
        }
        UUID uuid = new UUID(m.getLong(UUID_MSB_OFFSET), m.getLong(UUID_LSB_OFFSET));
        if (!uuid.equals(storeUuid)) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": belongs to store " + uuid + ", not " + storeUuid);
        }
        expect(file, "regionId", m.getInt(REGION_ID_OFFSET), regionId);
        expect(file, "blockSizeBytes", m.getInt(BLOCK_SIZE_OFFSET), expected.blockSizeBytes);
        expect(file, "regionSizeBytes", m.getLong(REGION_SIZE_OFFSET), expected.regionSizeBytes);
        expect(file, "blocksPerGroup", m.getInt(BLOCKS_PER_GROUP_OFFSET), expected.blocksPerGroup);
        expect(file, "groupCount", m.getInt(GROUP_COUNT_OFFSET), expected.groupCount);
        expect(file, "blockCount", m.getInt(BLOCK_COUNT_OFFSET), expected.blockCount);
        expect(file, "gdtOffset", m.getLong(GDT_OFFSET_OFFSET), expected.gdtOffset);
        expect(file, "bitmapOffset", m.getLong(BITMAP_OFFSET_OFFSET), expected.bitmapOffset);
        expect(file, "dataOffset", m.getLong(DATA_OFFSET_OFFSET), expected.dataOffset);
        int state = m.getInt(STATE_OFFSET);
        if (state != STATE_CLEAN && state != STATE_DIRTY) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": superblock state " + state + " is neither clean nor dirty");
        }
        return state;
    }

    /** Records a mount: state dirty, mount count + 1, time; flushed before returning. */
    public static void markMounted(PersistentMemory m) {
        m.putInt(STATE_OFFSET, STATE_DIRTY);
        m.putInt(MOUNT_COUNT_OFFSET, m.getInt(MOUNT_COUNT_OFFSET) + 1);
        m.putLong(LAST_MOUNT_OFFSET, System.currentTimeMillis());
        seal(m);
        m.flush(0, BLOCK_BYTES);
    }

    /** Marks the region clean; the caller has flushed everything else first. */
    public static void markClean(PersistentMemory m) {
        m.putInt(STATE_OFFSET, STATE_CLEAN);
        seal(m);
        m.flush(0, BLOCK_BYTES);
    }

    private static void expect(String file, String field, long actual, long expected) {
        if (actual != expected) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": superblock " + field + " is " + actual
                    + ", expected " + expected);
        }
    }
}
