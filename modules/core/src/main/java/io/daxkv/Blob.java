package io.daxkv;

/**
 * The DAX-style write path: an extent of a fixed capacity reserved for one key, written at
 * offsets by any number of threads at once, and published under its key by {@link #commit()}.
 *
 * <p>It behaves like a freshly fallocated file on ext4-DAX. Every block of the reservation
 * starts out unwritten. The first write that touches a block "faults" it: in one step, under a
 * lock that keeps the reservation from being released, the bytes of that block the write does
 * not cover are zeroed (unless the block came from the pre-zeroed pool) and the block is
 * converted to written. That happens exactly once per block even when many threads hit the same
 * block at the same instant: the others wait for the conversion and then write without zeroing.
 * Reads of blocks never written return zeros.
 *
 * <p>Thread-safety: {@link #write}, {@link #read} may be called from many threads at once.
 * {@link #commit()} waits for writes in progress; writes after commit or close fail.
 * {@link #close()} without commit releases the reservation; after a commit it does nothing.
 */
public interface Blob extends AutoCloseable {

    /** The capacity in bytes; after commit, {@code get(key)} returns exactly this many bytes. */
    long capacity();

    /** The key the blob will be published under (a copy). */
    byte[] key();

    /**
     * Writes {@code src} at {@code offset}. Ranges may overlap those of other threads; the
     * outcome of overlapping concurrent writes is one of them per byte.
     *
     * @throws DaxKVException.InvalidArgument when the range falls outside {@code [0, capacity)}
     * @throws DaxKVException.Closed          after commit or close
     */
    void write(long offset, byte[] src);

    /** Reads {@code length} bytes at {@code offset}; bytes never written read as zero. */
    byte[] read(long offset, int length);

    /**
     * Publishes the blob under its key, replacing any value, with the store's durability.
     *
     * @throws DaxKVException.Closed when already committed or closed
     */
    void commit();

    /** Releases the reservation when not committed. Idempotent. */
    @Override
    void close();
}
