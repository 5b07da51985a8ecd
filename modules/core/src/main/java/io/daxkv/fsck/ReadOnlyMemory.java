package io.daxkv.fsck;

import io.daxkv.pmem.MappedPersistentMemory;
import io.daxkv.pmem.PersistentMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A file mapped read-only (the file opened O_RDONLY, the mapping PROT_READ) behind the
 * {@link PersistentMemory} interface the layout classes read through: how fsck looks at a store
 * without {@code --repair}. Every store throws; nothing can reach the file.
 */
final class ReadOnlyMemory implements PersistentMemory {

    private final Path file;
    private final MappedByteBuffer buffer;
    private final long sizeBytes;

    private ReadOnlyMemory(Path file, MappedByteBuffer buffer) {
        this.file = file;
        this.buffer = buffer;
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.sizeBytes = buffer.capacity();
    }

    /** Maps all of {@code file} read-only, or read-write for a repair (then through the engine's mapping class). */
    static PersistentMemory map(Path file, boolean writable) throws IOException {
        if (writable) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                return MappedPersistentMemory.map(ch, ch.size()); // a mapping outlives its channel
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(file + ": " + size + " bytes, more than one mapping holds");
            }
            return new ReadOnlyMemory(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, size));
        }
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public int getInt(long offset) {
        return buffer.getInt(index(offset, 4));
    }

    @Override
    public long getLong(long offset) {
        return buffer.getLong(index(offset, 8));
    }

    @Override
    public int getIntAcquire(long offset) {
        return getInt(offset); // nobody writes the file while fsck holds the claim
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        buffer.get(index(offset, length), dst, dstOffset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst, int length) {
        dst.put(buffer.slice(index(offset, length), length));
    }

    @Override
    public void updateCrc(CRC32C crc, long offset, int length) {
        crc.update(buffer.slice(index(offset, length), length));
    }

    @Override
    public boolean isZero(long offset, long length) {
        for (long i = 0; i < length; i++) {
            if (buffer.get(index(offset + i, 1)) != 0) {
                return false;
            }
        }
        return true;
    }

    private int index(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > sizeBytes) {
            throw new IndexOutOfBoundsException(file + ": [" + offset + ", +" + length + ") outside " + sizeBytes + " bytes");
        }
        return (int) offset;
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException(file + " is mapped read-only (fsck without --repair)");
    }

    @Override
    public void putInt(long offset, int value) {
        throw readOnly();
    }

    @Override
    public void putLong(long offset, long value) {
        throw readOnly();
    }

    @Override
    public void putIntRelease(long offset, int value) {
        throw readOnly();
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        throw readOnly();
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        throw readOnly();
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        throw readOnly();
    }

    @Override
    public void zero(long offset, long length) {
        throw readOnly();
    }

    @Override
    public void fence() {
    }

    @Override
    public void flush(long offset, long length) {
    }

    @Override
    public void flushAll() {
    }

    @Override
    public String mode() {
        return "read-only";
    }

    @Override
    public void close() {
        // the mapping goes with the buffer (the JDK offers no unmap of a read-only one)
    }
}
