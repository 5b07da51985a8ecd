package io.daxkv.region;

import io.daxkv.DaxKVException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The store manifest: file {@value #FILE_NAME} in the store directory. Small, rewritten whole
 * (temporary file, fsync, atomic rename, fsync of the directory), so it is either the old or
 * the new version after a crash, never a mix.
 *
 * <pre>
 *  offset      size  field
 *    0          4    magic             0x4D4B5844: the bytes "DXKM" in little-endian order
 *    4          4    formatVersion     {@link #FORMAT_VERSION}
 *    8          4    featureIncompat   unknown bits: the store is refused
 *   12          4    blockSizeBytes
 *   16          8    regionSizeBytes
 *   24          8    storeUuidMsb
 *   32          8    storeUuidLsb
 *   40          4    nextRegionId
 *   44          4    regionCount       n
 *   48          8n   regions: (regionId u32, state u32) with state {@link #REGION_CREATING} or
 *                    {@link #REGION_ACTIVE}
 *   48+8n       4    crc32c            CRC32C of every byte before it
 * </pre>
 *
 * A region is listed as CREATING before its file is made and turned ACTIVE once the file is
 * allocated, formatted and flushed. Open discards CREATING regions (a crash hit while growing)
 * and region files the manifest does not list.
 */
public final class Manifest {

    public static final String FILE_NAME = "MANIFEST";
    public static final int MAGIC = 0x4D4B5844;
    public static final int FORMAT_VERSION = 1;
    public static final int KNOWN_INCOMPAT = 0;
    public static final int REGION_CREATING = 1;
    public static final int REGION_ACTIVE = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = MAGIC_OFFSET + 4;
    public static final int FEATURE_INCOMPAT_OFFSET = FORMAT_VERSION_OFFSET + 4;
    public static final int BLOCK_SIZE_OFFSET = FEATURE_INCOMPAT_OFFSET + 4;
    public static final int REGION_SIZE_OFFSET = BLOCK_SIZE_OFFSET + 4;
    public static final int UUID_MSB_OFFSET = REGION_SIZE_OFFSET + 8;
    public static final int UUID_LSB_OFFSET = UUID_MSB_OFFSET + 8;
    public static final int NEXT_REGION_ID_OFFSET = UUID_LSB_OFFSET + 8;
    public static final int REGION_COUNT_OFFSET = NEXT_REGION_ID_OFFSET + 4;
    public static final int REGIONS_OFFSET = REGION_COUNT_OFFSET + 4;
    public static final int REGION_ENTRY_BYTES = 8;
    /** Bound on regions, so a damaged count cannot make us allocate gigabytes. */
    public static final int MAX_REGIONS = 65536;

    /** One row of the region table. */
    public static final class RegionEntry {
        public final int regionId;
        public final int state;

        public RegionEntry(int regionId, int state) {
            this.regionId = regionId;
            this.state = state;
        }
    }

    public final UUID storeUuid;
    public final int blockSizeBytes;
    public final long regionSizeBytes;
    public final int nextRegionId;
    public final List<RegionEntry> regions;

    public Manifest(UUID storeUuid, int blockSizeBytes, long regionSizeBytes, int nextRegionId, List<RegionEntry> regions) {
        this.storeUuid = storeUuid;
        this.blockSizeBytes = blockSizeBytes;
        this.regionSizeBytes = regionSizeBytes;
        this.nextRegionId = nextRegionId;
        this.regions = Collections.unmodifiableList(new ArrayList<>(regions));
    }

    public static int lengthFor(int regionCount) {
        return REGIONS_OFFSET + regionCount * REGION_ENTRY_BYTES + 4;
    }

    /** The file name of region {@code regionId}. */
    public static String regionFileName(int regionId) {
        return String.format("region-%06d.dax", regionId);
    }

    /** Whether {@code name} looks like a region file name; returns its id, or -1. */
    public static int parseRegionFileName(String name) {
        if (name.length() == 17 && name.startsWith("region-") && name.endsWith(".dax")) {
            try {
                return Integer.parseInt(name.substring(7, 13));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    public Manifest withRegion(int regionId, int state) {
        List<RegionEntry> next = new ArrayList<>();
        boolean found = false;
        for (RegionEntry e : regions) {
            if (e.regionId == regionId) {
                next.add(new RegionEntry(regionId, state));
                found = true;
            } else {
                next.add(e);
            }
        }
        if (!found) {
            next.add(new RegionEntry(regionId, state));
        }
        return new Manifest(storeUuid, blockSizeBytes, regionSizeBytes, Math.max(nextRegionId, regionId + 1), next);
    }

    public Manifest withoutRegion(int regionId) {
        List<RegionEntry> next = new ArrayList<>();
        for (RegionEntry e : regions) {
            if (e.regionId != regionId) {
                next.add(e);
            }
        }
        return new Manifest(storeUuid, blockSizeBytes, regionSizeBytes, nextRegionId, next);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(lengthFor(regions.size())).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC_OFFSET, MAGIC);
        b.putInt(FORMAT_VERSION_OFFSET, FORMAT_VERSION);
        b.putInt(FEATURE_INCOMPAT_OFFSET, 0);
        b.putInt(BLOCK_SIZE_OFFSET, blockSizeBytes);
        b.putLong(REGION_SIZE_OFFSET, regionSizeBytes);
        b.putLong(UUID_MSB_OFFSET, storeUuid.getMostSignificantBits());
        b.putLong(UUID_LSB_OFFSET, storeUuid.getLeastSignificantBits());
        b.putInt(NEXT_REGION_ID_OFFSET, nextRegionId);
        b.putInt(REGION_COUNT_OFFSET, regions.size());
        int at = REGIONS_OFFSET;
        for (RegionEntry e : regions) {
            b.putInt(at, e.regionId);
            b.putInt(at + 4, e.state);
            at += REGION_ENTRY_BYTES;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, at);
        b.putInt(at, (int) crc.getValue());
        return b.array();
    }

    /**
     * Parses and checks a manifest; every failure names the file and what is wrong.
     *
     * @throws DaxKVException.Corrupt      bad magic, length, CRC or contents
     * @throws DaxKVException.Incompatible unknown version or incompatible feature
     */
    public static Manifest decode(byte[] bytes, Path file) {
        if (bytes.length < lengthFor(0)) {
            throw new DaxKVException.Corrupt(file + ": manifest is " + bytes.length + " bytes, shorter than its header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new DaxKVException.Corrupt(file + ": manifest magic is 0x" + Integer.toHexString(magic)
                    + ", expected 0x" + Integer.toHexString(MAGIC));
        }
        int count = b.getInt(REGION_COUNT_OFFSET);
        if (count < 0 || count > MAX_REGIONS || bytes.length != lengthFor(count)) {
            throw new DaxKVException.Corrupt(file + ": manifest region count " + count + " does not match its length "
                    + bytes.length);
        }
        int crcAt = lengthFor(count) - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, crcAt);
        if (b.getInt(crcAt) != (int) crc.getValue()) {
            throw new DaxKVException.Corrupt(file + ": manifest checksum mismatch");
        }
        int version = b.getInt(FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new DaxKVException.Incompatible(file + ": format version " + version + ", this build reads version "
                    + FORMAT_VERSION);
        }
        int incompat = b.getInt(FEATURE_INCOMPAT_OFFSET) & ~KNOWN_INCOMPAT;
        if (incompat != 0) {
            throw new DaxKVException.Incompatible(file + ": unknown incompatible features 0x" + Integer.toHexString(incompat));
        }
        int blockSize = b.getInt(BLOCK_SIZE_OFFSET);
        long regionSize = b.getLong(REGION_SIZE_OFFSET);
        if (blockSize < 64 || blockSize > 65536 || Integer.bitCount(blockSize) != 1
                || regionSize < (4L << 20) || regionSize > (1L << 30) || regionSize % (1 << 20) != 0) {
            throw new DaxKVException.Corrupt(file + ": manifest geometry out of range (blockSizeBytes " + blockSize
                    + ", regionSizeBytes " + regionSize + ")");
        }
        List<RegionEntry> regions = new ArrayList<>();
        int at = REGIONS_OFFSET;
        for (int i = 0; i < count; i++, at += REGION_ENTRY_BYTES) {
            int id = b.getInt(at);
            int state = b.getInt(at + 4);
            if (id < 0 || (state != REGION_CREATING && state != REGION_ACTIVE)) {
                throw new DaxKVException.Corrupt(file + ": manifest region entry " + i + " is invalid (id " + id
                        + ", state " + state + ")");
            }
            regions.add(new RegionEntry(id, state));
        }
        return new Manifest(new UUID(b.getLong(UUID_MSB_OFFSET), b.getLong(UUID_LSB_OFFSET)), blockSize, regionSize,
                b.getInt(NEXT_REGION_ID_OFFSET), regions);
    }

    public static Manifest read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        return decode(Files.readAllBytes(file), file);
    }

    /** Replaces the manifest atomically and durably. */
    public void write(Path dir) throws IOException {
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(encode());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(dir + ": file system cannot rename atomically; daxkv needs it for the manifest", e);
        }
        fsyncDirectory(dir);
    }

    /** Makes a directory's entries (a rename, a new or deleted file) durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a directory for reading; nothing more can be done.
            if (!String.valueOf(e.getMessage()).contains("Is a directory")) {
                throw e;
            }
        }
    }
}
