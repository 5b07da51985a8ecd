package io.daxkv;

import java.util.Iterator;

/**
 * An ordered walk over keys in unsigned lexicographic byte order, from {@code DaxKV.scan}.
 *
 * <p>Consistency: the cursor is not a snapshot. It returns each key's latest value as of the
 * moment the cursor reaches that key: a key inserted ahead of the cursor after the scan began
 * may or may not be returned, a key deleted ahead of the cursor is not returned, and a key is
 * never returned twice. Values are copies; nothing points into the mapping.
 *
 * <p>A cursor is used by one thread at a time. {@link #close()} is idempotent; closing the store
 * ends every cursor ({@code hasNext} then throws {@link DaxKVException.Closed}).
 */
public interface Cursor extends Iterator<Entry>, AutoCloseable {

    /** Releases the cursor. Idempotent; holds no lock or pinned memory between calls. */
    @Override
    void close();
}
