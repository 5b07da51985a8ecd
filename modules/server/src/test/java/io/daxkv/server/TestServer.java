package io.daxkv.server;

import io.daxkv.DaxKV;
import io.daxkv.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A store in a temporary directory served on ephemeral loopback ports with small limits. */
final class TestServer implements AutoCloseable {

    final DaxKV kv;
    final DaxKVServer server;

    /** {@code overrides}: dotted config keys and values, on top of {@link #config()}. */
    TestServer(Path dir, Map<String, String> overrides) {
        ServerConfig c = config(overrides).withStoreDir(dir);
        kv = DaxKV.open(dir, c.toStoreOptions());
        server = DaxKVServer.start(kv, true, c);
    }

    TestServer(Path dir) {
        this(dir, Map.of());
    }

    /** The tests' configuration: ephemeral ports, 16 MiB regions and journal, small limits. */
    static ServerConfig config() {
        return config(Map.of());
    }

    static ServerConfig config(Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>(Map.of(
                "server.port", "0", "admin.port", "0", "server.io-threads", "2",
                "store.region-size", "16M", "store.journal-size", "16M",
                "limits.max-connections", "64", "limits.max-frame", "2M", "limits.max-key", "4K",
                "limits.max-value", "1M", "limits.max-scan-entries", "100"));
        m.putAll(Map.of("limits.max-in-flight-per-connection", "64", "limits.frame-deadline", "5s",
                "limits.hello-deadline", "5s", "limits.write-buffer-low", "32K", "limits.write-buffer-high", "64K",
                "limits.shutdown-grace", "5s", "limits.idle-timeout", "30s"));
        m.putAll(overrides);
        return ServerConfig.defaults().withOverrides(m, "test");
    }

    java.net.InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
