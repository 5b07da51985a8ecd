package io.daxkv.server.config;

/** {@code server.tls.provider}: which TLS implementation encrypts the connections. */
public enum TlsProvider {
    /** OpenSSL (BoringSSL, netty-tcnative) when its native library loads, the JDK's otherwise. */
    AUTO,
    /** OpenSSL (BoringSSL, netty-tcnative); the server fails to start when it does not load. */
    OPENSSL,
    /** The JDK's own TLS ({@code SSLEngine}). */
    JDK
}
