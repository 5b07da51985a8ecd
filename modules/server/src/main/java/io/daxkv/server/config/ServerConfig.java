package io.daxkv.server.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.daxkv.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The network server's configuration: typed, checked, immutable.
 *
 * <p>Made by {@link #defaults()}, {@link #load(Path)} (YAML; the documented default file is
 * {@code config/daxkv.yaml}, also in this jar: {@link #defaultFileText()}) or {@link #parse},
 * then refined with {@link #withOverrides(Map)} (dotted keys, for command-line flags) or the typed
 * withers. Every way in checks everything and reports the first problem as a
 * {@link ConfigException} naming the source, the full dotted key, the bad value and what is
 * allowed. Every key has its default: a file, or a section of it, gives only what it changes.
 *
 * <p>Values: sizes are bytes ({@code long}), written as {@link Sizes} reads them (64M);
 * durations are {@link java.time.Duration}s, written as {@link Durations} reads them (30s); choices
 * are enums, written in lower case. Relative paths ({@code store.dir},
 * {@code server.auth-token-file}, {@code server.tls.cert-chain}, {@code server.tls.private-key})
 * are resolved against the server's working directory, not the file's directory.
 *
 * <p>Loading also reads {@code server.auth-token-file} and checks that the TLS files, when TLS is
 * on, are readable files, so a server that loaded its configuration fails on them at once and with
 * the key; their content is the server's to use ({@link ServerSettings#resolveAuthToken()}).
 *
 * <p>Across sections: {@code server.port} and {@code admin.port} differ (unless the admin port is
 * disabled, or either is 0). Within sections, see each record.
 *
 * @param store   {@code store}: the store and its {@link Options}
 * @param server  {@code server}: the client port, authentication, TLS
 * @param limits  {@code limits}: sizes, counts and timeouts per connection and in total
 * @param admin   {@code admin}: the loopback HTTP port for metrics and health
 * @param metrics {@code metrics}: what is measured
 */
public record ServerConfig(StoreSettings store, ServerSettings server, LimitSettings limits, AdminSettings admin,
        MetricsSettings metrics, RespSettings resp) {

    /** The documented default file's name, in {@code config/} of the repository and next to this class in the jar. */
    public static final String DEFAULT_FILE_NAME = "daxkv.yaml";

    private static final ServerConfig DEFAULTS = new ServerConfig(StoreSettings.defaults(), ServerSettings.defaults(),
            LimitSettings.defaults(), AdminSettings.defaults(), MetricsSettings.defaults(), RespSettings.defaults());

    public ServerConfig {
        Check.notNull("store", store);
        Check.notNull("server", server);
        Check.notNull("limits", limits);
        Check.notNull("admin", admin);
        Check.notNull("metrics", metrics);
        Check.notNull("resp", resp);
        if (admin.enabled() && admin.port() != 0 && admin.port() == server.port()) {
            throw ConfigException.invalid("admin.port", admin.port() + " is also server.port; the two ports must differ");
        }
        if (resp.enabled() && resp.port() != 0 && (resp.port() == server.port()
                || admin.enabled() && resp.port() == admin.port())) {
            throw ConfigException.invalid("resp.port", resp.port() + " is also " + (resp.port() == server.port()
                    ? "server.port" : "admin.port") + "; every port must differ");
        }
    }

    /** Every setting at its default: the values of the documented default file. */
    public static ServerConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Reads a YAML file over the defaults. Error messages start with {@code file} as given.
     *
     * @throws ConfigException when the file cannot be read, is not YAML, or holds anything unknown
     *                         or not allowed
     */
    public static ServerConfig load(Path file) {
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, 0, null, "does not exist", null);
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, 0, null, "is not UTF-8 text", null);
        } catch (IOException e) {
            throw new ConfigException(source, 0, null, "cannot be read: " + e, e);
        }
        return parse(text, source);
    }

    /**
     * Reads YAML text over the defaults; empty text (or only comments) is the defaults.
     *
     * @param sourceName what error messages start with, such as the file's name
     * @throws ConfigException as {@link #load}
     */
    public static ServerConfig parse(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        return ConfigReader.parse(yaml, Objects.requireNonNull(sourceName, "sourceName"), DEFAULTS);
    }

    /** {@link #withOverrides(Map, String)} with the source name "overrides". */
    public ServerConfig withOverrides(Map<String, String> dottedKeyToValue) {
        return withOverrides(dottedKeyToValue, "overrides");
    }

    /**
     * This configuration with some settings replaced, each given as its dotted key and its value as
     * it would be written in the file ({@code "server.port" -> "7500"},
     * {@code "limits.max-value" -> "1M"}, {@code "server.auth-token" -> ""} for none). Parsed and
     * checked exactly as the file is, and the whole result checked again; a key must name a
     * setting, not a section. Applied in the map's order; none of them when any is refused.
     *
     * @param sourceName what error messages start with, such as "command line"
     * @throws ConfigException naming the key
     */
    public ServerConfig withOverrides(Map<String, String> dottedKeyToValue, String sourceName) {
        Objects.requireNonNull(dottedKeyToValue, "dottedKeyToValue");
        if (dottedKeyToValue.isEmpty()) {
            return this;
        }
        return ConfigReader.override(dottedKeyToValue, Objects.requireNonNull(sourceName, "sourceName"), this);
    }

    /** Every setting's dotted key ({@code store.dir} ... {@code metrics.latency-histograms}), in file order. */
    public static List<String> keys() {
        return List.copyOf(ConfigReader.allKeys());
    }

    /** The documented default file (config/daxkv.yaml), as shipped in this jar: a starting point to edit. */
    public static String defaultFileText() {
        try (InputStream in = ServerConfig.class.getResourceAsStream(DEFAULT_FILE_NAME)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_FILE_NAME + " is missing from the daxkv-server jar");
            }
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------ withers

    public ServerConfig withStore(StoreSettings store) {
        return new ServerConfig(store, server, limits, admin, metrics, resp);
    }

    /** Also reads the token file and checks the TLS files, as loading does. */
    public ServerConfig withServer(ServerSettings server) {
        ServerConfig c = new ServerConfig(store, server, limits, admin, metrics, resp);
        c.checkFiles();
        return c;
    }

    public ServerConfig withLimits(LimitSettings limits) {
        return new ServerConfig(store, server, limits, admin, metrics, resp);
    }

    public ServerConfig withAdmin(AdminSettings admin) {
        return new ServerConfig(store, server, limits, admin, metrics, resp);
    }

    public ServerConfig withMetrics(MetricsSettings metrics) {
        return new ServerConfig(store, server, limits, admin, metrics, resp);
    }

    public ServerConfig withResp(RespSettings resp) {
        return new ServerConfig(store, server, limits, admin, metrics, resp);
    }

    /** {@code store.dir} replaced (tests: a temporary directory). */
    public ServerConfig withStoreDir(Path dir) {
        StoreSettings s = store;
        return withStore(new StoreSettings(dir, s.regionSize(), s.blockSize(), s.journalSize(), s.durability(),
                s.commitInterval(), s.verifyOnRead(), s.zeroer()));
    }

    /** {@code server.port} replaced; 0 lets the OS pick a free port (tests). */
    public ServerConfig withPort(int port) {
        ServerSettings s = server;
        return new ServerConfig(store, new ServerSettings(s.bind(), port, s.ioThreads(), s.transport(), s.allocator(),
                s.authToken(), s.authTokenFile(), s.tls()), limits, admin, metrics, resp);
    }

    /** {@code admin.port} replaced; 0 lets the OS pick a free port (tests). */
    public ServerConfig withAdminPort(int port) {
        return withAdmin(new AdminSettings(admin.enabled(), admin.bind(), port));
    }

    // ------------------------------------------------------------------------------ derived

    /** The store's {@link Options}: {@link StoreSettings#toOptions()}. */
    public Options toStoreOptions() {
        return store.toOptions();
    }

    /** {@code store.dir} resolved against the working directory: the directory the server opens. */
    public Path storeDir() {
        return store.resolvedDir();
    }

    /** The token clients must present, if any: {@link ServerSettings#resolveAuthToken()}. */
    public Optional<String> resolveAuthToken() {
        return server.resolveAuthToken();
    }

    /** The checks that read files: the token file's content, the TLS files' presence. */
    void checkFiles() {
        server.resolveAuthToken();
        TlsSettings tls = server.tls();
        if (tls.enabled()) {
            readableFile("server.tls.cert-chain", tls.certChain().orElseThrow());
            readableFile("server.tls.private-key", tls.privateKey().orElseThrow());
        }
    }

    private static void readableFile(String key, Path file) {
        Path abs = file.toAbsolutePath();
        if (!Files.exists(abs)) {
            throw ConfigException.invalid(key, abs + " does not exist");
        }
        if (!Files.isRegularFile(abs) || !Files.isReadable(abs)) {
            throw ConfigException.invalid(key, abs + " is not a readable file");
        }
    }
}
