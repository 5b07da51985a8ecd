package io.daxkv.fault;

import io.daxkv.pmem.PersistentMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The fault path for one reserved extent whose blocks many threads may write at once: the
 * user-space twin of ext4-DAX's "convert an unwritten extent on first fault".
 *
 * <p>Block lifecycle (per block, in ordinary memory; it need not survive a crash, since an
 * uncommitted reservation is free again after one):
 * <ol>
 *   <li>{@link #UNWRITTEN}: reserved, never written. Reads of it return zeros without looking
 *       at the mapping, whose bytes may be someone else's old data.</li>
 *   <li>Fault: the first write takes the block's lock, re-checks, zeroes the bytes of the block
 *       it will not cover (skipped when the block came pre-zeroed), writes its own bytes, and
 *       publishes {@link #WRITTEN} with a release store.</li>
 *   <li>{@link #WRITTEN}: later writers see it (acquire) and write without the lock and without
 *       zeroing. A writer that arrived during the fault waited on the lock, re-checked, and
 *       found it written: nothing is zeroed twice, so no write is ever wiped.</li>
 * </ol>
 * The lock also keeps the block from going away: the owner releases the reservation only after
 * every writer has left (see the engine's blob).
 *
 * <p>Locks are striped (a block maps to {@code lock[block % stripes]}); the state of one block
 * changes only under its stripe, and only from UNWRITTEN to WRITTEN.
 */
public final class UnwrittenExtent {

    public static final byte UNWRITTEN = 0;
    public static final byte WRITTEN = 1;

    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final int STRIPES = 64;

    private final PersistentMemory memory;
    /** Byte offset of block 0 in the mapping. */
    private final long baseOffset;
    private final int blockSizeBytes;
    private final boolean preZeroed;
    private final byte[] states;
    private final ReentrantLock[] locks;
    private final FaultCounters counters;

    public UnwrittenExtent(PersistentMemory memory, long baseOffset, int blockCount, int blockSizeBytes,
                           boolean preZeroed, FaultCounters counters) {
        this.memory = memory;
        this.baseOffset = baseOffset;
        this.blockSizeBytes = blockSizeBytes;
        this.preZeroed = preZeroed;
        this.states = new byte[blockCount];
        this.locks = new ReentrantLock[Math.min(STRIPES, blockCount)];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
        this.counters = counters;
    }

    public int blockCount() {
        return states.length;
    }

    public boolean isWritten(int block) {
        return (byte) STATE.getAcquire(states, block) == WRITTEN;
    }

    /**
     * Writes {@code src[srcOffset, srcOffset + length)} at byte {@code offset} of the extent,
     * faulting each unwritten block it touches.
     */
    public void write(long offset, byte[] src, int srcOffset, int length) {
        long end = offset + length;
        long pos = offset;
        while (pos < end) {
            int block = (int) (pos / blockSizeBytes);
            long blockStart = (long) block * blockSizeBytes;
            long blockEnd = blockStart + blockSizeBytes;
            long partEnd = Math.min(end, blockEnd);
            int partLen = (int) (partEnd - pos);
            int partSrc = srcOffset + (int) (pos - offset);
            if (isWritten(block)) {
                memory.write(baseOffset + pos, src, partSrc, partLen);
            } else {
                fault(block, pos - blockStart, src, partSrc, partLen);
            }
            pos = partEnd;
        }
    }

    /** Zeroes and converts every block still unwritten (before the extent is published). */
    public void convertRemaining() {
        for (int b = 0; b < states.length; b++) {
            if (!isWritten(b)) {
                fault(b, 0, null, 0, 0);
            }
        }
    }

    /**
     * Copies {@code length} bytes at byte {@code offset} into {@code dst}; unwritten blocks read
     * as zeros.
     */
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        long end = offset + length;
        long pos = offset;
        while (pos < end) {
            int block = (int) (pos / blockSizeBytes);
            long partEnd = Math.min(end, (long) (block + 1) * blockSizeBytes);
            int partLen = (int) (partEnd - pos);
            int at = dstOffset + (int) (pos - offset);
            if (isWritten(block)) {
                memory.read(baseOffset + pos, dst, at, partLen);
            } else {
                java.util.Arrays.fill(dst, at, at + partLen, (byte) 0);
            }
            pos = partEnd;
        }
    }

    private void fault(int block, long inBlock, byte[] src, int srcOffset, int length) {
        ReentrantLock lock = locks[block % locks.length];
        lock.lock();
        try {
            if ((byte) STATE.getAcquire(states, block) == WRITTEN) {
                // someone converted it while we waited: write without zeroing
                if (length > 0) {
                    memory.write(baseOffset + (long) block * blockSizeBytes + inBlock, src, srcOffset, length);
                }
                return;
            }
            long blockOffset = baseOffset + (long) block * blockSizeBytes;
            counters.faults.increment();
            if (preZeroed) {
                counters.preZeroedHits.increment();
            } else {
                if (inBlock > 0) {
                    memory.zero(blockOffset, inBlock);
                }
                long tail = blockSizeBytes - inBlock - length;
                if (tail > 0) {
                    memory.zero(blockOffset + inBlock + length, tail);
                }
                counters.bytesZeroed.add(blockSizeBytes - length);
            }
            if (length > 0) {
                memory.write(blockOffset + inBlock, src, srcOffset, length);
            }
            STATE.setRelease(states, block, WRITTEN);
            counters.conversions.increment();
        } finally {
            lock.unlock();
        }
    }
}
