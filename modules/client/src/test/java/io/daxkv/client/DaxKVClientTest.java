package io.daxkv.client;

import static io.daxkv.client.FakeServer.b;
import static io.daxkv.client.TestSupport.failure;
import static io.daxkv.client.TestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.protocol.Request;
import io.daxkv.protocol.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every operation against the fake server, the blocking facade, and the client-side limits. */
class DaxKVClientTest {

    private FakeServer server;
    private DaxKVClient client;

    @BeforeEach
    void start() throws Exception {
        server = FakeServer.start();
        client = DaxKVClient.connect(server.options().build());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void everyOperationRoundTrips() throws Exception {
        assertNull(value(client.get(b("k1"))));
        value(client.put(b("k1"), b("v1")));
        assertArrayEquals(b("v1"), value(client.get(b("k1"))));
        value(client.put(b("k1"), b("v1b"), Durability.SYNC));
        assertArrayEquals(b("v1b"), value(client.get(b("k1"))));

        assertTrue(value(client.putIfAbsent(b("k2"), b("v2"))));
        assertFalse(value(client.putIfAbsent(b("k2"), b("other"), Durability.ASYNC)));
        assertArrayEquals(b("v2"), value(client.get(b("k2"))));

        assertTrue(value(client.replace(b("k2"), b("v2b"))));
        assertFalse(value(client.replace(b("absent"), b("x"), Durability.SYNC)));
        assertArrayEquals(b("v2b"), value(client.get(b("k2"))));
        assertNull(value(client.get(b("absent"))));

        assertTrue(value(client.delete(b("k2"))));
        assertFalse(value(client.delete(b("k2"), Durability.SYNC)));
        assertNull(value(client.get(b("k2"))));

        value(client.write(new Batch().put(b("b1"), b("x1")).put(b("b2"), b("x2")).delete(b("k1"))));
        assertArrayEquals(b("x1"), value(client.get(b("b1"))));
        assertArrayEquals(b("x2"), value(client.get(b("b2"))));
        assertNull(value(client.get(b("k1"))));

        value(client.sync());
        assertArrayEquals(b("echo me"), value(client.ping(b("echo me"))));
        assertArrayEquals(new byte[0], value(client.ping(new byte[0])));
        Map<String, Long> stats = value(client.stats());
        assertEquals(2L, stats.get("keys"));

        ServerInfo info = client.serverInfo();
        assertEquals("fake-1.0", info.serverVersion());
        assertEquals(1, info.protocolVersion());
        assertEquals(1024, info.maxKeyBytes());
        assertEquals("127.0.0.1:" + server.port, info.address());
        assertEquals("daxkv-java-client", server.connections.get(0).clientName);
    }

    @Test
    void emptyValuesAndBinaryKeysAreKeptExactly() throws Exception {
        byte[] key = {0, (byte) 0xFF, (byte) 0x80, 1};
        value(client.put(key, new byte[0]));
        assertArrayEquals(new byte[0], value(client.get(key)));
        byte[] big = new byte[200_000];
        new java.util.Random(7).nextBytes(big);
        value(client.put(b("big"), big));
        assertArrayEquals(big, value(client.get(b("big"))));
    }

    @Test
    void arraysAreCopiedOnTheWayIn() throws Exception {
        byte[] key = b("mutable");
        byte[] val = b("before");
        CompletableFuture<Void> put = client.put(key, val);
        val[0] = 'X';
        key[0] = 'X';
        value(put);
        assertArrayEquals(b("before"), server.getDirect("mutable"));
    }

    @Test
    void scanPagesInUnsignedOrderAndContinuesFromNextStart() throws Exception {
        List<byte[]> keys = List.of(b("a"), b("b"), b("b\u0001"), new byte[] {'c', (byte) 0xFF}, b("d"), b("e"));
        for (byte[] k : keys) {
            value(client.put(k, k));
        }
        ScanPage first = value(client.scan(b("b"), b("e"), 2));
        assertEquals(2, first.entries().size());
        assertTrue(first.more());
        assertArrayEquals(b("b"), first.entries().get(0).key());
        assertArrayEquals(b("b\u0001"), first.entries().get(1).key());
        assertArrayEquals(b("b\u0001\u0000"), first.nextStart());

        ScanPage second = value(client.scan(first.nextStart(), b("e"), 2));
        assertEquals(List.of(new KeyValue(keys.get(3), keys.get(3)), new KeyValue(b("d"), b("d"))), second.entries());
        assertFalse(second.more(), "the range ends with the page");
        assertNull(second.nextStart());
        ScanPage empty = value(client.scan(b("d\u0000"), b("e"), 2));
        assertTrue(empty.entries().isEmpty());
        assertFalse(empty.more());

        ScanPage all = value(client.scan(null, null, 0));
        assertEquals(6, all.entries().size());
        assertFalse(all.more());
    }

    @Test
    void scanAllFollowsPagesAndScanLimitIsLoweredToTheServers() throws Exception {
        server.maxScanLimit = 7;
        try (DaxKVClient small = DaxKVClient.connect(server.options().build())) {
            for (int i = 0; i < 30; i++) {
                value(small.put(b(String.format("key%03d", i)), b("v" + i)));
            }
            List<KeyValue> all = value(small.scanAll(b("key005"), b("key025")));
            assertEquals(20, all.size());
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(b(String.format("key%03d", i + 5)), all.get(i).key());
                assertArrayEquals(b("v" + (i + 5)), all.get(i).value());
            }
            assertEquals(7, value(small.scan(null, null, 1000)).entries().size());
            assertEquals(30, small.blocking().scanAll(null, null).size());
        }
    }

    @Test
    void blockingFacadeReturnsPlainValuesAndThrowsUnwrapped() {
        BlockingClient blocking = client.blocking();
        assertNull(blocking.get(b("x")));
        blocking.put(b("x"), b("1"));
        blocking.put(b("y"), b("2"), Durability.SYNC);
        assertArrayEquals(b("1"), blocking.get(b("x")));
        assertTrue(blocking.putIfAbsent(b("z"), b("3")));
        assertFalse(blocking.putIfAbsent(b("z"), b("3"), Durability.SYNC));
        assertTrue(blocking.replace(b("z"), b("4")));
        assertTrue(blocking.replace(b("z"), b("5"), Durability.ASYNC));
        assertTrue(blocking.delete(b("x")));
        assertFalse(blocking.delete(b("x"), Durability.SYNC));
        blocking.write(new Batch().put(b("w"), b("6")));
        blocking.write(new Batch().delete(b("w")), Durability.SYNC);
        assertNull(blocking.get(b("w")));
        assertEquals(2, blocking.scan(null, null, 10).entries().size());
        blocking.sync();
        assertArrayEquals(b("p"), blocking.ping(b("p")));
        assertEquals(2L, blocking.stats().get("keys"));
        assertTrue(blocking.async() == client);

        DaxKVClientException.InvalidArgument empty = assertThrows(DaxKVClientException.InvalidArgument.class,
                () -> blocking.get(new byte[0]));
        assertTrue(empty.getMessage().contains("key is empty"), empty.getMessage());

        server.neverAnswer.add(FakeServer.bs("silent"));
        DaxKVClientException.Timeout t = assertThrows(DaxKVClientException.Timeout.class,
                () -> client.withTimeout(Duration.ofMillis(200)).blocking().get(b("silent")));
        assertTrue(t.sent());
    }

    @Test
    void blockingCallInsideACallbackIsRefusedInsteadOfHanging() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        server.holdAnswer.add(FakeServer.bs("p")); // so the callback is attached before the answer: it runs on the I/O thread
        CompletableFuture<Void> callback = client.ping(b("p")).thenAccept(v -> {
            try {
                client.blocking().get(b("x"));
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        assertTrue(server.awaitHeld(1));
        server.releaseHeld();
        value(callback);
        assertInstanceOf(IllegalStateException.class, seen.get());
    }

    @Test
    void serverErrorsCarryTheStatusAndMessage() {
        // the fake enforces its own limits; the client only knows them after a Hello that states them
        server.maxValueBytes = 0;
        server.maxKeyBytes = 0;
        try (DaxKVClient unlimited = DaxKVClient.connect(server.options().build())) {
            server.maxValueBytes = 10;
            DaxKVClientException.ServerError e = failure(unlimited.put(b("k"), new byte[11]), DaxKVClientException.ServerError.class);
            assertEquals(Status.TOO_LARGE, e.status());
            assertEquals("fake limit", e.serverMessage());
            assertEquals("put", e.operation());
            assertTrue(e.getMessage().contains("TOO_LARGE") && e.getMessage().contains("127.0.0.1:" + server.port), e.getMessage());
        }
    }

    @Test
    void keysAndValuesOverTheServersLimitsFailBeforeSending() throws Exception {
        server.maxKeyBytes = 16;
        server.maxValueBytes = 64;
        server.maxFrameBytes = 1024;
        try (DaxKVClient limited = DaxKVClient.connect(server.options().build())) {
            DaxKVClientException.LimitExceeded key = failure(limited.put(new byte[17], b("v")), DaxKVClientException.LimitExceeded.class);
            assertEquals(17, key.sizeBytes());
            assertEquals(16, key.limitBytes());
            assertTrue(key.getMessage().contains("key of 17 bytes exceeds the server's limit of 16 bytes"), key.getMessage());

            DaxKVClientException.LimitExceeded val = failure(limited.putIfAbsent(b("k"), new byte[65]), DaxKVClientException.LimitExceeded.class);
            assertTrue(val.getMessage().contains("value of 65 bytes") && val.getMessage().contains("64 bytes"), val.getMessage());
            failure(limited.replace(b("k"), new byte[65]), DaxKVClientException.LimitExceeded.class);
            failure(limited.get(new byte[17]), DaxKVClientException.LimitExceeded.class);
            failure(limited.delete(new byte[17]), DaxKVClientException.LimitExceeded.class);
            failure(limited.write(new Batch().put(b("ok"), b("ok")).put(b("k"), new byte[65])),
                    DaxKVClientException.LimitExceeded.class);

            Batch large = new Batch();
            for (int i = 0; i < 40; i++) {
                large.put(b("key" + i), new byte[60]);
            }
            DaxKVClientException.LimitExceeded frame = failure(limited.write(large), DaxKVClientException.LimitExceeded.class);
            assertEquals(1024, frame.limitBytes());
            assertTrue(frame.getMessage().contains("write request of"), frame.getMessage());
            failure(limited.ping(new byte[2000]), DaxKVClientException.LimitExceeded.class);

            // nothing over a limit reached the server; what fits exactly does
            assertEquals(0, server.received(Request.OpCase.PUT, new String(new byte[17])));
            assertEquals(0, server.received(Request.OpCase.BATCH, ""));
            assertEquals(0, server.received(Request.OpCase.PING, new String(new byte[2000])));
            value(limited.put(new byte[16], new byte[64]));
            assertEquals(1, server.received(Request.OpCase.PUT, new String(new byte[16])));
        }
    }

    @Test
    void invalidArgumentsFailTheFutureOrThrowForNulls() {
        failure(client.put(new byte[0], b("v")), DaxKVClientException.InvalidArgument.class);
        failure(client.delete(new byte[0]), DaxKVClientException.InvalidArgument.class);
        failure(client.write(new Batch()), DaxKVClientException.InvalidArgument.class);
        failure(client.write(new Batch().delete(new byte[0])), DaxKVClientException.InvalidArgument.class);
        failure(client.scan(null, null, -1), DaxKVClientException.InvalidArgument.class);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> client.get(null));
        assertEquals("key", npe.getMessage());
        assertThrows(NullPointerException.class, () -> client.put(b("k"), null));
        assertThrows(NullPointerException.class, () -> client.put(b("k"), b("v"), null));
        assertThrows(NullPointerException.class, () -> new Batch().put(null, b("v")));
        assertThrows(IllegalArgumentException.class, () -> client.withTimeout(Duration.ZERO));
    }

    @Test
    void futuresOfManyCallsCompleteTogether() throws Exception {
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            puts.add(client.put(b("n" + i), b("v" + i)));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertEquals(500L, value(client.stats()).get("keys"));
    }
}
