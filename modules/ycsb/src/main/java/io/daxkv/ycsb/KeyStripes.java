package io.daxkv.ycsb;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Striped locks over YCSB keys: every write of a key (insert, update, delete) holds the lock of
 * its stripe, so an update's read-modify-write cannot interleave with another write of the same
 * key from a thread of this JVM. Reads take no lock. Distinct keys share a stripe only by hash
 * collision (1 in {@value #STRIPE_COUNT}), which costs waiting, never correctness.
 *
 * <p>Lock order: a thread holds at most one stripe at a time, so there is none to get wrong.
 */
final class KeyStripes {

    static final int STRIPE_COUNT = 1024;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPE_COUNT];

    KeyStripes() {
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The lock of {@code key}'s stripe. */
    ReentrantLock lockFor(String key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return locks[h & (STRIPE_COUNT - 1)];
    }

    /** Runs {@code body} holding the lock of {@code key}'s stripe, and returns what it returns. */
    <T> T underLock(String key, Supplier<T> body) {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
