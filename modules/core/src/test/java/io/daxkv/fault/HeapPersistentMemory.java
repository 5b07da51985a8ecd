package io.daxkv.fault;

import io.daxkv.pmem.PersistentMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * A {@link PersistentMemory} over a heap array, for unit tests of the fault path. Test-only.
 *
 * <p>Besides behaving like a mapping (plain stores, release/acquire and CAS on aligned ints),
 * it records what a test needs to prove the founding rule ("zero once, never over a write"):
 * <ul>
 *   <li>every {@link #zero} call, with the thread that made it;</li>
 *   <li>per byte, how many times it was zeroed;</li>
 *   <li>per byte, whether a {@link #write} covering it had begun before a later zero reached
 *       it ({@link #zeroesAfterWrite()}): the data-loss race, caught even when the lost bytes
 *       happen to be rewritten afterwards.</li>
 * </ul>
 * Thread-safe for disjoint ranges, as the interface asks; the bookkeeping itself is atomic.
 */
final class HeapPersistentMemory implements PersistentMemory {

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** One call to {@link #zero}. */
    static final class ZeroCall {
        final long offset;
        final long length;
        final long threadId;

        ZeroCall(long offset, long length, long threadId) {
            this.offset = offset;
            this.length = length;
            this.threadId = threadId;
        }

        @Override
        public String toString() {
            return "zero[" + offset + ", +" + length + ") by thread " + threadId;
        }
    }

    private final byte[] bytes;
    private final AtomicIntegerArray zeroCounts;
    private final AtomicIntegerArray writeBegun;
    private final ConcurrentLinkedQueue<ZeroCall> zeroCalls = new ConcurrentLinkedQueue<>();
    private final AtomicLong zeroedBytes = new AtomicLong();
    private final AtomicLong zeroesAfterWrite = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    /**
     * Busy-spins this long inside every write and zero, widening the window in which a fault
     * holds its block's lock, so racing writers really queue on it. A fault injection, never a
     * means of ordering anything.
     */
    private volatile long stallNanos;

    /** A memory of {@code sizeBytes} bytes, every one set to {@code fill}. */
    HeapPersistentMemory(int sizeBytes, byte fill) {
        this.bytes = new byte[sizeBytes];
        java.util.Arrays.fill(bytes, fill);
        this.zeroCounts = new AtomicIntegerArray(sizeBytes);
        this.writeBegun = new AtomicIntegerArray(sizeBytes);
    }

    /** Test setup: sets {@code [offset, offset + length)} to {@code value} without recording anything. */
    void fillRaw(long offset, long length, byte value) {
        check(offset, length);
        java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), value);
    }

    /** See {@link #stallNanos}. */
    void stallEachStore(long nanos) {
        this.stallNanos = nanos;
    }

    // ------------------------------------------------------------------ what the test inspects

    /** The raw byte at {@code offset}, bypassing every fault-path rule. */
    byte rawByte(long offset) {
        return bytes[(int) offset];
    }

    /** How many times the byte at {@code offset} was zeroed. */
    int zeroCount(long offset) {
        return zeroCounts.get((int) offset);
    }

    /** Every zero call so far. */
    List<ZeroCall> zeroCalls() {
        return new ArrayList<>(zeroCalls);
    }

    /** Zero calls overlapping {@code [offset, offset + length)}. */
    List<ZeroCall> zeroCallsIn(long offset, long length) {
        List<ZeroCall> out = new ArrayList<>();
        for (ZeroCall c : zeroCalls) {
            if (c.offset < offset + length && offset < c.offset + c.length) {
                out.add(c);
            }
        }
        return out;
    }

    long zeroedBytes() {
        return zeroedBytes.get();
    }

    /** Bytes zeroed after a write to them had begun: each one a write the zeroing may have wiped. */
    long zeroesAfterWrite() {
        return zeroesAfterWrite.get();
    }

    long flushes() {
        return flushes.get();
    }

    // ---------------------------------------------------------------------- PersistentMemory

    @Override
    public long sizeBytes() {
        return bytes.length;
    }

    @Override
    public int getInt(long offset) {
        check(offset, 4);
        return (int) INT.get(bytes, (int) offset);
    }

    @Override
    public long getLong(long offset) {
        check(offset, 8);
        return (long) LONG.get(bytes, (int) offset);
    }

    @Override
    public int getIntAcquire(long offset) {
        check(offset, 4);
        return (int) INT.getAcquire(bytes, (int) offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        check(offset, length);
        System.arraycopy(bytes, (int) offset, dst, dstOffset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst, int length) {
        check(offset, length);
        dst.put(bytes, (int) offset, length);
    }

    @Override
    public void updateCrc(CRC32C crc, long offset, int length) {
        check(offset, length);
        crc.update(bytes, (int) offset, length);
    }

    @Override
    public boolean isZero(long offset, long length) {
        check(offset, length);
        for (long p = offset; p < offset + length; p++) {
            if (bytes[(int) p] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void putInt(long offset, int value) {
        check(offset, 4);
        markWriteBegun(offset, 4);
        INT.set(bytes, (int) offset, value);
    }

    @Override
    public void putLong(long offset, long value) {
        check(offset, 8);
        markWriteBegun(offset, 8);
        LONG.set(bytes, (int) offset, value);
    }

    @Override
    public void putIntRelease(long offset, int value) {
        check(offset, 4);
        markWriteBegun(offset, 4);
        INT.setRelease(bytes, (int) offset, value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        check(offset, 4);
        markWriteBegun(offset, 4);
        return INT.compareAndSet(bytes, (int) offset, expected, value);
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        check(offset, length);
        markWriteBegun(offset, length);
        stall();
        System.arraycopy(src, srcOffset, bytes, (int) offset, length);
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        int length = src.remaining();
        check(offset, length);
        markWriteBegun(offset, length);
        src.duplicate().get(bytes, (int) offset, length);
    }

    @Override
    public void zero(long offset, long length) {
        check(offset, length);
        zeroCalls.add(new ZeroCall(offset, length, Thread.currentThread().getId()));
        stall();
        for (long p = offset; p < offset + length; p++) {
            zeroCounts.incrementAndGet((int) p);
            if (writeBegun.get((int) p) != 0) {
                zeroesAfterWrite.incrementAndGet();
            }
        }
        java.util.Arrays.fill(bytes, (int) offset, (int) (offset + length), (byte) 0);
        zeroedBytes.addAndGet(length);
    }

    @Override
    public void fence() {
        VarHandle.fullFence();
    }

    @Override
    public void flush(long offset, long length) {
        check(offset, length);
        flushes.incrementAndGet();
    }

    @Override
    public void flushAll() {
        flushes.incrementAndGet();
    }

    @Override
    public String mode() {
        return "heap";
    }

    @Override
    public void close() {
        // nothing to release
    }

    private void stall() {
        long nanos = stallNanos;
        if (nanos > 0) {
            long until = System.nanoTime() + nanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    private void markWriteBegun(long offset, long length) {
        for (long p = offset; p < offset + length; p++) {
            writeBegun.set((int) p, 1);
        }
    }

    private void check(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
    }
}
