package io.daxkv.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * {@code admin}: the HTTP port for metrics and health. It has no authentication, so it binds to a
 * loopback address only; reach it from elsewhere through something that authenticates.
 *
 * @param enabled {@code admin.enabled}
 * @param bind    {@code admin.bind}: a loopback address (127.0.0.0/8, ::1, localhost)
 * @param port    {@code admin.port}: 1 to 65535, or 0 for a free port the OS picks (tests); not
 *                server.port
 */
public record AdminSettings(boolean enabled, InetAddress bind, int port) {
    /** The default admin port. */
    public static final int DEFAULT_PORT = 7421;

    public AdminSettings {
        Check.notNull("admin.bind", bind);
        if (!bind.isLoopbackAddress()) {
            throw ConfigException.invalid("admin.bind", Addresses.format(bind) + " is not a loopback address;"
                    + " the admin port has no authentication, so it binds to 127.0.0.1, ::1 or localhost only");
        }
        Check.range("admin.port", port, 0, 65535);
    }

    /** Enabled, 127.0.0.1:7421. */
    public static AdminSettings defaults() {
        return new AdminSettings(true, Addresses.loopback4(), DEFAULT_PORT);
    }

    /** {@link #bind()} and {@link #port()}. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(bind, port);
    }
}
