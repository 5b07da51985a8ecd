package io.daxkv.region;

import io.daxkv.DaxKVException;
import io.daxkv.pmem.MappedPersistentMemory;
import io.daxkv.pmem.MemoryWrapper;
import io.daxkv.pmem.PersistentMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.zip.CRC32C;
import net.openhft.posix.PosixAPI;

/**
 * One region file: superblock, group descriptors, block bitmaps and data blocks (see
 * {@link Geometry} for the picture), memory-mapped whole.
 *
 * <p>Files are allocated for real before they are mapped: {@code fallocate} where the
 * platform binding offers it, else zeros written through the channel. A sparse file would turn
 * a full disk into a SIGBUS inside a store instruction; allocating first turns it into an
 * {@link IOException} here, while growing.
 *
 * <p>Bitmaps are written home at {@link #writeBitmaps} (a clean close). While the store is open
 * the allocator's in-memory bitmap is the truth; on open it is rebuilt from the records and,
 * for a region closed clean, checked against the one on disk. A region left dirty (not closed
 * clean) may hold group descriptors and bitmaps torn by a power loss in the middle of writing
 * them home; nothing reads them, so {@link #open} checks them only for a clean region, and the
 * next clean close writes them all again.
 */
public final class Region implements AutoCloseable {

    private static final int ENOSPC = 28;

    public final int id;
    public final Path file;
    public final Geometry geometry;
    private final FileChannel channel;
    private final PersistentMemory memory;
    /** Superblock state found at open: clean or dirty (always dirty for a new region). */
    public final int stateAtOpen;
    /** True when this open created the file: it holds no records, so recovery need not read it. */
    public final boolean created;

    private Region(int id, Path file, Geometry geometry, FileChannel channel, PersistentMemory memory, int stateAtOpen,
                   boolean created) {
        this.id = id;
        this.file = file;
        this.geometry = geometry;
        this.channel = channel;
        this.memory = memory;
        this.stateAtOpen = stateAtOpen;
        this.created = created;
    }

    public PersistentMemory memory() {
        return memory;
    }

    /**
     * Creates, allocates, maps and formats a new region file (state dirty, mount count 0; the
     * store then marks it mounted). On failure the file is removed.
     *
     * @throws IOException a full disk (named as such) or another I/O failure
     */
    public static Region create(Path dir, int id, Geometry g, UUID storeUuid, MemoryWrapper wrapper) throws IOException {
        Path file = dir.resolve(Manifest.regionFileName(id));
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            allocate(file, ch, g.regionSizeBytes);
            PersistentMemory m = wrapper.wrap(file, MappedPersistentMemory.map(ch, g.regionSizeBytes));
            Superblock.format(m, g, storeUuid, id);
            for (int group = 0; group < g.groupCount; group++) {
                GroupDescriptor.formatUninit(m, g, id, group);
            }
            m.flush(0, g.dataOffset);
            return new Region(id, file, g, ch, m, Superblock.STATE_DIRTY, true);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Maps an existing region and checks its superblock, and the group descriptors of a region
     * closed clean (a dirty one's are rebuilt from its records). Writes nothing:
     * the store marks it mounted ({@link #markMounted()}) only once the whole open has succeeded,
     * so a failed open leaves every file as it was and the next open reports the same damage.
     */
    public static Region open(Path dir, int id, Geometry g, UUID storeUuid, MemoryWrapper wrapper) throws IOException {
        Path file = dir.resolve(Manifest.regionFileName(id));
        if (!Files.exists(file)) {
            throw new DaxKVException.Corrupt(file + ": region " + id + " is listed in the manifest but its file is missing");
        }
        long size = Files.size(file);
        if (size != g.regionSizeBytes) {
            throw new DaxKVException.Corrupt(file + ": region file is " + size + " bytes, the manifest says "
                    + g.regionSizeBytes);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        PersistentMemory m = null;
        try {
            m = wrapper.wrap(file, MappedPersistentMemory.map(ch, g.regionSizeBytes));
            int state = Superblock.verify(m, file.toString(), g, storeUuid, id);
            if (state == Superblock.STATE_CLEAN) {
                for (int group = 0; group < g.groupCount; group++) {
                    GroupDescriptor.verify(m, g, file.toString(), id, group);
                }
            }
            return new Region(id, file, g, ch, m, state, false);
        } catch (IOException | RuntimeException e) {
            if (m != null) {
                m.close();
            }
            ch.close();
            throw e;
        }
    }

    /**
     * Reads group {@code group}'s bitmap from disk into {@code dst} (512 longs per group, bit i
     * of word w is block {@code group * 32768 + 64w + i}), checking its CRC against the descriptor.
     *
     * @throws DaxKVException.Corrupt when the bitmap fails its checksum
     */
    public void readBitmap(int group, long[] dst, int dstWordOffset) {
        Geometry g = geometry;
        int flags = GroupDescriptor.verify(memory, g, file.toString(), id, group);
        int words = Geometry.BITMAP_BYTES_PER_GROUP / 8;
        if ((flags & GroupDescriptor.FLAG_BLOCK_UNINIT) != 0) {
            for (int w = 0; w < words && dstWordOffset + w < dst.length; w++) {
                dst[dstWordOffset + w] = 0;
            }
            return;
        }
        long at = g.bitmapOffset(group);
        CRC32C crc = new CRC32C();
        memory.updateCrc(crc, at, Geometry.BITMAP_BYTES_PER_GROUP);
        if ((int) crc.getValue() != GroupDescriptor.bitmapCrc(memory, g, group)) {
            throw new DaxKVException.Corrupt(file + ": group " + group + " block bitmap checksum mismatch");
        }
        for (int w = 0; w < words && dstWordOffset + w < dst.length; w++) {
            dst[dstWordOffset + w] = memory.getLong(at + 8L * w);
        }
    }

    /**
     * Writes every group's bitmap and descriptor from {@code used} (one bit per block) and
     * flushes the metadata area. Called on a clean close, with no writer running.
     */
    public void writeBitmaps(long[] used) {
        for (int group = 0; group < geometry.groupCount; group++) {
            writeBitmap(memory, geometry, id, group, used);
        }
        memory.flush(0, geometry.dataOffset);
    }

    /**
     * Writes group {@code group}'s bitmap from {@code used} (one bit per block of the whole
     * region) and its descriptor (initialised, free count and bitmap CRC to match). Not flushed.
     */
    public static void writeBitmap(PersistentMemory memory, Geometry g, int regionId, int group, long[] used) {
        int words = Geometry.BITMAP_BYTES_PER_GROUP / 8;
        long at = g.bitmapOffset(group);
        int usedCount = 0;
        for (int w = 0; w < words; w++) {
            int word = group * words + w;
            long bits = word < used.length ? used[word] : 0;
            usedCount += Long.bitCount(bits);
            memory.putLong(at + 8L * w, bits);
        }
        CRC32C crc = new CRC32C();
        memory.updateCrc(crc, at, Geometry.BITMAP_BYTES_PER_GROUP);
        GroupDescriptor.write(memory, g, regionId, group, 0, g.groupBlockCount(group) - usedCount, (int) crc.getValue());
    }

    /** Records a mount (state dirty, mount count + 1), flushed. */
    public void markMounted() {
        Superblock.markMounted(memory);
    }

    public void markClean() {
        Superblock.markClean(memory);
    }

    @Override
    public void close() throws IOException {
        memory.close();
        channel.close();
    }

    /** Allocates {@code size} bytes of {@code file} for real; a full disk is an IOException naming it. */
    public static void allocate(Path file, FileChannel ch, long size) throws IOException {
        if (fallocate(file, size)) {
            return;
        }
        writeZeros(file, ch, size);
    }

    /**
     * Writes {@code size} zero bytes to {@code file} and forces them: every block allocated and
     * written, none left unwritten, so a later flush of a range of it never has to convert an
     * extent (on ext4 that is a file system journal commit on each such flush).
     */
    public static void writeZeros(Path file, FileChannel ch, long size) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long pos = 0;
        try {
            while (pos < size) {
                zeros.clear();
                if (size - pos < zeros.capacity()) {
                    zeros.limit((int) (size - pos));
                }
                pos += ch.write(zeros, pos);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new IOException(file + ": cannot write " + size + " bytes (disk full?): " + e.getMessage(), e);
        }
    }

    /** True when fallocate did the job; false when the platform cannot (then zeros are written). */
    private static boolean fallocate(Path file, long size) throws IOException {
        PosixAPI posix;
        try {
            posix = PosixAPI.posix();
        } catch (Throwable unavailable) {
            return false;
        }
        int fd;
        try {
            fd = posix.open(file.toString(), 2 /* O_RDWR */, 0644);
        } catch (RuntimeException | LinkageError unavailable) {
            return false;
        }
        if (fd < 0) {
            return false;
        }
        try {
            int rc = posix.fallocate(fd, 0, 0, size);
            if (rc == 0) {
                return true;
            }
            int errno = posix.lastError();
            if (errno == ENOSPC) {
                throw new IOException(file + ": no space left on device to allocate a new region of " + size + " bytes");
            }
            return false;
        } finally {
            posix.close(fd);
        }
    }
}
