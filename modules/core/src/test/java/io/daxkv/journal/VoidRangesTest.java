package io.daxkv.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VoidRangesTest {

    @Test
    void containsIsInclusiveAtBothEndsOfEveryRange() {
        VoidRanges v = VoidRanges.of(new long[] {10, 20, 100, 100});
        assertFalse(v.contains(9));
        assertTrue(v.contains(10));
        assertTrue(v.contains(20));
        assertFalse(v.contains(21));
        assertTrue(v.contains(100));
        assertFalse(v.contains(101));
        assertFalse(VoidRanges.NONE.contains(0));
    }

    @Test
    void plusAppendsWithoutChangingTheOriginal() {
        VoidRanges v = VoidRanges.of(new long[] {1, 5});
        VoidRanges w = v.plus(7, 9);
        assertArrayEquals(new long[] {1, 5}, v.toArray());
        assertArrayEquals(new long[] {1, 5, 7, 9}, w.toArray());
        assertTrue(w.contains(8));
        assertFalse(v.contains(8));
    }

    @Test
    void fullOnceTheSuperblockHasNoRoomLeft() {
        VoidRanges v = VoidRanges.NONE;
        for (int i = 0; i < JournalLayout.SB_MAX_VOID_RANGES; i++) {
            assertFalse(v.full());
            v = v.plus(i * 10L, i * 10L + 5);
        }
        assertTrue(v.full());
    }

    @Test
    void anOddCountIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VoidRanges.of(new long[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("3 numbers"), e.getMessage());
    }

    @Test
    void spanCountsOneSequencePerSixteenLogBytes() {
        long capacity = JournalLayout.LOG_START + 16 * 1000;
        assertEquals(1001, VoidRanges.span(capacity));
    }
}
