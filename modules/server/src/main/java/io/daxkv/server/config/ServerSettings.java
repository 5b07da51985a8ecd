package io.daxkv.server.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code server}: the client port.
 *
 * <p>Clients authenticate with a token in their Hello when one is configured, inline
 * ({@code auth-token}) or in a file ({@code auth-token-file}), never both. A bind address that is
 * not loopback requires one: an unauthenticated store is reachable from this host only.
 * {@link #toString()} never shows the token.
 *
 * @param bind          {@code server.bind}: an IP address (0.0.0.0 or :: for all interfaces), or
 *                      localhost for 127.0.0.1
 * @param port          {@code server.port}: 1 to 65535, or 0 for a free port the OS picks (tests)
 * @param ioThreads     {@code server.io-threads}: 0 to 1024; 0 is one per core ({@link #ioThreadCount()})
 * @param transport     {@code server.transport}
 * @param allocator     {@code server.allocator}
 * @param authToken     {@code server.auth-token}: the token itself; empty for none
 * @param authTokenFile {@code server.auth-token-file}: a file holding the token; relative to the
 *                      working directory; empty for none
 * @param tls           {@code server.tls}
 */
public record ServerSettings(InetAddress bind, int port, int ioThreads, Transport transport, Allocator allocator,
        Optional<String> authToken, Optional<Path> authTokenFile, TlsSettings tls) {

    /** The default client port. */
    public static final int DEFAULT_PORT = 7420;
    /** Largest {@code io-threads}. */
    public static final int MAX_IO_THREADS = 1024;
    /** Largest token file read: a token is short, a larger file is the wrong file. */
    static final int MAX_TOKEN_FILE_BYTES = 64 << 10;

    public ServerSettings {
        Check.notNull("server.bind", bind);
        Check.range("server.port", port, 0, 65535);
        Check.range("server.io-threads", ioThreads, 0, MAX_IO_THREADS);
        Check.notNull("server.transport", transport);
        Check.notNull("server.allocator", allocator);
        authToken = Check.notNull("server.auth-token", authToken).filter(t -> !t.isEmpty());
        authTokenFile = Check.notNull("server.auth-token-file", authTokenFile).filter(p -> !p.toString().isEmpty());
        Check.notNull("server.tls", tls);
        if (authToken.isPresent() && authTokenFile.isPresent()) {
            throw ConfigException.invalid("server.auth-token-file",
                    "set either server.auth-token or server.auth-token-file, not both");
        }
        if (!bind.isLoopbackAddress() && authToken.isEmpty() && authTokenFile.isEmpty()) {
            throw ConfigException.invalid("server.bind", Addresses.format(bind)
                    + " is not a loopback address, so clients must authenticate: set server.auth-token"
                    + " or server.auth-token-file (or bind to 127.0.0.1)");
        }
    }

    /** 127.0.0.1:7420, one I/O thread per core, auto transport, pooled allocator, no token, no TLS. */
    public static ServerSettings defaults() {
        return new ServerSettings(Addresses.loopback4(), DEFAULT_PORT, 0, Transport.AUTO, Allocator.POOLED,
                Optional.empty(), Optional.empty(), TlsSettings.defaults());
    }

    /** {@link #bind()} and {@link #port()}. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(bind, port);
    }

    /** {@link #ioThreads()}, or the number of cores when it is 0. */
    public int ioThreadCount() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }

    /** Whether clients must present a token. */
    public boolean authRequired() {
        return authToken.isPresent() || authTokenFile.isPresent();
    }

    /**
     * The token clients must present, if any: {@code auth-token}, or the content of
     * {@code auth-token-file} read now (UTF-8, surrounding whitespace and the final newline
     * ignored; it must be one non-empty line). Loading a configuration reads the file once to check
     * it; the server calls this at start, so a rotated file takes effect on restart.
     *
     * @throws ConfigException naming server.auth-token-file when it cannot be read or is empty
     */
    public Optional<String> resolveAuthToken() {
        if (authTokenFile.isEmpty()) {
            return authToken;
        }
        String key = "server.auth-token-file";
        Path file = authTokenFile.get().toAbsolutePath();
        String text;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_TOKEN_FILE_BYTES) {
                throw ConfigException.invalid(key, file + " is larger than " + Sizes.format(MAX_TOKEN_FILE_BYTES)
                        + "; it must hold just the token");
            }
            text = Files.readString(file, UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.invalid(key, file + " does not exist");
        } catch (AccessDeniedException e) {
            throw ConfigException.invalid(key, file + " cannot be read: permission denied");
        } catch (CharacterCodingException e) {
            throw ConfigException.invalid(key, file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(null, 0, key, file + " cannot be read: " + e, e);
        }
        String token = text.strip();
        if (token.isEmpty()) {
            throw ConfigException.invalid(key, file + " is empty; it must hold the token");
        }
        if (token.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw ConfigException.invalid(key, file + " must hold just the token, on one line without spaces");
        }
        return Optional.of(token);
    }

    /** Like the record's, with the token masked. */
    @Override
    public String toString() {
        return "ServerSettings[bind=" + Addresses.format(bind) + ", port=" + port + ", ioThreads=" + ioThreads
                + ", transport=" + transport + ", allocator=" + allocator
                + ", authToken=" + (authToken.isPresent() ? "(set)" : "(none)")
                + ", authTokenFile=" + authTokenFile.map(Path::toString).orElse("(none)") + ", tls=" + tls + "]";
    }
}
