package io.daxkv.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Worker threads that run one step per round in lockstep with the test thread: each round,
 * {@link #round()} opens a barrier that releases every worker at the same instant, and returns
 * once all of them finished their step. Test-only.
 *
 * <p>Failure handling: a worker that throws records it and aborts; {@link #round()} then fails
 * with every recorded problem. {@link #close()} aborts workers still waiting (when the test
 * thread itself failed) and waits for them to end, so a failing test never leaves threads
 * behind or waits out a barrier timeout.
 */
final class Lockstep implements AutoCloseable {

    /** One worker's step of one round. */
    interface Step {
        void run(int worker, int round) throws Exception;
    }

    private static final long TIMEOUT_SECONDS = 30;

    private final CyclicBarrier start;
    private final CyclicBarrier end;
    private final List<Thread> threads = new ArrayList<>();
    private final long[] threadIds;
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private volatile boolean aborted;
    private int round;

    Lockstep(String name, int workers, Step step) {
        this.start = new CyclicBarrier(workers + 1);
        this.end = new CyclicBarrier(workers + 1);
        this.threadIds = new long[workers];
        for (int w = 0; w < workers; w++) {
            int me = w;
            Thread t = new Thread(() -> loop(me, step), name + "-" + w);
            threadIds[w] = t.getId();
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** The id of worker {@code w}'s thread. */
    long threadId(int w) {
        return threadIds[w];
    }

    /** True once a worker failed or the test thread gave up; long steps should stop early. */
    boolean aborted() {
        return aborted;
    }

    /** Records a problem found by a worker without throwing (the round then fails). */
    void problem(String what) {
        problems.add(what);
    }

    /** Runs one round: every worker's step, started together. Fails with the workers' problems. */
    void round() throws Exception {
        try {
            start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            end.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (BrokenBarrierException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("round " + round + ": " + e + "; workers: " + problems, e);
        }
        round++;
        if (!problems.isEmpty()) {
            throw new AssertionError("round " + (round - 1) + ": " + problems);
        }
    }

    private void loop(int me, Step step) {
        try {
            for (int r = 0; !aborted; r++) {
                start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (aborted) {
                    return;
                }
                step.run(me, r);
                end.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (BrokenBarrierException e) {
            if (!aborted) {
                problems.add("worker " + me + ": barrier broken");
            }
        } catch (Throwable e) {
            problems.add("worker " + me + ": " + e);
            abort();
        }
    }

    private void abort() {
        aborted = true;
        start.reset();
        end.reset();
    }

    /** Stops every worker (between rounds or after a failure) and waits for them. */
    @Override
    public void close() {
        aborted = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        for (Thread t : threads) {
            // a worker may reach the barrier just after a reset: keep breaking it until it is gone
            while (t.isAlive() && System.nanoTime() < deadline) {
                start.reset();
                end.reset();
                try {
                    t.join(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while stopping " + t.getName(), e);
                }
            }
        }
        for (Thread t : threads) {
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " did not stop");
            }
        }
    }
}
