package io.daxkv.region;

import io.daxkv.pmem.PersistentMemory;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The superblock: the first 4 KiB block of every region file. It holds two copies (slots) of
 * the 128-byte structure below, at offsets 0 and {@value #SLOT_BYTES}; the valid one with the
 * higher generation is current. An update (mount, clean close) writes the other slot with the
 * next generation and flushes it, so a power loss in the middle of one leaves the previous
 * copy intact: an update in place could be torn, and a torn superblock would fail its CRC and
 * refuse the whole region. Stores written before the second slot existed have it all zero
 * (no magic): the first update fills it.
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
 *  104     8   generation         bumped by every update; the higher valid slot is current
 *  112    12   reserved, zero
 *  124     4   crc32c             CRC32C of bytes [0, 124) of the slot
 * </pre>
 * Offsets are within a slot; slot 1 starts at {@value #SLOT_BYTES}.
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
    public static final int GENERATION_OFFSET = LAST_MOUNT_OFFSET + 8;
    public static final int RESERVED_OFFSET = GENERATION_OFFSET + 8;
    public static final int RESERVED_BYTES = 12;
    public static final int CRC_OFFSET = RESERVED_OFFSET + RESERVED_BYTES;
    /** Bytes used, CRC included. */
    public static final int LENGTH = CRC_OFFSET + 4;
    /** Distance between the two slots. */
    public static final int SLOT_BYTES = 2048;
    public static final int SLOT_COUNT = 2;

    /** Byte offset of slot {@code slot} (0 or 1) in the region file. */
    public static long slotOffset(int slot) {
        return (long) slot * SLOT_BYTES;
    }

    private Superblock() {
    }

    /** Writes a fresh superblock (state dirty, mount count 0) into both slots and flushes it. */
    public static void format(PersistentMemory m, Geometry g, UUID storeUuid, int regionId) {
        m.zero(0, BLOCK_BYTES);
        for (int slot = 0; slot < SLOT_COUNT; slot++) {
            long b = slotOffset(slot);
            m.putInt(b + MAGIC_OFFSET, MAGIC);
            m.putInt(b + FORMAT_VERSION_OFFSET, FORMAT_VERSION);
            m.putInt(b + BLOCK_SIZE_OFFSET, g.blockSizeBytes);
            m.putLong(b + REGION_SIZE_OFFSET, g.regionSizeBytes);
            m.putLong(b + UUID_MSB_OFFSET, storeUuid.getMostSignificantBits());
            m.putLong(b + UUID_LSB_OFFSET, storeUuid.getLeastSignificantBits());
            m.putInt(b + REGION_ID_OFFSET, regionId);
            m.putInt(b + BLOCKS_PER_GROUP_OFFSET, g.blocksPerGroup);
            m.putInt(b + GROUP_COUNT_OFFSET, g.groupCount);
            m.putInt(b + BLOCK_COUNT_OFFSET, g.blockCount);
            m.putLong(b + GDT_OFFSET_OFFSET, g.gdtOffset);
            m.putLong(b + BITMAP_OFFSET_OFFSET, g.bitmapOffset);
            m.putLong(b + DATA_OFFSET_OFFSET, g.dataOffset);
            m.putInt(b + STATE_OFFSET, STATE_DIRTY);
            m.putLong(b + GENERATION_OFFSET, 1 - slot);
            seal(m, slot);
        }
        m.flush(0, BLOCK_BYTES);
    }

    /** Recomputes and stores slot {@code slot}'s CRC; call after changing any of its fields. */
    public static void seal(PersistentMemory m, int slot) {
        long b = slotOffset(slot);
        m.putInt(b + CRC_OFFSET, slotCrc(m, slot));
    }

    private static int slotCrc(PersistentMemory m, int slot) {
        CRC32C crc = new CRC32C();
        m.updateCrc(crc, slotOffset(slot), CRC_OFFSET);
        return (int) crc.getValue();
    }

    /** Null when slot {@code slot} has its magic and CRC; else what is wrong with it. */
    private static String slotDamage(PersistentMemory m, int slot) {
        long b = slotOffset(slot);
        int magic = m.getInt(b + MAGIC_OFFSET);
        if (magic != MAGIC) {
            return "superblock magic is 0x" + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC);
        }
        int stored = m.getInt(b + CRC_OFFSET);
        int computed = slotCrc(m, slot);
        if (stored != computed) {
            return "superblock checksum mismatch (stored 0x" + Integer.toHexString(stored) + ", computed 0x"
                    + Integer.toHexString(computed) + ")";
        }
        return null;
    }

    /**
     * The current slot: the one with a valid magic and CRC and the higher generation.
     *
     * @throws io.daxkv.DaxKVException.Corrupt when neither slot is valid (naming what is wrong with each)
     */
    public static int currentSlot(PersistentMemory m, String file) {
        if (m.sizeBytes() < BLOCK_BYTES) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": too short for a superblock");
        }
        String damage0 = slotDamage(m, 0);
        String damage1 = slotDamage(m, 1);
        if (damage0 != null && damage1 != null) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": " + damage0 + "; its second copy at " + SLOT_BYTES
                    + ": " + damage1);
        }
        if (damage0 != null) {
            return 1;
        }
        if (damage1 != null) {
            return 0;
        }
        return Long.compareUnsigned(m.getLong(slotOffset(1) + GENERATION_OFFSET),
                m.getLong(GENERATION_OFFSET)) > 0 ? 1 : 0;
    }

    /**
     * Checks the superblock against what the manifest says this region must be; returns the
     * recorded state. Every failure names the file and the field.
     *
     * @throws io.daxkv.DaxKVException.Corrupt      on a bad magic, CRC or geometry
     * @throws io.daxkv.DaxKVException.Incompatible on an unknown version or feature
     */
    public static int verify(PersistentMemory m, String file, Geometry expected, UUID storeUuid, int regionId) {
        long b = slotOffset(currentSlot(m, file));
        int version = m.getInt(b + FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new io.daxkv.DaxKVException.Incompatible(file + ": superblock format version " + version
                    + ", this build reads version " + FORMAT_VERSION);
        }
        int incompat = m.getInt(b + FEATURE_INCOMPAT_OFFSET) & ~KNOWN_INCOMPAT;
        int roCompat = m.getInt(b + FEATURE_RO_COMPAT_OFFSET) & ~KNOWN_RO_COMPAT;
        if (incompat != 0 || roCompat != 0) {
            throw new io.daxkv.DaxKVException.Incompatible(file + ": unknown features (incompat 0x"
                    + Integer.toHexString(incompat) + ", ro_compat 0x" + Integer.toHexString(roCompat) + ")");
        }
        UUID uuid = new UUID(m.getLong(b + UUID_MSB_OFFSET), m.getLong(b + UUID_LSB_OFFSET));
        if (!uuid.equals(storeUuid)) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": belongs to store " + uuid + ", not " + storeUuid);
        }
        expect(file, "regionId", m.getInt(b + REGION_ID_OFFSET), regionId);
        expect(file, "blockSizeBytes", m.getInt(b + BLOCK_SIZE_OFFSET), expected.blockSizeBytes);
        expect(file, "regionSizeBytes", m.getLong(b + REGION_SIZE_OFFSET), expected.regionSizeBytes);
        expect(file, "blocksPerGroup", m.getInt(b + BLOCKS_PER_GROUP_OFFSET), expected.blocksPerGroup);
        expect(file, "groupCount", m.getInt(b + GROUP_COUNT_OFFSET), expected.groupCount);
        expect(file, "blockCount", m.getInt(b + BLOCK_COUNT_OFFSET), expected.blockCount);
        expect(file, "gdtOffset", m.getLong(b + GDT_OFFSET_OFFSET), expected.gdtOffset);
        expect(file, "bitmapOffset", m.getLong(b + BITMAP_OFFSET_OFFSET), expected.bitmapOffset);
        expect(file, "dataOffset", m.getLong(b + DATA_OFFSET_OFFSET), expected.dataOffset);
        int state = m.getInt(b + STATE_OFFSET);
        if (state != STATE_CLEAN && state != STATE_DIRTY) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": superblock (slot " + (b / SLOT_BYTES) + ") state " + state + " is neither clean nor dirty");
        }
        return state;
    }

    /** Records a mount: state dirty, mount count + 1, time; flushed before returning. */
    public static void markMounted(PersistentMemory m) {
        update(m, STATE_DIRTY, true);
    }

    /** Marks the region clean; the caller has flushed everything else first. */
    public static void markClean(PersistentMemory m) {
        update(m, STATE_CLEAN, false);
    }

    /**
     * Copies the current slot into the other with the next generation and the new state (and,
     * for a mount, count and time), then flushes: the current slot is not touched.
     */
    private static void update(PersistentMemory m, int state, boolean mount) {
        int from = currentSlot(m, "superblock");
        int to = 1 - from;
        byte[] copy = new byte[LENGTH];
        m.read(slotOffset(from), copy, 0, LENGTH);
        long b = slotOffset(to);
        m.write(b, copy, 0, LENGTH);
        m.putInt(b + STATE_OFFSET, state);
        if (mount) {
            m.putInt(b + MOUNT_COUNT_OFFSET, m.getInt(b + MOUNT_COUNT_OFFSET) + 1);
            m.putLong(b + LAST_MOUNT_OFFSET, System.currentTimeMillis());
        }
        m.putLong(b + GENERATION_OFFSET, m.getLong(slotOffset(from) + GENERATION_OFFSET) + 1);
        seal(m, to);
        m.flush(0, BLOCK_BYTES);
    }

    private static void expect(String file, String field, long actual, long expected) {
        if (actual != expected) {
            throw new io.daxkv.DaxKVException.Corrupt(file + ": superblock " + field + " is " + actual
                    + ", expected " + expected);
        }
    }
}
