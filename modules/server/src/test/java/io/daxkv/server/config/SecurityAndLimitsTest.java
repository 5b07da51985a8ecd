package io.daxkv.server.config;

import static io.daxkv.server.config.ServerConfigTest.assertContains;
import static io.daxkv.server.config.ServerConfigTest.fails;
import static io.daxkv.server.config.ServerConfigTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules across settings: who may connect, the admin port, and limits that must fit together. */
class SecurityAndLimitsTest {

    @TempDir
    Path tmp;

    /** YAML for a string value, quoted so a temp path with any characters stays one scalar. */
    private static String q(Object value) {
        return "'" + value.toString().replace("'", "''") + "'";
    }

    // ------------------------------------------------------------------------------ bind and token

    @Test
    void aNonLoopbackBindWithoutATokenIsRefusedNamingBothKeys() {
        ConfigException e = fails("server:\n  bind: 0.0.0.0\n");
        assertEquals("test.yaml:2: server.bind: 0.0.0.0 is not a loopback address, so clients must authenticate:"
                + " set server.auth-token or server.auth-token-file (or bind to 127.0.0.1)", e.getMessage());
        assertEquals("server.bind", e.key());
        assertContains(fails("server:\n  bind: '::'\n").getMessage(), "server.bind: 0:0:0:0:0:0:0:0 is not a loopback address");
        assertContains(fails("server:\n  bind: 10.1.2.3\n  auth-token: ''\n").getMessage(), "server.auth-token");
    }

    @Test
    void aNonLoopbackBindWithATokenIsAccepted() {
        ServerConfig c = parse("server:\n  bind: 0.0.0.0\n  auth-token: s3cret-token\n");
        assertEquals("0.0.0.0", c.server().bind().getHostAddress());
        assertEquals(Optional.of("s3cret-token"), c.server().authToken());
        assertEquals(Optional.of("s3cret-token"), c.resolveAuthToken());
        assertTrue(c.server().authRequired());
        assertEquals("0.0.0.0", c.server().socketAddress().getAddress().getHostAddress());
        assertEquals(7420, c.server().socketAddress().getPort());
    }

    @Test
    void theTokenNeverAppearsInToString() {
        ServerConfig c = parse("server:\n  auth-token: s3cret-token\n");
        assertFalse(c.toString().contains("s3cret"), c::toString);
        assertTrue(c.server().toString().contains("authToken=(set)"), c.server()::toString);
    }

    @Test
    void loopbackAddressesNeedNoToken() {
        assertEquals("127.0.0.1", parse("server:\n  bind: localhost\n").server().bind().getHostAddress());
        assertEquals("127.0.0.2", parse("server:\n  bind: 127.0.0.2\n").server().bind().getHostAddress());
        assertTrue(parse("server:\n  bind: '::1'\n").server().bind().isLoopbackAddress());
        assertTrue(parse("server:\n  bind: '[::1]'\n").server().bind().isLoopbackAddress());
    }

    @Test
    void hostNamesAndMalformedAddressesAreRefusedWithoutDns() {
        for (String bad : new String[] {"example.com", "256.0.0.1", "1.2.3", "1.2.3.4.5", "::g", ":::", "0x7f.0.0.1", ".:"}) {
            ConfigException e = fails("server:\n  bind: " + q(bad) + "\n");
            assertEquals("test.yaml:2: server.bind: '" + bad + "' is not an IP address such as 127.0.0.1, 0.0.0.0"
                    + " (all interfaces), ::1 or ::, or localhost; not a host name", e.getMessage());
        }
    }

    @Test
    void aTokenAndATokenFileAreNotBothAllowed() throws IOException {
        Path file = Files.writeString(tmp.resolve("token"), "from-file\n");
        assertContains(fails("server:\n  auth-token: abc\n  auth-token-file: " + q(file) + "\n").getMessage(),
                "server.auth-token-file: set either server.auth-token or server.auth-token-file, not both");
    }

    @Test
    void theTokenFileIsReadAtLoadAndSatisfiesANonLoopbackBind() throws IOException {
        Path file = Files.writeString(tmp.resolve("token"), "  from-file\r\n");
        ServerConfig c = parse("server:\n  bind: 0.0.0.0\n  auth-token-file: " + q(file) + "\n");
        assertEquals(Optional.of(file), c.server().authTokenFile());
        assertEquals(Optional.empty(), c.server().authToken());
        assertEquals(Optional.of("from-file"), c.resolveAuthToken());

        // rotated on disk: the next resolve sees it
        Files.writeString(file, "rotated");
        assertEquals(Optional.of("rotated"), c.server().resolveAuthToken());
    }

    @Test
    void aBadTokenFileIsRefusedAtLoad() throws IOException {
        Path missing = tmp.resolve("missing");
        assertEquals("test.yaml:2: server.auth-token-file: " + missing + " does not exist",
                fails("server:\n  auth-token-file: " + q(missing) + "\n").getMessage());
        Path empty = Files.writeString(tmp.resolve("empty"), " \n");
        assertContains(fails("server:\n  auth-token-file: " + q(empty) + "\n").getMessage(),
                "server.auth-token-file: " + empty + " is empty; it must hold the token");
        Path twoLines = Files.writeString(tmp.resolve("two"), "a\nb\n");
        assertContains(fails("server:\n  auth-token-file: " + q(twoLines) + "\n").getMessage(),
                "must hold just the token, on one line without spaces");
        Path big = Files.write(tmp.resolve("big"), new byte[100_000]);
        assertContains(fails("server:\n  auth-token-file: " + q(big) + "\n").getMessage(), "is larger than 64K");
        assertContains(fails("server:\n  auth-token-file: " + q(tmp) + "\n").getMessage(),
                "server.auth-token-file: " + tmp + " cannot be read");
    }

    // ------------------------------------------------------------------------------ TLS

    @Test
    void tlsNeedsBothFilesAndTheyMustExist() throws IOException {
        assertContains(fails("server:\n  tls:\n    enabled: true\n").getMessage(),
                "server.tls.cert-chain: is required when server.tls.enabled is true");
        Path cert = Files.writeString(tmp.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
        assertContains(fails("server:\n  tls:\n    enabled: true\n    cert-chain: " + q(cert) + "\n").getMessage(),
                "server.tls.private-key: is required when server.tls.enabled is true");
        Path key = tmp.resolve("key.pem");
        assertEquals("test.yaml:5: server.tls.private-key: " + key + " does not exist",
                fails("server:\n  tls:\n    enabled: true\n    cert-chain: " + q(cert) + "\n    private-key: " + q(key) + "\n")
                        .getMessage());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n");
        ServerConfig c = parse("server:\n  tls:\n    enabled: true\n    cert-chain: " + q(cert) + "\n    private-key: " + q(key)
                + "\n    provider: jdk\n");
        assertEquals(new TlsSettings(true, Optional.of(cert), Optional.of(key), TlsProvider.JDK), c.server().tls());
        // files named while TLS is off are not checked
        assertFalse(parse("server:\n  tls:\n    cert-chain: /nonexistent.pem\n").server().tls().enabled());
    }

    // ------------------------------------------------------------------------------ admin

    @Test
    void theAdminPortBindsToLoopbackOnly() {
        ConfigException e = fails("admin:\n  bind: 0.0.0.0\n");
        assertEquals("test.yaml:2: admin.bind: 0.0.0.0 is not a loopback address; the admin port has no authentication,"
                + " so it binds to 127.0.0.1, ::1 or localhost only", e.getMessage());
        assertContains(fails("admin:\n  bind: 192.168.1.5\n").getMessage(), "admin.bind: 192.168.1.5 is not a loopback address");
        // even with a token: the token protects the client port, not the admin port
        assertContains(fails("server:\n  auth-token: t\nadmin:\n  bind: 10.0.0.1\n").getMessage(), "admin.bind");
        assertTrue(parse("admin:\n  bind: '::1'\n").admin().bind().isLoopbackAddress());
    }

    @Test
    void theTwoPortsMustDiffer() {
        assertEquals("test.yaml:2: admin.port: 7420 is also server.port; the two ports must differ",
                fails("admin:\n  port: 7420\n").getMessage());
        assertContains(fails("server:\n  port: 7421\n").getMessage(), "admin.port: 7421 is also server.port");
        // no line: admin.port is not written in this file, and the message names both keys
        assertEquals("test.yaml: admin.port: 7421 is also server.port; the two ports must differ",
                fails("server:\n  port: 7421\n").getMessage());
        assertEquals(7421, parse("server:\n  port: 7421\nadmin:\n  enabled: false\n").server().port());
        ServerConfig ephemeral = parse("server:\n  port: 0\nadmin:\n  port: 0\n");
        assertEquals(0, ephemeral.server().port());
        assertEquals(0, ephemeral.admin().socketAddress().getPort());
    }

    // ------------------------------------------------------------------------------ limits

    @Test
    void maxFrameMustHoldTheLargestKeyAndValue() {
        ConfigException e = fails("limits:\n  max-frame: 16M\n");
        assertEquals("test.yaml:2: limits.max-frame: 16M is too small: a frame must hold limits.max-key (64K)"
                + " + limits.max-value (16M) + 1K of frame overhead, so it must be at least 16449K (16843776 bytes)",
                e.getMessage());
        // raising max-value alone breaks the default max-frame: the message names max-frame, not in the file
        assertContains(fails("limits:\n  max-value: 32M\n").getMessage(),
                "test.yaml: limits.max-frame: 17M is too small", "limits.max-value (32M)");
        ServerConfig c = parse("limits:\n  max-value: 32M\n  max-frame: 33M\n");
        assertEquals(32L << 20, c.limits().maxValue());
        ServerConfig exact = parse("limits:\n  max-key: 1K\n  max-value: 1M\n  max-frame: 1026K\n");
        assertEquals(1026L << 10, exact.limits().maxFrame());
        assertContains(fails("limits:\n  max-frame: 2G\n").getMessage(), "limits.max-frame: 2G is out of range 16449K..1G");
    }

    @Test
    void keyAndValueLimitsStayWithinTheEngines() {
        assertEquals("test.yaml:2: limits.max-key: 128K is out of range 1..64K (the engine's limit)",
                fails("limits:\n  max-key: 128K\n").getMessage());
        assertContains(fails("limits:\n  max-key: 0\n").getMessage(), "limits.max-key: 0 is out of range 1..64K");
        assertEquals("test.yaml:2: limits.max-value: 65M is out of range 0..64M (the engine's limit)",
                fails("limits:\n  max-value: 65M\n  max-frame: 100M\n").getMessage());
        ServerConfig max = parse("limits:\n  max-key: 64K\n  max-value: 64M\n  max-frame: 65M\n");
        assertEquals(65536, max.limits().maxKey());
    }

    @Test
    void theWriteBufferHighMarkMustBeAboveTheLow() {
        assertEquals("test.yaml:2: limits.write-buffer-high: 256K must be more than limits.write-buffer-low (256K)",
                fails("limits:\n  write-buffer-high: 256K\n").getMessage());
        assertContains(fails("limits:\n  write-buffer-low: 2M\n").getMessage(),
                "limits.write-buffer-high: 1M must be more than limits.write-buffer-low (2M)");
        ServerConfig c = parse("limits:\n  write-buffer-low: 0\n  write-buffer-high: 64K\n");
        assertEquals(0, c.limits().writeBufferLow());
    }

    @Test
    void settingsBuiltInCodeAreCheckedTooWithoutASource() {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.defaults().withPort(70000));
        assertEquals("server.port: 70000 is out of range 0..65535", e.getMessage());
        assertNull(e.source());
        e = assertThrows(ConfigException.class, () -> new AdminSettings(true, parse("server:\n  bind: 10.0.0.1\n"
                + "  auth-token: t\n").server().bind(), 1));
        assertEquals("admin.bind", e.key());
    }

    @org.junit.jupiter.api.Test
    void theRespPortMustDifferFromTheOthers() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ServerConfig.defaults().withOverrides(java.util.Map.of("resp.enabled", "true", "resp.port", "7420")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("resp.port: 7420 is also server.port"),
                e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> ServerConfig.defaults().withOverrides(java.util.Map.of("resp.enabled", "true", "resp.port", "7421")));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("is also admin.port"), e.getMessage());
        // off, its port is not checked
        ServerConfig.defaults().withOverrides(java.util.Map.of("resp.port", "7420"));
    }
}
