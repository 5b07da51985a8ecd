package io.daxkv.bench.ycsb;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import site.ycsb.DBException;

/**
 * YCSB binding for Redis 7 through Jedis: one connection per YCSB thread (as YCSB's own Redis
 * binding has it). Records are stored like every other store's: the {@link io.daxkv.ycsb.FieldCodec}
 * bytes of the whole record as a string value under the key (not a hash), so Redis moves the same
 * bytes the embedded stores do. Properties:
 * <ul>
 *   <li>{@code redis.host} (default 127.0.0.1), {@code redis.port} (required);</li>
 *   <li>{@code redis.durability}: what the server must be set to, checked at init (CONFIG GET):
 *       {@code async} = {@code appendonly yes} + {@code appendfsync everysec}, {@code sync} =
 *       {@code appendonly yes} + {@code appendfsync always}. The server's setting is the
 *       harness's to make (it starts redis-server); the binding refuses to run on another.</li>
 * </ul>
 * Scan: Redis has no ordered key space, so insert also adds the key to a sorted set
 * ({@code _index:<table>}, every score 0) in the same MULTI/EXEC; scan is ZRANGEBYLEX from the
 * start key, LIMIT count, then MGET of those keys. This index is the price Redis pays for ordered
 * scans (an extra ZADD per insert, an extra ZREM per delete); updates (SET) leave it alone.
 */
public final class RedisPeerDB extends PeerDB {

    private static final int TIMEOUT_MS = 60_000;
    /** Striped locks per server, shared by the threads (each has its own connection). */
    private static final Map<String, StripedLocks> LOCKS = new ConcurrentHashMap<>();

    @Override
    protected PeerStore openStore(Properties p) throws DBException {
        String host = p.getProperty("redis.host", "127.0.0.1").trim();
        int port = (int) longProperty(p, "redis.port", -1);
        if (port <= 0) {
            throw new DBException("property redis.port is required");
        }
        PeerDurability durability = PeerDurability.of(p, "redis.durability");
        String table = p.getProperty("table", "usertable");
        Connection c = new Connection(host, port, table, durability,
                LOCKS.computeIfAbsent(host + ":" + port, k -> new StripedLocks(256)));
        try {
            c.checkServer();
            return c;
        } catch (DBException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A connection speaking RESP2, the server's default (Jedis 8 would otherwise warn on every
     * connection that it cannot auto-negotiate RESP3).
     */
    static Jedis connect(String host, int port, int timeoutMs) {
        return new Jedis(new HostAndPort(host, port), DefaultJedisClientConfig.builder()
                .timeoutMillis(timeoutMs).serverDefaultProtocol().build());
    }

    /** The appendfsync setting of each durability group. */
    static String appendfsync(PeerDurability d) {
        return d == PeerDurability.SYNC ? "always" : "everysec";
    }

    static final class Connection extends PeerStore {
        private final Jedis jedis;
        private final StripedLocks locks;
        private final byte[] index;
        private final PeerDurability durability;
        private final String address;

        Connection(String host, int port, String table, PeerDurability durability, StripedLocks locks) {
            this.jedis = connect(host, port, TIMEOUT_MS);
            this.locks = locks;
            this.index = ("_index:" + table).getBytes(StandardCharsets.UTF_8);
            this.durability = durability;
            this.address = host + ":" + port;
        }

        void checkServer() throws DBException {
            Map<String, String> aof = jedis.configGet("appendonly");
            Map<String, String> fsync = jedis.configGet("appendfsync");
            String want = appendfsync(durability);
            if (!"yes".equals(aof.get("appendonly")) || !want.equals(fsync.get("appendfsync"))) {
                throw new DBException("redis at " + address + " has appendonly " + aof.get("appendonly")
                        + ", appendfsync " + fsync.get("appendfsync") + "; redis.durability="
                        + durability.property() + " needs appendonly yes, appendfsync " + want);
            }
        }

        @Override
        StripedLocks locks() {
            return locks;
        }

        @Override
        byte[] get(byte[] key) {
            return jedis.get(key);
        }

        @Override
        void put(byte[] key, byte[] record) {
            try (Transaction t = jedis.multi()) {
                t.set(key, record);
                t.zadd(index, 0, key);
                t.exec();
            }
        }

        @Override
        void replace(byte[] key, byte[] record) {
            jedis.set(key, record);
        }

        @Override
        boolean delete(byte[] key) {
            try (Transaction t = jedis.multi()) {
                t.del(key);
                t.zrem(index, key);
                List<Object> replies = t.exec();
                return ((Long) replies.get(0)) > 0;
            }
        }

        @Override
        void scan(byte[] startKey, int count, Consumer<byte[]> visitor) {
            byte[] from = new byte[startKey.length + 1];
            from[0] = '[';
            System.arraycopy(startKey, 0, from, 1, startKey.length);
            List<byte[]> keys = jedis.zrangeByLex(index, from, new byte[] {'+'}, 0, count);
            if (keys.isEmpty()) {
                return;
            }
            for (byte[] record : jedis.mget(keys.toArray(new byte[0][]))) {
                if (record != null) { // deleted between ZRANGEBYLEX and MGET
                    visitor.accept(record);
                }
            }
        }

        @Override
        void close() {
            jedis.close();
        }

        @Override
        String describe() {
            return "Redis at " + address + " (Jedis), AOF appendfsync " + appendfsync(durability);
        }
    }
}
