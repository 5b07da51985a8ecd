package io.daxkv.cli;

import io.daxkv.DaxKVException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The exit codes of {@code daxkv}, listed in the top-level usage help, and the mapping from an
 * exception to its code.
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** {@code get} or {@code del} of a key that is not in the store. */
    public static final int ABSENT = 1;
    /** A bad command line or bad input: unknown option, bad value, wrong directory. */
    public static final int USAGE = 2;
    /** The store failed: corrupt, locked by another process, I/O error, incompatible format. */
    public static final int STORE = 3;
    /** The JVM lacks the --add-opens/--add-exports flags daxkv needs. */
    public static final int JVM_FLAGS = 4;

    /** The exit code list of every command's usage help (picocli "code:description" form). */
    static final String HEADING = "%nExit codes:%n";
    static final String E0 = "0:ok";
    static final String E1 = "1:key absent (get, del)";
    static final String E2 = "2:usage error or bad input (bad option or value, not a store directory)";
    static final String E3 = "3:store error (corrupt, locked by another process, I/O error, incompatible format), or with"
            + " --host: the server cannot be reached, timed out or failed";
    static final String E4 = "4:the JVM lacks the --add-opens/--add-exports flags (use bin/daxkv or java -jar daxkv.jar)";

    private ExitCodes() {
    }

    /** The exit code for an exception that ended a command. */
    public static int of(Throwable t) {
        if (t instanceof CliException) {
            return ((CliException) t).exitCode();
        }
        if (t instanceof picocli.CommandLine.ParameterException
                || t instanceof io.daxkv.server.config.ConfigException) {
            return USAGE;
        }
        if (t instanceof io.daxkv.client.DaxKVClientException.InvalidArgument) {
            return USAGE; // a key or value over the server's limit, refused before sending
        }
        if (t instanceof io.daxkv.client.DaxKVClientException.ServerError se) {
            return se.status() == io.daxkv.protocol.Status.BAD_REQUEST || se.status() == io.daxkv.protocol.Status.TOO_LARGE
                    ? USAGE : STORE;
        }
        if (t instanceof io.daxkv.client.DaxKVClientException) {
            return STORE; // could not connect, timed out, connection lost
        }
        if (t instanceof DaxKVException.MissingJvmFlags) {
            return JVM_FLAGS;
        }
        if (t instanceof DaxKVException.InvalidArgument || t instanceof DaxKVException.NotAStore) {
            return USAGE; // includes LimitExceeded: a key or value over the limit is bad input
        }
        if (t instanceof DaxKVException) {
            return STORE;
        }
        if (t instanceof IllegalArgumentException) {
            return USAGE; // includes NumberFormatException and InvalidPathException
        }
        if (t instanceof IOException || t instanceof UncheckedIOException) {
            return STORE;
        }
        return STORE; // anything else (NullPointerException, IllegalStateException, Error): a failure, not bad input
    }

    /**
     * The one-line message for an exception: its message (with the cause's appended when that
     * adds something), line breaks folded, never a stack trace.
     */
    public static String message(Throwable t) {
        String m = describe(t);
        Throwable cause = t.getCause();
        if (cause != null && cause != t && !(t instanceof CliException)) {
            String c = describe(cause);
            if (!m.contains(c)) {
                m = m + ": " + c;
            }
        }
        if (!(t instanceof DaxKVException) && !(t instanceof CliException)
                && !(t instanceof picocli.CommandLine.PicocliException)
                && !(t instanceof IllegalArgumentException) && !(t instanceof IOException)
                && !(t instanceof io.daxkv.server.config.ConfigException)
                && !(t instanceof io.daxkv.server.ServerStartException)
                && !(t instanceof io.daxkv.client.DaxKVClientException)
                && !(t instanceof UncheckedIOException)) {
            m = "internal error: " + m + " (set DAXKV_DEBUG=1 for the stack trace)";
        }
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        if (t instanceof OutOfMemoryError || t instanceof StackOverflowError) {
            return t.getClass().getSimpleName() + ": " + m;
        }
        if (t instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        if (t instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (t instanceof java.nio.file.FileSystemException || t instanceof NullPointerException
                || t instanceof IllegalStateException) {
            return t.getClass().getSimpleName() + ": " + m;
        }
        return m;
    }
}
