package io.daxkv.client;

import static io.daxkv.client.FakeServer.b;
import static io.daxkv.client.FakeServer.bs;
import static io.daxkv.client.TestSupport.failure;
import static io.daxkv.client.TestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.protocol.Request;
import io.daxkv.protocol.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Timeouts, the in-flight limit, lost connections, reconnects, retries, and close. */
class FailureTest {

    @Test
    void unansweredRequestTimesOutAndTheConnectionKeepsWorking() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().requestTimeout(Duration.ofMillis(300))
                     .maxInFlightPerConnection(1).build())) {
            server.neverAnswer.add(bs("never"));
            long start = System.nanoTime();
            DaxKVClientException.Timeout t = failure(client.put(b("never"), b("v")), DaxKVClientException.Timeout.class);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs >= 250 && elapsedMs < 5_000, "timed out after " + elapsedMs + " ms");
            assertTrue(t.sent());
            assertEquals("put", t.operation());
            assertEquals(Duration.ofMillis(300), t.timeout());
            assertTrue(t.getMessage().contains("may or may not have been applied"), t.getMessage());
            assertTrue(t.getMessage().contains("127.0.0.1:" + server.port), t.getMessage());
            // the one permit was given back before the future failed, and the connection still answers
            assertArrayEquals(b("x"), value(client.ping(b("x"))));
            assertEquals(1, client.liveConnections());
            assertEquals(1, server.connectionsAccepted.get());

            DaxKVClientException.Timeout readTimeout = failure(client.get(b("never")), DaxKVClientException.Timeout.class);
            assertFalse(readTimeout.getMessage().contains("may or may not"), readTimeout.getMessage());
        }
    }

    @Test
    void perCallTimeoutOverridesTheDefault() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().requestTimeout(Duration.ofSeconds(30)).build())) {
            server.neverAnswer.add(bs("never"));
            DaxKVClient quick = client.withTimeout(Duration.ofMillis(100));
            assertEquals(Duration.ofMillis(100), quick.requestTimeout());
            DaxKVClientException.Timeout t = failure(quick.get(b("never")), DaxKVClientException.Timeout.class);
            assertEquals(Duration.ofMillis(100), t.timeout());
            assertArrayEquals(b("ok"), value(quick.ping(b("ok"))));
        }
    }

    @Test
    void fullInFlightQueueRejectsAtOnceAndAcceptsAgainAfter() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().maxInFlightPerConnection(4).build())) {
            List<CompletableFuture<byte[]>> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                server.holdAnswer.add(bs("h" + i));
                held.add(client.ping(b("h" + i)));
            }
            CompletableFuture<byte[]> rejected = client.ping(b("one too many"));
            assertTrue(rejected.isCompletedExceptionally(), "rejected without waiting");
            DaxKVClientException.Overloaded o = failure(rejected, DaxKVClientException.Overloaded.class);
            assertEquals(4, o.limit());
            assertTrue(o.getMessage().contains("maxInFlightPerConnection"), o.getMessage());
            assertTrue(failure(client.put(b("k"), b("v")), DaxKVClientException.Overloaded.class) != null);
            assertTrue(server.awaitHeld(4));
            assertEquals(0, server.received(Request.OpCase.PING, "one too many"));

            server.releaseHeld();
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(b("h" + i), value(held.get(i)));
            }
            assertArrayEquals(b("again"), value(client.ping(b("again"))));
        }
    }

    @Test
    void droppedConnectionFailsWritesRetriesReadsAndReconnects() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().build())) {
            assertTrue(server.awaitConnections(1));
            server.putDirect("r", b("read me"));
            server.holdAnswer.add(bs("r"));
            server.holdAnswer.add(bs("w"));
            server.holdAnswer.add(bs("r2"));
            CompletableFuture<byte[]> read = client.get(b("r"));
            CompletableFuture<Void> write = client.put(b("w"), b("v"));
            CompletableFuture<Boolean> delete = client.delete(b("r2"));
            assertTrue(server.awaitHeld(3));

            server.holdAnswer.clear();
            server.dropHeld();
            server.closeConnections();

            DaxKVClientException.ConnectionLost lost = failure(write, DaxKVClientException.ConnectionLost.class);
            assertEquals("put", lost.operation());
            assertTrue(lost.getMessage().contains("may or may not have been applied"), lost.getMessage());
            assertTrue(lost.getMessage().contains("127.0.0.1:" + server.port), lost.getMessage());
            assertArrayEquals(b("read me"), value(read), "the read was resent on the new connection");
            assertEquals(2, server.received(Request.OpCase.GET, "r"));
            assertEquals(1, server.received(Request.OpCase.PUT, "w"), "the write was not resent");
            failure(delete, DaxKVClientException.ConnectionLost.class);
            assertEquals(1, server.received(Request.OpCase.DELETE, "r2"));

            assertEquals(2, server.connectionsAccepted.get());
            value(client.put(b("after"), b("reconnect")));
            assertArrayEquals(b("reconnect"), value(client.get(b("after"))));
            assertEquals(1, client.liveConnections());
        }
    }

    @Test
    void readsAreRetriedAtMostMaxRetriesTimes() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().maxRetries(2)
                     .reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(10)).build())) {
            server.closeOn.add(bs("poison"));
            DaxKVClientException.ConnectionLost lost = failure(client.get(b("poison")), DaxKVClientException.ConnectionLost.class);
            assertEquals(3, server.received(Request.OpCase.GET, "poison"), "first attempt and two retries");
            assertTrue(lost.getMessage().contains("after 2 retries"), lost.getMessage());
            server.closeOn.clear();
            assertArrayEquals(b("alive"), value(client.ping(b("alive"))));

            server.closeOn.add(bs("poison-write"));
            failure(client.put(b("poison-write"), b("v")), DaxKVClientException.ConnectionLost.class);
            assertEquals(1, server.received(Request.OpCase.PUT, "poison-write"));
        }
    }

    @Test
    void requestsWaitForTheReconnectWhileNoConnectionIsLive() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options()
                     .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
            assertTrue(server.awaitHellos(1));
            server.helloStatus = Status.OVERLOADED; // every reconnect is refused for now
            server.closeConnections();
            assertTrue(server.awaitHellos(2), "the client keeps trying");
            CompletableFuture<Void> put = client.put(b("queued"), b("v"));
            CompletableFuture<byte[]> get = client.get(b("queued"));
            assertTrue(server.awaitHellos(1), "still trying with requests waiting");
            assertFalse(put.isDone());
            assertEquals(0, client.liveConnections());

            server.helloStatus = Status.OK;
            value(put);
            value(get); // sent after the put or not; either answer is fine, but it must complete
            assertArrayEquals(b("v"), value(client.get(b("queued"))));
        }
    }

    @Test
    void requestsWaitingForAConnectionTimeOutAsNotSent() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().requestTimeout(Duration.ofMillis(300))
                     .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
            server.helloStatus = Status.UNAUTHENTICATED;
            server.closeConnections();
            assertTrue(server.awaitHellos(2));
            DaxKVClientException.Timeout t = failure(client.put(b("k"), b("v")), DaxKVClientException.Timeout.class);
            assertFalse(t.sent());
            assertTrue(t.getMessage().contains("not sent") && t.getMessage().contains("not applied"), t.getMessage());
            assertTrue(t.getMessage().contains("UNAUTHENTICATED"), "names the last connect failure: " + t.getMessage());
            assertEquals(0, server.received(Request.OpCase.PUT, "k"));
        }
    }

    @Test
    void blockingCallInATimeoutCallbackIsRefusedInsteadOfStallingTheTimer() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().requestTimeout(Duration.ofMillis(100))
                     .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
            server.helloStatus = Status.UNAUTHENTICATED;
            server.closeConnections();
            assertTrue(server.awaitHellos(2));
            // no live connection: the put waits, and its timeout fails it on the client's timer thread,
            // where a blocking call could never be timed out itself
            java.util.concurrent.atomic.AtomicReference<Throwable> seen = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
            CompletableFuture<Object> callback = client.put(b("k"), b("v")).handle((v, e) -> {
                thread.set(Thread.currentThread().getName());
                try {
                    client.blocking().get(b("k"));
                } catch (Throwable t) {
                    seen.set(t);
                }
                return null;
            });
            value(callback);
            assertTrue(thread.get().contains("timer"), "ran on " + thread.get());
            assertInstanceOf(IllegalStateException.class, seen.get(), String.valueOf(seen.get()));
            assertTrue(seen.get().getMessage().contains("timer thread"), seen.get().getMessage());
        }
    }

    @Test
    void waitingRequestsAreBoundedToo() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().maxInFlightPerConnection(3)
                     .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
            server.helloStatus = Status.OVERLOADED;
            server.closeConnections();
            assertTrue(server.awaitHellos(2));
            List<CompletableFuture<byte[]>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiting.add(client.ping(b("w" + i)));
            }
            DaxKVClientException.Overloaded o = failure(client.ping(b("w3")), DaxKVClientException.Overloaded.class);
            assertTrue(o.getMessage().contains("waiting"), o.getMessage());
            server.helloStatus = Status.OK;
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(b("w" + i), value(waiting.get(i)));
            }
        }
    }

    @Test
    void shuttingDownServerGetsNoNewRequestsReadsAreResentWritesFail() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options()
                     .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build())) {
            server.putDirect("k", b("v"));
            server.shutDownCurrentConnections();
            // answered SHUTTING_DOWN, the read is resent once the connection drained and came back
            assertArrayEquals(b("v"), value(client.get(b("k"))));
            assertEquals(2, server.received(Request.OpCase.GET, "k"));
            assertEquals(2, server.connectionsAccepted.get());

            server.shutDownCurrentConnections();
            DaxKVClientException.ServerError e = failure(client.put(b("w"), b("x")), DaxKVClientException.ServerError.class);
            assertEquals(Status.SHUTTING_DOWN, e.status());
            assertEquals(null, server.getDirect("w"));
            // not applied, so safe to send again: it goes out on the next connection
            value(client.put(b("w"), b("x")));
            assertArrayEquals(b("x"), server.getDirect("w"));
            assertEquals(3, server.connectionsAccepted.get());
        }
    }

    @Test
    void unparseableResponseFrameDropsTheConnection() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().maxRetries(0).build())) {
            server.garbageOn.add(bs("garbage"));
            DaxKVClientException.ConnectionLost lost = failure(client.put(b("garbage"), b("v")),
                    DaxKVClientException.ConnectionLost.class);
            assertTrue(lost.getMessage().contains("does not parse"), lost.getMessage());
            assertTrue(lost.getCause() instanceof DaxKVClientException.ProtocolError);
            assertArrayEquals(b("fine"), value(client.ping(b("fine"))));
            assertEquals(2, server.connectionsAccepted.get());
        }
    }

    @Test
    void responseFrameOverTheLimitDropsTheConnection() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().maxFrameBytes(8192).maxRetries(1).build())) {
            server.putDirect("huge", new byte[20_000]);
            DaxKVClientException.ConnectionLost lost = failure(client.get(b("huge")), DaxKVClientException.ConnectionLost.class);
            assertTrue(lost.getMessage().contains("exceeds the limit of 8192 bytes"), lost.getMessage());
            assertEquals(2, server.received(Request.OpCase.GET, "huge"));
            assertArrayEquals(b("fine"), value(client.ping(b("fine"))));
        }
    }

    @Test
    void closeFailsPendingAndLaterRequestsWithClosed() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            DaxKVClient client = DaxKVClient.connect(server.options().build());
            server.holdAnswer.add(bs("held"));
            CompletableFuture<Void> pending = client.put(b("held"), b("v"));
            assertTrue(server.awaitHeld(1));
            client.close();
            DaxKVClientException.Closed closed = failure(pending, DaxKVClientException.Closed.class);
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            failure(client.get(b("k")), DaxKVClientException.Closed.class);
            failure(client.withTimeout(Duration.ofSeconds(1)).ping(b("p")), DaxKVClientException.Closed.class);
            client.close(); // idempotent
            assertEquals(0, client.liveConnections());
        }
    }

    @Test
    void closeFailsRequestsWaitingForAConnection() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            DaxKVClient client = DaxKVClient.connect(server.options()
                    .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(20)).build());
            server.helloStatus = Status.OVERLOADED;
            server.closeConnections();
            assertTrue(server.awaitHellos(2));
            CompletableFuture<byte[]> waiting = client.get(b("k"));
            client.close();
            failure(waiting, DaxKVClientException.Closed.class);
        }
    }
}
