package io.daxkv;

/**
 * When a write counts as durable. Every write goes into a journal transaction; transactions
 * commit in order, many writers sharing one commit (group commit).
 *
 * <ul>
 *   <li>{@link #SYNC}: {@code put}, {@code delete}, {@code write} and {@code Blob.commit} return
 *       only after the transaction holding the write is committed: its commit record flushed to
 *       the device ({@code msync} on ordinary file systems, cache-line write-back where the
 *       mapping is {@code MAP_SYNC}). Small records travel in the journal with their data, so
 *       the commit is one flush; larger ones are flushed in their region first.</li>
 *   <li>{@link #ASYNC} (the default, as with RocksDB and Redis): writes return at once and the
 *       journal commits at least every {@link Options#commitIntervalMs()} milliseconds (at most
 *       1000). That interval is the loss window on power failure: every write committed before
 *       it survives, whole; of the writes after the last commit, some may survive and others
 *       not (a write whose journal entry reached the device before its record did is dropped,
 *       and its key keeps its previous value). A crash of the process alone loses nothing
 *       that a write had returned from: the journal and the records are already in the
 *       operating system's page cache.</li>
 * </ul>
 *
 * The store's default is {@link Options#durability()}; {@code put}, {@code delete} and
 * {@code write} take a per-call override, and {@code putAsync}, {@code deleteAsync} and
 * {@code writeAsync} return a future that completes once the write is as durable as asked.
 */
public enum Durability {
    SYNC,
    ASYNC
}
