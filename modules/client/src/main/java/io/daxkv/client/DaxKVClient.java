package io.daxkv.client;

import com.google.protobuf.ByteString;
import io.daxkv.protocol.BatchOp;
import io.daxkv.protocol.Delete;
import io.daxkv.protocol.Entry;
import io.daxkv.protocol.Get;
import io.daxkv.protocol.Ping;
import io.daxkv.protocol.Put;
import io.daxkv.protocol.PutIfAbsent;
import io.daxkv.protocol.Replace;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Scan;
import io.daxkv.protocol.StatsRequest;
import io.daxkv.protocol.Sync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A client of a daxkv server: every operation returns a {@link CompletableFuture} at once, and
 * any number of requests are in flight together over a small pool of connections
 * (pipelined; each request carries an id and its answer is matched by it, in whatever order
 * answers arrive). Safe for any number of threads; one client per server per application is
 * the intended use.
 *
 * <pre>{@code
 * try (DaxKVClient client = DaxKVClient.connect(ClientOptions.builder().port(7420).build())) {
 *     client.put(key, value).join();
 *     byte[] v = client.get(key).join();          // null when absent
 *     String s = new String(client.blocking().get(key), UTF_8);
 * }
 * }</pre>
 *
 * <h2>Failures</h2>
 * Futures fail with the subtypes of {@link DaxKVClientException} (see there for what each says
 * about whether a write happened). Keys, values and requests over the limits the server stated
 * in its Hello ({@link #serverInfo()}) fail before anything is sent, with
 * {@link DaxKVClientException.LimitExceeded}. Null arguments throw {@link NullPointerException}.
 *
 * <h2>Timeouts</h2>
 * Every request has a deadline, {@link ClientOptions#requestTimeout()} from the call (or the
 * one given to {@link #withTimeout}), which covers waiting for a connection, retries and the
 * answer. Nothing waits longer.
 *
 * <h2>Back-pressure</h2>
 * Each connection carries at most {@link ClientOptions#maxInFlightPerConnection()} requests.
 * When every live connection is full, a new request fails at once with
 * {@link DaxKVClientException.Overloaded}; the caller is never blocked.
 *
 * <h2>Connection loss, reconnect and retries</h2>
 * When a connection drops, it is re-established in the background (exponential backoff with
 * jitter, {@link ClientOptions.Builder#reconnectBackoff}), the Hello included. Its requests in flight:
 * <ul>
 *   <li>Reads and other idempotent requests ({@code get}, {@code scan}, {@code ping},
 *       {@code stats}, {@code sync}) are resent on another live connection, or on this one once
 *       it is back, up to {@link ClientOptions#maxRetries()} times within their deadline.</li>
 *   <li>Writes ({@code put}, {@code delete}, {@code putIfAbsent}, {@code replace},
 *       {@code write}) that were written to the socket are <b>never resent</b>: they fail with
 *       {@link DaxKVClientException.ConnectionLost}, outcome unknown. Resending could apply a
 *       write twice or late: another client's write to the same key, made after ours was
 *       applied, would be overwritten by our copy, which no order of the two calls explains
 *       (linearizability), and a conditional write or delete would answer wrongly.</li>
 *   <li>A request that never reached the socket (its connection died first) is sent
 *       elsewhere whatever it is: the server cannot have seen it.</li>
 * </ul>
 * While no connection is live, new requests <b>wait</b> for one (up to
 * {@code connections * maxInFlightPerConnection} of them, beyond that they fail with
 * {@code Overloaded}) and fail with {@link DaxKVClientException.Timeout} ({@code sent() ==
 * false}, so not applied) if none comes back within their deadline. A server answering
 * {@code SHUTTING_DOWN} gets no new requests on that connection, which closes once its
 * requests in flight are answered and then reconnects; idempotent requests answered so are
 * resent, writes fail with that status (not applied; safe to send again).
 *
 * <h2>Order</h2>
 * Requests that do not wait for each other have no order: they may travel on different
 * connections and the server answers in any order. Wait for a write's future before a request
 * that must see it. A completed write is seen by every request made after it completed.
 *
 * <h2>Threads</h2>
 * Futures complete on the client's I/O threads (or its timer thread for timeouts): callbacks
 * must not block, and must not call the {@link BlockingClient} (which refuses, rather than
 * hang). Hand slow work to an executor with the {@code *Async} methods of the future.
 *
 * <h2>Arrays</h2>
 * Keys and values passed in are copied before the method returns; arrays returned belong to
 * the caller.
 */
public final class DaxKVClient implements AutoCloseable {

    private final ClientCore core;
    private final Duration timeout;

    private DaxKVClient(ClientCore core, Duration timeout) {
        this.core = core;
        this.timeout = timeout;
    }

    /**
     * Connects every pooled connection and completes the Hello on each before returning.
     *
     * @throws DaxKVClientException.ConnectFailed naming {@code host:port} when the server refuses,
     *         does not answer within {@link ClientOptions#connectTimeout()}, fails the TLS
     *         handshake, or refuses the Hello ({@code UNSUPPORTED_VERSION}, {@code UNAUTHENTICATED})
     * @throws IllegalArgumentException when the TLS settings cannot be used
     */
    public static DaxKVClient connect(ClientOptions options) {
        CompletableFuture<DaxKVClient> f = connectAsync(options);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.thenAccept(DaxKVClient::close);
            Thread.currentThread().interrupt();
            throw new DaxKVClientException.Interrupted("interrupted while connecting to " + options.address(), e);
        } catch (ExecutionException e) {
            throw BlockingClient.unwrap(e);
        }
    }

    /**
     * {@link #connect}, without blocking: the future completes with the client once every
     * connection answered the Hello, or fails with what {@code connect} throws (having released
     * every thread and connection it started).
     */
    public static CompletableFuture<DaxKVClient> connectAsync(ClientOptions options) {
        Objects.requireNonNull(options, "options");
        ClientCore core;
        try {
            core = new ClientCore(options);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return core.connectAll().thenApply(v -> new DaxKVClient(core, options.requestTimeout()));
    }

    /** The options the client was made with. */
    public ClientOptions options() {
        return core.options;
    }

    /**
     * What the server said in its Hello (on the connection that answered last, after a
     * reconnect possibly a restarted server): its version and limits.
     */
    public ServerInfo serverInfo() {
        return core.serverInfo();
    }

    /** Connections that are up and take requests right now (0 while all reconnect). */
    public int liveConnections() {
        return core.liveConnections();
    }

    /**
     * Requests sent and not yet answered (or on their way to a connection), plus those waiting
     * for a connection: a gauge for monitoring back-pressure against
     * {@code connections * maxInFlightPerConnection}.
     */
    public int inFlightRequests() {
        return core.inFlightRequests();
    }

    /** The shared state behind this client and its views (tests). */
    ClientCore core() {
        return core;
    }

    /** The timeout of this view's requests. */
    public Duration requestTimeout() {
        return timeout;
    }

    /**
     * A view of this client whose requests time out after {@code timeout} instead. It shares the
     * connections, limits and lifecycle: closing either closes both.
     */
    public DaxKVClient withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new DaxKVClient(core, timeout);
    }

    /** The same operations, waiting for their results on the calling thread. */
    public BlockingClient blocking() {
        return new BlockingClient(this, core);
    }

    // ------------------------------------------------------------------------------- reads

    /** The value of {@code key}, or null when the key is absent. */
    public CompletableFuture<byte[]> get(byte[] key) {
        Objects.requireNonNull(key, "key");
        DaxKVClientException bad = checkKey(Operation.GET, key);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return core.submit(Operation.GET, Request.newBuilder().setGet(Get.newBuilder().setKey(ByteString.copyFrom(key))),
                r -> {
                    expect(r, Response.ResultCase.GET, Operation.GET);
                    return r.getGet().getFound() ? r.getGet().getValue().toByteArray() : null;
                }, timeout);
    }

    /**
     * At most {@code limit} entries with keys from {@code startInclusive} up to
     * {@code endExclusive}, in unsigned byte order. The page may hold fewer than asked (the
     * server keeps a response under its frame limit); {@link ScanPage#more()} tells whether
     * to continue from {@link ScanPage#nextStart()}.
     *
     * @param startInclusive first key of the range; null or empty for the first key there is
     * @param endExclusive   key after the range; null for "to the last key"
     * @param limit          most entries wanted; 0 for the server's maximum, and a limit above
     *                       {@link ServerInfo#maxScanLimit()} is lowered to it
     */
    public CompletableFuture<ScanPage> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        if (limit < 0) {
            return CompletableFuture.failedFuture(new DaxKVClientException.InvalidArgument(
                    "scan: limit must not be negative: " + limit));
        }
        ServerInfo info = core.serverInfo();
        int sent = info != null && info.maxScanLimit() > 0 && limit > info.maxScanLimit() ? (int) info.maxScanLimit() : limit;
        Scan.Builder scan = Scan.newBuilder().setLimit(sent);
        if (startInclusive != null) {
            scan.setStartKey(ByteString.copyFrom(startInclusive));
        }
        if (endExclusive != null) {
            scan.setEndKey(ByteString.copyFrom(endExclusive));
        }
        return core.submit(Operation.SCAN, Request.newBuilder().setScan(scan), r -> {
            expect(r, Response.ResultCase.SCAN, Operation.SCAN);
            List<KeyValue> entries = new ArrayList<>(r.getScan().getEntriesCount());
            for (Entry e : r.getScan().getEntriesList()) {
                entries.add(new KeyValue(e.getKey().toByteArray(), e.getValue().toByteArray()));
            }
            return new ScanPage(entries, r.getScan().getMore());
        }, timeout);
    }

    /**
     * Every entry from {@code startInclusive} up to {@code endExclusive}, following pages
     * until the server says there is no more. Meant for ranges known to be small enough to hold
     * in memory: it holds all of them. Each page is its own request with its own timeout;
     * entries written during the scan may or may not appear, and the pages are not one
     * snapshot. For large ranges, page with {@link #scan} instead.
     */
    public CompletableFuture<List<KeyValue>> scanAll(byte[] startInclusive, byte[] endExclusive) {
        CompletableFuture<List<KeyValue>> result = new CompletableFuture<>();
        scanFrom(startInclusive, endExclusive, new ArrayList<>(), result);
        return result;
    }

    private void scanFrom(byte[] start, byte[] end, List<KeyValue> into, CompletableFuture<List<KeyValue>> result) {
        scan(start, end, 0).whenComplete((page, failure) -> {
            if (failure != null) {
                result.completeExceptionally(BlockingClient.unwrap(failure));
                return;
            }
            into.addAll(page.entries());
            if (!page.more()) {
                result.complete(Collections.unmodifiableList(into));
            } else if (page.entries().isEmpty()) {
                result.completeExceptionally(new DaxKVClientException.ProtocolError("scan: daxkv server at "
                        + core.address + " reported more entries but returned none to continue from"));
            } else {
                scanFrom(page.nextStart(), end, into, result);
            }
        });
    }

    // ------------------------------------------------------------------------------ writes

    /** Stores {@code value} under {@code key} with the server's default durability. */
    public CompletableFuture<Void> put(byte[] key, byte[] value) {
        return put(key, value, Durability.SERVER_DEFAULT);
    }

    /** Stores {@code value} under {@code key}; the future completes once it is as durable as asked. */
    public CompletableFuture<Void> put(byte[] key, byte[] value, Durability durability) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(durability, "durability");
        DaxKVClientException bad = checkKeyValue(Operation.PUT, key, value);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return core.submit(Operation.PUT, Request.newBuilder().setDurability(durability.wire())
                .setPut(Put.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))), r -> {
                    expectOrNone(r, Response.ResultCase.PUT, Operation.PUT);
                    return null;
                }, timeout);
    }

    /** Removes {@code key} with the server's default durability; true when it was present. */
    public CompletableFuture<Boolean> delete(byte[] key) {
        return delete(key, Durability.SERVER_DEFAULT);
    }

    /** Removes {@code key}; true when it was present. */
    public CompletableFuture<Boolean> delete(byte[] key, Durability durability) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(durability, "durability");
        DaxKVClientException bad = checkKey(Operation.DELETE, key);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return core.submit(Operation.DELETE, Request.newBuilder().setDurability(durability.wire())
                .setDelete(Delete.newBuilder().setKey(ByteString.copyFrom(key))), r -> {
                    expect(r, Response.ResultCase.DELETE, Operation.DELETE);
                    return r.getDelete().getExisted();
                }, timeout);
    }

    /** Stores {@code value} only when {@code key} is absent; true when it was stored. */
    public CompletableFuture<Boolean> putIfAbsent(byte[] key, byte[] value) {
        return putIfAbsent(key, value, Durability.SERVER_DEFAULT);
    }

    /** Stores {@code value} only when {@code key} is absent; true when it was stored. */
    public CompletableFuture<Boolean> putIfAbsent(byte[] key, byte[] value, Durability durability) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(durability, "durability");
        DaxKVClientException bad = checkKeyValue(Operation.PUT_IF_ABSENT, key, value);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return core.submit(Operation.PUT_IF_ABSENT, Request.newBuilder().setDurability(durability.wire())
                .setPutIfAbsent(PutIfAbsent.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))),
                r -> {
                    expect(r, Response.ResultCase.PUT_IF_ABSENT, Operation.PUT_IF_ABSENT);
                    return r.getPutIfAbsent().getApplied();
                }, timeout);
    }

    /** Stores {@code value} only when {@code key} is present; true when it was stored. */
    public CompletableFuture<Boolean> replace(byte[] key, byte[] value) {
        return replace(key, value, Durability.SERVER_DEFAULT);
    }

    /** Stores {@code value} only when {@code key} is present; true when it was stored. */
    public CompletableFuture<Boolean> replace(byte[] key, byte[] value, Durability durability) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(durability, "durability");
        DaxKVClientException bad = checkKeyValue(Operation.REPLACE, key, value);
        if (bad != null) {
            return CompletableFuture.failedFuture(bad);
        }
        return core.submit(Operation.REPLACE, Request.newBuilder().setDurability(durability.wire())
                .setReplace(Replace.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))),
                r -> {
                    expect(r, Response.ResultCase.REPLACE, Operation.REPLACE);
                    return r.getReplace().getApplied();
                }, timeout);
    }

    /** Applies every operation of {@code batch} or none, with the server's default durability. */
    public CompletableFuture<Void> write(Batch batch) {
        return write(batch, Durability.SERVER_DEFAULT);
    }

    /**
     * Applies every operation of {@code batch} or none (one transaction on the server). An
     * empty batch fails with {@link DaxKVClientException.InvalidArgument}; the whole request
     * must fit the server's frame limit.
     */
    public CompletableFuture<Void> write(Batch batch, Durability durability) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(durability, "durability");
        if (batch.isEmpty()) {
            return CompletableFuture.failedFuture(new DaxKVClientException.InvalidArgument("write: the batch is empty"));
        }
        io.daxkv.protocol.Batch.Builder ops = io.daxkv.protocol.Batch.newBuilder();
        for (BatchOp op : batch.ops()) {
            DaxKVClientException bad = op.hasPut()
                    ? checkKeyValue(Operation.BATCH, op.getPut().getKey().size(), op.getPut().getValue().size())
                    : checkKey(Operation.BATCH, op.getDelete().getKey().size());
            if (bad != null) {
                return CompletableFuture.failedFuture(bad);
            }
            ops.addOps(op);
        }
        return core.submit(Operation.BATCH, Request.newBuilder().setDurability(durability.wire()).setBatch(ops), r -> {
            expectOrNone(r, Response.ResultCase.BATCH, Operation.BATCH);
            return null;
        }, timeout);
    }

    /** Completes once every write acknowledged before it is durable on the server. */
    public CompletableFuture<Void> sync() {
        return core.submit(Operation.SYNC, Request.newBuilder().setSync(Sync.getDefaultInstance()), r -> {
            expectOrNone(r, Response.ResultCase.SYNC, Operation.SYNC);
            return null;
        }, timeout);
    }

    // ------------------------------------------------------------------------------- other

    /** Sends {@code payload} (may be empty) and completes with the server's echo of it. */
    public CompletableFuture<byte[]> ping(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        return core.submit(Operation.PING, Request.newBuilder().setPing(Ping.newBuilder().setPayload(ByteString.copyFrom(payload))),
                r -> {
                    expect(r, Response.ResultCase.PING, Operation.PING);
                    return r.getPing().getPayload().toByteArray();
                }, timeout);
    }

    /** The server's counters by name (the names of its {@code /metrics}, without the {@code daxkv_} prefix), sorted. */
    public CompletableFuture<Map<String, Long>> stats() {
        return core.submit(Operation.STATS, Request.newBuilder().setStats(StatsRequest.getDefaultInstance()), r -> {
            expect(r, Response.ResultCase.STATS, Operation.STATS);
            return Collections.unmodifiableMap(new TreeMap<>(r.getStats().getCountersMap()));
        }, timeout);
    }

    /**
     * Fails every request still waiting or in flight with {@link DaxKVClientException.Closed},
     * closes the connections and stops the client's threads (waiting up to a few seconds for
     * them unless called on one of them). Later calls fail with {@code Closed}. Idempotent;
     * closes every {@link #withTimeout} view too.
     */
    @Override
    public void close() {
        core.close();
    }

    @Override
    public String toString() {
        return "DaxKVClient[" + core.address + ", " + core.liveConnections() + "/" + core.options.connections()
                + " connections live" + (core.isClosed() ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------ checks

    private DaxKVClientException checkKey(Operation op, byte[] key) {
        return checkKey(op, key.length);
    }

    private DaxKVClientException checkKey(Operation op, int keyBytes) {
        if (keyBytes == 0) {
            return new DaxKVClientException.InvalidArgument(op + ": key is empty");
        }
        ServerInfo info = core.serverInfo();
        if (info != null && info.maxKeyBytes() > 0 && keyBytes > info.maxKeyBytes()) {
            return new DaxKVClientException.LimitExceeded(op + ": key", keyBytes, info.maxKeyBytes());
        }
        return null;
    }

    private DaxKVClientException checkKeyValue(Operation op, byte[] key, byte[] value) {
        return checkKeyValue(op, key.length, value.length);
    }

    private DaxKVClientException checkKeyValue(Operation op, int keyBytes, int valueBytes) {
        DaxKVClientException bad = checkKey(op, keyBytes);
        if (bad != null) {
            return bad;
        }
        ServerInfo info = core.serverInfo();
        if (info != null && info.maxValueBytes() > 0 && valueBytes > info.maxValueBytes()) {
            return new DaxKVClientException.LimitExceeded(op + ": value", valueBytes, info.maxValueBytes());
        }
        return null;
    }

    private void expect(Response r, Response.ResultCase expected, Operation op) {
        if (r.getResultCase() != expected) {
            throw new DaxKVClientException.ProtocolError(op + ": daxkv server at " + core.address
                    + " answered with a " + r.getResultCase() + " result instead of " + expected);
        }
    }

    /** For answers that carry nothing: tolerate a server that leaves the empty result out. */
    private void expectOrNone(Response r, Response.ResultCase expected, Operation op) {
        if (r.getResultCase() != Response.ResultCase.RESULT_NOT_SET) {
            expect(r, expected, op);
        }
    }
}
