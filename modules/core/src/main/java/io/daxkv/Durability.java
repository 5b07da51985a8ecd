package io.daxkv;

/**
 * When a write counts as durable.
 *
 * <ul>
 *   <li>{@link #SYNC}: {@code put}, {@code delete}, {@code write} and {@code Blob.commit} return
 *       only after the record (or the cleared header of a deleted record) has been flushed to the
 *       storage device: {@code msync} on ordinary file systems, cache-line write-back where the
 *       mapping is {@code MAP_SYNC}.</li>
 *   <li>{@link #ASYNC} (the default, as with RocksDB and Redis): writes return at once and a
 *       background flusher makes them durable every {@link Options#commitIntervalMs()}
 *       milliseconds (at most 1000). That interval is the loss window on power failure; a crash
 *       of the process alone loses nothing that a write had returned from, because the data is
 *       already in the operating system's page cache.</li>
 * </ul>
 */
public enum Durability {
    SYNC,
    ASYNC
}
