package io.daxkv.pmem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.io.SingleThreadedChecked;

/**
 * {@link PersistentMemory} over a memory-mapped region file, accessed through Chronicle Bytes.
 *
 * <p>Mapping: {@code ExtendedMapMode.READ_WRITE_SYNC} (MAP_SYNC) is tried first. It succeeds
 * only on a DAX file system, where stores reach persistence once their cache lines are written
 * back, and {@link MappedByteBuffer#force(int, int)} does exactly that. Elsewhere the kernel
 * refuses with "Operation not supported" and the file is mapped shared (READ_WRITE); flush is
 * then {@code msync}. {@link #mode()} says which.
 */
public final class MappedPersistentMemory implements PersistentMemory {

    public static final String MODE_MAP_SYNC = "MAP_SYNC";
    public static final String MODE_MSYNC = "msync";

    private static final int COPY_CHUNK_BYTES = 64 << 10;
    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[COPY_CHUNK_BYTES]);

    private final MappedByteBuffer buffer;
    private final BytesStore<?, ?> bytes;
    private final long sizeBytes;
    private final String mode;
    private volatile boolean closed;

    private MappedPersistentMemory(MappedByteBuffer buffer, String mode) {
        this.buffer = buffer;
        this.bytes = BytesStore.wrap(buffer);
        if (bytes instanceof SingleThreadedChecked) {
            // Many threads write disjoint ranges of one region; the engine coordinates them.
            ((SingleThreadedChecked) bytes).singleThreadedCheckDisabled(true);
        }
        this.sizeBytes = buffer.capacity();
        this.mode = mode;
    }

    /**
     * Maps {@code [0, sizeBytes)} of {@code channel}, which must already be allocated for real
     * (never sparse: a store into a hole on a full disk is a SIGBUS, not an exception).
     */
    public static MappedPersistentMemory map(FileChannel channel, long sizeBytes) throws IOException {
        if (sizeBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("one mapping holds at most 2 GiB - 1, asked " + sizeBytes);
        }
        try {
            MappedByteBuffer b = channel.map(jdk.nio.mapmode.ExtendedMapMode.READ_WRITE_SYNC, 0, sizeBytes);
            return new MappedPersistentMemory(b, MODE_MAP_SYNC);
        } catch (IOException | UnsupportedOperationException notDax) {
            // Not a DAX file system ("Operation not supported"): shared mapping plus msync.
            MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes);
            return new MappedPersistentMemory(b, MODE_MSYNC);
        }
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public int getInt(long offset) {
        return bytes.readInt(offset);
    }

    @Override
    public long getLong(long offset) {
        return bytes.readLong(offset);
    }

    @Override
    public int getIntAcquire(long offset) {
        return bytes.readVolatileInt(offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        bytes.read(offset, dst, dstOffset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst, int length) {
        if (dst.hasArray()) {
            bytes.read(offset, dst.array(), dst.arrayOffset() + dst.position(), length);
            dst.position(dst.position() + length);
            return;
        }
        byte[] chunk = COPY_BUFFER.get();
        for (int done = 0; done < length; ) {
            int n = Math.min(chunk.length, length - done);
            bytes.read(offset + done, chunk, 0, n);
            dst.put(chunk, 0, n);
            done += n;
        }
    }

    @Override
    public void updateCrc(CRC32C crc, long offset, int length) {
        checkRange(offset, length);
        // A slice of the mapped buffer: CRC32C reads the mapping directly (intrinsic).
        crc.update(buffer.slice((int) offset, length));
    }

    private static final java.lang.invoke.VarHandle LONGS_LE = java.lang.invoke.MethodHandles
            .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    @Override
    public boolean contentEquals(long offset, byte[] src, int srcOffset, int length) {
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            if (bytes.readLong(offset + i) != (long) LONGS_LE.get(src, srcOffset + i)) {
                return false;
            }
        }
        for (; i < length; i++) {
            if (bytes.readByte(offset + i) != src[srcOffset + i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean isZero(long offset, long length) {
        checkRange(offset, length);
        long end = offset + length;
        long p = offset;
        for (; p < end && (p & 7) != 0; p++) {
            if (bytes.readByte(p) != 0) {
                return false;
            }
        }
        for (; p + 8 <= end; p += 8) {
            if (bytes.readLong(p) != 0) {
                return false;
            }
        }
        for (; p < end; p++) {
            if (bytes.readByte(p) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void putInt(long offset, int value) {
        bytes.writeInt(offset, value);
    }

    @Override
    public void putLong(long offset, long value) {
        bytes.writeLong(offset, value);
    }

    @Override
    public void putIntRelease(long offset, int value) {
        bytes.writeOrderedInt(offset, value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        return bytes.compareAndSwapInt(offset, expected, value);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        bytes.write(offset, src, srcOffset, length);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        int length = src.remaining();
        if (src.hasArray()) {
            bytes.write(offset, src.array(), src.arrayOffset() + src.position(), length);
            return;
        }
        ByteBuffer s = src.duplicate();
        byte[] chunk = COPY_BUFFER.get();
        for (int done = 0; done < length; ) {
            int n = Math.min(chunk.length, length - done);
            s.get(chunk, 0, n);
            bytes.write(offset + done, chunk, 0, n);
            done += n;
        }
    }

    @Override
    public void zero(long offset, long length) {
        checkRange(offset, length);
        bytes.zeroOut(offset, offset + length);
    }

    @Override
    public void fence() {
        java.lang.invoke.VarHandle.storeStoreFence();
    }

    @Override
    public void flush(long offset, long length) {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        try {
            buffer.force((int) offset, (int) length);
        } catch (UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("flush of [" + offset + ", +" + length + ") failed", e));
        }
    }

    @Override
    public void flushAll() {
        flush(0, sizeBytes);
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        unmap(buffer);
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > sizeBytes) {
            throw new IndexOutOfBoundsException("range [" + offset + ", +" + length + ") outside [0, " + sizeBytes + ")");
        }
    }

    /**
     * Releases the mapping now rather than at garbage collection, so a store can be reopened
     * (and its file deleted) at once. Safe only because the engine drains every caller first.
     */
    private static void unmap(MappedByteBuffer buffer) {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            Object unsafe = f.get(null);
            Method invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
            invokeCleaner.invoke(unsafe, buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Left to the garbage collector; the file lock is released regardless.
        }
    }
}
