package io.daxkv.client;

import io.daxkv.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link DaxKVClient}, built with {@link #builder()}. Each setter checks its value
 * at once and throws {@link IllegalArgumentException} naming the setting; the built options are
 * immutable.
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder()
 *         .host("db1.example.com").port(7420)
 *         .connections(2)
 *         .requestTimeout(Duration.ofSeconds(2))
 *         .authToken(System.getenv("DAXKV_TOKEN"))
 *         .tlsTrustedCertificates(Path.of("/etc/daxkv/ca.pem"))
 *         .build();
 * }</pre>
 */
public final class ClientOptions {

    /** Most pooled connections one client opens. */
    public static final int MAX_CONNECTIONS = 64;
    /** Most I/O threads one client starts. */
    public static final int MAX_IO_THREADS = 64;
    /** Largest {@link #maxInFlightPerConnection()}. */
    public static final int MAX_IN_FLIGHT_PER_CONNECTION = 1 << 20;
    /** Most retries of an idempotent request. */
    public static final int MAX_RETRIES = 100;
    /** Smallest response frame limit: room for a Hello answer and an error message. */
    public static final int MIN_FRAME_BYTES = 4096;
    /** Default response frame limit: a 64 MiB value plus room for the message around it. */
    public static final int DEFAULT_MAX_FRAME_BYTES = (64 << 20) + (64 << 10);

    private final String host;
    private final int port;
    private final int connections;
    private final int ioThreads;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final int maxInFlightPerConnection;
    private final String authToken;
    private final boolean tls;
    private final Path tlsTrustedCertificates;
    private final boolean tlsHostnameVerification;
    private final Duration reconnectInitialBackoff;
    private final Duration reconnectMaxBackoff;
    private final int maxRetries;
    private final int maxFrameBytes;
    private final String clientName;
    private final boolean nativeTransport;

    private ClientOptions(Builder b) {
        host = b.host;
        port = b.port;
        connections = b.connections;
        ioThreads = b.ioThreads;
        requestTimeout = b.requestTimeout;
        connectTimeout = b.connectTimeout;
        maxInFlightPerConnection = b.maxInFlightPerConnection;
        authToken = b.authToken;
        tls = b.tls;
        tlsTrustedCertificates = b.tlsTrustedCertificates;
        tlsHostnameVerification = b.tlsHostnameVerification;
        reconnectInitialBackoff = b.reconnectInitialBackoff;
        reconnectMaxBackoff = b.reconnectMaxBackoff;
        maxRetries = b.maxRetries;
        maxFrameBytes = b.maxFrameBytes;
        clientName = b.clientName;
        nativeTransport = b.nativeTransport;
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.connections = connections;
        b.ioThreads = ioThreads;
        b.requestTimeout = requestTimeout;
        b.connectTimeout = connectTimeout;
        b.maxInFlightPerConnection = maxInFlightPerConnection;
        b.authToken = authToken;
        b.tls = tls;
        b.tlsTrustedCertificates = tlsTrustedCertificates;
        b.tlsHostnameVerification = tlsHostnameVerification;
        b.reconnectInitialBackoff = reconnectInitialBackoff;
        b.reconnectMaxBackoff = reconnectMaxBackoff;
        b.maxRetries = maxRetries;
        b.maxFrameBytes = maxFrameBytes;
        b.clientName = clientName;
        b.nativeTransport = nativeTransport;
        return b;
    }

    /** The server's host name or address; default {@code 127.0.0.1}. */
    public String host() {
        return host;
    }

    /** The server's port; default {@value io.daxkv.protocol.Protocol#DEFAULT_PORT}. */
    public int port() {
        return port;
    }

    /** {@code host:port}, as error messages name the server. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Pooled connections; requests are spread round-robin over the live ones. Default 1. */
    public int connections() {
        return connections;
    }

    /** Netty I/O threads; each connection stays on one. Default 1. */
    public int ioThreads() {
        return ioThreads;
    }

    /** Time from a call until its future fails with a timeout, retries and waiting included. Default 10 s. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Time allowed for one connection's TCP connect, TLS handshake and Hello together. Default 5 s. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Requests in flight on one connection before new requests fail with {@code Overloaded}. Default 1024. */
    public int maxInFlightPerConnection() {
        return maxInFlightPerConnection;
    }

    /** The token sent in the Hello, or null when none is configured. */
    public String authToken() {
        return authToken;
    }

    /** Whether connections use TLS. Default false. */
    public boolean tls() {
        return tls;
    }

    /** PEM file of the certificates to trust, or null to use the JDK's default trust store. */
    public Path tlsTrustedCertificates() {
        return tlsTrustedCertificates;
    }

    /** Whether the server's certificate must name {@link #host()}. Default true. */
    public boolean tlsHostnameVerification() {
        return tlsHostnameVerification;
    }

    /** Delay before the first reconnect attempt after a connection drops. Default 50 ms. */
    public Duration reconnectInitialBackoff() {
        return reconnectInitialBackoff;
    }

    /** Longest delay between reconnect attempts (it doubles from the initial one). Default 5 s. */
    public Duration reconnectMaxBackoff() {
        return reconnectMaxBackoff;
    }

    /** How often an idempotent request (get, scan, ping, stats, sync) is resent after its connection dropped. Default 2. */
    public int maxRetries() {
        return maxRetries;
    }

    /** Largest response frame accepted; a longer one closes the connection. Default 64 MiB + 64 KiB. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** The name sent in the Hello, for the server's log and metrics. Default {@code daxkv-java-client}. */
    public String clientName() {
        return clientName;
    }

    /** Whether to use native epoll when it is available (NIO otherwise). Default true. */
    public boolean nativeTransport() {
        return nativeTransport;
    }

    @Override
    public String toString() {
        return "ClientOptions[address=" + address() + ", connections=" + connections + ", ioThreads=" + ioThreads
                + ", requestTimeout=" + requestTimeout + ", connectTimeout=" + connectTimeout
                + ", maxInFlightPerConnection=" + maxInFlightPerConnection
                + ", authToken=" + (authToken == null ? "none" : "(set)") + ", tls=" + tls
                + (tls ? ", tlsTrustedCertificates=" + (tlsTrustedCertificates == null ? "JDK default"
                        : tlsTrustedCertificates) + ", tlsHostnameVerification=" + tlsHostnameVerification : "")
                + ", reconnectBackoff=" + reconnectInitialBackoff + ".." + reconnectMaxBackoff
                + ", maxRetries=" + maxRetries + ", maxFrameBytes=" + maxFrameBytes
                + ", clientName=" + clientName + ", nativeTransport=" + nativeTransport + "]";
    }

    /** Builds {@link ClientOptions}; each setter checks its argument and names it in the error. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = Protocol.DEFAULT_PORT;
        private int connections = 1;
        private int ioThreads = 1;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxInFlightPerConnection = 1024;
        private String authToken;
        private boolean tls;
        private Path tlsTrustedCertificates;
        private boolean tlsHostnameVerification = true;
        private Duration reconnectInitialBackoff = Duration.ofMillis(50);
        private Duration reconnectMaxBackoff = Duration.ofSeconds(5);
        private int maxRetries = 2;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private String clientName = "daxkv-java-client";
        private boolean nativeTransport = true;

        private Builder() {
        }

        /** The server's host name or address. */
        public Builder host(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host.strip();
            return this;
        }

        /** The server's port, 1 to 65535. */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be between 1 and 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** Pooled connections, 1 to {@value ClientOptions#MAX_CONNECTIONS}. */
        public Builder connections(int connections) {
            if (connections < 1 || connections > MAX_CONNECTIONS) {
                throw new IllegalArgumentException(
                        "connections must be between 1 and " + MAX_CONNECTIONS + ": " + connections);
            }
            this.connections = connections;
            return this;
        }

        /** Netty I/O threads, 1 to {@value ClientOptions#MAX_IO_THREADS}; more than {@link #connections} are never used. */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 1 || ioThreads > MAX_IO_THREADS) {
                throw new IllegalArgumentException("ioThreads must be between 1 and " + MAX_IO_THREADS + ": " + ioThreads);
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /** Per-request timeout (positive); {@link DaxKVClient#withTimeout} overrides it per call site. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive("requestTimeout", requestTimeout);
            return this;
        }

        /** Time for one connection's TCP connect, TLS handshake and Hello (positive, under 24 days). */
        public Builder connectTimeout(Duration connectTimeout) {
            positive("connectTimeout", connectTimeout);
            if (connectTimeout.toMillis() >= Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connectTimeout must be under " + Integer.MAX_VALUE + " ms: " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Requests in flight per connection, 1 to {@value ClientOptions#MAX_IN_FLIGHT_PER_CONNECTION}. */
        public Builder maxInFlightPerConnection(int maxInFlightPerConnection) {
            if (maxInFlightPerConnection < 1 || maxInFlightPerConnection > MAX_IN_FLIGHT_PER_CONNECTION) {
                throw new IllegalArgumentException("maxInFlightPerConnection must be between 1 and "
                        + MAX_IN_FLIGHT_PER_CONNECTION + ": " + maxInFlightPerConnection);
            }
            this.maxInFlightPerConnection = maxInFlightPerConnection;
            return this;
        }

        /** The token the server requires, or null (or empty) for none. */
        public Builder authToken(String authToken) {
            this.authToken = authToken == null || authToken.isEmpty() ? null : authToken;
            return this;
        }

        /** Turns TLS on or off; on with no trusted certificates set uses the JDK's default trust store. */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * Turns TLS on and trusts the certificates of this PEM file (a CA, or the server's own
         * self-signed certificate) instead of the JDK's default trust store; null goes back to
         * the default. The file must exist and be readable now.
         */
        public Builder tlsTrustedCertificates(Path pemFile) {
            if (pemFile != null) {
                if (!Files.isRegularFile(pemFile) || !Files.isReadable(pemFile)) {
                    throw new IllegalArgumentException(
                            "tlsTrustedCertificates must be a readable PEM file: " + pemFile.toAbsolutePath());
                }
                this.tls = true;
            }
            this.tlsTrustedCertificates = pemFile;
            return this;
        }

        /**
         * Whether the server's certificate must name the host connected to (on by default).
         * Turning it off accepts any trusted certificate, which lets anyone holding one stand
         * in for the server.
         */
        public Builder tlsHostnameVerification(boolean verify) {
            this.tlsHostnameVerification = verify;
            return this;
        }

        /**
         * Reconnect delays: the first after {@code initial}, doubling up to {@code max}, each
         * picked at random between half the step and the whole (jitter, so many clients do
         * not reconnect in step). Both positive, {@code max >= initial}.
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            positive("reconnectBackoff initial", initial);
            positive("reconnectBackoff max", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "reconnectBackoff max (" + max + ") must not be less than initial (" + initial + ")");
            }
            this.reconnectInitialBackoff = initial;
            this.reconnectMaxBackoff = max;
            return this;
        }

        /** Retries of an idempotent request whose connection dropped, 0 to {@value ClientOptions#MAX_RETRIES}. */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > MAX_RETRIES) {
                throw new IllegalArgumentException("maxRetries must be between 0 and " + MAX_RETRIES + ": " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /** Largest response frame accepted, at least {@value ClientOptions#MIN_FRAME_BYTES}. */
        public Builder maxFrameBytes(int maxFrameBytes) {
            if (maxFrameBytes < MIN_FRAME_BYTES) {
                throw new IllegalArgumentException("maxFrameBytes must be at least " + MIN_FRAME_BYTES + ": " + maxFrameBytes);
            }
            this.maxFrameBytes = maxFrameBytes;
            return this;
        }

        /** The name sent in the Hello (at most 256 characters). */
        public Builder clientName(String clientName) {
            Objects.requireNonNull(clientName, "clientName");
            if (clientName.length() > 256) {
                throw new IllegalArgumentException("clientName must be at most 256 characters: " + clientName.length());
            }
            this.clientName = clientName;
            return this;
        }

        /** Whether to use native epoll when available (default true); false always uses NIO. */
        public Builder nativeTransport(boolean nativeTransport) {
            this.nativeTransport = nativeTransport;
            return this;
        }

        public ClientOptions build() {
            return new ClientOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + d);
            }
            return d;
        }
    }
}
