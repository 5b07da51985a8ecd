package io.daxkv;

import io.daxkv.engine.Limits;
import io.daxkv.engine.Store;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * An embedded daxkv store: a directory of memory-mapped region files laid out like ext4 on a
 * DAX device (see {@code io.daxkv.engine} for the layout and the rules).
 *
 * <pre>{@code
 * try (DaxKV kv = DaxKV.open(Path.of("data"))) {
 *     kv.put("k".getBytes(UTF_8), "v".getBytes(UTF_8));
 *     byte[] v = kv.get("k".getBytes(UTF_8));      // null when absent
 *     try (Cursor c = kv.scan(new byte[0], null)) { // every key, in unsigned byte order
 *         c.forEachRemaining(e -> System.out.println(new String(e.key(), UTF_8)));
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safety: every method may be called from any number of threads at once.
 * Keys are 1 to {@link #MAX_KEY_BYTES} bytes; values 0 (empty, distinct from absent) to
 * {@link #MAX_VALUE_BYTES} bytes. Arrays passed in may be reused by the caller once the call
 * returns; arrays returned belong to the caller and never point into the mapping.
 *
 * <p>Durability: see {@link Durability}. Errors are subtypes of {@link DaxKVException}; null
 * arguments throw {@link NullPointerException} naming the argument.
 */
public final class DaxKV implements AutoCloseable {

    /** Longest key, in bytes. */
    public static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;
    /** Longest value, in bytes. */
    public static final long MAX_VALUE_BYTES = Limits.MAX_VALUE_BYTES;

    private final Store store;

    private DaxKV(Store store) {
        this.store = store;
    }

    /** Opens the store in {@code dir} with the default {@link Options}; see {@link #open(Path, Options)}. */
    public static DaxKV open(Path dir) {
        return open(dir, Options.defaults());
    }

    /**
     * Opens the store in {@code dir}, creating it when the directory is missing or empty.
     *
     * @throws DaxKVException.MissingJvmFlags when the JVM lacks the flags (listed in the message)
     * @throws DaxKVException.NotAStore       when {@code dir} holds something that is not a store
     * @throws DaxKVException.Locked          when another process has the store open
     * @throws DaxKVException.Corrupt         when the manifest or a region's metadata fails its checks
     */
    public static DaxKV open(Path dir, Options options) {
        Objects.requireNonNull(dir, "dir must not be null");
        Objects.requireNonNull(options, "options must not be null");
        JvmFlags.check();
        return new DaxKV(Store.open(dir, options));
    }

    /** Stores {@code value} under {@code key}, replacing any value, with the store's durability. */
    public void put(byte[] key, byte[] value) {
        put(key, value, store.options().durability());
    }

    /**
     * Stores {@code value} under {@code key} with {@code durability}: SYNC returns once the
     * write's journal transaction is durable, ASYNC at once.
     */
    public void put(byte[] key, byte[] value, Durability durability) {
        Objects.requireNonNull(durability, "durability must not be null");
        long txn = store.put(key, wrap(value), Store.PutMode.UPSERT, durability);
        await(txn, durability);
    }

    /**
     * Stores the remaining bytes of {@code value} under the remaining bytes of {@code key}
     * without copying them to the heap first. Positions are not changed.
     */
    public void put(ByteBuffer key, ByteBuffer value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        byte[] k = new byte[key.remaining()];
        key.duplicate().get(k);
        Durability d = store.options().durability();
        await(store.put(k, value.duplicate(), Store.PutMode.UPSERT, d), d);
    }

    /**
     * Stores {@code value} under {@code key} without waiting for durability: the write is
     * applied (visible to readers) before this returns, and the future completes once it is as
     * durable as {@code durability} asks (at once for ASYNC), or fails with the store's error.
     * Argument errors fail the future too. Never blocks on a commit, so an event loop may call it.
     */
    public CompletableFuture<Void> putAsync(byte[] key, byte[] value, Durability durability) {
        try {
            Objects.requireNonNull(durability, "durability must not be null");
            return durable(store.put(key, wrap(value), Store.PutMode.UPSERT, durability), durability);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The value stored under {@code key}, or null when absent. */
    public byte[] get(byte[] key) {
        return store.get(key);
    }

    /**
     * Copies the value under {@code key} into {@code dst} at its position, advancing it, when it
     * fits in {@code dst.remaining()}; otherwise copies nothing.
     *
     * @return the value's length (compare with what fitted), or -1 when absent
     */
    public int get(byte[] key, ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst must not be null");
        return store.get(key, dst);
    }

    /** Deletes {@code key}; returns whether it was present. A deleted key stays deleted after reopen. */
    public boolean delete(byte[] key) {
        return delete(key, store.options().durability());
    }

    /** Deletes {@code key} with {@code durability}; returns whether it was present. */
    public boolean delete(byte[] key, Durability durability) {
        Objects.requireNonNull(durability, "durability must not be null");
        long txn = store.delete(key, durability);
        await(txn, durability);
        return txn != Store.NOT_WRITTEN;
    }

    /** As {@link #delete(byte[], Durability)} without waiting; the future tells whether the key was present. */
    public CompletableFuture<Boolean> deleteAsync(byte[] key, Durability durability) {
        try {
            Objects.requireNonNull(durability, "durability must not be null");
            long txn = store.delete(key, durability);
            return durable(txn, durability).thenApply(v -> txn != Store.NOT_WRITTEN);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Stores {@code value} only when {@code key} is absent; returns whether it stored. */
    public boolean putIfAbsent(byte[] key, byte[] value) {
        Durability d = store.options().durability();
        long txn = store.put(key, wrap(value), Store.PutMode.IF_ABSENT, d);
        await(txn, d);
        return txn != Store.NOT_WRITTEN;
    }

    /** Replaces the value only when {@code key} is present; returns whether it stored. */
    public boolean replace(byte[] key, byte[] value) {
        Durability d = store.options().durability();
        long txn = store.put(key, wrap(value), Store.PutMode.IF_PRESENT, d);
        await(txn, d);
        return txn != Store.NOT_WRITTEN;
    }

    /**
     * As {@link #putIfAbsent} with {@code durability}, without waiting: the future tells whether
     * it stored, once the write is as durable as asked (at once when it did not store).
     */
    public CompletableFuture<Boolean> putIfAbsentAsync(byte[] key, byte[] value, Durability durability) {
        return conditionalAsync(key, value, Store.PutMode.IF_ABSENT, durability);
    }

    /** As {@link #replace} with {@code durability}, without waiting; see {@link #putIfAbsentAsync}. */
    public CompletableFuture<Boolean> replaceAsync(byte[] key, byte[] value, Durability durability) {
        return conditionalAsync(key, value, Store.PutMode.IF_PRESENT, durability);
    }

    private CompletableFuture<Boolean> conditionalAsync(byte[] key, byte[] value, Store.PutMode mode,
                                                        Durability durability) {
        try {
            Objects.requireNonNull(durability, "durability must not be null");
            long txn = store.put(key, wrap(value), mode, durability);
            return durable(txn, durability).thenApply(v -> txn != Store.NOT_WRITTEN);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * An ordered cursor over keys from {@code fromInclusive} (empty: from the first key) up to
     * {@code toExclusive} (null: to the last key). See {@link Cursor} for what it sees.
     */
    public Cursor scan(byte[] fromInclusive, byte[] toExclusive) {
        return store.scan(fromInclusive, toExclusive);
    }

    /** Applies every operation of {@code batch}, or none of them, with the store's durability. */
    public void write(WriteBatch batch) {
        write(batch, store.options().durability());
    }

    /** Applies every operation of {@code batch}, or none of them (one journal transaction). */
    public void write(WriteBatch batch, Durability durability) {
        Objects.requireNonNull(batch, "batch must not be null");
        Objects.requireNonNull(durability, "durability must not be null");
        await(store.write(batch, durability), durability);
    }

    /** As {@link #write(WriteBatch, Durability)} without waiting for durability. */
    public CompletableFuture<Void> writeAsync(WriteBatch batch, Durability durability) {
        try {
            Objects.requireNonNull(batch, "batch must not be null");
            Objects.requireNonNull(durability, "durability must not be null");
            return durable(store.write(batch, durability), durability);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Reserves an extent of {@code capacity} bytes for {@code key}; see {@link Blob}. */
    public Blob createBlob(byte[] key, long capacity) {
        return store.createBlob(key, capacity);
    }

    /** Makes every write that has returned durable before returning (commits the journal now). */
    public void sync() {
        store.sync();
    }

    /**
     * As {@link #sync()} without waiting: asks for a commit now and returns a future that
     * completes once every write that returned before this call is durable (or fails with the
     * store's error). Never blocks on the commit.
     */
    public CompletableFuture<Void> syncAsync() {
        try {
            return store.syncAsync();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Checkpoints now: commits every write that has returned, writes every record home, writes
     * the index checkpoint and empties the journal up to here, so an open after a crash loads
     * the checkpoint and replays only what came later. The store also does this by itself when
     * its journal is half full; call it after a bulk load to make the next recovery short.
     *
     * @throws DaxKVException.ReadOnly when a flush has failed
     * @throws DaxKVException.Closed   when the store is closed
     */
    public void checkpoint() {
        store.checkpoint();
    }

    public Stats stats() {
        return store.stats();
    }

    /** The store's directory. */
    public Path directory() {
        return store.directory();
    }

    /**
     * Commits the journal, checkpoints (everything home, the log emptied), writes the block
     * bitmaps and group descriptors home, marks every superblock clean, unmaps the regions and
     * the journal and releases the directory lock. Waits for calls in progress; later calls
     * throw {@link DaxKVException.Closed}. Idempotent.
     */
    @Override
    public void close() {
        store.close();
    }

    private static ByteBuffer wrap(byte[] value) {
        return ByteBuffer.wrap(Objects.requireNonNull(value, "value must not be null"));
    }

    private void await(long txn, Durability durability) {
        if (durability == Durability.SYNC) {
            store.awaitDurable(txn);
        }
    }

    private CompletableFuture<Void> durable(long txn, Durability durability) {
        return durability == Durability.SYNC ? store.whenDurable(txn) : CompletableFuture.completedFuture(null);
    }
}
