package io.daxkv.bench.ycsb;

import io.daxkv.ycsb.FieldCodec;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * The YCSB operations of every peer binding, written once over a {@link PeerStore}, so that the
 * stores differ only in what the store does:
 * <ul>
 *   <li>key: the UTF-8 bytes of the YCSB key (the table name is ignored: one table);</li>
 *   <li>value: the whole record as {@link FieldCodec} bytes, the encoding daxkv's bindings use;</li>
 *   <li>read: get and decode the wanted fields; NOT_FOUND when absent;</li>
 *   <li>update: read, {@link FieldCodec#merge merge}, write, under the key's striped lock;
 *       NOT_FOUND when absent (YCSB updates only keys it loaded);</li>
 *   <li>insert and delete: under the key's striped lock too, so they never interleave with an
 *       update's read-merge-write;</li>
 *   <li>scan: ordered from the start key, decoded per record; NOT_IMPLEMENTED for a store without
 *       an ordered scan (Chronicle Map).</li>
 * </ul>
 * A store error becomes Status.ERROR (YCSB counts it); the first few are printed to stderr with
 * their stack trace so a FAILED row can be explained.
 */
public abstract class PeerDB extends DB {

    private static final int PRINTED_ERRORS_MAX = 5;
    private static final AtomicLong ERRORS = new AtomicLong();

    private PeerStore store;

    /**
     * Opens this thread's store: the shared one for embedded stores ({@link PeerStore#acquire}),
     * a fresh connection for client-server ones.
     */
    protected abstract PeerStore openStore(Properties p) throws DBException;

    @Override
    public void init() throws DBException {
        store = openStore(getProperties());
    }

    @Override
    public void cleanup() throws DBException {
        if (store != null) {
            PeerStore s = store;
            store = null;
            s.release();
        }
    }

    static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            byte[] record = store.get(key(key));
            if (record == null) {
                return Status.NOT_FOUND;
            }
            FieldCodec.decode(record, fields, result);
            return Status.OK;
        } catch (Exception e) {
            return error("read " + key, e);
        }
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        if (!store.hasOrderedScan()) {
            return Status.NOT_IMPLEMENTED;
        }
        try {
            store.scan(key(startkey), recordcount, record -> {
                HashMap<String, ByteIterator> row = new HashMap<>();
                FieldCodec.decode(record, fields, row);
                result.add(row);
            });
            return Status.OK;
        } catch (Exception e) {
            return error("scan from " + startkey, e);
        }
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        byte[] k = key(key);
        ReentrantLock lock = store.locks().of(k);
        lock.lock();
        try {
            byte[] old = store.get(k);
            if (old == null) {
                return Status.NOT_FOUND;
            }
            store.replace(k, FieldCodec.merge(old, values));
            return Status.OK;
        } catch (Exception e) {
            return error("update " + key, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        byte[] k = key(key);
        byte[] record = FieldCodec.encode(values);
        ReentrantLock lock = store.locks().of(k);
        lock.lock();
        try {
            store.put(k, record);
            return Status.OK;
        } catch (Exception e) {
            return error("insert " + key, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Status delete(String table, String key) {
        byte[] k = key(key);
        ReentrantLock lock = store.locks().of(k);
        lock.lock();
        try {
            return store.delete(k) ? Status.OK : Status.NOT_FOUND;
        } catch (Exception e) {
            return error("delete " + key, e);
        } finally {
            lock.unlock();
        }
    }

    private Status error(String what, Exception e) {
        long n = ERRORS.incrementAndGet();
        if (n <= PRINTED_ERRORS_MAX) {
            System.err.println("[" + getClass().getSimpleName() + "] " + what + " failed (error " + n + ", "
                    + store.describe() + "):");
            e.printStackTrace();
        }
        return Status.ERROR;
    }

    /** {@code p.getProperty(key)}, or an error naming the key when it is missing or blank. */
    static String required(Properties p, String key) throws DBException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new DBException("property " + key + " is required");
        }
        return v.trim();
    }

    /** A long property, or {@code dflt}; a malformed value is an error naming the key. */
    static long longProperty(Properties p, String key, long dflt) throws DBException {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new DBException(key + "=" + v + ": not a number");
        }
    }

    /**
     * The most keys the run can hold: {@code recordcount} plus every operation of the run being
     * an insert (an upper bound, for stores sized at creation).
     */
    static long maxKeys(Properties p) throws DBException {
        return longProperty(p, "recordcount", 0) + longProperty(p, "operationcount", 0);
    }

    /** The encoded size of a record of this run's shape ({@code fieldcount} fields of {@code fieldlength} bytes). */
    static int recordBytes(Properties p) throws DBException {
        int fieldCount = (int) longProperty(p, "fieldcount", 10);
        int fieldLength = (int) longProperty(p, "fieldlength", 100);
        Map<String, ByteIterator> fields = new HashMap<>();
        for (int i = 0; i < fieldCount; i++) {
            fields.put(p.getProperty("fieldnameprefix", "field") + i,
                    new site.ycsb.ByteArrayByteIterator(new byte[fieldLength]));
        }
        return FieldCodec.encode(fields).length;
    }
}
