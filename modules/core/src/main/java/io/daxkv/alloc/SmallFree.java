package io.daxkv.alloc;

/**
 * Small free extents kept by exact length (1 to {@link RegionSpace#SMALL_MAX_BLOCKS} blocks),
 * one stack of start blocks per length, the way mballoc keeps per-order free lists. Push and pop
 * are O(1); a request takes an extent of its length, else splits the next longer one. Nothing
 * coalesces here: {@link #drainInto} hands everything to the coalescing {@link FreeExtents}
 * when a request finds no other room. Not thread-safe: {@link RegionSpace} guards it.
 */
final class SmallFree {

    private final int[][] stacks = new int[RegionSpace.SMALL_MAX_BLOCKS + 1][];
    private final int[] counts = new int[RegionSpace.SMALL_MAX_BLOCKS + 1];
    private long totalBlocks;

    void push(int start, int length) {
        int[] s = stacks[length];
        if (s == null) {
            s = stacks[length] = new int[16];
        } else if (counts[length] == s.length) {
            s = stacks[length] = java.util.Arrays.copyOf(s, s.length * 2);
        }
        s[counts[length]++] = start;
        totalBlocks += length;
    }

    /** Takes {@code n} blocks from an extent of exactly n, else splits a longer one; -1 when none. */
    int take(int n) {
        for (int len = n; len <= RegionSpace.SMALL_MAX_BLOCKS; len++) {
            if (counts[len] > 0) {
                int start = stacks[len][--counts[len]];
                totalBlocks -= len;
                if (len > n) {
                    push(start + n, len - n);
                }
                return start;
            }
        }
        return -1;
    }

    /** The longest extent of at most {@code max} blocks, as {start, length}; null when none. */
    int[] takeUpTo(int max) {
        for (int len = Math.min(max, RegionSpace.SMALL_MAX_BLOCKS); len >= 1; len--) {
            if (counts[len] > 0) {
                totalBlocks -= len;
                return new int[] {stacks[len][--counts[len]], len};
            }
        }
        return null;
    }

    long totalBlocks() {
        return totalBlocks;
    }

    /** Moves every extent into {@code into} (which coalesces them); returns whether any moved. */
    boolean drainInto(FreeExtents into) {
        boolean any = false;
        for (int len = 1; len <= RegionSpace.SMALL_MAX_BLOCKS; len++) {
            for (int i = 0; i < counts[len]; i++) {
                into.add(stacks[len][i], len);
                any = true;
            }
            counts[len] = 0;
        }
        totalBlocks = 0;
        return any;
    }

    /** Adds the extents to a size-class histogram (index k: lengths in [2^k, 2^(k+1))). */
    void addHistogram(long[] histogram) {
        for (int len = 1; len <= RegionSpace.SMALL_MAX_BLOCKS; len++) {
            histogram[31 - Integer.numberOfLeadingZeros(len)] += counts[len];
        }
    }
}
