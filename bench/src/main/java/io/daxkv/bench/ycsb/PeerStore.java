package io.daxkv.bench.ycsb;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import site.ycsb.DBException;

/**
 * One open peer store, behind the smallest interface a YCSB binding needs: whole records by key
 * (values are {@link io.daxkv.ycsb.FieldCodec} bytes; keys the UTF-8 of the YCSB key) and an
 * ordered scan.
 *
 * <p>YCSB makes one {@link site.ycsb.DB} object per client thread. Embedded stores are opened
 * once per JVM and shared by every thread through {@link #acquire}/{@link #release} (reference
 * counted: the last thread's cleanup closes the store); a client-server store (Redis) gives each
 * thread its own connection and is not shared.
 *
 * <p>Threading: every method may be called by many threads at once. The striped locks are the
 * bindings' (held around each write of a key), not the store's.
 */
abstract class PeerStore {

    /** Open shared stores by id; guarded by itself. */
    private static final Map<String, PeerStore> OPEN = new HashMap<>();

    private String sharedId;
    private int references;

    /** The store behind {@code id}, opened by {@code opener} when no thread has it open yet. */
    static PeerStore acquire(String id, Opener opener) throws DBException {
        synchronized (OPEN) {
            PeerStore s = OPEN.get(id);
            if (s == null) {
                try {
                    s = opener.open();
                } catch (DBException e) {
                    throw e;
                } catch (Exception e) {
                    throw new DBException("cannot open " + id + ": " + e, e);
                }
                s.sharedId = id;
                OPEN.put(id, s);
            }
            s.references++;
            return s;
        }
    }

    /** Drops one reference; the last one closes the store (a store not from {@link #acquire} closes at once). */
    final void release() throws DBException {
        synchronized (OPEN) {
            if (sharedId != null) {
                if (--references > 0) {
                    return;
                }
                OPEN.remove(sharedId);
            }
            try {
                close();
            } catch (DBException e) {
                throw e;
            } catch (Exception e) {
                throw new DBException("cannot close " + describe() + ": " + e, e);
            }
        }
    }

    /** Opens a store; called at most once per id at a time. */
    @FunctionalInterface
    interface Opener {
        PeerStore open() throws Exception;
    }

    /** The locks writes of one key share. */
    abstract StripedLocks locks();

    /** The record under {@code key}, or null. */
    abstract byte[] get(byte[] key) throws Exception;

    /** Stores {@code record} under {@code key}, a key that may be new (insert). */
    abstract void put(byte[] key, byte[] record) throws Exception;

    /** Replaces the record of an existing key (update); stores that index keys on insert skip that here. */
    void replace(byte[] key, byte[] record) throws Exception {
        put(key, record);
    }

    /** Removes {@code key}; false when it was absent. */
    abstract boolean delete(byte[] key) throws Exception;

    /** Whether {@link #scan} is ordered and implemented. */
    boolean hasOrderedScan() {
        return true;
    }

    /** Hands {@code visitor} the records of up to {@code count} keys at or after {@code startKey}, in key order. */
    abstract void scan(byte[] startKey, int count, Consumer<byte[]> visitor) throws Exception;

    /** Makes what was written durable where the store's setting did not already, and releases everything. */
    abstract void close() throws Exception;

    /** One line: the store, its version and the durability setting in force. */
    abstract String describe();
}
