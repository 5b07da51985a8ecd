package io.daxkv.cli;

import io.daxkv.DaxKV;
import io.daxkv.client.ClientOptions;
import io.daxkv.client.DaxKVClient;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** A command on the data of an existing store: put, get, del, scan. */
abstract class DataCommand extends BaseCommand {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "the store directory (default: ./data); must hold a store made by 'daxkv format'")
    Path dir;

    @Option(names = "--host", paramLabel = "HOST",
            description = "talk to the daxkv server on HOST instead of opening a store")
    String host;

    @Option(names = "--port", paramLabel = "P", description = "the server's port, with --host (default: 7420)")
    Integer port;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "with --host: send the token in FILE (for a server that requires one)")
    Path authTokenFile;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "with --host: use TLS, trusting the certificates in PEM (default: no TLS)")
    Path tlsCa;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "with --host: how long one request may take (default: ${DEFAULT-VALUE})")
    String timeout;

    /** {@code --dir}, or ./data when it is not given. */
    Path storeDir() {
        return dir != null ? dir : Path.of("./data");
    }

    /**
     * The store in {@code --dir}, or the server at {@code --host}; writes are SYNC when
     * {@code sync}, else the store's (the server's) default.
     */
    Target open(boolean sync) {
        if (host == null) {
            if (port != null || authTokenFile != null || tlsCa != null) {
                throw CliException.usage("--port, --auth-token-file and --tls-ca go with --host");
            }
            return Target.local(openExisting(storeDir(), options(sync)));
        }
        if (dir != null) {
            throw CliException.usage("give --dir (a store opened here) or --host (a server), not both");
        }
        java.time.Duration requestTimeout;
        try {
            requestTimeout = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--timeout: " + e.getMessage());
        }
        if (requestTimeout.isZero()) {
            throw CliException.usage("--timeout must be more than 0, e.g. 10s");
        }
        ClientOptions.Builder b = ClientOptions.builder().host(host).connections(1)
                .requestTimeout(requestTimeout).clientName("daxkv-cli/" + DaxKVServer.VERSION);
        if (port != null) {
            b.port(port);
        }
        if (authTokenFile != null) {
            b.authToken(readToken(authTokenFile));
        }
        if (tlsCa != null) {
            b.tls(true).tlsTrustedCertificates(tlsCa);
        }
        return Target.remote(DaxKVClient.connect(b.build()), sync);
    }

    private static String readToken(Path file) {
        try {
            String t = Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
            if (t.isEmpty()) {
                throw CliException.usage("--auth-token-file " + file + " is empty");
            }
            return t;
        } catch (java.io.IOException e) {
            throw CliException.usage("cannot read --auth-token-file " + file + ": " + e.getMessage());
        }
    }

    /** The bytes of a KEY argument, checked against the key limits before the store is opened. */
    static byte[] keyBytes(String key, String what) {
        byte[] k = Text.argBytes(key, what);
        if (k.length == 0) {
            throw CliException.usage(what + " must not be empty");
        }
        if (k.length > DaxKV.MAX_KEY_BYTES) {
            throw CliException.usage(what + " is " + k.length + " bytes, over the limit of "
                    + DaxKV.MAX_KEY_BYTES + " bytes");
        }
        return k;
    }
}
