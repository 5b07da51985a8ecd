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
        int s = start;
        int len = length;
        Map.Entry<Integer, Integer> before = byStart.floorEntry(start - 1);
        if (before != null) {
            int bEnd = before.getKey() + before.getValue();
            if (bEnd > start) {
                throw new IllegalStateException("free extent [" + start + ", +" + length + ") overlaps [" + before.getKey()
                        + ", +" + before.getValue() + ")");
            }
            if (bEnd == start) {
                removeExact(before.getKey(), before.getValue());
                s = before.getKey();
                len += before.getValue();
            }
        }
        Integer afterLen = byStart.get(start + length);
        if (afterLen != null) {
            removeExact(start + length, afterLen);
            len += afterLen;
        }
        Map.Entry<Integer, Integer> overlap = byStart.ceilingEntry(s);
        if (overlap != null && overlap.getKey() < s + len) {
            throw new IllegalStateException("free extent [" + start + ", +" + length + ") overlaps [" + overlap.getKey()
                    + ", +" + overlap.getValue() + ")");
        }
        insert(s, len);
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
