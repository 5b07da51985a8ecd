package io.daxkv.bench;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Point gets and puts, daxkv side by side with Chronicle Map and LMDB (param {@code store}),
 * values of 100 B and 1 KiB (param {@code valueSize}) over {@code keys} 16-byte keys, on 1 and
 * 2 threads sharing one store. Scores are operations per second (all threads together).
 *
 * <ul>
 *   <li>{@code get_1t}, {@code get_2t}: the store is preloaded with every key in the trial's setup;
 *       each op reads one uniformly random key into a thread-owned buffer.</li>
 *   <li>{@code put_1t}, {@code put_2t}: same preload; each op overwrites one uniformly random key
 *       with one of 1024 pre-generated values (so the store keeps its size and the engine's
 *       free/reuse path runs, not just appends).</li>
 * </ul>
 * A fresh store (fresh directory) is created for every trial and deleted after it.
 */
public class PointOpsBenchmark extends ForkedBenchmark {

    /** The store under test and its data, shared by all threads of a trial. */
    @State(Scope.Benchmark)
    public static class StoreState {
        @Param({Peer.DAXKV, Peer.CHRONICLE, Peer.LMDB})
        public String store;

        @Param({"100", "1024"})
        public int valueSize;

        @Param({"1000000"})
        public int keys;

        Dataset data;
        Peer peer;
        Path dir;

        @Setup(Level.Trial)
        public void open() {
            data = Dataset.of(keys, valueSize);
            dir = TempDirs.create(store);
            peer = Peer.open(store, dir, keys, valueSize);
            long t0 = System.nanoTime();
            peer.preload(data);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            peer.verify(data, 1000);
            System.out.printf("%n[daxkv-bench] preloaded %,d keys x %d B into %s in %,d ms (%,.0f puts/s); files %,d B%n"
                            + "[daxkv-bench] %s%n", keys, valueSize, store, ms,
                    keys * 1000.0 / Math.max(1, ms), TempDirs.fileBytes(dir), peer.describe());
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                if (peer != null) {
                    System.out.printf("%n[daxkv-bench] after trial: %s%n", peer.describe());
                    peer.close();
                }
            } finally {
                TempDirs.delete(dir);
            }
        }
    }

    /** One per benchmark thread: its session, its random key stream. */
    @State(Scope.Thread)
    public static class Worker {
        private static final AtomicInteger SEEDS = new AtomicInteger();

        Peer.Session session;
        Dataset.Rng rng;
        byte[][] keys;
        int keyCount;
        Dataset data;

        @Setup(Level.Trial)
        public void open(StoreState s) {
            session = s.peer.session();
            rng = new Dataset.Rng(0xB0B_CAFEL + SEEDS.incrementAndGet());
            data = s.data;
            keys = s.data.keys;
            keyCount = s.data.keyCount;
        }

        @TearDown(Level.Trial)
        public void close() {
            session.close();
        }

        byte[] randomKey() {
            return keys[rng.nextInt(keyCount)];
        }

        byte[] randomValue() {
            return data.value(rng.nextInt(Dataset.VALUE_POOL));
        }
    }

    @Benchmark
    @Threads(1)
    public int get_1t(Worker w) {
        return w.session.get(w.randomKey());
    }

    @Benchmark
    @Threads(2)
    public int get_2t(Worker w) {
        return w.session.get(w.randomKey());
    }

    @Benchmark
    @Threads(1)
    public void put_1t(Worker w) {
        w.session.put(w.randomKey(), w.randomValue());
    }

    @Benchmark
    @Threads(2)
    public void put_2t(Worker w) {
        w.session.put(w.randomKey(), w.randomValue());
    }
}
