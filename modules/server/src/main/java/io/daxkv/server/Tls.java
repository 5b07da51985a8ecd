package io.daxkv.server;

import io.daxkv.server.config.TlsProvider;
import io.daxkv.server.config.TlsSettings;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/** The server's TLS context from PEM files: BoringSSL (netty-tcnative) when it loads, else the JDK. */
final class Tls {

    private static final Logger LOG = Logger.getLogger(Tls.class.getName());

    private Tls() {
    }

    static SslProvider provider(TlsProvider wanted) {
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new ServerStartException("server.tls.provider is openssl but netty-tcnative did not load: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    static SslContext serverContext(TlsSettings tls) {
        SslProvider provider = provider(tls.provider());
        java.nio.file.Path chain = tls.certChain().orElseThrow();
        java.nio.file.Path key = tls.privateKey().orElseThrow();
        try {
            SslContext ctx = SslContextBuilder.forServer(chain.toFile(), key.toFile()).sslProvider(provider).build();
            LOG.info(() -> "TLS with " + provider + " from " + chain);
            return ctx;
        } catch (SSLException | IllegalArgumentException e) {
            throw new ServerStartException("cannot set up TLS from server.tls.cert-chain " + chain
                    + " and server.tls.private-key " + key + ": " + e.getMessage(), e);
        }
    }
}
