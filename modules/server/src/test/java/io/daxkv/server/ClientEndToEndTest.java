package io.daxkv.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.client.Batch;
import io.daxkv.client.BlockingClient;
import io.daxkv.client.ClientOptions;
import io.daxkv.client.DaxKVClient;
import io.daxkv.client.DaxKVClientException;
import io.daxkv.client.Durability;
import io.daxkv.client.KeyValue;
import io.daxkv.client.ScanPage;
import io.daxkv.protocol.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against the real server on loopback. */
class ClientEndToEndTest {

    @TempDir
    Path tmp;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static DaxKVClient client(TestServer ts, int connections) {
        return DaxKVClient.connect(ClientOptions.builder().port(ts.address().getPort()).connections(connections).build());
    }

    @Test
    void everyOperationThroughTheClient() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); DaxKVClient c = client(ts, 1)) {
            BlockingClient kv = c.blocking();
            assertEquals(ts.server.config().limits().maxValue(), c.serverInfo().maxValueBytes());
            kv.put(b("a"), b("1"));
            kv.put(b("b"), b("2"), Durability.SYNC);
            assertArrayEquals(b("1"), kv.get(b("a")));
            assertNull(kv.get(b("zz")));
            assertFalse(kv.putIfAbsent(b("a"), b("x")));
            assertTrue(kv.putIfAbsent(b("c"), b("3"), Durability.SYNC));
            assertTrue(kv.replace(b("c"), b("33")));
            assertFalse(kv.replace(b("d"), b("4")));
            kv.write(new Batch().put(b("d"), b("4")).put(b("e"), b("5")).delete(b("a")), Durability.SYNC);
            assertNull(kv.get(b("a")));
            assertTrue(kv.delete(b("e")));
            assertFalse(kv.delete(b("e"), Durability.SYNC));
            ScanPage page = kv.scan(b("b"), b("d"), 0);
            assertEquals(List.of(new KeyValue(b("b"), b("2")), new KeyValue(b("c"), b("33"))), page.entries());
            assertFalse(page.more());
            assertEquals(3, kv.scanAll(null, null).size());
            kv.sync();
            assertArrayEquals(b("ping"), kv.ping(b("ping")));
            Map<String, Long> stats = kv.stats();
            assertEquals(3L, stats.get("store_keys"));
            // the store behind the server agrees
            assertArrayEquals(b("33"), ts.kv.get(b("c")));
        }
    }

    @Test
    void scanAllFollowsPagesInOrder() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); DaxKVClient c = client(ts, 1)) {
            int n = 1000; // the test server answers at most 100 entries a page
            for (int i = 0; i < n; i++) {
                ts.kv.put(b(String.format("k%05d", i)), b("v" + i));
            }
            List<KeyValue> all = c.scanAll(null, null).get(30, TimeUnit.SECONDS);
            assertEquals(n, all.size());
            for (int i = 0; i < n; i++) {
                assertArrayEquals(b(String.format("k%05d", i)), all.get(i).key());
            }
            ScanPage first = c.scan(null, null, 0).get(30, TimeUnit.SECONDS);
            assertEquals(100, first.entries().size());
            assertTrue(first.more());
        }
    }

    @Test
    void valuesAtTheLimitRoundTripAndOneByteMoreIsRefusedBeforeSending() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); DaxKVClient c = client(ts, 1)) {
            int max = (int) ts.server.config().limits().maxValue();
            byte[] big = new byte[max];
            new Random(3).nextBytes(big);
            c.blocking().put(b("big"), big, Durability.SYNC);
            assertArrayEquals(big, c.blocking().get(b("big")));
            byte[] over = new byte[max + 1];
            var e = assertThrows(DaxKVClientException.LimitExceeded.class, () -> c.blocking().put(b("big"), over));
            assertTrue(e.getMessage().contains(Integer.toString(max)), e.getMessage());
            assertArrayEquals(big, c.blocking().get(b("big")), "the refused put changed nothing");
            // a key over the server's limit
            byte[] longKey = new byte[(int) ts.server.config().limits().maxKey() + 1];
            assertThrows(DaxKVClientException.LimitExceeded.class, () -> c.blocking().get(longKey));
        }
    }

    @Test
    void pagesThatEndOnALongestKeyContinue() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s")); DaxKVClient c = client(ts, 1)) {
            int maxKey = (int) ts.server.config().limits().maxKey();
            int n = 250; // 100 a page
            for (int i = 0; i < n; i++) {
                byte[] k = new byte[maxKey];
                java.util.Arrays.fill(k, (byte) 'k');
                byte[] suffix = b(String.format("%05d", i));
                System.arraycopy(suffix, 0, k, maxKey - suffix.length, suffix.length);
                ts.kv.put(k, b("v" + i));
            }
            List<KeyValue> all = c.blocking().scanAll(null, null);
            assertEquals(n, all.size(), "every page continued after a key of the longest length");
            assertArrayEquals(b("v249"), all.get(n - 1).value());
        }
    }

    @Test
    void answersStayWithinTheClientsFrameLimit() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s"));
             DaxKVClient c = DaxKVClient.connect(ClientOptions.builder().port(ts.address().getPort())
                     .maxFrameBytes(64 << 10).build())) {
            for (int i = 0; i < 20; i++) {
                ts.kv.put(b("v" + (char) ('a' + i)), new byte[10 << 10]);
            }
            ScanPage page = c.blocking().scan(b("v"), null, 0);
            assertTrue(page.more() && page.entries().size() < 7, "a page of 10 KiB values within 64 KiB: "
                    + page.entries().size());
            assertEquals(20, c.blocking().scanAll(b("v"), null).size());
            ts.kv.put(b("huge"), new byte[100 << 10]);
            var e = assertThrows(DaxKVClientException.ServerError.class, () -> c.blocking().get(b("huge")));
            assertEquals(Status.TOO_LARGE, e.status());
            assertEquals(1, c.liveConnections(), "refused, not a frame that would have dropped the connection");
            assertEquals(10 << 10, c.blocking().get(b("va")).length);
        }
    }

    @Test
    void severalClientsPipeliningAtOnce() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s"))) {
            int clients = 4;
            int threadsPerClient = 2;
            int perThread = 1500;
            List<DaxKVClient> cs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                cs.add(client(ts, 2));
            }
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Void>> workers = new ArrayList<>();
                for (int ci = 0; ci < clients; ci++) {
                    for (int t = 0; t < threadsPerClient; t++) {
                        DaxKVClient c = cs.get(ci);
                        String prefix = "c" + ci + "t" + t + "-";
                        workers.add(CompletableFuture.runAsync(() -> {
                            try {
                                go.await();
                                List<CompletableFuture<?>> inFlight = new ArrayList<>();
                                for (int i = 0; i < perThread; i++) {
                                    byte[] k = b(prefix + i);
                                    Durability d = i % 10 == 0 ? Durability.SYNC : Durability.ASYNC;
                                    // a put, then a get pipelined behind it on the same key
                                    inFlight.add(c.put(k, b("v" + i), d));
                                    if (inFlight.size() >= 256) {
                                        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                                        inFlight.clear();
                                    }
                                }
                                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
                                for (int i = 0; i < perThread; i += 7) {
                                    assertArrayEquals(b("v" + i), c.get(b(prefix + i)).join());
                                }
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        }));
                    }
                }
                go.countDown();
                CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                assertEquals((long) clients * threadsPerClient * perThread, ts.kv.stats().keys());
            } finally {
                cs.forEach(DaxKVClient::close);
            }
        }
    }

    @Test
    void serverErrorsArriveAsTypedExceptions() throws Exception {
        try (TestServer ts = new TestServer(tmp.resolve("s"), Map.of("server.auth-token", "tok"))) {
            var e = assertThrows(DaxKVClientException.ConnectFailed.class, () -> client(ts, 1));
            var cause = assertInstanceOf(DaxKVClientException.ServerError.class, e.getCause());
            assertEquals(Status.UNAUTHENTICATED, cause.status());
            try (DaxKVClient c = DaxKVClient.connect(ClientOptions.builder().port(ts.address().getPort())
                    .authToken("tok").build())) {
                c.blocking().put(b("k"), b("v"));
                assertArrayEquals(b("v"), c.blocking().get(b("k")));
            }
        }
    }
}
