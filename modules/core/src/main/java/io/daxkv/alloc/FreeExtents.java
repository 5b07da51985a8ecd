package io.daxkv.alloc;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A set of free extents of one region, coalesced, indexed by start block and by size class.
 *
 * <p>Size class k holds extents of {@code [2^k, 2^(k+1))} blocks, ordered by length then start,
 * so the first member of class k at or above n is the best fit within that class, and the first
 * member of any higher class fits too. Not thread-safe: {@link RegionSpace} guards it.
 */
final class FreeExtents {

    private static final int CLASSES = 32;

    private final TreeMap<Integer, Integer> byStart = new TreeMap<>();
    @SuppressWarnings("unchecked")
    private final TreeSet<Long>[] bySize = new TreeSet[CLASSES];
    private long totalBlocks;

    FreeExtents() {
        for (int i = 0; i < CLASSES; i++) {
            bySize[i] = new TreeSet<>();
        }
    }

    long totalBlocks() {
        return totalBlocks;
    }

    int extentCount() {
        return byStart.size();
    }

    boolean isEmpty() {
        return byStart.isEmpty();
    }

    /** Adds {@code [start, start + length)}, merging with neighbours. The range must not overlap. */
    void add(int start, int length) {
        if (length <= 0) {
            return;
        }
        // refuse an overlap before changing anything
        Map.Entry<Integer, Integer> before = byStart.floorEntry(start);
        if (before != null && before.getKey() + before.getValue() > start) {
            throw overlap(start, length, before);
        }
        Map.Entry<Integer, Integer> after = byStart.ceilingEntry(start);
        if (after != null && after.getKey() < start + length) {
            throw overlap(start, length, after);
        }
        int s = start;
        int len = length;
        if (before != null && before.getKey() + before.getValue() == start) {
            removeExact(before.getKey(), before.getValue());
            s = before.getKey();
            len += before.getValue();
        }
        if (after != null && after.getKey() == start + length) {
            removeExact(after.getKey(), after.getValue());
            len += after.getValue();
        }
        insert(s, len);
    }

    /** Whether an extent of the set ends at {@code start} or begins at {@code start + length}. */
    boolean touches(int start, int length) {
        Map.Entry<Integer, Integer> before = byStart.lowerEntry(start);
        return before != null && before.getKey() + before.getValue() == start || byStart.containsKey(start + length);
    }

    /** Removes exactly the extent {@code [start, start + length)}, which must be in the set. */
    void remove(int start, int length) {
        Integer len = byStart.get(start);
        if (len == null || len != length) {
            throw new IllegalStateException("no free extent [" + start + ", +" + length + ")");
        }
        removeExact(start, length);
    }

    private static IllegalStateException overlap(int start, int length, Map.Entry<Integer, Integer> other) {
        return new IllegalStateException("free extent [" + start + ", +" + length + ") overlaps [" + other.getKey()
                + ", +" + other.getValue() + ")");
    }

    /**
     * Takes {@code n} blocks, preferring an extent at or after {@code goal} (looking at a few),
     * then the best fit by size class. Returns the start block, or -1 when no extent is long enough.
     */
    int take(int n, int goal) {
        Map.Entry<Integer, Integer> e = byStart.ceilingEntry(goal);
        for (int probes = 0; e != null && probes < 4; probes++) {
            if (e.getValue() >= n) {
                return takeFrom(e.getKey(), e.getValue(), n);
            }
            e = byStart.higherEntry(e.getKey());
        }
        for (int c = sizeClass(n); c < CLASSES; c++) {
            Long fit = bySize[c].ceiling(pack(n, 0));
            if (fit != null) {
                return takeFrom(start(fit), length(fit), n);
            }
        }
        return -1;
    }

    /** Takes up to {@code max} blocks from the lowest extent; returns {start, length} or null when empty. */
    int[] takeLowest(int max) {
        Map.Entry<Integer, Integer> e = byStart.firstEntry();
        if (e == null) {
            return null;
        }
        int n = Math.min(max, e.getValue());
        return new int[] {takeFrom(e.getKey(), e.getValue(), n), n};
    }

    /** Histogram of free extent lengths by size class (index k counts extents of [2^k, 2^(k+1)) blocks). */
    long[] histogram() {
        long[] h = new long[CLASSES];
        for (int c = 0; c < CLASSES; c++) {
            h[c] = bySize[c].size();
        }
        return h;
    }

    /** Every extent as {start, length}, in start order (for checks and tests). */
    void forEach(java.util.function.BiConsumer<Integer, Integer> action) {
        byStart.forEach(action);
    }

    private int takeFrom(int start, int length, int n) {
        removeExact(start, length);
        if (length > n) {
            insert(start + n, length - n);
        }
        return start;
    }

    private void insert(int start, int length) {
        byStart.put(start, length);
        bySize[sizeClass(length)].add(pack(length, start));
        totalBlocks += length;
    }

    private void removeExact(int start, int length) {
        byStart.remove(start);
        bySize[sizeClass(length)].remove(pack(length, start));
        totalBlocks -= length;
    }

    private static int sizeClass(int length) {
        return 31 - Integer.numberOfLeadingZeros(length);
    }

    private static long pack(int length, int start) {
        return ((long) length << 32) | (start & 0xFFFFFFFFL);
    }

    private static int start(long packed) {
        return (int) packed;
    }

    private static int length(long packed) {
        return (int) (packed >>> 32);
    }
}
