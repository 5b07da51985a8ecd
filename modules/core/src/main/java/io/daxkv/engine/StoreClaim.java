package io.daxkv.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A claim on an existing store directory, taken the way an open takes it (the JVM-wide
 * registry, then the fcntl lock on {@code LOCK}), for a tool that reads or repairs the files
 * itself and may open the store in between ({@link Store#open(StoreClaim, io.daxkv.Options)})
 * without letting anyone else in. Held until {@link #close()}.
 */
public final class StoreClaim implements AutoCloseable {

    final StoreDirectory files;

    private StoreClaim(StoreDirectory files) {
        this.files = files;
    }

    /**
     * Claims the store in {@code dir}; never creates one.
     *
     * @throws io.daxkv.DaxKVException.Locked    the store is open here or in another process
     * @throws io.daxkv.DaxKVException.NotAStore {@code dir} is missing, a file, or holds no store
     * @throws IOException                       the lock file cannot be made or locked
     */
    public static StoreClaim take(Path dir) throws IOException {
        return new StoreClaim(StoreDirectory.claim(dir.toAbsolutePath(), false));
    }

    /** The claimed directory (absolute). */
    public Path directory() {
        return files.dir;
    }

    /** Releases the lock and the claim. Idempotent. */
    @Override
    public void close() throws IOException {
        files.release();
    }
}
