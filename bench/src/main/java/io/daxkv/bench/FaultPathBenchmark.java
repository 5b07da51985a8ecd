package io.daxkv.bench;

import io.daxkv.Options;
import io.daxkv.Stats;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * daxkv's fault path: puts of fresh keys into a new, empty store, so every record lands on
 * never-written blocks and each block takes its first-write fault (zero if needed, convert).
 * Param {@code zeroer}: with the background zeroer keeping a pool of pre-zeroed, pre-touched
 * blocks ({@code true}, the default) or without it ({@code false}: the writer zeroes and takes
 * the page faults itself). Scores are puts per second.
 *
 * <p>Every iteration (warmup and measurement) starts from a new, empty store, so the store never
 * grows past one iteration's worth of data. After each iteration and after the trial the store's
 * fault counters are printed to stdout (faults, preZeroedHits, bytesZeroedOnFault, ...).
 */
public class FaultPathBenchmark extends ForkedBenchmark {

    @State(Scope.Benchmark)
    public static class FreshStore {
        @Param({"true", "false"})
        public boolean zeroer;

        @Param({"100", "1024"})
        public int valueSize;

        Dataset values;
        Peer.DaxkvPeer peer;
        Path dir;
        final AtomicLong nextKey = new AtomicLong();
        private int iteration;
        private long puts;
        private long faults;
        private long conversions;
        private long preZeroedHits;
        private long bytesZeroedOnFault;
        private long blocksZeroedByZeroer;

        @Setup(Level.Trial)
        public void values() {
            values = Dataset.of(1, valueSize);
        }

        @Setup(Level.Iteration)
        public void open() {
            dir = TempDirs.create("fault");
            nextKey.set(0);
            Options options = Peer.DaxkvPeer.benchOptions().zeroer(zeroer).build();
            peer = new Peer.DaxkvPeer(dir, 0, valueSize, options);
        }

        @TearDown(Level.Iteration)
        public void close() {
            try {
                Stats s = peer.kv.stats();
                long n = nextKey.get();
                iteration++;
                puts += n;
                faults += s.faults();
                conversions += s.conversions();
                preZeroedHits += s.preZeroedHits();
                bytesZeroedOnFault += s.bytesZeroedOnFault();
                blocksZeroedByZeroer += s.blocksZeroedByZeroer();
                System.out.printf("%n[daxkv-bench] fault-path zeroer=%s valueSize=%d iteration %d: puts=%,d "
                                + "faults=%,d preZeroedHits=%,d bytesZeroedOnFault=%,d conversions=%,d "
                                + "blocksZeroedByZeroer=%,d preZeroedBlocks=%,d regions=%d mapping=%s%n",
                        zeroer, valueSize, iteration, n, s.faults(), s.preZeroedHits(),
                        s.bytesZeroedOnFault(), s.conversions(), s.blocksZeroedByZeroer(),
                        s.preZeroedBlocks(), s.regions(), s.mappingMode());
                peer.close();
            } finally {
                TempDirs.delete(dir);
            }
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.printf("%n[daxkv-bench] fault-path zeroer=%s valueSize=%d TRIAL (%d iterations incl. warmup): "
                            + "puts=%,d faults=%,d preZeroedHits=%,d (%.1f%% of faults) bytesZeroedOnFault=%,d "
                            + "(%.1f B/put) conversions=%,d blocksZeroedByZeroer=%,d%n",
                    zeroer, valueSize, iteration, puts, faults, preZeroedHits,
                    faults == 0 ? 0.0 : 100.0 * preZeroedHits / faults, bytesZeroedOnFault,
                    puts == 0 ? 0.0 : (double) bytesZeroedOnFault / puts, conversions, blocksZeroedByZeroer);
        }
    }

    @State(Scope.Thread)
    public static class Writer {
        final byte[] key = new byte[Dataset.KEY_BYTES];
        byte[] value;
        AtomicLong nextKey;

        @Setup(Level.Trial)
        public void open(FreshStore s) {
            value = s.values.value(0);
            nextKey = s.nextKey;
        }
    }

    /** One put of a never-used key (keys are reused only across iterations, each on a new store). */
    @Benchmark
    @Threads(1)
    public void freshPut_1t(FreshStore s, Writer w) {
        Dataset.writeKey(w.nextKey.getAndIncrement(), w.key);
        s.peer.kv.put(w.key, w.value);
    }

    /** The same from two threads at once (one shared key counter, so no key is written twice). */
    @Benchmark
    @Threads(2)
    public void freshPut_2t(FreshStore s, Writer w) {
        Dataset.writeKey(w.nextKey.getAndIncrement(), w.key);
        s.peer.kv.put(w.key, w.value);
    }
}
