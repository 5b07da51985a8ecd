package io.daxkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.protocol.Protocol;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Defaults, and setters that refuse bad values naming the setting. */
class ClientOptionsTest {

    @Test
    void defaults() {
        ClientOptions o = ClientOptions.builder().build();
        assertEquals("127.0.0.1", o.host());
        assertEquals(Protocol.DEFAULT_PORT, o.port());
        assertEquals("127.0.0.1:7420", o.address());
        assertEquals(1, o.connections());
        assertEquals(1, o.ioThreads());
        assertEquals(Duration.ofSeconds(10), o.requestTimeout());
        assertEquals(Duration.ofSeconds(5), o.connectTimeout());
        assertEquals(1024, o.maxInFlightPerConnection());
        assertNull(o.authToken());
        assertFalse(o.tls());
        assertTrue(o.tlsHostnameVerification());
        assertEquals(Duration.ofMillis(50), o.reconnectInitialBackoff());
        assertEquals(Duration.ofSeconds(5), o.reconnectMaxBackoff());
        assertEquals(2, o.maxRetries());
        assertTrue(o.maxFrameBytes() > 64 << 20);
        assertEquals("daxkv-java-client", o.clientName());
        assertTrue(o.nativeTransport());
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        ClientOptions.Builder b = ClientOptions.builder();
        refused("host", () -> b.host(" "));
        refused("port", () -> b.port(0));
        refused("port", () -> b.port(65536));
        refused("connections", () -> b.connections(0));
        refused("connections", () -> b.connections(65));
        refused("ioThreads", () -> b.ioThreads(0));
        refused("requestTimeout", () -> b.requestTimeout(Duration.ZERO));
        refused("connectTimeout", () -> b.connectTimeout(Duration.ofMillis(-1)));
        refused("maxInFlightPerConnection", () -> b.maxInFlightPerConnection(0));
        refused("tlsTrustedCertificates", () -> b.tlsTrustedCertificates(Path.of("/no/such/file.pem")));
        refused("reconnectBackoff", () -> b.reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        refused("maxRetries", () -> b.maxRetries(-1));
        refused("maxFrameBytes", () -> b.maxFrameBytes(100));
        refused("clientName", () -> b.clientName("x".repeat(300)));
    }

    private static void refused(String setting, Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().startsWith(setting), ex.getMessage());
    }

    @Test
    void toBuilderKeepsEverySettingAndToStringHidesTheToken() {
        ClientOptions o = ClientOptions.builder().host("::1").port(9000).connections(3).ioThreads(2)
                .requestTimeout(Duration.ofSeconds(3)).connectTimeout(Duration.ofSeconds(1))
                .maxInFlightPerConnection(7).authToken("hidden").reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                .maxRetries(0).maxFrameBytes(8192).clientName("me").nativeTransport(false).build();
        ClientOptions copy = o.toBuilder().build();
        assertEquals(o.toString(), copy.toString());
        assertEquals("[::1]:9000", copy.address());
        assertEquals("hidden", copy.authToken());
        assertFalse(o.toString().contains("hidden"), o.toString());
        assertEquals(7, copy.maxInFlightPerConnection());
    }

    @Test
    void backoffDoublesWithJitterUpToTheMaximum() {
        for (int i = 0; i < 1000; i++) {
            long first = Backoff.delayMs(0, 50, 5000);
            assertTrue(first >= 25 && first <= 50, "first " + first);
            long third = Backoff.delayMs(2, 50, 5000);
            assertTrue(third >= 100 && third <= 200, "third " + third);
            long late = Backoff.delayMs(40, 50, 5000);
            assertTrue(late >= 2500 && late <= 5000, "late " + late);
            long huge = Backoff.delayMs(Integer.MAX_VALUE, 50, 5000);
            assertTrue(huge >= 2500 && huge <= 5000, "huge " + huge);
        }
    }
}
