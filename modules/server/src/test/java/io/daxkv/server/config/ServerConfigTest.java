package io.daxkv.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.Durability;
import io.daxkv.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the file: defaults, partial files, and what the file may and may not hold. */
class ServerConfigTest {

    private static final String SOURCE = "test.yaml";

    @TempDir
    Path tmp;

    static ServerConfig parse(String yaml) {
        return ServerConfig.parse(yaml, SOURCE);
    }

    /** Parsing fails with a ConfigException whose message starts with the source. */
    static ConfigException fails(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertTrue(e.getMessage().startsWith(SOURCE + ":"), e::getMessage);
        assertEquals(SOURCE, e.source());
        return e;
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "expected <" + part + "> in: " + message);
        }
    }

    // ------------------------------------------------------------------------------ defaults

    @Test
    void theShippedFileIsExactlyTheDefaults() {
        // the jar's copy of config/daxkv.yaml (see the resources in modules/server/pom.xml)
        assertEquals(ServerConfig.defaults(), parse(ServerConfig.defaultFileText()));
    }

    @Test
    void theShippedFileDocumentsEveryKeyAndNothingElse() {
        List<String> documented = new ArrayList<>();
        List<String> path = new ArrayList<>();
        List<Integer> indents = new ArrayList<>();
        String previous = "";
        for (String line : ServerConfig.defaultFileText().split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                int indent = line.indexOf(trimmed);
                while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                    indents.remove(indents.size() - 1);
                    path.remove(path.size() - 1);
                }
                String name = trimmed.substring(0, trimmed.indexOf(':'));
                if (trimmed.endsWith(":")) {
                    path.add(name);
                    indents.add(indent);
                } else {
                    String key = path.isEmpty() ? name : String.join(".", path) + "." + name;
                    documented.add(key);
                    assertTrue(previous.startsWith("#"), () -> key + " has no comment line above it");
                }
            }
            previous = trimmed;
        }
        assertEquals(ServerConfig.keys(), documented);
        assertEquals(39, ServerConfig.keys().size());
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        ServerConfig d = ServerConfig.defaults();
        assertEquals(Path.of("./data"), d.store().dir());
        assertEquals(64L << 20, d.store().regionSize());
        assertEquals(128, d.store().blockSize());
        assertEquals(256L << 20, d.store().journalSize());
        assertEquals(Durability.ASYNC, d.store().durability());
        assertEquals(Duration.ofMillis(1000), d.store().commitInterval());
        assertTrue(d.store().verifyOnRead());
        assertEquals(new ZeroerSettings(true, 32L << 20), d.store().zeroer());
        assertEquals("127.0.0.1", d.server().bind().getHostAddress());
        assertEquals(7420, d.server().port());
        assertEquals(0, d.server().ioThreads());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.server().ioThreadCount());
        assertEquals(Transport.AUTO, d.server().transport());
        assertEquals(Allocator.POOLED, d.server().allocator());
        assertEquals(Optional.empty(), d.server().authToken());
        assertEquals(Optional.empty(), d.server().authTokenFile());
        assertFalse(d.server().authRequired());
        assertEquals(TlsSettings.defaults(), d.server().tls());
        assertEquals(new LimitSettings(1024, 17L << 20, 65536, 16L << 20, 1000, 1024, Duration.ofSeconds(300),
                Duration.ofSeconds(30), Duration.ofSeconds(10), 256L << 10, 1L << 20, Duration.ofSeconds(30)), d.limits());
        assertEquals("127.0.0.1", d.admin().bind().getHostAddress());
        assertEquals(7421, d.admin().port());
        assertTrue(d.admin().enabled());
        assertEquals(new MetricsSettings(true, true), d.metrics());
    }

    @Test
    void anEmptyFileOrOneWithOnlyCommentsOrEmptySectionsIsTheDefaults() {
        assertEquals(ServerConfig.defaults(), parse(""));
        assertEquals(ServerConfig.defaults(), parse("# nothing here\n\n"));
        assertEquals(ServerConfig.defaults(), parse("---\n"));
        assertEquals(ServerConfig.defaults(), parse("store:\nlimits:\n  # max-value: 1M\nserver: ~\n"));
    }

    // ------------------------------------------------------------------------------ partial files

    @Test
    void aPartialFileChangesOnlyWhatItNames() throws IOException {
        Path file = tmp.resolve("partial.yaml");
        Files.writeString(file, "server:\n  port: 7500\nlimits:\n  max-value: 1M\n  idle-timeout: 0\n"
                + "store:\n  zeroer:\n    pool-size: 8M\n  durability: SYNC\n");
        ServerConfig c = ServerConfig.load(file);
        ServerConfig d = ServerConfig.defaults();

        assertEquals(7500, c.server().port());
        assertEquals(new ServerSettings(d.server().bind(), 7500, 0, Transport.AUTO, Allocator.POOLED, Optional.empty(),
                Optional.empty(), TlsSettings.defaults()), c.server());
        LimitSettings l = d.limits();
        assertEquals(new LimitSettings(l.maxConnections(), l.maxFrame(), l.maxKey(), 1L << 20, l.maxScanEntries(),
                l.maxInFlightPerConnection(), Duration.ZERO, l.frameDeadline(), l.helloDeadline(), l.writeBufferLow(),
                l.writeBufferHigh(), l.shutdownGrace()), c.limits());
        assertFalse(c.limits().idleTimeoutEnabled());
        assertEquals(new ZeroerSettings(true, 8L << 20), c.store().zeroer());
        assertEquals(Durability.SYNC, c.store().durability());
        assertEquals(d.store().dir(), c.store().dir());
        assertEquals(d.store().regionSize(), c.store().regionSize());
        assertEquals(d.admin(), c.admin());
        assertEquals(d.metrics(), c.metrics());
    }

    @Test
    void quotedNumbersAndBooleansAreTheirValues() {
        ServerConfig c = parse("server:\n  port: '7500'\nmetrics:\n  enabled: \"false\"\n  latency-histograms: FALSE\n");
        assertEquals(7500, c.server().port());
        assertEquals(new MetricsSettings(false, false), c.metrics());
    }

    @Test
    void loadingNamesTheFileInEveryError() throws IOException {
        Path missing = tmp.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.load(missing));
        assertEquals(missing + ": does not exist", e.getMessage());

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "# the port\nserver:\n  port: 70000\n");
        e = assertThrows(ConfigException.class, () -> ServerConfig.load(bad));
        assertEquals(bad + ":3: server.port: 70000 is out of range 0..65535", e.getMessage());

        Path binary = tmp.resolve("binary.yaml");
        Files.write(binary, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe});
        e = assertThrows(ConfigException.class, () -> ServerConfig.load(binary));
        assertEquals(binary + ": is not UTF-8 text", e.getMessage());

        e = assertThrows(ConfigException.class, () -> ServerConfig.load(tmp));
        assertTrue(e.getMessage().startsWith(tmp + ": cannot be read: "), e::getMessage);
    }

    // ------------------------------------------------------------------------------ bad values

    @Test
    void aBadSizeNamesTheKeyTheValueAndWhatIsAllowed() {
        ConfigException e = fails("limits:\n  max-value: 99Q\n");
        assertEquals(SOURCE + ":2: limits.max-value: '99Q' is not a size (bytes, or a number with a K, M, G or T suffix,"
                + " e.g. 64M)", e.getMessage());
        assertEquals("limits.max-value", e.key());
        assertEquals(2, e.line());
        // YAML would read these as numbers; the file means what it says or is refused
        assertContains(fails("limits:\n  max-value: 0x40\n").getMessage(), "limits.max-value: '0x40' is not a size");
        assertContains(fails("limits:\n  max-value: 1_000\n").getMessage(), "limits.max-value: '1_000' is not a size");
        assertContains(fails("limits:\n  max-value: 1.5\n").getMessage(), "limits.max-value: '1.5' is not a size");
        assertContains(fails("limits:\n  max-value: -1\n").getMessage(), "limits.max-value: '-1' is not a size");
    }

    @Test
    void aBadChoiceListsTheChoices() {
        assertEquals(SOURCE + ":2: store.durability: 'maybe' is not one of async, sync",
                fails("store:\n  durability: maybe\n").getMessage());
        assertContains(fails("server:\n  transport: kqueue\n").getMessage(),
                "server.transport: 'kqueue' is not one of auto, epoll, nio");
        assertContains(fails("server:\n  allocator: unpooled\n").getMessage(),
                "server.allocator: 'unpooled' is not one of adaptive, pooled");
        assertContains(fails("server:\n  tls:\n    provider: bouncy\n").getMessage(),
                "server.tls.provider: 'bouncy' is not one of auto, jdk, openssl");
        assertEquals(Transport.EPOLL, parse("server:\n  transport: EPOLL\n").server().transport());
    }

    @Test
    void outOfRangeNumbersSayTheRange() {
        assertEquals(SOURCE + ":2: server.port: 70000 is out of range 0..65535", fails("server:\n  port: 70000\n").getMessage());
        assertContains(fails("server:\n  port: -1\n").getMessage(), "server.port: -1 is out of range 0..65535");
        assertContains(fails("server:\n  port: 99999999999\n").getMessage(), "server.port: '99999999999' is out of range");
        assertContains(fails("server:\n  io-threads: 5000\n").getMessage(), "server.io-threads: 5000 is out of range 0..1024");
        assertContains(fails("limits:\n  max-connections: 0\n").getMessage(),
                "limits.max-connections: 0 is out of range 1..1000000");
        assertContains(fails("limits:\n  max-scan-entries: 0\n").getMessage(), "limits.max-scan-entries: 0 is out of range");
        assertContains(fails("limits:\n  max-in-flight-per-connection: 100000\n").getMessage(),
                "limits.max-in-flight-per-connection: 100000 is out of range 1..65536");
        assertContains(fails("admin:\n  port: 65536\n").getMessage(), "admin.port: 65536 is out of range 0..65535");
    }

    @Test
    void wholeNumbersAreWholeNumbers() {
        assertEquals(SOURCE + ":2: server.port: '7420.5' is not a whole number",
                fails("server:\n  port: 7420.5\n").getMessage());
        assertContains(fails("server:\n  port: 0x1d00\n").getMessage(), "server.port: '0x1d00' is not a whole number");
        assertContains(fails("server:\n  port: seven\n").getMessage(), "server.port: 'seven' is not a whole number");
        assertContains(fails("server:\n  port: true\n").getMessage(), "server.port: 'true' is not a whole number");
    }

    @Test
    void booleansAreTrueOrFalseOnly() {
        // YAML 1.1 reads yes/on as true; the file says true or false
        assertEquals(SOURCE + ":2: metrics.enabled: 'yes' is not true or false",
                fails("metrics:\n  enabled: yes\n").getMessage());
        assertContains(fails("store:\n  zeroer:\n    enabled: 1\n").getMessage(), "store.zeroer.enabled: '1' is not true or false");
    }

    @Test
    void aBadDurationSaysTheGrammar() {
        assertEquals(SOURCE + ":2: limits.idle-timeout: '300' is not a duration (a whole number with a unit ms, s, m or h,"
                + " e.g. 500ms, 30s, 5m; or 0)", fails("limits:\n  idle-timeout: 300\n").getMessage());
        assertContains(fails("limits:\n  shutdown-grace: -5s\n").getMessage(),
                "limits.shutdown-grace: '-5s' is negative");
        assertContains(fails("limits:\n  frame-deadline: 0\n").getMessage(),
                "limits.frame-deadline: 0 is not allowed: it must be more than 0");
        assertContains(fails("limits:\n  hello-deadline: 0s\n").getMessage(), "limits.hello-deadline: 0 is not allowed");
        assertContains(fails("store:\n  commit-interval: 2s\n").getMessage(),
                "store.commit-interval: 2s is out of range 1ms..1s");
        assertContains(fails("store:\n  commit-interval: 0\n").getMessage(),
                "store.commit-interval: 0 is out of range 1ms..1s");
    }

    @Test
    void aListWhereANumberBelongsIsRefused() {
        assertEquals(SOURCE + ":2: limits.max-connections: got a list, expected a whole number",
                fails("limits:\n  max-connections: [1, 2]\n").getMessage());
        assertContains(fails("limits:\n  max-frame:\n    - 17M\n").getMessage(),
                "limits.max-frame: got a list, expected a size (bytes, or a number with a K, M, G or T suffix, e.g. 64M)");
        assertContains(fails("server:\n  bind:\n    a: b\n").getMessage(),
                "server.bind: got a section (keys under it), expected text");
        assertContains(fails("server:\n  auth-token: [a, b]\n").getMessage(), "server.auth-token: got a list, expected text");
    }

    @Test
    void aScalarWhereASectionBelongsIsRefused() {
        assertEquals(SOURCE + ":1: store: is a section; expected keys under it: dir, region-size, block-size, journal-size,"
                + " durability, commit-interval, verify-on-read, zeroer", fails("store: 5\n").getMessage());
        assertContains(fails("store:\n  zeroer: [true]\n").getMessage(),
                "store.zeroer: is a section; expected keys under it: enabled, pool-size");
        assertContains(fails("- store\n- server\n").getMessage(),
                "must be a map of sections: store, server, limits, admin, metrics");
        assertContains(fails("just text\n").getMessage(), "must be a map of sections");
    }

    @Test
    void aKeyWithNoValueOrNullIsRefusedExceptForText() {
        assertEquals(SOURCE + ":2: server.port: has no value; give a whole number, or leave the key out for the default",
                fails("server:\n  port:\n").getMessage());
        assertContains(fails("server:\n  port: ~\n").getMessage(), "server.port: has no value");
        assertContains(fails("store:\n  region-size: null\n").getMessage(), "store.region-size: has no value; give a size");
        assertContains(fails("store:\n  dir:\n").getMessage(), "store.dir: must not be empty");
        // text settings where empty means none
        assertEquals(Optional.empty(), parse("server:\n  auth-token:\n").server().authToken());
        assertEquals(Optional.empty(), parse("server:\n  auth-token-file: ~\n").server().authTokenFile());
    }

    // ------------------------------------------------------------------------------ unknown keys

    @Test
    void anUnknownKeyIsNamedInFullWithTheAllowedKeys() {
        ConfigException e = fails("limits:\n  max-value: 1M\n  max-vaule: 2M\n");
        assertEquals(SOURCE + ":3: limits.max-vaule: unknown key (did you mean max-value?); the keys allowed in limits are:"
                + " max-connections, max-frame, max-key, max-value, max-scan-entries, max-in-flight-per-connection,"
                + " idle-timeout, frame-deadline, hello-deadline, write-buffer-low, write-buffer-high, shutdown-grace",
                e.getMessage());
        assertEquals("limits.max-vaule", e.key());
    }

    @Test
    void anUnknownNestedKeyIsNamedInFull() {
        assertEquals(SOURCE + ":4: store.zeroer.enable: unknown key (did you mean enabled?); the keys allowed in"
                + " store.zeroer are: enabled, pool-size", fails("store:\n  dir: /x\n  zeroer:\n    enable: true\n").getMessage());
        assertContains(fails("server:\n  tls:\n    cert: a.pem\n").getMessage(),
                "server.tls.cert: unknown key", "the keys allowed in server.tls are: enabled, cert-chain, private-key, provider");
    }

    @Test
    void anUnknownSectionIsNamedWithTheSections() {
        assertEquals(SOURCE + ":1: stor: unknown key (did you mean store?); the keys allowed at the top level are:"
                + " store, server, limits, admin, metrics, resp", fails("stor:\n  dir: x\n").getMessage());
        assertContains(fails("port: 7420\n").getMessage(), "port: unknown key; the keys allowed at the top level are:");
        // dotted keys are for overrides, not for the file
        assertContains(fails("server.port: 7420\n").getMessage(), "server.port: unknown key");
    }

    // ------------------------------------------------------------------------------ YAML itself

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertEquals(SOURCE + ":3: server.port: is given more than once",
                fails("server:\n  port: 1\n  port: 2\n").getMessage());
        assertContains(fails("metrics:\n  enabled: true\nmetrics:\n  enabled: false\n").getMessage(),
                "metrics: is given more than once");
    }

    @Test
    void brokenYamlSaysWhereWithoutJacksonsInternals() {
        ConfigException e = fails("server:\n  port: 1\n  - x\n");
        assertTrue(e.getMessage().startsWith(SOURCE + ":3: not valid YAML: "), e::getMessage);
        assertFalse(e.getMessage().contains("\n"), e::getMessage);
        assertFalse(e.getMessage().contains("jackson"), e::getMessage);
        assertContains(fails("server: {port: 1\n").getMessage(), "not valid YAML");
        assertContains(fails("a: 'unterminated\n").getMessage(), "not valid YAML");
    }

    @Test
    void moreThanOneDocumentIsRefused() {
        assertContains(fails("server:\n  port: 1\n---\nserver:\n  port: 2\n").getMessage(),
                "holds more than one YAML document");
    }

    @Test
    void nothingFromJacksonLeaksRaw() {
        String[] bad = {"{", "]", "store: {dir: [}", "&a x: *b", "!!binary AAAA", "store: !!binary AAAA",
            "server:\n  port: !!binary AAAA\n", "? [a, b]\n: c\n", "store:\n  ? [a]\n  : b\n", "limits: {max-key: {}}",
            "\t- x", "%YAML 9.9\n---\na: b\n", "server:\n  bind: !!float 1.0\n"};
        for (String yaml : bad) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml), yaml);
            assertTrue(e.getMessage().startsWith(SOURCE + ":"), e::getMessage);
            assertFalse(e.getMessage().contains("com.fasterxml"), e::getMessage);
            assertFalse(e.getMessage().contains("$Raw"), e::getMessage);
            assertFalse(e.getMessage().contains("snakeyaml"), e::getMessage);
        }
    }

    // ------------------------------------------------------------------------------ the store

    @Test
    void storeSettingsAreCheckedAgainstTheStoresRules() {
        assertContains(fails("store:\n  region-size: 3M\n").getMessage(),
                "store.region-size: 3M is not a multiple of 1M from 4M to 1G");
        assertContains(fails("store:\n  region-size: 2G\n").getMessage(), "store.region-size: 2G is not a multiple");
        assertContains(fails("store:\n  block-size: 100\n").getMessage(),
                "store.block-size: 100 is not a power of two from 64 to 64K");
        assertContains(fails("store:\n  region-size: 4M\n  block-size: 128K\n").getMessage(),
                "store.block-size: 128K is not a power of two");
        assertContains(fails("store:\n  journal-size: 1000K\n").getMessage(),
                "store.journal-size: 1000K is not a multiple of 4K from 1M to 1G");
        assertContains(fails("store:\n  zeroer:\n    pool-size: 2G\n").getMessage(),
                "store.zeroer.pool-size: 2G is out of range 0..1G");
    }

    @Test
    void toStoreOptionsMapsEveryStoreSetting() {
        ServerConfig c = parse("store:\n  dir: /srv/daxkv\n  region-size: 128M\n  block-size: 256\n  journal-size: 64M\n"
                + "  durability: sync\n  commit-interval: 250ms\n  verify-on-read: false\n"
                + "  zeroer:\n    enabled: false\n    pool-size: 4M\n");
        Options o = c.toStoreOptions();
        assertEquals(128L << 20, o.regionSizeBytes());
        assertEquals(256, o.blockSizeBytes());
        assertEquals(64L << 20, o.journalSizeBytes());
        assertEquals(Durability.SYNC, o.durability());
        assertEquals(250, o.commitIntervalMs());
        assertFalse(o.verifyOnRead());
        assertFalse(o.zeroerEnabled());
        assertEquals(4L << 20, o.zeroerPoolBytes());
        assertTrue(o.createIfMissing());
        assertEquals(Path.of("/srv/daxkv"), c.storeDir());

        Options d = ServerConfig.defaults().toStoreOptions();
        Options core = Options.defaults();
        assertEquals(core.toString(), d.toString());
    }

    @Test
    void aRelativeStoreDirIsResolvedAgainstTheWorkingDirectory() {
        Path cwd = Path.of("").toAbsolutePath();
        assertEquals(cwd.resolve("data"), ServerConfig.defaults().storeDir());
        assertEquals(cwd.resolve("stores/a"), parse("store:\n  dir: stores/./a\n").storeDir());
        assertEquals(Path.of("stores/./a"), parse("store:\n  dir: stores/./a\n").store().dir());
    }
}
