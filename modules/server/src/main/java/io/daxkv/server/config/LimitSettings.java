package io.daxkv.server.config;

import io.daxkv.DaxKV;
import java.time.Duration;

/**
 * {@code limits}: what one client, and all of them together, may ask of the server. Sizes are
 * bytes; every size fits in an {@code int} (at most 1 GiB).
 *
 * @param maxConnections           {@code limits.max-connections}: open client connections, 1 to
 *                                 1,000,000; more are accepted and closed at once
 * @param maxFrame                 {@code limits.max-frame}: the largest frame a client may send, the
 *                                 length its varint prefix declares (prefix not counted); at least
 *                                 max-key + max-value + {@link #FRAME_OVERHEAD} and at most 1 GiB
 * @param maxKey                   {@code limits.max-key}: 1 B to 64 KiB, the engine's limit
 *                                 ({@link DaxKV#MAX_KEY_BYTES})
 * @param maxValue                 {@code limits.max-value}: 0 B to 64 MiB, the engine's limit
 *                                 ({@link DaxKV#MAX_VALUE_BYTES})
 * @param maxScanEntries           {@code limits.max-scan-entries}: entries one scan response holds,
 *                                 1 to 1,000,000
 * @param maxInFlightPerConnection {@code limits.max-in-flight-per-connection}: requests of one
 *                                 connection being worked on before the server stops reading
 *                                 from it, 1 to 65536
 * @param idleTimeout              {@code limits.idle-timeout}: a connection with no frame for this
 *                                 long is closed; {@link Duration#ZERO} is never
 * @param frameDeadline            {@code limits.frame-deadline}: a frame once started must be
 *                                 received within this, else the connection is closed; more than 0
 * @param helloDeadline            {@code limits.hello-deadline}: a new connection must have sent its
 *                                 Hello within this; more than 0
 * @param writeBufferLow           {@code limits.write-buffer-low}: a connection whose unsent responses
 *                                 fell back below this is read from again; 0 to 1 GiB
 * @param writeBufferHigh          {@code limits.write-buffer-high}: a connection with this much
 *                                 unsent response data is not read from; more than write-buffer-low,
 *                                 at most 1 GiB
 * @param shutdownGrace            {@code limits.shutdown-grace}: how long a stopping server lets
 *                                 requests in progress finish before closing connections; 0 or more
 */
public record LimitSettings(int maxConnections, long maxFrame, long maxKey, long maxValue, int maxScanEntries,
        int maxInFlightPerConnection, Duration idleTimeout, Duration frameDeadline, Duration helloDeadline,
        long writeBufferLow, long writeBufferHigh, Duration shutdownGrace) {

    /** Room in a frame beyond the key and value of a put: request id, field tags and lengths, options. */
    public static final long FRAME_OVERHEAD = 1L << 10;
    /** Largest size setting: every size fits in an int (Netty takes ints). */
    public static final long MAX_SIZE = 1L << 30;
    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final int MAX_SCAN_ENTRIES = 1_000_000;
    public static final int MAX_IN_FLIGHT_PER_CONNECTION = 65536;

    public LimitSettings {
        Check.range("limits.max-connections", maxConnections, 1, MAX_CONNECTIONS);
        if (maxKey < 1 || maxKey > DaxKV.MAX_KEY_BYTES) {
            throw ConfigException.invalid("limits.max-key", Sizes.format(maxKey) + " is out of range 1.."
                    + Sizes.format(DaxKV.MAX_KEY_BYTES) + " (the engine's limit)");
        }
        if (maxValue < 0 || maxValue > DaxKV.MAX_VALUE_BYTES) {
            throw ConfigException.invalid("limits.max-value", Sizes.format(maxValue) + " is out of range 0.."
                    + Sizes.format(DaxKV.MAX_VALUE_BYTES) + " (the engine's limit)");
        }
        long needed = maxKey + maxValue + FRAME_OVERHEAD;
        if (maxFrame < needed) {
            throw ConfigException.invalid("limits.max-frame", Sizes.format(maxFrame)
                    + " is too small: a frame must hold limits.max-key (" + Sizes.format(maxKey)
                    + ") + limits.max-value (" + Sizes.format(maxValue) + ") + " + Sizes.format(FRAME_OVERHEAD)
                    + " of frame overhead, so it must be at least " + Sizes.format(needed)
                    + (Sizes.format(needed).equals(Long.toString(needed)) ? "" : " (" + needed + " bytes)"));
        }
        Check.sizeRange("limits.max-frame", maxFrame, needed, MAX_SIZE);
        Check.range("limits.max-scan-entries", maxScanEntries, 1, MAX_SCAN_ENTRIES);
        Check.range("limits.max-in-flight-per-connection", maxInFlightPerConnection, 1, MAX_IN_FLIGHT_PER_CONNECTION);
        Check.notNegative("limits.idle-timeout", idleTimeout);
        Check.positive("limits.frame-deadline", frameDeadline);
        Check.positive("limits.hello-deadline", helloDeadline);
        Check.sizeRange("limits.write-buffer-low", writeBufferLow, 0, MAX_SIZE - 1);
        Check.sizeRange("limits.write-buffer-high", writeBufferHigh, 1, MAX_SIZE);
        if (writeBufferHigh <= writeBufferLow) {
            throw ConfigException.invalid("limits.write-buffer-high", Sizes.format(writeBufferHigh)
                    + " must be more than limits.write-buffer-low (" + Sizes.format(writeBufferLow) + ")");
        }
        Check.notNegative("limits.shutdown-grace", shutdownGrace);
    }

    /** The values documented in config/daxkv.yaml. */
    public static LimitSettings defaults() {
        return new LimitSettings(1024, 17L << 20, 64L << 10, 16L << 20, 1000, 1024, Duration.ofSeconds(300),
                Duration.ofSeconds(30), Duration.ofSeconds(10), 256L << 10, 1L << 20, Duration.ofSeconds(30));
    }

    /** Whether idle connections are closed ({@link #idleTimeout()} is not 0). */
    public boolean idleTimeoutEnabled() {
        return !idleTimeout.isZero();
    }
}
