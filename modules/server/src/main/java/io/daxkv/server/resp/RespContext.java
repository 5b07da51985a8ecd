package io.daxkv.server.resp;

import io.daxkv.Durability;
import io.daxkv.server.config.ServerConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every RESP connection shares: the limits and token from the server's config, taken once,
 * and the counters INFO reports.
 */
final class RespContext {

    /** Before AUTH (when a token is configured): enough for AUTH default token, nothing big. */
    static final int PRE_AUTH_MAX_ARGS = 8;
    static final int PRE_AUTH_MAX_BULK = (64 << 10) + 16;
    static final long PRE_AUTH_MAX_COMMAND = 128 << 10;
    /** Most SCAN cursors one connection keeps; the oldest is dropped beyond it. */
    static final int MAX_CURSORS = 1024;
    /** Most arguments of one command (Redis's default proto-max-multibulk-len). */
    static final int MAX_ARGS = 1024 * 1024;

    private final int maxKeyBytes;
    private final int maxValueBytes;
    private final long maxCommandBytes;
    private final int maxScanEntries;
    private final int maxInFlight;
    private final long commandDeadlineNanos;
    private final Durability durability;
    private final byte[] token;
    private final ServerConfig config;
    private final LongAdder commands = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final long startedNanos = System.nanoTime();

    RespContext(ServerConfig c) {
        this.config = c;
        this.maxKeyBytes = Math.toIntExact(c.limits().maxKey());
        this.maxValueBytes = Math.toIntExact(c.limits().maxValue());
        this.maxCommandBytes = c.limits().maxFrame();
        this.maxScanEntries = c.limits().maxScanEntries();
        this.maxInFlight = c.limits().maxInFlightPerConnection();
        this.commandDeadlineNanos = c.limits().frameDeadline().toNanos();
        this.durability = c.store().durability();
        this.token = c.resolveAuthToken().map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    int maxArgs() {
        return MAX_ARGS;
    }

    /** One argument: a key or a value, whichever limit is larger. */
    int maxBulkBytes() {
        return Math.max(maxKeyBytes, maxValueBytes);
    }

    long maxCommandBytes() {
        return maxCommandBytes;
    }

    int maxKeyBytes() {
        return maxKeyBytes;
    }

    int maxValueBytes() {
        return maxValueBytes;
    }

    int maxScanEntries() {
        return maxScanEntries;
    }

    int maxInFlight() {
        return maxInFlight;
    }

    long commandDeadlineNanos() {
        return commandDeadlineNanos;
    }

    Durability durability() {
        return durability;
    }

    byte[] token() {
        return token;
    }

    ServerConfig config() {
        return config;
    }

    void commandProcessed() {
        commands.increment();
    }

    long commandsProcessed() {
        return commands.sum();
    }

    void connectionOpened() {
        connections.increment();
    }

    long connectionsReceived() {
        return connections.sum();
    }

    long uptimeSeconds() {
        return (System.nanoTime() - startedNanos) / 1_000_000_000L;
    }
}
