package io.daxkv.server;

import static io.daxkv.server.WireProtocolTest.bs;
import static io.daxkv.server.WireProtocolTest.get;
import static io.daxkv.server.WireProtocolTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.protocol.Status;
import io.daxkv.server.config.TlsProvider;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TLS from PEM files with either provider; a plaintext client gets no service and hurts no one. */
class TlsTest {

    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SSLContext trusting() throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = TlsTest.class.getResourceAsStream("/tls/server.crt")) {
            ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    static java.util.Map<String, String> tls(Path key, TlsProvider provider) {
        return java.util.Map.of("server.tls.enabled", "true", "server.tls.cert-chain", resource("server.crt").toString(),
                "server.tls.private-key", key.toString(), "server.tls.provider", provider.name().toLowerCase());
    }

    static WireClient tlsClient(InetSocketAddress a) throws Exception {
        SSLSocket s = (SSLSocket) trusting().getSocketFactory().createSocket("localhost", a.getPort());
        var params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // check the name like a real client
        s.setSSLParameters(params);
        s.startHandshake();
        return WireClient.hello(new WireClient(s), "");
    }

    @ParameterizedTest
    @EnumSource(value = TlsProvider.class, names = {"OPENSSL", "JDK"})
    void servesOverTlsWithEitherProvider(TlsProvider provider) throws Exception {
        if (provider == TlsProvider.OPENSSL) {
            Assumptions.assumeTrue(OpenSsl.isAvailable(), "netty-tcnative loads on this machine");
        }
        try (TestServer ts = new TestServer(tmp.resolve("s"), tls(resource("server.key"), provider))) {
            try (WireClient c = tlsClient(ts.address())) {
                assertEquals(Status.OK, c.call(put(2, "k", "secret")).getStatus());
                assertEquals(bs("secret"), c.call(get(3, "k")).getGet().getValue());
            }
            try (WireClient plain = new WireClient(ts.address())) {
                plain.socket().setSoTimeout(5_000);
                plain.sendRaw(io.daxkv.protocol.FrameEncoder.toBytes(put(1, "k", "plaintext")));
                assertThrows(IOException.class, plain::read, "no protocol answer without TLS");
            }
            try (WireClient c = tlsClient(ts.address())) {
                assertEquals(bs("secret"), c.call(get(3, "k")).getGet().getValue(), "served on; data intact");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void overTheConnectionCapATlsClientIsClosedAtOnceNotLeftToTimeOut() throws Exception {
        java.util.Map<String, String> o = new java.util.HashMap<>(tls(resource("server.key"), TlsProvider.JDK));
        o.put("limits.max-connections", "1");
        try (TestServer ts = new TestServer(tmp.resolve("s"), o); WireClient first = tlsClient(ts.address())) {
            long t0 = System.nanoTime();
            Exception e = assertThrows(Exception.class, () -> tlsClient(ts.address()).close());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e instanceof IOException, String.valueOf(e));
            assertTrue(ms < 5_000, "closed at once, not after the 10 s handshake timeout: " + ms + " ms");
            assertEquals(Status.OK, first.call(get(2, "k")).getStatus(), "the first connection is served on");
        }
    }

    @org.junit.jupiter.api.Test
    void openSslLoadsHere() {
        // netty-tcnative-boringssl-static for linux-x86_64 is a dependency: on this platform it must load,
        // or the "auto" provider silently falls back to the JDK
        Assumptions.assumeTrue(System.getProperty("os.arch").equals("amd64") && System.getProperty("os.name").equals("Linux"));
        assertTrue(OpenSsl.isAvailable(), String.valueOf(OpenSsl.unavailabilityCause()));
    }

    @org.junit.jupiter.api.Test
    void aMissingKeyFileIsAClearError() {
        var e = assertThrows(io.daxkv.server.config.ConfigException.class,
                () -> TestServer.config(tls(tmp.resolve("nope.key"), TlsProvider.JDK)));
        assertTrue(e.getMessage().contains("server.tls.private-key") && e.getMessage().contains("nope.key"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aKeyThatIsNotAKeyIsAClearError() {
        ServerStartException e = assertThrows(ServerStartException.class,
                () -> new TestServer(tmp.resolve("s"), tls(resource("server.crt"), TlsProvider.JDK)).close());
        assertTrue(e.getMessage().contains("server.tls.private-key") && e.getMessage().contains("server.crt"), e.getMessage());
        io.daxkv.DaxKV.open(tmp.resolve("s")).close(); // the failed start closed the store it owned
    }
}
