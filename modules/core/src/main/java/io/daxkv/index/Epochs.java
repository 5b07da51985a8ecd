package io.daxkv.index;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Epoch-based reclamation: how a reader is kept from reading an extent that was freed and
 * handed to another key under it.
 *
 * <p>Protocol.
 * <ol>
 *   <li>Every operation that touches the mapping first pins: it claims a slot and stores the
 *       current global epoch in it (a volatile store, so the store is ordered before the
 *       operation's reads of the index).</li>
 *   <li>A writer that unlinks an extent from the index (overwrite, delete) retires it, tagged
 *       with the global epoch read <em>after</em> the unlink.</li>
 *   <li>The reclaimer advances the global epoch to n, scans the slots, and frees every
 *       retired extent whose tag t is below both n and the smallest pinned epoch. A reader that
 *       could have found the extent in the index pinned before its unlink, so before its tag
 *       was read: if t &lt; n, that pin happened before the advance and the scan sees it (at an
 *       epoch p &lt;= t), so the extent waits for it. Extents tagged n or later wait for the
 *       next pass, which covers readers that pinned while this scan was running.</li>
 *   <li>Unpin is a release store of zero.</li>
 * </ol>
 *
 * Slots are a fixed, padded array claimed by CAS starting at a per-thread hash, so threads come
 * and go without registration. {@link #awaitQuiescent()} waits until no slot is pinned: close
 * uses it to drain every operation in progress.
 */
public final class Epochs {

    private static final int SLOTS = 256;
    private static final int STRIDE = 8; // longs: one 64-byte line per slot
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[SLOTS * STRIDE];
    private final AtomicLong global = new AtomicLong(1);

    /** Pins the current epoch; returns the slot to pass to {@link #unpin}. */
    public int pin() {
        int start = (int) (mix(Thread.currentThread().getId()) & (SLOTS - 1));
        for (int spins = 0; ; spins++) {
            for (int i = 0; i < SLOTS; i++) {
                int slot = (start + i) & (SLOTS - 1);
                int at = slot * STRIDE;
                if ((long) SLOT.getOpaque(slots, at) == 0
                        && SLOT.compareAndSet(slots, at, 0L, global.get())) {
                    return slot;
                }
            }
            // more than SLOTS threads inside operations at once: wait for one to leave
            Thread.onSpinWait();
            if (spins > 1000) {
                Thread.yield();
            }
        }
    }

    public void unpin(int slot) {
        SLOT.setRelease(slots, slot * STRIDE, 0L);
    }

    /** The epoch to tag a retired extent with; read after the unlink. */
    public long current() {
        return global.get();
    }

    /** Starts a new epoch; returns it. */
    public long advance() {
        return global.incrementAndGet();
    }

    /** Smallest pinned epoch, or {@link Long#MAX_VALUE} when nothing is pinned. */
    public long minPinned() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < SLOTS; i++) {
            long e = (long) SLOT.getVolatile(slots, i * STRIDE);
            if (e != 0 && e < min) {
                min = e;
            }
        }
        return min;
    }

    /** Waits until no slot is pinned. */
    public void awaitQuiescent() {
        for (int spins = 0; minPinned() != Long.MAX_VALUE; spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static long mix(long x) {
        x *= 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29);
    }
}
