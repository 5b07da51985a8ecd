package io.daxkv.server;

import io.daxkv.DaxKV;
import io.daxkv.Durability;
import io.daxkv.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A store in a temporary directory served on ephemeral loopback ports. */
final class TestServer implements AutoCloseable {

    final DaxKV kv;
    final DaxKVServer server;

    TestServer(Path dir, UnaryOperator<NetSettings> tweak) {
        kv = DaxKV.open(dir, Options.builder().regionSizeBytes(16L << 20).journalSizeBytes(16L << 20).build());
        server = DaxKVServer.start(kv, true, tweak.apply(settings()));
    }

    TestServer(Path dir) {
        this(dir, s -> s);
    }

    static NetSettings settings() {
        return new NetSettings("127.0.0.1", 0, 2, NetSettings.Transport.AUTO, NetSettings.Allocator.POOLED, null, null,
                Durability.ASYNC, 64, 2 << 20, 4096, 1 << 20, 100, 64, Duration.ofSeconds(30), Duration.ofSeconds(5),
                Duration.ofSeconds(5), 32 << 10, 64 << 10, Duration.ofSeconds(5), true, "127.0.0.1", 0, true);
    }

    java.net.InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }
}
