package io.daxkv.server.config;

/**
 * {@code resp}: the Redis protocol (RESP2) listener, so Redis clients and tools can talk to the
 * store. Off by default. It listens on {@code server.bind} and shares the limits, the token and
 * the connection cap of the protocol port.
 *
 * @param enabled {@code resp.enabled}
 * @param port    {@code resp.port}: 1 to 65535, or 0 for a free port the OS picks (tests); not
 *                server.port or admin.port
 */
public record RespSettings(boolean enabled, int port) {
    /** The documented example port, one above Redis's 6379. */
    public static final int DEFAULT_PORT = 6380;

    public RespSettings {
        Check.range("resp.port", port, 0, 65535);
    }

    /** Off, 6380. */
    public static RespSettings defaults() {
        return new RespSettings(false, DEFAULT_PORT);
    }
}
