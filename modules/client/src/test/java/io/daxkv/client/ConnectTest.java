package io.daxkv.client;

import static io.daxkv.client.FakeServer.b;
import static io.daxkv.client.TestSupport.failure;
import static io.daxkv.client.TestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.protocol.Status;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Connecting: the Hello and its refusals, unreachable servers, and the pool. */
class ConnectTest {

    @Test
    void refusedConnectionNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ClientOptions options = ClientOptions.builder().host("127.0.0.1").port(port).build();
        DaxKVClientException.ConnectFailed e = assertThrows(DaxKVClientException.ConnectFailed.class,
                () -> DaxKVClient.connect(options));
        assertEquals("127.0.0.1:" + port, e.address());
        assertTrue(e.getMessage().contains("cannot connect to daxkv server at 127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("refused"), e.getMessage());
    }

    @Test
    void unansweredHelloTimesOutTheConnect() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            server.answerHello = false;
            ClientOptions options = server.options().connectTimeout(Duration.ofMillis(300)).build();
            long start = System.nanoTime();
            DaxKVClientException.ConnectFailed e = assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(options));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 250 && ms < 5_000, "gave up after " + ms + " ms");
            assertTrue(e.getMessage().contains("127.0.0.1:" + server.port)
                    && e.getMessage().contains("timed out after 300 ms waiting for the answer to the Hello"), e.getMessage());
        }
    }

    @Test
    void unsupportedVersionIsAClearConnectFailure() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            server.helloStatus = Status.UNSUPPORTED_VERSION;
            DaxKVClientException.ConnectFailed e = assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(server.options().build()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + server.port + " refused the Hello: UNSUPPORTED_VERSION")
                    && e.getMessage().contains("this client speaks protocol version 1"), e.getMessage());
            assertEquals(Status.UNSUPPORTED_VERSION,
                    assertInstanceOf(DaxKVClientException.ServerError.class, e.getCause()).status());
        }
    }

    @Test
    void authTokenIsSentAndRefusalsSaySo() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            server.requiredToken = "s3cret";
            DaxKVClientException.ConnectFailed none = assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(server.options().build()));
            assertTrue(none.getMessage().contains("UNAUTHENTICATED") && none.getMessage().contains("none is configured"),
                    none.getMessage());
            assertEquals(Status.UNAUTHENTICATED,
                    assertInstanceOf(DaxKVClientException.ServerError.class, none.getCause()).status());

            DaxKVClientException.ConnectFailed wrong = assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(server.options().authToken("guess").build()));
            assertTrue(wrong.getMessage().contains("authToken was not accepted"), wrong.getMessage());

            try (DaxKVClient client = DaxKVClient.connect(server.options().authToken("s3cret").build())) {
                assertArrayEquals(b("in"), value(client.ping(b("in"))));
            }
        }
    }

    @Test
    void poolOpensEveryConnectionAndSpreadsRequestsRoundRobin() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().connections(4).ioThreads(2)
                     .clientName("pool-test").build())) {
            assertEquals(4, server.connectionsAccepted.get());
            assertEquals(4, server.hellos.get());
            assertEquals(4, client.liveConnections());
            for (int i = 0; i < 100; i++) {
                value(client.ping(b("p" + i)));
            }
            for (FakeServer.Conn c : server.connections) {
                assertEquals(25, c.requests.get(), "requests on each of 4 connections");
                assertEquals("pool-test", c.clientName);
            }
        }
    }

    @Test
    void onePoolConnectionFailingFailsTheConnectAndClosesTheOthers() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            server.refuseHelloNumber = 2;
            DaxKVClientException.ConnectFailed e = failure(
                    DaxKVClient.connectAsync(server.options().connections(3).build()), DaxKVClientException.ConnectFailed.class);
            assertTrue(e.getMessage().contains("UNAUTHENTICATED"), e.getMessage());
            assertTrue(server.connectionsAccepted.get() >= 2);
            for (FakeServer.Conn c : server.connections) {
                assertTrue(c.channel.closeFuture().await(10, TimeUnit.SECONDS), "every connection was closed");
            }
        }
    }

    @Test
    void connectAsyncAndNioTransportWork() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = value(DaxKVClient.connectAsync(server.options().nativeTransport(false).build()))) {
            value(client.put(b("nio"), b("ok")));
            assertArrayEquals(b("ok"), client.blocking().get(b("nio")));
            assertTrue(client.toString().contains("1/1 connections live"), client.toString());
        }
    }
}
