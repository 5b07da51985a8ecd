package io.daxkv.journal;

import io.daxkv.pmem.PersistentMemory;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A plain in-heap {@link PersistentMemory} for journal tests: no ordering games (every call
 * synchronizes), and flushes that can be made to fail from the Nth one on, for good.
 */
final class ArrayMemory implements PersistentMemory {

    final byte[] bytes;
    private final ByteBuffer view;
    final AtomicInteger flushes = new AtomicInteger();
    /** Flush number (1-based) from which every flush throws; 0: never. */
    volatile int failFromFlush;

    ArrayMemory(int sizeBytes) {
        this.bytes = new byte[sizeBytes];
        this.view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A second memory holding a copy of this one's bytes (an image to reopen). */
    synchronized ArrayMemory copy() {
        ArrayMemory m = new ArrayMemory(bytes.length);
        System.arraycopy(bytes, 0, m.bytes, 0, bytes.length);
        return m;
    }

    @Override
    public long sizeBytes() {
        return bytes.length;
    }

    @Override
    public synchronized int getInt(long offset) {
        return view.getInt((int) offset);
    }

    @Override
    public synchronized long getLong(long offset) {
        return view.getLong((int) offset);
    }

    @Override
    public int getIntAcquire(long offset) {
        return getInt(offset);
    }

    @Override
    public synchronized void read(long offset, byte[] dst, int dstOffset, int length) {
        System.arraycopy(bytes, (int) offset, dst, dstOffset, length);
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst, int length) {
        dst.put(bytes, (int) offset, length);
    }

    @Override
    public synchronized void updateCrc(CRC32C crc, long offset, int length) {
        crc.update(bytes, (int) offset, length);
    }

    @Override
    public synchronized boolean isZero(long offset, long length) {
        for (long i = offset; i < offset + length; i++) {
            if (bytes[(int) i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void putInt(long offset, int value) {
        view.putInt((int) offset, value);
    }

    @Override
    public synchronized void putLong(long offset, long value) {
        view.putLong((int) offset, value);
    }

    @Override
    public void putIntRelease(long offset, int value) {
        putInt(offset, value);
    }

    @Override
    public synchronized boolean compareAndSetInt(long offset, int expected, int value) {
        if (view.getInt((int) offset) != expected) {
            return false;
        }
        view.putInt((int) offset, value);
        return true;
    }

    @Override
    public synchronized void write(long offset, byte[] src, int srcOffset, int length) {
        System.arraycopy(src, srcOffset, bytes, (int) offset, length);
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) {
        src.duplicate().get(bytes, (int) offset, src.remaining());
    }

    @Override
    public synchronized void zero(long offset, long length) {
        java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
    }

    @Override
    public void fence() {
    }

    @Override
    public void flush(long offset, long length) {
        int n = flushes.incrementAndGet();
        int from = failFromFlush;
        if (from > 0 && n >= from) {
            throw new UncheckedIOException(new java.io.IOException("injected: flush " + n + " failed (EIO)"));
        }
    }

    @Override
    public void flushAll() {
        flush(0, bytes.length);
    }

    @Override
    public String mode() {
        return "heap";
    }

    @Override
    public void close() {
    }
}
