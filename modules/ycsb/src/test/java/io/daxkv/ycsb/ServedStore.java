package io.daxkv.ycsb;

import io.daxkv.DaxKV;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A store in {@code dir} served in this JVM on an ephemeral loopback port, no admin port, small files. */
final class ServedStore implements AutoCloseable {

    final DaxKVServer server;

    /** {@code overrides}: dotted server config keys and values. */
    ServedStore(Path dir, Map<String, String> overrides) {
        Map<String, String> m = new HashMap<>(Map.of("server.port", "0", "admin.enabled", "false",
                "store.region-size", "16M", "store.journal-size", "16M"));
        m.putAll(overrides);
        ServerConfig config = ServerConfig.defaults().withOverrides(m, "test").withStoreDir(dir);
        server = DaxKVServer.start(DaxKV.open(dir, config.toStoreOptions()), true, config);
    }

    int port() {
        return server.address().getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
