package io.daxkv.server.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code server.tls}: TLS on the client port. The admin port never uses TLS (it is loopback only).
 *
 * @param enabled    {@code server.tls.enabled}
 * @param certChain  {@code server.tls.cert-chain}: PEM file with the server's certificate first,
 *                   then any intermediates; required when enabled. Relative to the working directory.
 * @param privateKey {@code server.tls.private-key}: PEM file with the certificate's private key
 *                   (PKCS#8, unencrypted); required when enabled. Relative to the working directory.
 * @param provider   {@code server.tls.provider}
 */
public record TlsSettings(boolean enabled, Optional<Path> certChain, Optional<Path> privateKey, TlsProvider provider) {

    public TlsSettings {
        certChain = Check.notNull("server.tls.cert-chain", certChain).filter(p -> !p.toString().isEmpty());
        privateKey = Check.notNull("server.tls.private-key", privateKey).filter(p -> !p.toString().isEmpty());
        Check.notNull("server.tls.provider", provider);
        if (enabled && certChain.isEmpty()) {
            throw ConfigException.invalid("server.tls.cert-chain",
                    "is required when server.tls.enabled is true (a PEM file: certificate, then intermediates)");
        }
        if (enabled && privateKey.isEmpty()) {
            throw ConfigException.invalid("server.tls.private-key",
                    "is required when server.tls.enabled is true (a PEM file with the PKCS#8 private key)");
        }
    }

    /** Off, no files, provider auto. */
    public static TlsSettings defaults() {
        return new TlsSettings(false, Optional.empty(), Optional.empty(), TlsProvider.AUTO);
    }
}
