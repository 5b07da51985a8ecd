package io.daxkv.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The operations of a {@link DaxKVClient}, each waiting for its result on the calling thread
 * (bounded by the client's request timeout) and throwing the {@link DaxKVClientException} the
 * future failed with, not a {@code CompletionException} around it. Obtained with
 * {@link DaxKVClient#blocking()}; shares that client's connections and timeout. Safe for any
 * number of threads, except the client's own I/O threads (future callbacks), where waiting
 * could never end: calls there throw {@link IllegalStateException}.
 *
 * <p>An interrupt while waiting throws {@link DaxKVClientException.Interrupted} with the
 * interrupt flag set again; the request is not withdrawn (a write may still be applied).
 */
public final class BlockingClient {

    private final DaxKVClient client;
    private final ClientCore core;

    BlockingClient(DaxKVClient client, ClientCore core) {
        this.client = client;
        this.core = core;
    }

    /** The asynchronous client this facade waits on. */
    public DaxKVClient async() {
        return client;
    }

    /** See {@link DaxKVClient#get}: the value, or null when the key is absent. */
    public byte[] get(byte[] key) {
        return await(client.get(key));
    }

    /** See {@link DaxKVClient#put(byte[], byte[])}. */
    public void put(byte[] key, byte[] value) {
        await(client.put(key, value));
    }

    /** See {@link DaxKVClient#put(byte[], byte[], Durability)}. */
    public void put(byte[] key, byte[] value, Durability durability) {
        await(client.put(key, value, durability));
    }

    /** See {@link DaxKVClient#delete(byte[])}: true when the key was present. */
    public boolean delete(byte[] key) {
        return await(client.delete(key));
    }

    /** See {@link DaxKVClient#delete(byte[], Durability)}. */
    public boolean delete(byte[] key, Durability durability) {
        return await(client.delete(key, durability));
    }

    /** See {@link DaxKVClient#putIfAbsent(byte[], byte[])}: true when stored. */
    public boolean putIfAbsent(byte[] key, byte[] value) {
        return await(client.putIfAbsent(key, value));
    }

    /** See {@link DaxKVClient#putIfAbsent(byte[], byte[], Durability)}. */
    public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
        return await(client.putIfAbsent(key, value, durability));
    }

    /** See {@link DaxKVClient#replace(byte[], byte[])}: true when stored. */
    public boolean replace(byte[] key, byte[] value) {
        return await(client.replace(key, value));
    }

    /** See {@link DaxKVClient#replace(byte[], byte[], Durability)}. */
    public boolean replace(byte[] key, byte[] value, Durability durability) {
        return await(client.replace(key, value, durability));
    }

    /** See {@link DaxKVClient#scan}. */
    public ScanPage scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        return await(client.scan(startInclusive, endExclusive, limit));
    }

    /** See {@link DaxKVClient#scanAll}: for ranges small enough to hold in memory. */
    public List<KeyValue> scanAll(byte[] startInclusive, byte[] endExclusive) {
        return await(client.scanAll(startInclusive, endExclusive));
    }

    /** See {@link DaxKVClient#write(Batch)}. */
    public void write(Batch batch) {
        await(client.write(batch));
    }

    /** See {@link DaxKVClient#write(Batch, Durability)}. */
    public void write(Batch batch, Durability durability) {
        await(client.write(batch, durability));
    }

    /** See {@link DaxKVClient#sync()}. */
    public void sync() {
        await(client.sync());
    }

    /** See {@link DaxKVClient#ping}: the echoed payload. */
    public byte[] ping(byte[] payload) {
        return await(client.ping(payload));
    }

    /** See {@link DaxKVClient#stats()}. */
    public Map<String, Long> stats() {
        return await(client.stats());
    }

    private <T> T await(CompletableFuture<T> future) {
        if (core.inIoThread()) {
            throw new IllegalStateException("a blocking daxkv call on the client's own I/O or timer thread (inside a"
                    + " future callback) would wait for itself forever; use the asynchronous API there");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaxKVClientException.Interrupted("interrupted while waiting for daxkv server at " + core.address, e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** The exception a future failed with, without its {@code ExecutionException}/{@code CompletionException} wrapper. */
    static RuntimeException unwrap(Throwable t) {
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new DaxKVClientException(String.valueOf(t), t);
    }
}
