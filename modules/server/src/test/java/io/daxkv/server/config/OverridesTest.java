package io.daxkv.server.config;

import static io.daxkv.server.config.ServerConfigTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Dotted-key overrides (what command-line flags become) and the typed withers. */
class OverridesTest {

    private static ConfigException refused(ServerConfig base, Map<String, String> overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> base.withOverrides(overrides, "command line"));
        assertTrue(e.getMessage().startsWith("command line: "), e::getMessage);
        return e;
    }

    @Test
    void overridesReplaceOnlyWhatTheyName() {
        ServerConfig base = ServerConfig.parse("limits:\n  max-connections: 10\n", "base.yaml");
        Map<String, String> o = new LinkedHashMap<>();
        o.put("server.port", "7500");
        o.put("limits.max-value", "1M");
        o.put("store.durability", "sync");
        o.put("store.zeroer.enabled", "false");
        o.put("store.commit-interval", "20ms");
        o.put("server.tls.provider", "openssl");
        o.put("metrics.latency-histograms", "false");
        o.put("store.dir", "/var/lib/daxkv");
        ServerConfig c = base.withOverrides(o);

        assertEquals(7500, c.server().port());
        assertEquals(1L << 20, c.limits().maxValue());
        assertEquals(10, c.limits().maxConnections()); // from the file, untouched
        assertEquals(Durability.SYNC, c.store().durability());
        assertEquals(false, c.store().zeroer().enabled());
        assertEquals(base.store().zeroer().poolSize(), c.store().zeroer().poolSize());
        assertEquals(Duration.ofMillis(20), c.store().commitInterval());
        assertEquals(TlsProvider.OPENSSL, c.server().tls().provider());
        assertEquals(new MetricsSettings(true, false), c.metrics());
        assertEquals(Path.of("/var/lib/daxkv"), c.storeDir());
        assertEquals(base.admin(), c.admin());
        assertSame(base, base.withOverrides(Map.of()));
    }

    @Test
    void overridesAreParsedAndCheckedLikeTheFile() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals("command line: server.port: 70000 is out of range 0..65535",
                refused(d, Map.of("server.port", "70000")).getMessage());
        assertEquals("command line: limits.max-value: '99Q' is not a size (bytes, or a number with a K, M, G or T suffix,"
                + " e.g. 64M)", refused(d, Map.of("limits.max-value", "99Q")).getMessage());
        assertEquals("command line: store.durability: 'maybe' is not one of async, sync",
                refused(d, Map.of("store.durability", "maybe")).getMessage());
        assertEquals("command line: server.port: has no value; give a whole number, or leave the key out for the default",
                refused(d, Map.of("server.port", "")).getMessage());
        assertEquals("command line: metrics.enabled: 'yes' is not true or false",
                refused(d, Map.of("metrics.enabled", "yes")).getMessage());
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("server.port", null);
        assertContains(refused(d, nullValue).getMessage(), "server.port: has no value");
        // the whole result is checked: a default that no longer fits
        assertContains(refused(d, Map.of("limits.max-value", "32M")).getMessage(), "limits.max-frame: 17M is too small");
        assertContains(refused(d, Map.of("server.bind", "0.0.0.0")).getMessage(),
                "server.bind: 0.0.0.0 is not a loopback address", "server.auth-token");
        assertEquals("overrides: admin.port: 7420 is also server.port; the two ports must differ",
                assertThrows(ConfigException.class, () -> d.withOverrides(Map.of("admin.port", "7420"))).getMessage());
    }

    @Test
    void overridesTogetherAreCheckedTogether() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("server.bind", "0.0.0.0");
        o.put("server.auth-token", "t0ken");
        o.put("limits.max-value", "32M");
        o.put("limits.max-frame", "40M");
        ServerConfig c = ServerConfig.defaults().withOverrides(o);
        assertEquals(Optional.of("t0ken"), c.server().authToken());
        assertEquals(40L << 20, c.limits().maxFrame());
        // and an empty value clears a text setting
        ServerConfig back = c.withOverrides(Map.of("server.auth-token", "", "server.bind", "127.0.0.1"));
        assertEquals(Optional.empty(), back.server().authToken());
    }

    @Test
    void unknownOverrideKeysAreNamedWithTheAllowedKeys() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals("command line: limits.max-vaule: unknown key (did you mean max-value?); the keys allowed in limits are:"
                + " max-connections, max-frame, max-key, max-value, max-scan-entries, max-in-flight-per-connection,"
                + " idle-timeout, frame-deadline, hello-deadline, write-buffer-low, write-buffer-high, shutdown-grace",
                refused(d, Map.of("limits.max-vaule", "1M")).getMessage());
        assertContains(refused(d, Map.of("port", "1")).getMessage(),
                "command line: port: unknown key; the keys allowed at the top level are: store, server, limits, admin, metrics");
        assertContains(refused(d, Map.of("server.tls.cert", "x")).getMessage(),
                "server.tls.cert: unknown key", "the keys allowed in server.tls are: enabled, cert-chain, private-key, provider");
        assertEquals("command line: server.port.number: unknown key; server.port is a setting, not a section",
                refused(d, Map.of("server.port.number", "1")).getMessage());
        assertEquals("command line: store.zeroer: is a section, not a setting; give one of its keys: store.zeroer.enabled,"
                + " store.zeroer.pool-size", refused(d, Map.of("store.zeroer", "true")).getMessage());
        assertContains(refused(d, Map.of("server..port", "1")).getMessage(), "server.: unknown key");
    }

    @Test
    void typedWithersCheckLikeEverythingElse() {
        ServerConfig c = ServerConfig.defaults().withPort(0).withAdminPort(0).withStoreDir(Path.of("/tmp/x"));
        assertEquals(0, c.server().port());
        assertEquals(0, c.admin().port());
        assertEquals(Path.of("/tmp/x"), c.store().dir());
        assertEquals("admin.port: 7420 is also server.port; the two ports must differ",
                assertThrows(ConfigException.class, () -> ServerConfig.defaults().withAdminPort(7420)).getMessage());
        assertEquals("store.dir: must not be empty (the default is ./data)",
                assertThrows(ConfigException.class, () -> ServerConfig.defaults().withStoreDir(Path.of(""))).getMessage());
        LimitSettings l = ServerConfig.defaults().limits();
        assertEquals("limits.max-frame", assertThrows(ConfigException.class, () -> new LimitSettings(l.maxConnections(),
                1L << 20, l.maxKey(), l.maxValue(), l.maxScanEntries(), l.maxInFlightPerConnection(), l.idleTimeout(),
                l.frameDeadline(), l.helloDeadline(), l.writeBufferLow(), l.writeBufferHigh(), l.shutdownGrace())).key());
    }

    @Test
    void keysListsEverySettingInFileOrder() {
        assertEquals("store.dir", ServerConfig.keys().get(0));
        assertTrue(ServerConfig.keys().contains("store.zeroer.pool-size"));
        assertTrue(ServerConfig.keys().contains("server.tls.private-key"));
        assertTrue(ServerConfig.keys().contains("limits.max-in-flight-per-connection"));
        assertEquals("resp.port", ServerConfig.keys().get(ServerConfig.keys().size() - 1));
        // every key can be overridden with the value the defaults file gives it
        for (String key : ServerConfig.keys()) {
            ServerConfig c = ServerConfig.defaults().withOverrides(Map.of(key, defaultText(key)));
            assertEquals(ServerConfig.defaults(), c, key);
        }
    }

    /** The value the shipped file gives a key, as text. */
    private static String defaultText(String key) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        String section = key.substring(0, key.lastIndexOf('.'));
        String inSection = section.substring(section.lastIndexOf('.') + 1);
        boolean in = false;
        for (String line : ServerConfig.defaultFileText().split("\n")) {
            String t = line.strip();
            if (t.equals(inSection + ":")) {
                in = true;
            } else if (in && t.startsWith(leaf + ":")) {
                String v = t.substring(leaf.length() + 1).strip();
                return v.equals("\"\"") ? "" : v;
            }
        }
        throw new AssertionError(key + " not in the default file");
    }
}
