package io.daxkv.alloc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The coalescing free-extent set: coalescing, overlap refusal, goal, best fit, and a model comparison. */
class FreeExtentsTest {

    Map<Integer, Integer> contents(FreeExtents f) {
        Map<Integer, Integer> m = new TreeMap<>();
        f.forEach(m::put);
        return m;
    }

    @Test
    void coalescesWithTheLeftTheRightAndBothNeighbours() {
        FreeExtents f = new FreeExtents();
        f.add(0, 10);
        f.add(20, 10);
        f.add(40, 5);
        assertEquals(3, f.extentCount());
        f.add(10, 10); // joins both sides
        assertEquals(Map.of(0, 30, 40, 5), contents(f));
        f.add(30, 3); // left only
        assertEquals(Map.of(0, 33, 40, 5), contents(f));
        f.add(37, 3); // right only
        assertEquals(Map.of(0, 33, 37, 8), contents(f));
        f.add(33, 4); // both again: one extent
        assertEquals(Map.of(0, 45), contents(f));
        assertEquals(45, f.totalBlocks());
        assertEquals(1, f.extentCount());
        long[] h = f.histogram();
        assertEquals(1, h[5], "45 blocks is class 5 ([32, 64))");
        assertEquals(1, java.util.Arrays.stream(h).sum());
        f.add(100, 0); // nothing
        assertEquals(1, f.extentCount());
    }

    @Test
    void overlapIsDetected() {
        FreeExtents f = new FreeExtents();
        f.add(10, 10); // [10, 20)
        f.add(30, 10); // [30, 40)
        assertThrows(IllegalStateException.class, () -> f.add(15, 2), "inside");
        assertThrows(IllegalStateException.class, () -> f.add(10, 10), "the same extent");
        assertThrows(IllegalStateException.class, () -> f.add(10, 1), "same start");
        assertThrows(IllegalStateException.class, () -> f.add(5, 6), "overlapping the start");
        assertThrows(IllegalStateException.class, () -> f.add(19, 2), "overlapping the end");
        assertThrows(IllegalStateException.class, () -> f.add(0, 50), "containing both");
        assertThrows(IllegalStateException.class, () -> f.add(25, 6), "reaching into the next");
        assertEquals(Map.of(10, 10, 30, 10), contents(f), "refused adds change nothing");
        assertEquals(20, f.totalBlocks());
    }

    @Test
    void aRefusedAddThatTouchesANeighbourChangesNothing() {
        FreeExtents f = new FreeExtents();
        f.add(0, 5);  // [0, 5)
        f.add(6, 2);  // [6, 8)
        // [5, 7) touches [0, 5) and overlaps [6, 8)
        assertThrows(IllegalStateException.class, () -> f.add(5, 2));
        assertEquals(Map.of(0, 5, 6, 2), contents(f), "the left neighbour was merged away by a refused add");
        assertEquals(7, f.totalBlocks());
        FreeExtents g = new FreeExtents();
        g.add(12, 1);  // [12, 13)
        g.add(15, 3);  // [15, 18)
        // [10, 15) overlaps [12, 13) and touches [15, 18)
        assertThrows(IllegalStateException.class, () -> g.add(10, 5));
        assertEquals(Map.of(12, 1, 15, 3), contents(g), "the right neighbour was merged away by a refused add");
        assertEquals(4, g.totalBlocks());
    }

    @Test
    void takeWithAGoalPrefersAnExtentAtOrAfterTheGoal() {
        FreeExtents f = new FreeExtents();
        f.add(0, 100);
        f.add(500, 100);
        f.add(1000, 8);
        assertEquals(500, f.take(10, 300), "the first extent at or after the goal that fits");
        assertEquals(Map.of(0, 100, 510, 90, 1000, 8), contents(f), "the rest of the extent stays free");
        assertEquals(510, f.take(10, 510), "an extent starting exactly at the goal");
        // after the goal only one too-short extent: falls back to the best fit anywhere,
        // the shorter of [0, 100) and [520, 80)
        assertEquals(520, f.take(20, 900), "best fit when nothing after the goal fits");
        assertEquals(1000, f.take(8, 1000), "an exact fit is taken whole");
        assertEquals(Map.of(0, 100, 540, 60), contents(f));
        assertEquals(160, f.totalBlocks());
        assertEquals(-1, f.take(101, 0), "nothing long enough");
        assertEquals(160, f.totalBlocks(), "a failed take changes nothing");
    }

    @Test
    void takeLooksAtOnlyAFewExtentsAfterTheGoalThenBestFits() {
        FreeExtents f = new FreeExtents();
        for (int i = 0; i < 6; i++) {
            f.add(100 + 10 * i, 2); // six short extents after the goal
        }
        f.add(300, 64);
        f.add(0, 40);
        // the probes see only short ones; the best fit by size class is [0, 40), not [300, 64)
        assertEquals(0, f.take(33, 100));
        assertEquals(Map.of(33, 7, 100, 2, 110, 2, 120, 2, 130, 2, 140, 2, 150, 2, 300, 64), contents(f));
    }

    @Test
    void bestFitBySizeClass() {
        FreeExtents f = new FreeExtents();
        f.add(0, 40);     // class 5
        f.add(100, 20);   // class 4
        f.add(200, 17);   // class 4
        f.add(300, 33);   // class 5
        f.add(400, 5);    // class 2
        int far = 10_000; // no goal hit
        assertEquals(200, f.take(17, far), "the shortest extent that fits, within the class");
        assertEquals(100, f.take(18, far), "the next shortest in class 4");
        assertEquals(300, f.take(30, far), "class 4 is empty: the shortest of class 5 (33 before 40)");
        assertEquals(Map.of(0, 40, 330, 3, 400, 5, 118, 2), contents(f));
        assertEquals(400, f.take(4, far), "class 2 holds the 5-block extent");
        // [404, 1) is class 0 now, [118, 2) and [330, 3) class 1
        assertEquals(330, f.take(3, far), "the exact fit in class 1, not a longer extent");
        assertEquals(0, f.take(4, far), "classes 2 to 4 are empty: the first of class 5");
        assertEquals(Map.of(4, 36, 118, 2, 404, 1), contents(f));
        assertEquals(39, f.totalBlocks());
    }

    @Test
    void takeLowestTakesFromTheFirstExtent() {
        FreeExtents f = new FreeExtents();
        assertNull(f.takeLowest(10));
        f.add(50, 30);
        f.add(10, 5);
        assertArrayEquals(new int[] {10, 5}, f.takeLowest(10));
        assertArrayEquals(new int[] {50, 10}, f.takeLowest(10));
        assertEquals(Map.of(60, 20), contents(f));
        assertEquals(20, f.totalBlocks());
    }

    /** A model-checked random walk: the set always equals the maximal runs of the model's free blocks. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.daxkv.alloc.AllocatorTest#seeds")
    void matchesAModelOfFreeBlocks(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0xF4EEL);
        int size = 64 + rnd.nextInt(2000);
        boolean[] free = new boolean[size];
        FreeExtents f = new FreeExtents();
        for (int op = 0; op < 400; op++) {
            if (rnd.nextBoolean()) {
                // free a random run of used blocks
                int start = rnd.nextInt(size);
                int len = 0;
                while (start + len < size && !free[start + len] && len < 1 + rnd.nextInt(64)) {
                    len++;
                }
                if (len == 0) {
                    continue;
                }
                f.add(start, len);
                for (int b = start; b < start + len; b++) {
                    free[b] = true;
                }
            } else {
                int n = 1 + rnd.nextInt(48);
                int goal = rnd.nextInt(size);
                int got = f.take(n, goal);
                int longest = longestRun(free);
                if (got < 0) {
                    final int l = longest;
                    assertTrue(longest < n, () -> "seed " + seed + ": take(" + n + ") failed with a run of " + l);
                    continue;
                }
                for (int b = got; b < got + n; b++) {
                    final int block = b;
                    assertTrue(b < size && free[b], () -> "seed " + seed + ": take(" + n + ", " + goal + ") = " + got
                            + " includes non-free block " + block);
                    free[b] = false;
                }
            }
            assertEquals(runs(free), contents(f), "seed " + seed + " op " + op);
            long total = 0;
            for (boolean b : free) {
                total += b ? 1 : 0;
            }
            assertEquals(total, f.totalBlocks(), "seed " + seed + " op " + op);
            assertEquals(runs(free).size(), java.util.Arrays.stream(f.histogram()).sum(), "seed " + seed);
        }
    }

    private int longestRun(boolean[] free) {
        int best = 0;
        int cur = 0;
        for (boolean b : free) {
            cur = b ? cur + 1 : 0;
            best = Math.max(best, cur);
        }
        return best;
    }

    private Map<Integer, Integer> runs(boolean[] free) {
        Map<Integer, Integer> m = new TreeMap<>();
        int b = 0;
        while (b < free.length) {
            if (!free[b]) {
                b++;
                continue;
            }
            int s = b;
            while (b < free.length && free[b]) {
                b++;
            }
            m.put(s, b - s);
        }
        return m;
    }
}

