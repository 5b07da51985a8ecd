package io.daxkv.bench.ycsb;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of locks picked by a key's hash: the writes of one key (insert, update's
 * read-merge-write, delete) exclude each other, writes of different keys mostly do not. The same
 * scheme daxkv's bindings use, so no store pays more or less for update's atomicity.
 */
final class StripedLocks {

    private final ReentrantLock[] locks;
    private final int mask;

    /** @param stripeCount a power of two */
    StripedLocks(int stripeCount) {
        if (Integer.bitCount(stripeCount) != 1) {
            throw new IllegalArgumentException("stripeCount must be a power of two: " + stripeCount);
        }
        locks = new ReentrantLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            locks[i] = new ReentrantLock();
        }
        mask = stripeCount - 1;
    }

    /** The lock of {@code key}'s stripe. */
    ReentrantLock of(byte[] key) {
        int h = Arrays.hashCode(key);
        return locks[(h ^ (h >>> 16)) & mask];
    }
}
