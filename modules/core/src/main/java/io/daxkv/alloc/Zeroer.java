package io.daxkv.alloc;

import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The background zeroer: keeps a pool of pre-zeroed free blocks so a fault usually only flips
 * state, and, by writing those zeros, touches their pages ahead of the writers so the first
 * store to a page does not pay the page fault (6-10 µs here) on the write path.
 *
 * <p>It takes dirty free extents (at most {@link #CHUNK_BYTES} at a time) out of a region's free
 * sets, zeroes them with no lock held, and puts them in the zeroed set. Nobody else can
 * allocate an extent while the zeroer holds it, so zeroing never races a writer.
 *
 * <p>It also grows the store ahead of need: when free blocks fall under a quarter of a region,
 * it adds a region, so writers rarely wait for a file to be allocated.
 */
public final class Zeroer implements AutoCloseable {

    static final int CHUNK_BYTES = 256 << 10;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Allocator allocator;
    private final long poolTargetBlocks;
    private final boolean zeroing;
    private final Consumer<Throwable> onError;
    private final LongAdder blocksZeroed = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param zeroing whether to zero at all (false: only grow ahead; the fault path zeroes)
     */
    public Zeroer(Allocator allocator, long poolTargetBlocks, boolean zeroing, String name, Consumer<Throwable> onError) {
        this.allocator = allocator;
        this.poolTargetBlocks = poolTargetBlocks;
        this.zeroing = zeroing;
        this.onError = onError;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        allocator.setZeroerThread(thread);
    }

    public void start() {
        thread.start();
    }

    public long blocksZeroed() {
        return blocksZeroed.sum();
    }

    private void run() {
        while (running) {
            try {
                boolean worked = step();
                if (!worked) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
            } catch (Throwable t) {
                onError.accept(t);
                LockSupport.parkNanos(this, IDLE_PARK_NANOS * 10);
            }
        }
    }

    /** One unit of work; false when there was nothing to do. */
    boolean step() {
        RegionSpace[] spaces = allocator.spaces();
        long regionBlocks = spaces.length == 0 ? 0 : spaces[0].blockCount;
        if (allocator.takeableBlocks() < regionBlocks / 4) {
            allocator.growAhead();
            return true;
        }
        if (!zeroing || allocator.zeroedBlocks() >= poolTargetBlocks) {
            return false;
        }
        // Only large extents, in any region: the writers' next windows come from them. Small
        // holes stay dirty: a record written into one covers it but for its padding, which the
        // fault path zeroes, so zeroing them here would be work done twice.
        for (RegionSpace s : spaces) {
            if (zeroOne(s, true)) {
                return true;
            }
        }
        return false;
    }

    private boolean zeroOne(RegionSpace s, boolean large) {
        Geometry g = s.region.geometry;
        int[] e = s.takeDirty(Math.max(1, CHUNK_BYTES / g.blockSizeBytes), large);
        if (e == null) {
            return false;
        }
        PersistentMemory m = s.region.memory();
        try {
            m.zero(g.blockOffset(e[0]), (long) e[1] * g.blockSizeBytes);
        } catch (RuntimeException | Error failed) {
            s.zeroingFailed(e[0], e[1]);
            throw failed;
        }
        s.zeroedDone(e[0], e[1]);
        blocksZeroed.add(e[1]);
        return true;
    }

    /** Stops the thread and waits for it. Idempotent. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        if (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                // no time limit: never unmap under a thread still flushing or zeroing
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
