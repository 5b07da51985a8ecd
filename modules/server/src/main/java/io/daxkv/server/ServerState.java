package io.daxkv.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Shared by every connection: whether the server is shutting down, and the writes in flight. */
final class ServerState {

    private volatile boolean shuttingDown;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private int writesInFlight;

    boolean shuttingDown() {
        return shuttingDown;
    }

    void shutDown() {
        shuttingDown = true;
    }

    void writeStarted() {
        lock.lock();
        try {
            writesInFlight++;
        } finally {
            lock.unlock();
        }
    }

    void writeFinished() {
        lock.lock();
        try {
            if (--writesInFlight == 0) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no write is in flight or {@code nanos} pass; returns how many are left. */
    int awaitDrained(long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (writesInFlight > 0 && left > 0) {
                left = drained.awaitNanos(left);
            }
            return writesInFlight;
        } finally {
            lock.unlock();
        }
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
