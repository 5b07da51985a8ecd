package io.daxkv.client;

import static io.daxkv.client.FakeServer.b;
import static io.daxkv.client.TestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS against the fake server, with certificates made by the JDK's keytool: one naming
 * 127.0.0.1 and localhost, one naming only another host.
 */
class TlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    private static SslContext rightName;
    private static SslContext wrongName;

    @BeforeAll
    static void makeCertificates() throws Exception {
        rightName = serverContext("right", "dns:localhost,ip:127.0.0.1");
        wrongName = serverContext("wrong", "dns:other.invalid");
    }

    private static SslContext serverContext(String name, String san) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + name, "-ext", "SAN=" + san, "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve(name + ".pem").toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        return SslContextBuilder.forServer(kmf).build();
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), "keytool " + String.join(" ", args) + ": " + output);
    }

    @Test
    void connectsTrustingThePemFileAndVerifyingTheHostname() throws Exception {
        try (FakeServer server = FakeServer.startTls(rightName);
             DaxKVClient client = DaxKVClient.connect(server.options()
                     .tlsTrustedCertificates(dir.resolve("right.pem")).build())) {
            assertTrue(client.options().tls());
            value(client.put(b("secret"), b("over tls")));
            assertArrayEquals(b("over tls"), value(client.get(b("secret"))));
        }
    }

    @Test
    void certificateForAnotherHostIsRefusedUnlessVerificationIsOff() throws Exception {
        try (FakeServer server = FakeServer.startTls(wrongName)) {
            ClientOptions.Builder options = server.options().tlsTrustedCertificates(dir.resolve("wrong.pem"));
            DaxKVClientException.ConnectFailed e = assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(options.build()));
            assertTrue(e.getMessage().contains("TLS handshake failed") || e.getMessage().contains("127.0.0.1"),
                    e.getMessage());
            try (DaxKVClient client = DaxKVClient.connect(options.tlsHostnameVerification(false).build())) {
                assertArrayEquals(b("p"), value(client.ping(b("p"))));
            }
        }
    }

    @Test
    void certificateNotInTheJdkTrustStoreIsRefused() throws Exception {
        try (FakeServer server = FakeServer.startTls(rightName)) {
            DaxKVClientException.ConnectFailed e = assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(server.options().tls(true).build()));
            assertTrue(e.getMessage().contains("127.0.0.1:" + server.port), e.getMessage());
        }
    }

    @Test
    void plainClientAgainstTlsServerFailsToConnect() throws Exception {
        try (FakeServer server = FakeServer.startTls(rightName)) {
            assertThrows(DaxKVClientException.ConnectFailed.class,
                    () -> DaxKVClient.connect(server.options().connectTimeout(java.time.Duration.ofMillis(500)).build()));
        }
    }
}
