package io.daxkv.server;

import io.daxkv.Durability;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the network server needs to know, already validated. Built from the YAML config by the
 * config package; tests build it directly.
 */
public record NetSettings(
        String bind,
        int port,
        int ioThreads,
        Transport transport,
        Allocator allocator,
        String authToken,
        Tls tls,
        Durability defaultDurability,
        int maxConnections,
        int maxFrameBytes,
        int maxKeyBytes,
        int maxValueBytes,
        int maxScanEntries,
        int maxInFlightPerConnection,
        Duration idleTimeout,
        Duration frameDeadline,
        Duration helloDeadline,
        int writeBufferLowBytes,
        int writeBufferHighBytes,
        Duration shutdownGrace,
        boolean adminEnabled,
        String adminBind,
        int adminPort,
        boolean latencyHistograms) {

    /** Which Netty transport carries the connections. */
    public enum Transport { AUTO, EPOLL, NIO }

    /** Which buffer allocator the channels use. */
    public enum Allocator { POOLED, ADAPTIVE }

    /** Which TLS implementation. */
    public enum TlsProvider { AUTO, OPENSSL, JDK }

    /** TLS from PEM files; null in {@link NetSettings#tls()} when TLS is off. */
    public record Tls(Path certChain, Path privateKey, TlsProvider provider) {
    }

    /** Whether a token is required in the hello. */
    public boolean authRequired() {
        return authToken != null && !authToken.isEmpty();
    }
}
