package io.daxkv;

import io.daxkv.pmem.PersistentMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A fault-injecting decorator: every flush of every memory sharing {@code flushes} counts, and
 * from the {@code failFrom}th on each one throws (EIO), once and for ever, as a device that has
 * failed. Reads and stores pass through (on a mapping they cannot fail short of SIGBUS).
 */
final class FailingMemory implements PersistentMemory {

    private final PersistentMemory inner;
    private final AtomicInteger flushes;
    private final int failFrom;

    FailingMemory(PersistentMemory inner, AtomicInteger flushes, int failFrom) {
        this.inner = inner;
        this.flushes = flushes;
        this.failFrom = failFrom;
    }

    private void maybeFail(String what) {
        int n = flushes.incrementAndGet();
        if (n >= failFrom) {
            throw new UncheckedIOException(new IOException("injected: " + what + " (flush " + n + ") failed: EIO"));
        }
    }

    @Override
    public void flush(long offset, long length) {
        maybeFail("flush of " + length + " bytes at " + offset);
        inner.flush(offset, length);
    }

    @Override
    public void flushAll() {
        maybeFail("flush of the whole mapping");
        inner.flushAll();
    }

    @Override
    public long sizeBytes() {
        return inner.sizeBytes();
    }

    @Override
    public int getInt(long offset) {
        return inner.getInt(offset);
    }

    @Override
    public long getLong(long offset) {
        return inner.getLong(offset);
    }

    @Override
    public int getIntAcquire(long offset) {
        return inner.getIntAcquire(offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        inner.read(offset, dst, dstOffset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst, int length) {
        inner.read(offset, dst, length);
    }

    @Override
    public void updateCrc(CRC32C crc, long offset, int length) {
        inner.updateCrc(crc, offset, length);
    }

    @Override
    public boolean contentEquals(long offset, byte[] src, int srcOffset, int length) {
        return inner.contentEquals(offset, src, srcOffset, length);
    }

    @Override
    public boolean isZero(long offset, long length) {
        return inner.isZero(offset, length);
    }

    @Override
    public void putInt(long offset, int value) {
        inner.putInt(offset, value);
    }

    @Override
    public void putLong(long offset, long value) {
        inner.putLong(offset, value);
    }

    @Override
    public void putIntRelease(long offset, int value) {
        inner.putIntRelease(offset, value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        return inner.compareAndSetInt(offset, expected, value);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        inner.write(offset, src, srcOffset, length);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        inner.write(offset, src);
    }

    @Override
    public void zero(long offset, long length) {
        inner.zero(offset, length);
    }

    @Override
    public void fence() {
        inner.fence();
    }

    @Override
    public String mode() {
        return inner.mode();
    }

    @Override
    public void close() {
        inner.close();
    }
}
