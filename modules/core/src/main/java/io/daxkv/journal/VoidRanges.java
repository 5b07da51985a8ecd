package io.daxkv.journal;

import java.util.Arrays;

/**
 * Void sequence ranges: sequences a crash may have handed out to writes that never committed.
 * Their records can still sit, unseen, in free blocks of a store that was opened from an index
 * checkpoint (no scan cleared them), so a record whose sequence lies in a void range is never
 * taken as live. A full scan clears such records and empties the list.
 *
 * <p>Pairs (first, last), both inclusive, as the journal superblock stores them (at most
 * {@link JournalLayout#SB_MAX_VOID_RANGES}; see the superblock table in {@link JournalLayout}).
 * Immutable.
 */
public final class VoidRanges {

    public static final VoidRanges NONE = new VoidRanges(new long[0]);

    private final long[] pairs;

    private VoidRanges(long[] pairs) {
        this.pairs = pairs;
    }

    /** The ranges given as pairs (first, last). */
    public static VoidRanges of(long[] pairs) {
        if ((pairs.length & 1) != 0) {
            throw new IllegalArgumentException("void ranges come in pairs (first, last); got " + pairs.length + " numbers");
        }
        return pairs.length == 0 ? NONE : new VoidRanges(pairs.clone());
    }

    /**
     * How many sequences past the last committed one a crash can have handed out, for a journal
     * of {@code journalCapacityBytes}: each has a log entry of at least 16 bytes, all in the log.
     */
    public static long span(long journalCapacityBytes) {
        return (journalCapacityBytes - JournalLayout.LOG_START) / 16 + 1;
    }

    public boolean contains(long sequence) {
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (sequence >= pairs[i] && sequence <= pairs[i + 1]) {
                return true;
            }
        }
        return false;
    }

    /** Whether the superblock has no room for another range (only a full scan can empty it). */
    public boolean full() {
        return pairs.length >= 2 * JournalLayout.SB_MAX_VOID_RANGES;
    }

    /** These ranges and {@code [first, last]}. */
    public VoidRanges plus(long first, long last) {
        long[] v = Arrays.copyOf(pairs, pairs.length + 2);
        v[v.length - 2] = first;
        v[v.length - 1] = last;
        return new VoidRanges(v);
    }

    /** The pairs, as the superblock stores them. */
    public long[] toArray() {
        return pairs.clone();
    }
}
