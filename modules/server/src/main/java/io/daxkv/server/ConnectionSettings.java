package io.daxkv.server;

import io.daxkv.Durability;
import io.daxkv.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;

/**
 * What each connection's handler reads on every request, taken once from the validated
 * {@link ServerConfig}: limits as ints, deadlines in nanoseconds, the token as bytes.
 */
record ConnectionSettings(
        int maxFrameBytes,
        int maxKeyBytes,
        int maxValueBytes,
        int maxScanEntries,
        int maxInFlight,
        long helloDeadlineNanos,
        long frameDeadlineNanos,
        long idleTimeoutMillis,
        Durability defaultDurability,
        byte[] token) {

    static ConnectionSettings of(ServerConfig c) {
        var l = c.limits();
        return new ConnectionSettings(
                Math.toIntExact(l.maxFrame()),
                Math.toIntExact(l.maxKey()),
                Math.toIntExact(l.maxValue()),
                l.maxScanEntries(),
                l.maxInFlightPerConnection(),
                l.helloDeadline().toNanos(),
                l.frameDeadline().toNanos(),
                l.idleTimeout().toMillis(),
                c.store().durability(),
                c.resolveAuthToken().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null));
    }
}
