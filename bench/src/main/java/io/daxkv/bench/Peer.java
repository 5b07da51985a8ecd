package io.daxkv.bench;

import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.openhft.chronicle.map.ChronicleMap;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Stat;
import org.lmdbjava.Txn;

/**
 * One store under test, behind the smallest interface the point-op benchmarks need. Within one
 * JMH fork only one implementation is ever loaded, so the calls through it stay monomorphic and
 * inline; the adapter adds no virtual dispatch to what is measured.
 *
 * <p>Fairness rules, the same for every store:
 * <ul>
 *   <li>get copies the value into a buffer the calling thread owns and reuses (no allocation per
 *       get for any store; LMDB's zero-copy view is copied out, as any caller that keeps the
 *       bytes past the transaction must);</li>
 *   <li>put does not return the previous value (Chronicle Map: {@code putReturnsNull(true)});</li>
 *   <li>no store forces data to the device per operation: daxkv ASYNC (flushed every 1 s),
 *       Chronicle Map (never flushes; the OS writes the mapping back), LMDB MDB_NOSYNC (no fsync
 *       at commit).</li>
 * </ul>
 */
abstract class Peer implements AutoCloseable {

    static final String DAXKV = "daxkv";
    static final String CHRONICLE = "chronicle";
    static final String LMDB = "lmdb";

    final Path dir;
    final int keyCount;
    final int valueSize;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /**
     * Orders session closes against the store's close. JMH tears down a 2-thread trial's
     * per-thread states and its shared state concurrently, on different threads: without this a
     * worker could still be freeing its LMDB read transaction while the environment is closed.
     */
    private final Object closeLock = new Object();
    private boolean closed;

    Peer(Path dir, int keyCount, int valueSize) {
        this.dir = dir;
        this.keyCount = keyCount;
        this.valueSize = valueSize;
    }

    /** Opens (creates) store {@code name} under the empty directory {@code dir}. */
    static Peer open(String name, Path dir, int keyCount, int valueSize) {
        switch (name) {
            case DAXKV:
                return new DaxkvPeer(dir, keyCount, valueSize, DaxkvPeer.benchOptions().build());
            case CHRONICLE:
                return new ChronicleMapPeer(dir, keyCount, valueSize);
            case LMDB:
                return new LmdbPeer(dir, keyCount, valueSize);
            default:
                throw new IllegalArgumentException("unknown store '" + name + "': expected "
                        + DAXKV + ", " + CHRONICLE + " or " + LMDB);
        }
    }

    /** A handle for one thread: its own buffers (and, for LMDB, its own read transaction). */
    final Session session() {
        Session s = newSession();
        sessions.add(s);
        return s;
    }

    abstract Session newSession();

    /** Loads key i with {@code data.loadedValue(i)} for every i, then makes the store settle. */
    void preload(Dataset data) {
        try (Session s = session()) {
            for (int i = 0; i < data.keyCount; i++) {
                s.put(data.keys[i], data.loadedValue(i));
            }
        }
        settle();
    }

    /** After the preload: flush what a background flusher would otherwise flush mid-measurement. */
    void settle() {
    }

    /** Reads back {@code samples} keys spread over the key space and fails on any wrong byte. */
    void verify(Dataset data, int samples) {
        try (Session s = session()) {
            int step = Math.max(1, data.keyCount / samples);
            for (int i = 0; i < data.keyCount; i += step) {
                int len = s.get(data.keys[i]);
                byte[] want = data.loadedValue(i);
                if (len != want.length || !Arrays.equals(s.out, 0, len, want, 0, want.length)) {
                    throw new IllegalStateException(name() + ": key " + i + " read back wrong (length "
                            + len + ", want " + want.length + ")");
                }
            }
        }
    }

    abstract String name();

    /** A line for the log: what was opened and how. */
    abstract String describe();

    /** Closes the sessions still open (releasing their resources), then the store. Idempotent. */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            for (Session s : sessions) {
                s.close();
            }
            closed = true;
            closeStore();
        }
    }

    abstract void closeStore();

    /** Per-thread access. Not thread-safe: one thread, one session. */
    abstract class Session implements AutoCloseable {
        /** {@code get} copies the value here. */
        final byte[] out = new byte[valueSize];
        private boolean closed;

        /** Copies the value of {@code key} into {@link #out}; returns its length, or -1 when absent. */
        abstract int get(byte[] key);

        /** Stores {@code value} under {@code key}, replacing any previous value. */
        abstract void put(byte[] key, byte[] value);

        void release() {
        }

        /** Idempotent; a no-op after the store closed (closing the store released everything). */
        @Override
        public final void close() {
            synchronized (closeLock) {
                if (!closed) {
                    closed = true;
                    sessions.remove(this);
                    if (!Peer.this.closed) {
                        release();
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------

    /** daxkv, embedded: Durability.ASYNC, 1 GiB regions, the default block size. */
    static final class DaxkvPeer extends Peer {
        final DaxKV kv;
        private final Options options;

        static Options.Builder benchOptions() {
            return Options.builder()
                    .durability(Durability.ASYNC)
                    .regionSizeBytes(Options.MAX_REGION_SIZE_BYTES);
        }

        DaxkvPeer(Path dir, int keyCount, int valueSize, Options options) {
            super(dir, keyCount, valueSize);
            this.options = options;
            this.kv = DaxKV.open(dir.resolve("daxkv"), options);
        }

        @Override
        Session newSession() {
            return new Session() {
                private final ByteBuffer dst = ByteBuffer.wrap(out);

                @Override
                int get(byte[] key) {
                    dst.clear();
                    return kv.get(key, dst);
                }

                @Override
                void put(byte[] key, byte[] value) {
                    kv.put(key, value);
                }
            };
        }

        @Override
        void settle() {
            kv.sync();
        }

        @Override
        String name() {
            return DAXKV;
        }

        @Override
        String describe() {
            return "daxkv " + options + " stats: " + kv.stats();
        }

        @Override
        void closeStore() {
            kv.close();
        }
    }

    /** Chronicle Map 3.27ea0, persisted to a file, sized for the key count. */
    static final class ChronicleMapPeer extends Peer {
        final ChronicleMap<byte[], byte[]> map;
        private final Path file;

        ChronicleMapPeer(Path dir, int keyCount, int valueSize) {
            super(dir, keyCount, valueSize);
            this.file = dir.resolve("chronicle-map.dat");
            try {
                this.map = ChronicleMap.of(byte[].class, byte[].class)
                        .name("daxkv-bench")
                        .entries(keyCount)
                        .averageKeySize(Dataset.KEY_BYTES)
                        .averageValueSize(Math.max(1, valueSize))
                        .putReturnsNull(true)
                        .createPersistedTo(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create Chronicle Map at " + file, e);
            }
        }

        @Override
        Session newSession() {
            return new Session() {
                @Override
                int get(byte[] key) {
                    byte[] v = map.getUsing(key, out);
                    if (v == null) {
                        return -1;
                    }
                    if (v != out) { // reused only when the length matches
                        System.arraycopy(v, 0, out, 0, Math.min(v.length, out.length));
                    }
                    return v.length;
                }

                @Override
                void put(byte[] key, byte[] value) {
                    map.put(key, value);
                }
            };
        }

        @Override
        String name() {
            return CHRONICLE;
        }

        @Override
        String describe() {
            return "chronicle-map entries=" + keyCount + " averageKeySize=" + Dataset.KEY_BYTES
                    + " averageValueSize=" + valueSize + " file=" + file + " size=" + map.size();
        }

        @Override
        void closeStore() {
            map.close();
        }
    }

    /**
     * LMDB through lmdbjava: MDB_NOSYNC (commits do not fsync, the OS writes back) and MDB_NOTLS
     * (read transactions are not tied to a thread's slot). One transaction per operation: a write
     * transaction per put, and per get a read transaction kept per thread and reset/renewed (the
     * LMDB idiom for repeated point reads: a fresh snapshot per get without a malloc per get).
     */
    static final class LmdbPeer extends Peer {
        private static final int PRELOAD_BATCH = 10_000;
        final Env<ByteBuffer> env;
        final Dbi<ByteBuffer> dbi;
        private final long mapSize;

        LmdbPeer(Path dir, int keyCount, int valueSize) {
            super(dir, keyCount, valueSize);
            // B+tree pages are at best ~2/3 full and copy-on-write keeps old pages until the
            // readers move on: size the map at 8x the raw data (sparse file; 1M x 1 KiB = 8.3 GB).
            this.mapSize = Math.max(1L << 30, (long) keyCount * (Dataset.KEY_BYTES + valueSize + 64) * 8);
            Path envDir = dir.resolve("lmdb");
            try {
                Files.createDirectories(envDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.env = Env.create()
                    .setMapSize(mapSize)
                    .setMaxDbs(1)
                    .setMaxReaders(256)
                    .open(envDir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOTLS);
            this.dbi = env.openDbi("daxkv-bench", DbiFlags.MDB_CREATE);
        }

        private abstract class LmdbSession extends Session {
            final ByteBuffer k = ByteBuffer.allocateDirect(Dataset.KEY_BYTES);
            final ByteBuffer v = ByteBuffer.allocateDirect(Math.max(1, valueSize));

            ByteBuffer key(byte[] key) {
                k.clear();
                k.put(key).flip();
                return k;
            }

            ByteBuffer value(byte[] value) {
                v.clear();
                v.put(value).flip();
                return v;
            }
        }

        @Override
        Session newSession() {
            return new LmdbSession() {
                private Txn<ByteBuffer> read;

                @Override
                int get(byte[] key) {
                    if (read == null) {
                        read = env.txnRead();
                    } else {
                        read.renew();
                    }
                    try {
                        ByteBuffer val = dbi.get(read, key(key));
                        if (val == null) {
                            return -1;
                        }
                        int len = val.remaining();
                        val.get(out, 0, Math.min(len, out.length));
                        return len;
                    } finally {
                        read.reset();
                    }
                }

                @Override
                void put(byte[] key, byte[] value) {
                    try (Txn<ByteBuffer> txn = env.txnWrite()) {
                        dbi.put(txn, key(key), value(value));
                        txn.commit();
                    }
                }

                @Override
                void release() {
                    if (read != null) {
                        read.renew(); // lmdbjava aborts (frees) only a live transaction on close
                        read.close();
                        read = null;
                    }
                }
            };
        }

        /** Batches the preload, 10k puts per transaction: only the measured puts go one per txn. */
        @Override
        void preload(Dataset data) {
            try (LmdbSession s = (LmdbSession) session()) {
                for (int from = 0; from < data.keyCount; from += PRELOAD_BATCH) {
                    int to = Math.min(data.keyCount, from + PRELOAD_BATCH);
                    try (Txn<ByteBuffer> txn = env.txnWrite()) {
                        for (int i = from; i < to; i++) {
                            dbi.put(txn, s.key(data.keys[i]), s.value(data.loadedValue(i)));
                        }
                        txn.commit();
                    }
                }
            }
            settle();
        }

        @Override
        void settle() {
            env.sync(true);
        }

        @Override
        String name() {
            return LMDB;
        }

        @Override
        String describe() {
            try (Txn<ByteBuffer> txn = env.txnRead()) {
                Stat st = dbi.stat(txn);
                return "lmdb mapSize=" + mapSize + " flags=MDB_NOSYNC|MDB_NOTLS entries=" + st.entries
                        + " depth=" + st.depth + " leafPages=" + st.leafPages
                        + " overflowPages=" + st.overflowPages;
            }
        }

        @Override
        void closeStore() {
            dbi.close();
            env.close();
        }
    }
}
