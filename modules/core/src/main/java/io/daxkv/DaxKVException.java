package io.daxkv;

import java.nio.file.Path;

/**
 * The one unchecked exception root of daxkv. Each failure is a nested subtype, so callers (and
 * the server's status-code mapping) can tell them apart with one {@code catch} per kind.
 */
public class DaxKVException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DaxKVException(String message) {
        super(message);
    }

    public DaxKVException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An argument out of its documented range (an empty key, a bad option, a bad offset). */
    public static class InvalidArgument extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public InvalidArgument(String message) {
            super(message);
        }
    }

    /** A key or value above the documented limit; the message says the limit. */
    public static class LimitExceeded extends InvalidArgument {
        private static final long serialVersionUID = 1L;

        public LimitExceeded(String message) {
            super(message);
        }
    }

    /** The store, cursor or blob was closed (or the blob was committed). */
    public static class Closed extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public Closed(String message) {
            super(message);
        }
    }

    /** The directory exists and holds something that is not a daxkv store. */
    public static class NotAStore extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public NotAStore(Path dir, String why) {
            super("not a daxkv store: " + dir + ": " + why);
        }
    }

    /** The store uses a format version or incompatible feature this build does not know. */
    public static class Incompatible extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public Incompatible(String message) {
            super(message);
        }
    }

    /** On-disk metadata (manifest, superblock, group descriptor, bitmap) fails its checks. */
    public static class Corrupt extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public Corrupt(String message) {
            super(message);
        }
    }

    /** A record whose CRC32C does not match: never returned as data. */
    public static class ChecksumMismatch extends Corrupt {
        private static final long serialVersionUID = 1L;

        public ChecksumMismatch(String message) {
            super(message);
        }
    }

    /** An I/O failure: a full disk while growing, a failed flush, a failed open. */
    public static class StorageIO extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public StorageIO(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Another process (or another open in this JVM) holds the store. */
    public static class Locked extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public Locked(String message) {
            super(message);
        }
    }

    /** The JVM lacks the --add-opens/--add-exports flags daxkv needs; the message lists them. */
    public static class MissingJvmFlags extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public MissingJvmFlags(String message) {
            super(message);
        }
    }

    /** The store refuses writes after a failed flush, until it is reopened. */
    public static class ReadOnly extends DaxKVException {
        private static final long serialVersionUID = 1L;

        public ReadOnly(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
