package io.daxkv.index;

/**
 * One live key in the index. Mutable under its own monitor: a writer holds it to compare
 * sequences and swap the address, so two writers of one key publish in sequence order.
 * Readers take no lock: they read {@link #address} (volatile) and {@link #removed}.
 */
public final class IndexEntry {
    public final byte[] key;
    /** Primary extent of the current record (an {@code ExtentAddress}). */
    public volatile long address;
    /** Sequence of the current record; guarded by this. */
    public long sequence;
    /** Set (under the monitor) when the key is deleted; the entry is then unlinked from the index. */
    public volatile boolean removed;

    public IndexEntry(byte[] key, long address, long sequence) {
        this.key = key;
        this.address = address;
        this.sequence = sequence;
    }
}
