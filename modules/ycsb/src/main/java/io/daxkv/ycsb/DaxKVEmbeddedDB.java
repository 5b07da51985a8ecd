package io.daxkv.ycsb;

import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.Entry;
import io.daxkv.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.CompletableFuture;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for daxkv embedded: the store runs in the YCSB JVM.
 *
 * <p>YCSB makes one {@code DB} per client thread. All instances naming the same directory share
 * one {@link DaxKV}: the first {@link #init()} opens it (creating it when the directory is
 * missing or empty), the last {@link #cleanup()} closes it (a checkpoint, so the next open is
 * quick). The store's geometry settings are fixed by the first init; a later init for the same
 * directory with other settings fails.
 *
 * <p>Properties:
 * <ul>
 *   <li>{@value #DIR} (required): the store directory.</li>
 *   <li>{@value #DURABILITY}: {@code async} (default; durable within the commit interval) or
 *       {@code sync} (every write returns once its journal commit is durable).</li>
 *   <li>{@value #REGION_SIZE}, {@value #BLOCK_SIZE}, {@value #JOURNAL_SIZE} (sizes such as 64M;
 *       used when the store is created), {@value #COMMIT_INTERVAL} (e.g. 1000ms, at most 1s),
 *       {@value #VERIFY_ON_READ} (true/false): see {@link Options}; defaults are the store's.</li>
 * </ul>
 * A missing or bad property fails {@code init} with a {@link DBException} naming it.
 *
 * <p>Records: the key is the UTF-8 bytes of YCSB's key; the table name is ignored (YCSB's core
 * workloads use one table, and a store has one key space). The value is {@link FieldCodec}'s
 * encoding of the fields. {@code update} merges the given fields into the stored record; every
 * write of a key holds that key's stripe of {@link KeyStripes}, so an update is atomic against
 * the other writes of this JVM. {@code read}, {@code update} and {@code delete} of an absent key
 * answer {@link Status#NOT_FOUND}; {@code scan} walks keys in unsigned byte order from the start
 * key. Any exception becomes {@link Status#ERROR}, logged once per kind ({@link ErrorLog}).
 *
 * <p>The JVM needs daxkv's {@code --add-opens}/{@code --add-exports} flags
 * ({@link io.daxkv.JvmFlags#commandLine()}); without them {@code init} fails listing them.
 */
public final class DaxKVEmbeddedDB extends DB {

    public static final String DIR = "daxkv.dir";
    public static final String DURABILITY = "daxkv.durability";
    public static final String REGION_SIZE = "daxkv.region-size";
    public static final String BLOCK_SIZE = "daxkv.block-size";
    public static final String JOURNAL_SIZE = "daxkv.journal-size";
    public static final String COMMIT_INTERVAL = "daxkv.commit-interval";
    public static final String VERIFY_ON_READ = "daxkv.verify-on-read";

    /** Open stores by absolute directory; guarded by itself (open, count, close happen under it). */
    private static final Map<Path, SharedStore> STORES = new HashMap<>();
    /** Failures of operations called outside init..cleanup (YCSB never does). */
    private static final ErrorLog UNINITIALIZED = new ErrorLog("DaxKVEmbeddedDB (not initialized)");

    /** This instance's reference, from init to cleanup. */
    private SharedStore shared;
    private DaxKV kv;
    private Durability durability;

    /** One open store and the instances using it. {@code references} is guarded by {@link #STORES}. */
    private static final class SharedStore {
        final Path dir;
        final DaxKV kv;
        final Options options;
        final KeyStripes stripes = new KeyStripes();
        final ErrorLog errors;
        int references;

        SharedStore(Path dir, DaxKV kv, Options options) {
            this.dir = dir;
            this.kv = kv;
            this.options = options;
            this.errors = new ErrorLog("daxkv store " + dir);
        }
    }

    @Override
    public void init() throws DBException {
        if (shared != null) {
            throw new DBException("init called twice on one DaxKVEmbeddedDB");
        }
        PropertyReader p = new PropertyReader(getProperties());
        String dirText = p.required(DIR, "the daxkv store directory (created when missing or empty)");
        Path dir;
        try {
            dir = Path.of(dirText).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new DBException(DIR + ": '" + dirText + "' is not a path: " + e.getMessage(), e);
        }
        Durability d = p.choice(DURABILITY, "async", Map.of("async", Durability.ASYNC, "sync", Durability.SYNC));
        Options options = options(p);
        shared = acquire(dir, options);
        kv = shared.kv;
        durability = d;
    }

    /**
     * The store's options from the properties. Durability is not among them: it is passed with
     * each write, so instances with different {@value #DURABILITY} can share a store.
     */
    static Options options(PropertyReader p) throws DBException {
        Options.Builder b = Options.builder();
        try {
            b.regionSizeBytes(p.size(REGION_SIZE, Options.DEFAULT_REGION_SIZE_BYTES));
        } catch (DaxKVException.InvalidArgument e) {
            throw new DBException(REGION_SIZE + ": " + e.getMessage(), e);
        }
        long block = p.size(BLOCK_SIZE, Options.DEFAULT_BLOCK_SIZE_BYTES);
        try {
            b.blockSizeBytes((int) Math.min(block, Integer.MAX_VALUE));
        } catch (DaxKVException.InvalidArgument e) {
            throw new DBException(BLOCK_SIZE + ": " + e.getMessage(), e);
        }
        try {
            b.journalSizeBytes(p.size(JOURNAL_SIZE, Options.DEFAULT_JOURNAL_SIZE_BYTES));
        } catch (DaxKVException.InvalidArgument e) {
            throw new DBException(JOURNAL_SIZE + ": " + e.getMessage(), e);
        }
        Duration interval = p.duration(COMMIT_INTERVAL, Duration.ofMillis(Options.DEFAULT_COMMIT_INTERVAL_MS));
        try {
            b.commitIntervalMs(interval.toMillis());
        } catch (DaxKVException.InvalidArgument e) {
            throw new DBException(COMMIT_INTERVAL + ": " + e.getMessage(), e);
        }
        b.verifyOnRead(p.bool(VERIFY_ON_READ, true));
        try {
            return b.build();
        } catch (DaxKVException.InvalidArgument e) {
            throw new DBException(BLOCK_SIZE + "/" + REGION_SIZE + ": " + e.getMessage(), e);
        }
    }

    private static SharedStore acquire(Path dir, Options options) throws DBException {
        synchronized (STORES) {
            SharedStore s = STORES.get(dir);
            if (s == null) {
                DaxKV opened;
                try {
                    opened = DaxKV.open(dir, options);
                } catch (RuntimeException e) {
                    throw new DBException(DIR + "=" + dir + ": cannot open the daxkv store: " + e.getMessage(), e);
                }
                s = new SharedStore(dir, opened, options);
                STORES.put(dir, s);
            } else if (!s.options.toString().equals(options.toString())) {
                throw new DBException(DIR + "=" + dir + " is already open in this JVM with other settings ("
                        + s.options + "); this instance asks for " + options);
            }
            s.references++;
            return s;
        }
    }

    /** Releases this instance's reference; the last one closes the store. Idempotent. */
    @Override
    public void cleanup() throws DBException {
        SharedStore s = shared;
        if (s == null) {
            return;
        }
        shared = null;
        kv = null;
        synchronized (STORES) {
            if (--s.references > 0) {
                return;
            }
            STORES.remove(s.dir);
            s.errors.summarize();
            try {
                s.kv.close();
            } catch (RuntimeException e) {
                throw new DBException("closing the daxkv store " + s.dir + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** How many instances hold the store of {@code dir} (0: not open in this JVM). For tests. */
    static int references(Path dir) {
        synchronized (STORES) {
            SharedStore s = STORES.get(dir.toAbsolutePath().normalize());
            return s == null ? 0 : s.references;
        }
    }

    /** The store this instance uses (tests). */
    DaxKV store() {
        return kv;
    }

    /** Failure counts of the store this instance uses (tests). */
    Map<String, Long> errorCounts() {
        return shared.errors.counts();
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            byte[] record = kv.get(key(key));
            if (record == null) {
                return Status.NOT_FOUND;
            }
            FieldCodec.decode(record, fields, result);
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("read", key, e);
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        try (Cursor cursor = kv.scan(key(startkey), null)) {
            for (int n = 0; n < recordcount && cursor.hasNext(); n++) {
                Entry e = cursor.next();
                HashMap<String, ByteIterator> row = new HashMap<>();
                FieldCodec.decode(e.value(), fields, row);
                result.add(row);
            }
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("scan", startkey, e);
        }
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        try {
            byte[] k = key(key);
            // applied (visible) before putAsync returns; a SYNC commit is awaited after unlocking
            CompletableFuture<Void> durable = shared.stripes.underLock(key, () -> {
                byte[] record = kv.get(k);
                return record == null ? null : kv.putAsync(k, FieldCodec.merge(record, values), durability);
            });
            if (durable == null) {
                return Status.NOT_FOUND;
            }
            durable.join();
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("update", key, e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            byte[] k = key(key);
            byte[] record = FieldCodec.encode(values);
            shared.stripes.underLock(key, () -> kv.putAsync(k, record, durability)).join();
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("insert", key, e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            byte[] k = key(key);
            boolean existed = shared.stripes.underLock(key, () -> kv.deleteAsync(k, durability)).join();
            return existed ? Status.OK : Status.NOT_FOUND;
        } catch (RuntimeException e) {
            return failed("delete", key, e);
        }
    }

    private Status failed(String operation, String key, RuntimeException e) {
        SharedStore s = shared;
        (s != null ? s.errors : UNINITIALIZED).record(operation, key, e);
        return Status.ERROR;
    }

    static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
