package io.daxkv.bench;

import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.Options;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Durable puts: how many writes per second a store acknowledges as durable, with 1, 2, 8 and 32
 * writers, side by side with RocksDB and LMDB at their durable settings:
 * <ul>
 *   <li>daxkv {@code SYNC}: a put returns once its journal transaction is committed (group
 *       commit: writers share one flush);</li>
 *   <li>RocksDB {@code WriteOptions.setSync(true)}: the WAL is synced before the put returns
 *       (RocksDB's write groups share one sync);</li>
 *   <li>LMDB without {@code MDB_NOSYNC}: every write transaction is synced at commit (one writer
 *       at a time).</li>
 * </ul>
 * {@code -p durability=ASYNC} runs the same with daxkv ASYNC, RocksDB sync=false and LMDB
 * MDB_NOSYNC. Random keys from a fixed set (overwrites once the set is filled), 100 B values.
 *
 * <pre>bench/run-jmh.sh DurablePutBenchmark</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurablePutBenchmark extends ForkedBenchmark {

    static final String ROCKSDB = "rocksdb";

    /** One store, opened at its durable (or, with ASYNC, its default fast) setting. */
    interface Writer extends AutoCloseable {
        void put(byte[] key, byte[] value);

        @Override
        void close();
    }

    @State(Scope.Benchmark)
    public static class StoreState {
        @Param({Peer.DAXKV, ROCKSDB, Peer.LMDB})
        String store;

        @Param({"SYNC"})
        String durability;

        @Param({"100"})
        int valueSize;

        @Param({"100000"})
        int keys;

        Path dir;
        Writer writer;
        byte[][] keyBytes;

        @Setup(Level.Trial)
        public void open() {
            boolean sync = Durability.valueOf(durability) == Durability.SYNC;
            dir = TempDirs.create("durable-" + store);
            keyBytes = new byte[keys][];
            for (int i = 0; i < keys; i++) {
                keyBytes[i] = String.format("key%010d", i).getBytes(StandardCharsets.US_ASCII);
            }
            writer = switch (store) {
                case Peer.DAXKV -> daxkv(dir, sync);
                case ROCKSDB -> rocksdb(dir, sync);
                case Peer.LMDB -> lmdb(dir, sync);
                default -> throw new IllegalArgumentException("unknown store '" + store + "'");
            };
        }

        @TearDown(Level.Trial)
        public void close() {
            if (writer != null) {
                writer.close();
            }
            TempDirs.delete(dir);
        }
    }

    @State(Scope.Thread)
    public static class ThreadState {
        SplittableRandom rnd;
        byte[] value;

        @Setup(Level.Trial)
        public void setup(StoreState s) {
            rnd = new SplittableRandom(Thread.currentThread().getId());
            value = new byte[s.valueSize];
            rnd.nextBytes(value);
        }
    }

    private static void put(StoreState s, ThreadState t) {
        s.writer.put(s.keyBytes[t.rnd.nextInt(s.keys)], t.value);
    }

    @Benchmark
    @Threads(1)
    public void put_1t(StoreState s, ThreadState t) {
        put(s, t);
    }

    @Benchmark
    @Threads(2)
    public void put_2t(StoreState s, ThreadState t) {
        put(s, t);
    }

    @Benchmark
    @Threads(8)
    public void put_8t(StoreState s, ThreadState t) {
        put(s, t);
    }

    @Benchmark
    @Threads(32)
    public void put_32t(StoreState s, ThreadState t) {
        put(s, t);
    }

    // ------------------------------------------------------------------------------- stores

    static Writer daxkv(Path dir, boolean sync) {
        DaxKV kv = DaxKV.open(dir, Options.builder().durability(sync ? Durability.SYNC : Durability.ASYNC).build());
        return new Writer() {
            @Override
            public void put(byte[] key, byte[] value) {
                kv.put(key, value);
            }

            @Override
            public void close() {
                System.out.println("[daxkv-bench] " + kv.stats());
                kv.close();
            }
        };
    }

    static Writer rocksdb(Path dir, boolean sync) {
        RocksDB.loadLibrary();
        try {
            org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true);
            RocksDB db = RocksDB.open(o, dir.toString());
            WriteOptions wo = new WriteOptions().setSync(sync);
            return new Writer() {
                @Override
                public void put(byte[] key, byte[] value) {
                    try {
                        db.put(wo, key, value);
                    } catch (RocksDBException e) {
                        throw new IllegalStateException("rocksdb put: " + e.getMessage(), e);
                    }
                }

                @Override
                public void close() {
                    wo.close();
                    db.close();
                    o.close();
                }
            };
        } catch (RocksDBException e) {
            throw new IllegalStateException("rocksdb open " + dir + ": " + e.getMessage(), e);
        }
    }

    static Writer lmdb(Path dir, boolean sync) {
        Env<ByteBuffer> env = Env.create()
                .setMapSize(4L << 30)
                .setMaxDbs(1)
                .setMaxReaders(128)
                .open(dir.toFile(), sync ? new EnvFlags[0] : new EnvFlags[] {EnvFlags.MDB_NOSYNC});
        Dbi<ByteBuffer> dbi = env.openDbi("bench", DbiFlags.MDB_CREATE);
        ThreadLocal<ByteBuffer[]> buffers = ThreadLocal.withInitial(() -> new ByteBuffer[] {
            ByteBuffer.allocateDirect(env.getMaxKeySize()), ByteBuffer.allocateDirect(1 << 16)});
        return new Writer() {
            @Override
            public void put(byte[] key, byte[] value) {
                ByteBuffer[] b = buffers.get();
                b[0].clear();
                b[0].put(key).flip();
                b[1].clear();
                b[1].put(value).flip();
                try (Txn<ByteBuffer> txn = env.txnWrite()) {
                    dbi.put(txn, b[0], b[1]);
                    txn.commit();
                }
            }

            @Override
            public void close() {
                env.close();
            }
        };
    }
}
