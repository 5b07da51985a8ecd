package io.daxkv.client;

import io.daxkv.protocol.Status;
import java.time.Duration;

/**
 * The one unchecked exception root of the client. Every failure a future completes with (and
 * the {@link BlockingClient} throws) is one of the nested subtypes, so callers can tell them
 * apart with one {@code catch} per kind. Null arguments are the exception: they throw
 * {@link NullPointerException} at once, naming the argument.
 *
 * <h2>Did my write happen?</h2>
 * A write that failed with {@link ServerError} or any {@link InvalidArgument} was not applied.
 * A write that failed with {@link Timeout} or {@link ConnectionLost} after it was
 * {@linkplain Timeout#sent() sent} may or may not have been applied: the server may have
 * applied it and the answer been lost. The client never resends such a write (see
 * {@link DaxKVClient}); read the key to find out.
 */
public class DaxKVClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DaxKVClientException(String message) {
        super(message);
    }

    DaxKVClientException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The server answered with a status other than OK. {@link #status()} says which; for a
     * write, the server did not apply it.
     *
     * <ul>
     *   <li>{@code TOO_LARGE}: a key, value, batch or frame over a server limit.</li>
     *   <li>{@code BAD_REQUEST}: the request was invalid (the message names the field).</li>
     *   <li>{@code READ_ONLY}: a flush failed on the server; it refuses writes until reopened.</li>
     *   <li>{@code SHUTTING_DOWN}: the server takes no new requests (reads are retried on another
     *       connection; writes fail with this and may be sent again by the caller).</li>
     *   <li>{@code OVERLOADED}: a server-side limit on work in progress; retry later.</li>
     *   <li>{@code UNAUTHENTICATED}, {@code UNSUPPORTED_VERSION}: the Hello was refused (reported
     *       as the cause of a {@link ConnectFailed}).</li>
     *   <li>{@code STORE_ERROR}, {@code INTERNAL}: the server failed; its log says more.</li>
     * </ul>
     */
    public static class ServerError extends DaxKVClientException {
        private static final long serialVersionUID = 1L;
        private final Status status;
        private final String serverMessage;
        private final String operation;

        ServerError(String operation, Status status, String serverMessage, String address) {
            super(operation + " failed on " + address + ": " + status
                    + (serverMessage.isEmpty() ? "" : ": " + serverMessage));
            this.status = status;
            this.serverMessage = serverMessage;
            this.operation = operation;
        }

        /** The status the server answered with, never {@code OK}. */
        public Status status() {
            return status;
        }

        /** The server's explanation (may be empty). */
        public String serverMessage() {
            return serverMessage;
        }

        /** The operation, e.g. {@code "put"}. */
        public String operation() {
            return operation;
        }
    }

    /**
     * No answer arrived within the request's timeout.
     *
     * <p>When {@link #sent()} is true the request reached the connection; for a write the
     * outcome is <b>unknown</b>: the server may have applied it. When false, no connection was
     * available during the whole timeout and the request was never sent (so not applied).
     * Reads that timed out may be issued again freely.
     */
    public static class Timeout extends DaxKVClientException {
        private static final long serialVersionUID = 1L;
        private final long requestId;
        private final String operation;
        private final Duration timeout;
        private final boolean sent;

        Timeout(String message, long requestId, String operation, Duration timeout, boolean sent, Throwable cause) {
            super(message, cause);
            this.requestId = requestId;
            this.operation = operation;
            this.timeout = timeout;
            this.sent = sent;
        }

        /** The id the request carried on the wire. */
        public long requestId() {
            return requestId;
        }

        /** The operation, e.g. {@code "put"}. */
        public String operation() {
            return operation;
        }

        /** The timeout that expired. */
        public Duration timeout() {
            return timeout;
        }

        /** Whether the request was written to a connection (for a write: outcome unknown). */
        public boolean sent() {
            return sent;
        }
    }

    /**
     * The client's own limit on requests in flight was reached
     * ({@link ClientOptions#maxInFlightPerConnection()} on every live connection, or as many
     * requests already waiting for a connection). Nothing was sent; the request fails at once
     * instead of blocking the caller. Retry after some of the outstanding futures complete.
     */
    public static class Overloaded extends DaxKVClientException {
        private static final long serialVersionUID = 1L;
        private final int limit;

        Overloaded(String message, int limit) {
            super(message);
            this.limit = limit;
        }

        /** The limit that was reached. */
        public int limit() {
            return limit;
        }
    }

    /**
     * The connection dropped (or was closed because the server sent something unreadable) while
     * the request was in flight. For a write the outcome is <b>unknown</b>: the server may have
     * applied it before the connection dropped. Reads get this only after
     * {@link ClientOptions#maxRetries()} retries on other connections failed too.
     */
    public static class ConnectionLost extends DaxKVClientException {
        private static final long serialVersionUID = 1L;
        private final String operation;

        ConnectionLost(String message, String operation, Throwable cause) {
            super(message, cause);
            this.operation = operation;
        }

        /** The operation, e.g. {@code "put"}. */
        public String operation() {
            return operation;
        }
    }

    /** The client was closed before the request completed, or before it was made. */
    public static class Closed extends DaxKVClientException {
        private static final long serialVersionUID = 1L;

        Closed(String message) {
            super(message);
        }
    }

    /**
     * Connecting failed: the address refused or did not answer within
     * {@link ClientOptions#connectTimeout()}, the TLS handshake failed, or the server refused
     * the Hello (the cause is then a {@link ServerError} with {@code UNSUPPORTED_VERSION} or
     * {@code UNAUTHENTICATED}). Thrown by {@link DaxKVClient#connect}; after the first connect,
     * the same failures only delay the background reconnect.
     */
    public static class ConnectFailed extends DaxKVClientException {
        private static final long serialVersionUID = 1L;
        private final String address;

        ConnectFailed(String address, String message, Throwable cause) {
            super(message, cause);
            this.address = address;
        }

        /** {@code host:port} that was tried. */
        public String address() {
            return address;
        }
    }

    /** An argument out of its documented range (an empty key, a negative scan limit, an empty batch). */
    public static class InvalidArgument extends DaxKVClientException {
        private static final long serialVersionUID = 1L;

        InvalidArgument(String message) {
            super(message);
        }
    }

    /**
     * A key, value or request over a limit the server stated in its Hello; the request was
     * not sent. The message names the size and the limit.
     */
    public static class LimitExceeded extends InvalidArgument {
        private static final long serialVersionUID = 1L;
        private final long sizeBytes;
        private final long limitBytes;

        LimitExceeded(String what, long sizeBytes, long limitBytes) {
            super(what + " of " + sizeBytes + " bytes exceeds the server's limit of " + limitBytes + " bytes");
            this.sizeBytes = sizeBytes;
            this.limitBytes = limitBytes;
        }

        /** The size of the key, value or request. */
        public long sizeBytes() {
            return sizeBytes;
        }

        /** The server's limit. */
        public long limitBytes() {
            return limitBytes;
        }
    }

    /**
     * The server answered something this client cannot read: a response frame that does not
     * parse, or a result of the wrong kind. A frame that does not parse closes the connection
     * (requests in flight on it then fail with {@link ConnectionLost}).
     */
    public static class ProtocolError extends DaxKVClientException {
        private static final long serialVersionUID = 1L;

        ProtocolError(String message) {
            super(message);
        }
    }

    /**
     * A {@link BlockingClient} call was interrupted while waiting; the thread's interrupt flag
     * is set again. The request itself was not cancelled: a write may still be applied.
     */
    public static class Interrupted extends DaxKVClientException {
        private static final long serialVersionUID = 1L;

        Interrupted(String message, InterruptedException cause) {
            super(message, cause);
        }
    }
}
