package io.daxkv.server;

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

    static SslProvider provider(NetSettings.TlsProvider wanted) {
        return switch (wanted) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException("server.tls.provider is openssl but netty-tcnative did not load: "
                            + OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    static SslContext serverContext(NetSettings.Tls tls) {
        SslProvider provider = provider(tls.provider());
        try {
            SslContext ctx = SslContextBuilder.forServer(tls.certChain().toFile(), tls.privateKey().toFile())
                    .sslProvider(provider).build();
            LOG.info(() -> "TLS with " + provider + " from " + tls.certChain());
            return ctx;
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot set up TLS from server.tls.cert-chain " + tls.certChain()
                    + " and server.tls.private-key " + tls.privateKey() + ": " + e.getMessage(), e);
        }
    }
}
