package io.daxkv.server;

/**
 * The server could not start: a port in use, an address that cannot be bound, TLS files that do
 * not load, a transport or TLS provider asked for that is not available here. The message names
 * the setting to change.
 */
public final class ServerStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }

    public ServerStartException(String message) {
        super(message);
    }
}
