package io.daxkv.index;

/**
 * One live key in the index. Mutable under its own monitor: a writer holds it to compare
 * sequences and swap the address, so two writers of one key publish in sequence order.
 * Readers take no lock: they read {@link #address} (volatile) and {@link #removed}.
 *
 * <p>It is also its own key in the index's hash map (equality and hash are the key bytes'),
 * which saves a wrapper object per key and one pointer hop per lookup; lookups probe with an
 * {@link Index.KeyRef}, whose {@code equals} accepts an entry.
 */
public final class IndexEntry {
    public final byte[] key;
    /** {@code Arrays.hashCode(key)}, computed once. */
    final int hash;
    /** Primary extent of the current record (an {@code ExtentAddress}). */
    public volatile long address;
    /** Sequence of the current record; guarded by this. */
    public long sequence;
    /** Value length of the current record (its extents follow from it); guarded by this. */
    public long valueLength;
    /** Set (under the monitor) when the key is deleted; the entry is then unlinked from the index. */
    public volatile boolean removed;

    public IndexEntry(byte[] key, long address, long sequence, long valueLength) {
        this.key = key;
        this.hash = java.util.Arrays.hashCode(key);
        this.address = address;
        this.sequence = sequence;
        this.valueLength = valueLength;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof IndexEntry) {
            IndexEntry other = (IndexEntry) o;
            return other.hash == hash && java.util.Arrays.equals(other.key, key);
        }
        if (o instanceof Index.KeyRef) {
            return o.equals(this);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
