package io.daxkv.server.resp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** The RESP listener through Jedis, a real Redis client. */
class RespJedisTest {

    @TempDir
    Path tmp;
    private DaxKV kv;
    private DaxKVServer server;

    private int start(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(Map.of("server.port", "0", "admin.enabled", "false", "resp.enabled", "true",
                "resp.port", "0", "store.region-size", "8M", "store.journal-size", "8M", "limits.max-value", "1M",
                "limits.max-frame", "2M", "limits.max-key", "4K"));
        o.putAll(extra);
        ServerConfig c = ServerConfig.defaults().withOverrides(o, "test").withStoreDir(tmp.resolve("s"));
        kv = DaxKV.open(c.storeDir(), c.toStoreOptions());
        server = DaxKVServer.start(kv, true, c);
        return server.respAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void stringsCommandsAsRedisAnswersThem() {
        try (Jedis j = new Jedis("127.0.0.1", start(Map.of()))) {
            assertEquals("PONG", j.ping());
            assertEquals("hi", j.echo("hi"));
            assertEquals("OK", j.set("k", "v"));
            assertEquals("v", j.get("k"));
            assertNull(j.get("absent"));
            assertEquals(null, j.set("k", "v2", SetParams.setParams().nx()));
            assertEquals("OK", j.set("k", "v2", SetParams.setParams().xx()));
            assertEquals(null, j.set("nope", "x", SetParams.setParams().xx()));
            assertNull(j.get("nope"));
            assertEquals("OK", j.set("n", "1", SetParams.setParams().nx()));
            JedisDataException ttl = assertThrows(JedisDataException.class, () -> j.set("t", "v", SetParams.setParams().ex(10)));
            assertTrue(ttl.getMessage().contains("expiry"), ttl.getMessage());
            assertNull(j.get("t"), "refused, not stored without its TTL");
            assertEquals("OK", j.mset("a", "1", "b", "2", "c", "3"));
            assertEquals(java.util.Arrays.asList("1", null, "3"), j.mget("a", "zz", "c"));
            assertEquals(2, j.exists("a", "b", "zz"));
            assertEquals(2, j.del("a", "b", "zz"));
            assertEquals(3, j.dbSize()); // k, n, c
            assertEquals("OK", j.select(0));
            assertThrows(JedisDataException.class, () -> j.select(1));
            assertTrue(j.info().contains("redis_version:"));
            assertTrue(j.info("keyspace").contains("db0:keys=3"));
            assertEquals(Map.of("save", "", "appendonly", "no"), j.configGet("save", "appendonly"));
            JedisDataException unknown = assertThrows(JedisDataException.class, () -> j.sendCommand(
                    () -> "FLUSHALL".getBytes(UTF_8)));
            assertTrue(unknown.getMessage().startsWith("ERR unknown command 'FLUSHALL'"), unknown.getMessage());
            byte[] binary = new byte[256];
            for (int i = 0; i < 256; i++) {
                binary[i] = (byte) i;
            }
            j.set("bin".getBytes(UTF_8), binary);
            assertArrayEquals(binary, j.get("bin".getBytes(UTF_8)));
            assertArrayEquals(binary, kv.get("bin".getBytes(UTF_8)), "the same bytes in the store");
        }
    }

    @Test
    void pipelinedRepliesComeBackInRequestOrder() {
        // ASYNC and SYNC writes mixed: a SYNC write's reply waits for its commit, later reads must wait behind it
        try (Jedis j = new Jedis("127.0.0.1", start(Map.of("store.durability", "sync")))) {
            Pipeline p = j.pipelined();
            List<Response<String>> sets = new ArrayList<>();
            List<Response<String>> gets = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                sets.add(p.set("p" + i, "v" + i));
                gets.add(p.get("p" + i));
            }
            p.sync();
            for (int i = 0; i < 2000; i++) {
                assertEquals("OK", sets.get(i).get());
                assertEquals("v" + i, gets.get(i).get(), "reply " + i + " in order");
            }
        }
    }

    @Test
    void pipelinedRepliesOfEverySizeComeBackInOrder() {
        // At ASYNC, GET and SET replies are written into one buffer, other replies are copied into
        // it, the buffer goes to the channel past 32 KiB and a reply over 32 KiB goes as its own
        // buffer: the order must hold across all of these.
        try (Jedis j = new Jedis("127.0.0.1", start(Map.of()))) {
            int[] sizes = {1, 100, 5_000, 40_000};
            List<Response<?>> got = new ArrayList<>();
            List<Object> expected = new ArrayList<>();
            Pipeline p = null;
            for (int i = 0; i < 60; i++) {
                // Jedis sends a whole pipeline before it reads a reply, and the server stops reading
                // while its replies are not read: a pipeline of 4 rounds (about 100 KB of replies)
                // fits the sockets' buffers
                if (i % 4 == 0) {
                    if (p != null) {
                        p.sync();
                    }
                    p = j.pipelined();
                }
                String k = "m" + i;
                String v = String.valueOf((char) ('a' + i % 26)).repeat(sizes[i % sizes.length]) + i;
                got.add(p.set(k, v));
                expected.add("OK");
                got.add(p.mget(k, "absent"));
                expected.add(java.util.Arrays.asList(v, null));
                got.add(p.get(k));
                expected.add(v);
                got.add(p.get("absent" + i));
                expected.add(null);
                got.add(p.exists(k, "absent"));
                expected.add(1L);
                got.add(p.set(k, "nx", SetParams.setParams().nx()));
                expected.add(null);
            }
            p.sync();
            for (int i = 0; i < got.size(); i++) {
                assertEquals(expected.get(i), got.get(i).get(), "reply " + i + " in order");
            }
            // command names in any case take the same path
            assertEquals("OK", new String((byte[]) j.sendCommand(() -> "sEt".getBytes(UTF_8), "lower", "v"), UTF_8));
            assertArrayEquals("v".getBytes(UTF_8), (byte[]) j.sendCommand(() -> "get".getBytes(UTF_8), "lower"));
        }
    }

    @Test
    void scanWalksEveryKeyOnceWithMatchAndCount() {
        try (Jedis j = new Jedis("127.0.0.1", start(Map.of()))) {
            for (int i = 0; i < 250; i++) {
                j.set("user:" + i, "x");
                j.set("other:" + i, "y");
            }
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            int rounds = 0;
            do {
                ScanResult<String> r = j.scan(cursor, new ScanParams().match("user:*").count(40));
                for (String k : r.getResult()) {
                    assertTrue(k.startsWith("user:"), k);
                    assertTrue(seen.add(k), "each key once: " + k);
                }
                cursor = r.getCursor();
                rounds++;
            } while (!cursor.equals("0") && rounds < 1000);
            assertEquals(250, seen.size());
        }
    }

    @Test
    void withATokenOnlyAuthComesFirst() {
        int port = start(Map.of("server.auth-token", "s3cret"));
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            JedisDataException e = assertThrows(JedisDataException.class, () -> j.set("k", "v"));
            assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
            assertThrows(JedisDataException.class, () -> j.auth("wrong"));
            assertEquals("OK", j.auth("s3cret"));
            assertEquals("OK", j.set("k", "v"));
        }
        assertArrayEquals("v".getBytes(UTF_8), kv.get("k".getBytes(UTF_8)));
    }
}
