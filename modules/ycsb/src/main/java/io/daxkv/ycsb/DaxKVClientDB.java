package io.daxkv.ycsb;

import io.daxkv.client.BlockingClient;
import io.daxkv.client.ClientOptions;
import io.daxkv.client.DaxKVClient;
import io.daxkv.client.Durability;
import io.daxkv.client.KeyValue;
import io.daxkv.client.ScanPage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * YCSB binding for a daxkv server, through the Java client ({@code io.daxkv.client}).
 *
 * <p>YCSB makes one {@code DB} per client thread. All instances with the same host, port,
 * connections and timeout share one {@link DaxKVClient} (its connections are pipelined, so
 * threads do not queue behind each other): the first {@link #init()} connects it, the last
 * {@link #cleanup()} closes it. Each instance calls it through its {@link BlockingClient} facade.
 *
 * <p>Properties:
 * <ul>
 *   <li>{@value #HOST} (default 127.0.0.1) and {@value #PORT} (default 7420): the server.</li>
 *   <li>{@value #DURABILITY}: {@code server} (default: the server's configured durability),
 *       {@code async} or {@code sync}, sent with every write.</li>
 *   <li>{@value #CONNECTIONS}: pooled connections of the shared client, 1 to 64 (default
 *       {@value #DEFAULT_CONNECTIONS}); the client gets as many I/O threads.</li>
 *   <li>{@value #TIMEOUT}: per-request timeout, e.g. 500ms, 10s (default 10s).</li>
 * </ul>
 * A missing or bad property, or a server that cannot be reached, fails {@code init} with a
 * {@link DBException} naming the property or the address.
 *
 * <p>Records are what {@link DaxKVEmbeddedDB} stores: key = UTF-8 bytes of YCSB's key (the
 * table name is ignored), value = {@link FieldCodec}'s encoding. {@code update} is a get and a
 * put of the merged record under the key's stripe of {@link KeyStripes}, which every write of
 * this binding takes: updates are atomic only among the threads of one YCSB process (the server
 * has no compare-and-set on a value; two YCSB processes updating one key can lose a field).
 * {@code scan} follows the server's pages ({@link ScanPage#nextStart()}) until it has
 * {@code recordcount} entries or the keys run out. {@code read}, {@code update} and
 * {@code delete} of an absent key answer {@link Status#NOT_FOUND}; any exception (timeout,
 * lost connection, server error) is {@link Status#ERROR}, logged once per kind.
 */
public final class DaxKVClientDB extends DB {

    public static final String HOST = "daxkv.host";
    public static final String PORT = "daxkv.port";
    public static final String DURABILITY = "daxkv.durability";
    public static final String CONNECTIONS = "daxkv.connections";
    public static final String TIMEOUT = "daxkv.timeout";

    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 7420;
    static final int DEFAULT_CONNECTIONS = 2;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** What makes two instances share a client. */
    record Endpoint(String host, int port, int connections, Duration timeout) {
        String address() {
            return host + ":" + port;
        }
    }

    /** Connected clients; guarded by itself (connect, count, close happen under it). */
    private static final Map<Endpoint, SharedClient> CLIENTS = new HashMap<>();
    /** Failures of operations called outside init..cleanup (YCSB never does). */
    private static final ErrorLog UNINITIALIZED = new ErrorLog("DaxKVClientDB (not initialized)");

    private SharedClient shared;
    private BlockingClient kv;
    private Durability durability;

    /** One connected client and the instances using it. {@code references} is guarded by {@link #CLIENTS}. */
    private static final class SharedClient {
        final Endpoint endpoint;
        final DaxKVClient client;
        final KeyStripes stripes = new KeyStripes();
        final ErrorLog errors;
        int references;

        SharedClient(Endpoint endpoint, DaxKVClient client) {
            this.endpoint = endpoint;
            this.client = client;
            this.errors = new ErrorLog("daxkv server " + endpoint.address());
        }
    }

    @Override
    public void init() throws DBException {
        if (shared != null) {
            throw new DBException("init called twice on one DaxKVClientDB");
        }
        PropertyReader p = new PropertyReader(getProperties());
        Endpoint endpoint = new Endpoint(p.string(HOST, DEFAULT_HOST), p.integer(PORT, DEFAULT_PORT, 1, 65535),
                p.integer(CONNECTIONS, DEFAULT_CONNECTIONS, 1, ClientOptions.MAX_CONNECTIONS),
                p.duration(TIMEOUT, DEFAULT_TIMEOUT));
        Durability d = p.choice(DURABILITY, "server",
                Map.of("server", Durability.SERVER_DEFAULT, "async", Durability.ASYNC, "sync", Durability.SYNC));
        shared = acquire(endpoint);
        kv = shared.client.blocking();
        durability = d;
    }

    private static SharedClient acquire(Endpoint endpoint) throws DBException {
        synchronized (CLIENTS) {
            SharedClient s = CLIENTS.get(endpoint);
            if (s == null) {
                DaxKVClient client;
                try {
                    client = DaxKVClient.connect(ClientOptions.builder()
                            .host(endpoint.host())
                            .port(endpoint.port())
                            .connections(endpoint.connections())
                            .ioThreads(endpoint.connections())
                            .requestTimeout(endpoint.timeout())
                            .clientName("daxkv-ycsb")
                            .build());
                } catch (RuntimeException e) {
                    throw new DBException(HOST + "/" + PORT + ": cannot connect to the daxkv server at "
                            + endpoint.address() + ": " + e.getMessage(), e);
                }
                s = new SharedClient(endpoint, client);
                CLIENTS.put(endpoint, s);
            }
            s.references++;
            return s;
        }
    }

    /** Releases this instance's reference; the last one closes the client. Idempotent. */
    @Override
    public void cleanup() throws DBException {
        SharedClient s = shared;
        if (s == null) {
            return;
        }
        shared = null;
        kv = null;
        synchronized (CLIENTS) {
            if (--s.references > 0) {
                return;
            }
            CLIENTS.remove(s.endpoint);
            s.errors.summarize();
            try {
                s.client.close();
            } catch (RuntimeException e) {
                throw new DBException("closing the client of " + s.endpoint.address() + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** How many instances share a client, over every endpoint (tests). */
    static int references() {
        synchronized (CLIENTS) {
            return CLIENTS.values().stream().mapToInt(s -> s.references).sum();
        }
    }

    /** The shared client this instance uses (tests). */
    DaxKVClient client() {
        return shared.client;
    }

    /** Failure counts of the client this instance uses (tests). */
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
        try {
            byte[] start = key(startkey);
            int left = recordcount;
            while (left > 0) { // a limit of 0 would mean "the server's maximum": never sent
                ScanPage page = kv.scan(start, null, left);
                for (KeyValue e : page.entries()) {
                    if (left == 0) {
                        break;
                    }
                    HashMap<String, ByteIterator> row = new HashMap<>();
                    FieldCodec.decode(e.value(), fields, row);
                    result.add(row);
                    left--;
                }
                if (!page.more()) {
                    break;
                }
                start = page.nextStart(); // throws when the server says "more" with an empty page
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
            return shared.stripes.underLock(key, () -> {
                byte[] record = kv.get(k);
                if (record == null) {
                    return Status.NOT_FOUND;
                }
                kv.put(k, FieldCodec.merge(record, values), durability); // applied once it returns
                return Status.OK;
            });
        } catch (RuntimeException e) {
            return failed("update", key, e);
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            byte[] k = key(key);
            byte[] record = FieldCodec.encode(values);
            shared.stripes.underLock(key, () -> {
                kv.put(k, record, durability);
                return null;
            });
            return Status.OK;
        } catch (RuntimeException e) {
            return failed("insert", key, e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            byte[] k = key(key);
            boolean existed = shared.stripes.underLock(key, () -> kv.delete(k, durability));
            return existed ? Status.OK : Status.NOT_FOUND;
        } catch (RuntimeException e) {
            return failed("delete", key, e);
        }
    }

    private Status failed(String operation, String key, RuntimeException e) {
        SharedClient s = shared;
        (s != null ? s.errors : UNINITIALIZED).record(operation, key, e);
        return Status.ERROR;
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
