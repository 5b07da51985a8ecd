package io.daxkv.bench.ycsb;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * The binding the matrix hands {@code site.ycsb.Client} ({@code -db}): it loads the real binding
 * named by property {@value #DELEGATE_PROPERTY} (daxkv's or a peer's, by class name, from the
 * client's classpath), passes every call through, and times the part YCSB's own run time mixes
 * in: each thread's {@code init} (opening the store) and {@code cleanup} (closing it; syncing, for
 * most). YCSB's {@code [OVERALL] RunTime} includes both, which for a short run on this machine
 * moves a store's throughput by 10-30% (Chronicle Map compiles classes when it opens; RocksDB syncs
 * its WAL when it closes). When the last thread has cleaned up it prints, before YCSB's report:
 *
 * <pre>
 *   [MATRIX], OperationsWindow(ms), 10012    first thread's init done .. last thread's cleanup start
 *   [MATRIX], MaxInit(ms), 412
 *   [MATRIX], MaxCleanup(ms), 198
 * </pre>
 *
 * so the harness can report operations / window next to YCSB's own throughput. One extra call per
 * operation, the same for every store.
 */
public final class TimedDB extends DB {

    static final String DELEGATE_PROPERTY = "matrix.db";

    private static final Object LOCK = new Object();
    private static int cleanedUpThreads;
    private static long firstInitEndNanos = Long.MAX_VALUE;
    private static long lastCleanupStartNanos = Long.MIN_VALUE;
    private static long maxInitNanos;
    private static long maxCleanupNanos;

    private DB delegate;

    @Override
    public void init() throws DBException {
        String name = getProperties().getProperty(DELEGATE_PROPERTY);
        if (name == null || name.isBlank()) {
            throw new DBException("property " + DELEGATE_PROPERTY + " (the binding class to time) is required");
        }
        try {
            delegate = (DB) Class.forName(name.trim()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new DBException("cannot instantiate binding " + name + ": " + e, e);
        }
        delegate.setProperties(getProperties());
        long start = System.nanoTime();
        delegate.init();
        long end = System.nanoTime();
        synchronized (LOCK) {
            firstInitEndNanos = Math.min(firstInitEndNanos, end);
            maxInitNanos = Math.max(maxInitNanos, end - start);
        }
    }

    @Override
    public void cleanup() throws DBException {
        long start = System.nanoTime();
        try {
            delegate.cleanup();
        } finally {
            long end = System.nanoTime();
            synchronized (LOCK) {
                lastCleanupStartNanos = Math.max(lastCleanupStartNanos, start);
                maxCleanupNanos = Math.max(maxCleanupNanos, end - start);
                // YCSB's -threads; a thread whose init failed never cleans up, and then nothing is
                // printed: its row fails on the failed init anyway.
                if (++cleanedUpThreads == Integer.parseInt(getProperties().getProperty("threadcount", "1"))) {
                    System.out.println("[MATRIX], OperationsWindow(ms), "
                            + Math.max(1, (lastCleanupStartNanos - firstInitEndNanos) / 1_000_000));
                    System.out.println("[MATRIX], MaxInit(ms), " + maxInitNanos / 1_000_000);
                    System.out.println("[MATRIX], MaxCleanup(ms), " + maxCleanupNanos / 1_000_000);
                    System.out.flush();
                }
            }
        }
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        return delegate.read(table, key, fields, result);
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        return delegate.scan(table, startkey, recordcount, fields, result);
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        return delegate.update(table, key, values);
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        return delegate.insert(table, key, values);
    }

    @Override
    public Status delete(String table, String key) {
        return delegate.delete(table, key);
    }
}
