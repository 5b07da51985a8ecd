package io.daxkv.pmem;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The one narrow door to persistent memory. Every byte daxkv stores in a region goes through
 * an implementation of this interface; nothing writes to a mapping around it, so a test
 * implementation can record the stores between flushes and build crash images from them.
 *
 * <p>Offsets are bytes from the start of the region. Plain reads and writes have no ordering
 * of their own; the names say where ordering is given: {@code ...Release} is a release store
 * (every earlier store becomes visible to a thread that reads it with {@code ...Acquire}),
 * {@code ...Acquire} an acquire load. Durability is separate from visibility: a store is
 * durable once a {@link #flush} covering it has returned.
 *
 * <p>Implementations are thread-safe for disjoint ranges; callers coordinate overlapping ones.
 */
public interface PersistentMemory extends AutoCloseable {

    /** Size of the mapped range in bytes. */
    long sizeBytes();

    int getInt(long offset);

    long getLong(long offset);

    /** Acquire load: sees every store made before the matching {@link #putIntRelease}. */
    int getIntAcquire(long offset);

    void read(long offset, byte[] dst, int dstOffset, int length);

    /** Copies {@code length} bytes at {@code offset} into {@code dst} at its position, advancing it. */
    void read(long offset, ByteBuffer dst, int length);

    /** Feeds {@code length} bytes at {@code offset} to {@code crc} without copying them to the heap. */
    void updateCrc(CRC32C crc, long offset, int length);

    /** True when the {@code length} bytes at {@code offset} equal {@code src[srcOffset, +length)}. */
    default boolean contentEquals(long offset, byte[] src, int srcOffset, int length) {
        byte[] stored = new byte[length];
        read(offset, stored, 0, length);
        return java.util.Arrays.equals(stored, 0, length, src, srcOffset, srcOffset + length);
    }

    /** True when every byte of the range is zero. */
    boolean isZero(long offset, long length);

    void putInt(long offset, int value);

    void putLong(long offset, long value);

    /** Release store: publishes every earlier store of this thread along with this one. */
    void putIntRelease(long offset, int value);

    boolean compareAndSetInt(long offset, int expected, int value);

    void write(long offset, byte[] src, int srcOffset, int length);

    /** Writes the remaining bytes of {@code src} at {@code offset}; src's position is not changed. */
    void write(long offset, ByteBuffer src);

    void zero(long offset, long length);

    /** Orders earlier stores before later ones (a store fence). */
    void fence();

    /**
     * Makes every store in the range durable before returning: msync on an ordinary shared
     * mapping, cache-line write-back on a MAP_SYNC (DAX) mapping.
     *
     * @throws java.io.UncheckedIOException when the device reports an error
     */
    void flush(long offset, long length);

    /** Flushes the whole range. */
    void flushAll();

    /** The mapping mode, "MAP_SYNC" or "msync", as shown by {@code stat}. */
    String mode();

    /** Unmaps. Idempotent; any access afterwards is a bug of the caller. */
    @Override
    void close();
}
