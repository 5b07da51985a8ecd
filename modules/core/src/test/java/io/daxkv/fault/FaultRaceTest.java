package io.daxkv.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.Blob;
import io.daxkv.DaxKV;
import io.daxkv.Options;
import io.daxkv.Stats;
import io.daxkv.extent.RecordPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The founding rule under a real race: threads released together by a barrier make the first
 * writes to the same unwritten block(s) at the same instant. Each block must be zeroed at most
 * once, by the one fault that converts it, before any write lands in it; no write may be lost;
 * bytes nobody wrote read as zero, never as the garbage ({@link #GARBAGE}) the blocks held.
 */
class FaultRaceTest {

    /** What a reused block holds before its first fault: never a byte any writer writes. */
    private static final byte GARBAGE = (byte) 0xEE;
    /** Bytes before and after the extent in the test memory; they must never change. */
    private static final int GUARD_BYTES = 192;
    private static final int EXTENT_BLOCKS = 8;

    @TempDir
    Path dir;

    // ------------------------------------------------------------------------ a round's plan

    /** One writer's range, at extent offset {@code offset}, every byte {@code value}. */
    private static final class Range {
        final long offset;
        final byte[] src;

        Range(long offset, int length, byte value) {
            this.offset = offset;
            this.src = new byte[length];
            Arrays.fill(src, value);
        }

        long end() {
            return offset + src.length;
        }
    }

    /** Everything a round's threads need, built before the barrier opens. */
    private static final class Round {
        final HeapPersistentMemory memory;
        final UnwrittenExtent extent;
        final FaultCounters counters = new FaultCounters();
        final Range[] ranges;
        /** The thread converting every remaining block at the same instant, or not. */
        final boolean withConverter;

        Round(HeapPersistentMemory memory, int blockSize, boolean preZeroed, Range[] ranges, boolean withConverter) {
            this.memory = memory;
            this.extent = new UnwrittenExtent(memory, GUARD_BYTES, EXTENT_BLOCKS, blockSize, preZeroed, counters);
            this.ranges = ranges;
            this.withConverter = withConverter;
        }
    }

    /**
     * Plans {@code threads} ranges inside a span of one to three blocks. Disjoint unless
     * {@code overlapping}; sometimes gaps are left so the fault must zero around the writes,
     * sometimes the span is covered whole so it must zero nothing of it.
     */
    private static Range[] planRanges(SplittableRandom rnd, int threads, int blockSize, boolean overlapping) {
        long extentBytes = (long) EXTENT_BLOCKS * blockSize;
        int spanBlocks = 1 + rnd.nextInt(3);
        long spanStart;
        long spanLength;
        if (rnd.nextInt(4) == 0) {
            // a span starting anywhere, crossing block boundaries
            spanLength = Math.max(2L * threads, rnd.nextLong((long) spanBlocks * blockSize) + 1);
            spanStart = rnd.nextLong(extentBytes - spanLength + 1);
        } else {
            // whole blocks: every range falls in the same block(s)
            int firstBlock = rnd.nextInt(EXTENT_BLOCKS - spanBlocks + 1);
            spanStart = (long) firstBlock * blockSize;
            spanLength = (long) spanBlocks * blockSize;
        }
        Range[] out = new Range[threads];
        if (overlapping) {
            for (int t = 0; t < threads; t++) {
                long a = spanStart + rnd.nextLong(spanLength);
                long b = spanStart + rnd.nextLong(spanLength);
                long start = Math.min(a, b);
                long end = Math.max(a, b) + 1;
                out[t] = new Range(start, (int) (end - start), valueOf(t));
            }
            return out;
        }
        // cut points: threads - 1 distinct values in (0, spanLength)
        long[] cuts = new long[threads + 1];
        Set<Long> chosen = new HashSet<>();
        while (chosen.size() < threads - 1) {
            chosen.add(1 + rnd.nextLong(spanLength - 1));
        }
        int i = 1;
        for (long c : chosen) {
            cuts[i++] = c;
        }
        cuts[threads] = spanLength;
        Arrays.sort(cuts);
        boolean leaveGaps = rnd.nextInt(3) != 0;
        for (int t = 0; t < threads; t++) {
            long start = cuts[t];
            long end = cuts[t + 1];
            if (leaveGaps && end - start > 2) {
                long len = end - start;
                start += rnd.nextLong(len / 3 + 1);
                end -= rnd.nextLong(len / 3 + 1);
            }
            out[t] = new Range(spanStart + start, (int) (end - start), valueOf(t));
        }
        return out;
    }

    /** Writer t's byte: non-zero and never {@link #GARBAGE}. */
    private static byte valueOf(int t) {
        return (byte) (0x11 * (t + 1));
    }

    // ----------------------------------------------------------------------- the race itself

    @ParameterizedTest(name = "blockSize={0} threads={1} preZeroed={2} overlapping={3} rounds={4}")
    @CsvSource({
        "64,   8, false, false, 1500",
        "128,  8, false, false, 1500",
        "256,  6, false, false, 1000",
        "4096, 8, false, false, 200",
        "128,  8, false, true,  1000",
        "128,  8, true,  false, 800",
        "64,   4, true,  true,  800",
    })
    void racingFirstWritesZeroEachBlockOnceAndLoseNothing(int blockSize, int threads, boolean preZeroed,
                                                           boolean overlapping, int rounds) throws Exception {
        long seed = 0x5EED0000L + blockSize * 31L + threads * 7L + (preZeroed ? 1 : 0) + (overlapping ? 2 : 0);
        SplittableRandom rnd = new SplittableRandom(seed);
        Round[] current = new Round[1];
        AtomicInteger writersDone = new AtomicInteger();
        int memoryBytes = GUARD_BYTES + EXTENT_BLOCKS * blockSize + GUARD_BYTES;
        // workers 0 .. threads-1 write; worker `threads` reads concurrently, or converts every block
        Lockstep[] self = new Lockstep[1];
        try (Lockstep lockstep = new Lockstep("fault", threads + 1, (w, r) -> {
            Round round = current[0];
            if (w < threads) {
                Range range = round.ranges[w];
                round.extent.write(range.offset, range.src, 0, range.src.length);
                writersDone.incrementAndGet();
            } else if (round.withConverter) {
                // the owner converting every remaining block while the writers fault
                round.extent.convertRemaining();
            } else {
                // a reader: while writes land, no byte may ever read as garbage
                int extentBytes = EXTENT_BLOCKS * blockSize;
                byte[] seen = new byte[extentBytes];
                do {
                    round.extent.read(0, seen, 0, extentBytes);
                    for (int p = 0; p < extentBytes; p++) {
                        if (seen[p] == GARBAGE) {
                            self[0].problem("a concurrent read saw garbage at extent byte " + p + " (seed " + seed + ")");
                            return;
                        }
                    }
                } while (writersDone.get() < threads && !self[0].aborted());
            }
        })) {
            self[0] = lockstep;
            long[] threadIds = new long[threads + 1]; // the last: the reader/converter
            for (int w = 0; w <= threads; w++) {
                threadIds[w] = lockstep.threadId(w);
            }
            for (int r = 0; r < rounds; r++) {
                HeapPersistentMemory memory = new HeapPersistentMemory(memoryBytes, GARBAGE);
                if (preZeroed) {
                    // the pool's zeroer did this before the allocation; the guard bands keep garbage
                    memory.fillRaw(GUARD_BYTES, (long) EXTENT_BLOCKS * blockSize, (byte) 0);
                }
                if (rnd.nextInt(3) == 0) {
                    // a slow fault: the racers queue on the block's lock behind it
                    memory.stallEachStore(20_000);
                }
                Round round = new Round(memory, blockSize, preZeroed, planRanges(rnd, threads, blockSize, overlapping),
                        rnd.nextInt(5) == 0);
                current[0] = round;
                writersDone.set(0);
                final int n = r;
                try {
                    lockstep.round();
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + " round " + n + ": " + e.getMessage(), e);
                }
                verifyRound(round, blockSize, preZeroed, threadIds, "seed " + seed + " round " + r);
            }
        }
    }

    /** Checks one finished round against its plan. */
    private static void verifyRound(Round round, int blockSize, boolean preZeroed, long[] writerThreadIds, String where) {
        HeapPersistentMemory m = round.memory;
        int extentBytes = EXTENT_BLOCKS * blockSize;
        // expected contents and which blocks were touched
        List<Set<Integer>> writersAt = new ArrayList<>(extentBytes);
        for (int p = 0; p < extentBytes; p++) {
            writersAt.add(null);
        }
        boolean[] touched = new boolean[EXTENT_BLOCKS];
        for (int t = 0; t < round.ranges.length; t++) {
            Range r = round.ranges[t];
            for (long p = r.offset; p < r.end(); p++) {
                if (writersAt.get((int) p) == null) {
                    writersAt.set((int) p, new HashSet<>());
                }
                writersAt.get((int) p).add(t);
                touched[(int) (p / blockSize)] = true;
            }
        }
        if (round.withConverter) {
            Arrays.fill(touched, true);
        }
        int touchedCount = 0;
        for (boolean b : touched) {
            touchedCount += b ? 1 : 0;
        }

        // 1. what the extent returns, and what the memory holds
        byte[] read = new byte[extentBytes];
        round.extent.read(0, read, 0, extentBytes);
        for (int p = 0; p < extentBytes; p++) {
            Set<Integer> ws = writersAt.get(p);
            byte raw = m.rawByte(GUARD_BYTES + p);
            if (ws == null) {
                int block = p / blockSize;
                final int at = p;
                assertEquals(0, read[p], () -> where + ": extent byte " + at + " (block " + block
                        + ") was never written but reads as " + (read[at] & 0xFF));
                if (touched[block]) {
                    assertEquals(0, raw, () -> where + ": extent byte " + at + " of converted block " + block
                            + " holds " + (raw & 0xFF) + " in memory, not zero");
                }
            } else {
                boolean ok = false;
                for (int t : ws) {
                    ok |= read[p] == valueOf(t) && raw == valueOf(t);
                }
                final int at = p;
                assertTrue(ok, () -> where + ": extent byte " + at + " reads " + (read[at] & 0xFF) + " / holds "
                        + (raw & 0xFF) + ", not one of the bytes of writers " + ws);
            }
        }
        // each disjoint writer's bytes are all there
        for (Range r : round.ranges) {
            byte[] back = new byte[r.src.length];
            round.extent.read(r.offset, back, 0, back.length);
            if (allSingleWriter(writersAt, r)) {
                assertArrayEquals(r.src, back, () -> where + ": write at " + r.offset + " +" + r.src.length + " lost");
            }
        }
        // untouched blocks are neither converted nor zeroed; guard bands untouched
        for (int b = 0; b < EXTENT_BLOCKS; b++) {
            final int block = b;
            assertEquals(touched[b], round.extent.isWritten(b), () -> where + ": block " + block + " written state");
            if (!touched[b]) {
                for (int p = b * blockSize; p < (b + 1) * blockSize; p++) {
                    byte expected = preZeroed ? 0 : GARBAGE;
                    final int at = p;
                    assertEquals(expected, m.rawByte(GUARD_BYTES + p), () -> where + ": byte " + at
                            + " of block " + block + " changed although nobody wrote the block");
                }
            }
        }
        for (int p = 0; p < GUARD_BYTES; p++) {
            final int at = p;
            assertEquals(GARBAGE, m.rawByte(p), () -> where + ": guard byte " + at + " before the extent changed");
            assertEquals(GARBAGE, m.rawByte(GUARD_BYTES + extentBytes + p),
                    () -> where + ": guard byte " + at + " after the extent changed");
        }

        // 2. zeroing: never over a write, at most once per byte, by one fault per block
        assertEquals(0, m.zeroesAfterWrite(), () -> where + ": " + m.zeroesAfterWrite()
                + " bytes were zeroed after a write to them began (a fault wiped a write); calls " + m.zeroCalls());
        for (int p = 0; p < extentBytes; p++) {
            final int at = p;
            assertTrue(m.zeroCount(GUARD_BYTES + p) <= 1, () -> where + ": extent byte " + at + " zeroed "
                    + m.zeroCount(GUARD_BYTES + at) + " times; calls " + m.zeroCalls());
        }
        if (preZeroed) {
            assertTrue(m.zeroCalls().isEmpty(), () -> where + ": pre-zeroed extent was zeroed: " + m.zeroCalls());
        } else {
            for (int b = 0; b < EXTENT_BLOCKS; b++) {
                verifyBlockZeroedByOneFault(round, m, b, blockSize, touched[b], writerThreadIds, where);
            }
        }

        // 3. counters: one fault and one conversion per block touched, zeroed bytes as recorded
        FaultCounters c = round.counters;
        final int expectedConversions = touchedCount;
        assertEquals(expectedConversions, c.conversions.sum(), () -> where + ": conversions");
        assertEquals(expectedConversions, c.faults.sum(), () -> where + ": faults");
        if (preZeroed) {
            assertEquals(expectedConversions, c.preZeroedHits.sum(), () -> where + ": preZeroedHits");
            assertEquals(0, c.bytesZeroed.sum(), () -> where + ": bytesZeroed of a pre-zeroed extent");
        } else {
            assertEquals(0, c.preZeroedHits.sum(), () -> where + ": preZeroedHits of a dirty extent");
            assertEquals(m.zeroedBytes(), c.bytesZeroed.sum(), () -> where + ": bytesZeroed counter vs bytes zeroed");
            assertTrue(c.bytesZeroed.sum() <= (long) touchedCount * blockSize, () -> where + ": bytesZeroed");
        }
    }

    private static boolean allSingleWriter(List<Set<Integer>> writersAt, Range r) {
        for (long p = r.offset; p < r.end(); p++) {
            if (writersAt.get((int) p).size() != 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * A dirty block that was touched must have been zeroed by exactly one thread, over exactly
     * the bytes the faulting write did not cover (the converter covers none); an untouched block
     * must not have been zeroed at all.
     */
    private static void verifyBlockZeroedByOneFault(Round round, HeapPersistentMemory m, int b, int blockSize,
                                                    boolean touched, long[] writerThreadIds, String where) {
        long blockStart = GUARD_BYTES + (long) b * blockSize;
        List<HeapPersistentMemory.ZeroCall> calls = m.zeroCallsIn(blockStart, blockSize);
        if (!touched) {
            assertTrue(calls.isEmpty(), () -> where + ": block " + b + " was never written but zeroed: " + calls);
            return;
        }
        Set<Long> zeroingThreads = new HashSet<>();
        for (HeapPersistentMemory.ZeroCall call : calls) {
            zeroingThreads.add(call.threadId);
            assertTrue(call.offset >= blockStart && call.offset + call.length <= blockStart + blockSize,
                    () -> where + ": a zero call crosses block " + b + "'s bounds: " + call);
        }
        assertTrue(zeroingThreads.size() <= 1, () -> where + ": block " + b + " zeroed by " + zeroingThreads.size()
                + " threads: " + calls);
        boolean[] zeroed = new boolean[blockSize];
        for (int i = 0; i < blockSize; i++) {
            zeroed[i] = m.zeroCount(blockStart + i) == 1;
        }
        // which participant faulted it? its part of the block is exactly what was not zeroed
        Map<Integer, boolean[]> parts = new HashMap<>();
        for (int t = 0; t < round.ranges.length; t++) {
            Range r = round.ranges[t];
            boolean[] part = new boolean[blockSize];
            boolean any = false;
            for (int i = 0; i < blockSize; i++) {
                long p = (long) b * blockSize + i;
                part[i] = p >= r.offset && p < r.end();
                any |= part[i];
            }
            if (any) {
                parts.put(t, part);
            }
        }
        if (round.withConverter) {
            parts.put(-1, new boolean[blockSize]); // the converter writes nothing: it zeroes the whole block
        }
        // overlapping writers may have identical parts of the block: any of them may have faulted it
        Set<Integer> candidates = new HashSet<>();
        for (Map.Entry<Integer, boolean[]> e : parts.entrySet()) {
            boolean complement = true;
            for (int i = 0; i < blockSize && complement; i++) {
                complement = zeroed[i] != e.getValue()[i];
            }
            if (complement) {
                candidates.add(e.getKey());
            }
        }
        assertFalse(candidates.isEmpty(), () -> where + ": the bytes zeroed in block " + b
                + " are not the complement of any one write's part of it: " + calls);
        if (!zeroingThreads.isEmpty()) {
            long zeroingThread = zeroingThreads.iterator().next();
            Set<Long> candidateThreads = new HashSet<>();
            for (int t : candidates) {
                // -1 is the converter, which runs on the reader thread (the last id)
                candidateThreads.add(writerThreadIds[t >= 0 ? t : writerThreadIds.length - 1]);
            }
            assertTrue(candidateThreads.contains(zeroingThread), () -> where + ": block " + b
                    + " was zeroed around the part of writer(s) " + candidates + " by another thread: " + calls);
        }
    }

    // --------------------------------------------------------------------- smaller, exact cases

    @Test
    void convertRemainingZeroesOnlyUnwrittenBlocksAndOnlyOnce() {
        int blockSize = 64;
        HeapPersistentMemory m = new HeapPersistentMemory(GUARD_BYTES * 2 + EXTENT_BLOCKS * blockSize, GARBAGE);
        FaultCounters c = new FaultCounters();
        UnwrittenExtent e = new UnwrittenExtent(m, GUARD_BYTES, EXTENT_BLOCKS, blockSize, false, c);
        byte[] src = new byte[10];
        Arrays.fill(src, (byte) 7);
        e.write(blockSize + 5, src, 0, src.length); // block 1: zeroes 5 + 49 bytes
        assertEquals(blockSize - 10, m.zeroedBytes());
        e.convertRemaining();
        assertEquals((long) EXTENT_BLOCKS * blockSize - 10, m.zeroedBytes(), "every other byte zeroed once");
        assertEquals(EXTENT_BLOCKS, c.conversions.sum());
        e.convertRemaining();
        assertEquals((long) EXTENT_BLOCKS * blockSize - 10, m.zeroedBytes(), "a second convertRemaining zeroes nothing");
        assertEquals(EXTENT_BLOCKS, c.conversions.sum());
        byte[] all = new byte[EXTENT_BLOCKS * blockSize];
        e.read(0, all, 0, all.length);
        for (int p = 0; p < all.length; p++) {
            byte expected = p >= blockSize + 5 && p < blockSize + 15 ? (byte) 7 : 0;
            assertEquals(expected, all[p], "byte " + p);
            assertEquals(expected, m.rawByte(GUARD_BYTES + p), "raw byte " + p);
        }
        // a later write to a converted block zeroes nothing and keeps the neighbours
        e.write(blockSize + 20, src, 0, 3);
        assertEquals((long) EXTENT_BLOCKS * blockSize - 10, m.zeroedBytes());
        byte[] block1 = new byte[blockSize];
        e.read(blockSize, block1, 0, blockSize);
        assertEquals(7, block1[5]);
        assertEquals(7, block1[14]);
        assertEquals(0, block1[15]);
        assertEquals(7, block1[20]);
    }

    @Test
    void sequentialWritesToOneBlockZeroItOnce() {
        int blockSize = 128;
        HeapPersistentMemory m = new HeapPersistentMemory(GUARD_BYTES * 2 + EXTENT_BLOCKS * blockSize, GARBAGE);
        FaultCounters c = new FaultCounters();
        UnwrittenExtent e = new UnwrittenExtent(m, GUARD_BYTES, EXTENT_BLOCKS, blockSize, false, c);
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5, 6};
        e.write(3 * blockSize + 100, a, 0, 3);
        e.write(3 * blockSize + 10, b, 0, 3); // must not zero again: it would wipe a
        byte[] back = new byte[3];
        e.read(3 * blockSize + 100, back, 0, 3);
        assertArrayEquals(a, back, "the second write to a converted block wiped the first");
        e.read(3 * blockSize + 10, back, 0, 3);
        assertArrayEquals(b, back);
        assertEquals(1, c.faults.sum());
        assertEquals(1, c.conversions.sum());
        assertEquals(blockSize - 3, c.bytesZeroed.sum());
        assertEquals(blockSize - 3, m.zeroedBytes());
        // a write across a boundary faults both blocks, each once
        byte[] across = new byte[blockSize];
        Arrays.fill(across, (byte) 9);
        e.write(5L * blockSize + blockSize / 2, across, 0, across.length);
        assertEquals(3, c.conversions.sum());
        assertEquals(blockSize - 3 + blockSize, c.bytesZeroed.sum(), "half of block 5 and half of block 6");
        assertTrue(e.isWritten(5) && e.isWritten(6) && !e.isWritten(4) && !e.isWritten(7));
    }

    // -------------------------------------------------------------------- through a real store

    /**
     * With the zeroer on (as deployed) most blocks come pre-zeroed; with it off every fault
     * zeroes, so a second zeroing of a block would wipe a racing write.
     */
    @ParameterizedTest(name = "zeroer={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void endToEndRacingBlobWritesThroughTheStore(boolean zeroer) throws Exception {
        int threads = 8;
        int rounds = 150;
        long seed = 0xB10B5EEDL + (zeroer ? 1 : 0);
        SplittableRandom rnd = new SplittableRandom(seed);
        Path store = dir.resolve("e2e");
        Map<String, byte[]> expected = new HashMap<>();
        long expectedConversions = 0;
        int blockSize;
        try (DaxKV kv = DaxKV.open(store, Options.builder().regionSizeBytes(8 << 20).zeroer(zeroer).build())) {
            blockSize = kv.stats().blockSizeBytes();
            Object[] current = new Object[2]; // blob, ranges
            try (Lockstep lockstep = new Lockstep("blob-writer", threads, (w, r) -> {
                Blob blob = (Blob) current[0];
                Range range = ((Range[]) current[1])[w];
                blob.write(range.offset, range.src);
            })) {
                for (int r = 0; r < rounds; r++) {
                    String key = "blob-" + r;
                    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
                    int capacity = blockSize / 2 + rnd.nextInt(6 * blockSize);
                    // disjoint ranges inside one span of at most one block: the same one or two blocks
                    int spanLength = Math.min(capacity, Math.max(2 * threads, 1 + rnd.nextInt(blockSize)));
                    long spanStart = rnd.nextInt(capacity - spanLength + 1);
                    Range[] ranges = disjointIn(rnd, spanStart, spanLength, threads);
                    Blob blob = kv.createBlob(keyBytes, capacity);
                    current[0] = blob;
                    current[1] = ranges;
                    final int round = r;
                    try {
                        lockstep.round();
                    } catch (AssertionError e) {
                        throw new AssertionError("seed " + seed + " round " + round + ": " + e.getMessage(), e);
                    }
                    byte[] want = new byte[capacity];
                    for (Range range : ranges) {
                        System.arraycopy(range.src, 0, want, (int) range.offset, range.src.length);
                    }
                    assertArrayEquals(want, blob.read(0, capacity),
                            () -> "seed " + seed + " round " + round + ": Blob.read after the racing writes");
                    blob.commit();
                    assertArrayEquals(want, kv.get(keyBytes),
                            () -> "seed " + seed + " round " + round + ": get after commit");
                    expected.put(key, want);
                    RecordPlan plan = RecordPlan.of(keyBytes.length, capacity);
                    assertEquals(0, plan.chunkCount);
                    expectedConversions += (plan.primaryBytes + blockSize - 1) / blockSize;
                }
            }
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), kv.get(e.getKey().getBytes(StandardCharsets.UTF_8)), e.getKey());
            }
            Stats s = kv.stats();
            String stats = "seed " + seed + ": " + s;
            assertEquals(rounds, s.keys(), stats);
            assertEquals(s.faults(), s.conversions(), stats);
            assertEquals(expectedConversions, s.conversions(), "one conversion per block of every committed blob; " + stats);
            assertTrue(s.preZeroedHits() <= s.faults(), stats);
            assertTrue(s.bytesZeroedOnFault() <= (s.faults() - s.preZeroedHits()) * blockSize,
                    "only faults on dirty blocks zero, at most a block each; " + stats);
            assertTrue(s.bytesZeroedOnFault() <= expectedConversions * blockSize, stats);
        }
        try (DaxKV kv = DaxKV.open(store, Options.builder().regionSizeBytes(8 << 20).zeroer(zeroer).build())) {
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), kv.get(e.getKey().getBytes(StandardCharsets.UTF_8)),
                        "after reopen: " + e.getKey());
            }
            assertNull(kv.get("blob-never".getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** {@code threads} disjoint, non-empty ranges inside {@code [spanStart, spanStart + spanLength)}. */
    private static Range[] disjointIn(SplittableRandom rnd, long spanStart, int spanLength, int threads) {
        Set<Integer> chosen = new HashSet<>();
        while (chosen.size() < threads - 1) {
            chosen.add(1 + rnd.nextInt(spanLength - 1));
        }
        int[] cuts = new int[threads + 1];
        int i = 1;
        for (int c : chosen) {
            cuts[i++] = c;
        }
        cuts[threads] = spanLength;
        Arrays.sort(cuts);
        Range[] out = new Range[threads];
        for (int t = 0; t < threads; t++) {
            int start = cuts[t];
            int end = cuts[t + 1];
            if (end - start > 2 && rnd.nextBoolean()) {
                start += rnd.nextInt((end - start) / 3 + 1);
            }
            out[t] = new Range(spanStart + start, end - start, valueOf(t));
        }
        return out;
    }

    @Test
    void planRangesAreDisjointAndInsideTheExtent() {
        // the race test is only as good as its plans: check them
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < 2000; i++) {
            Range[] rs = planRanges(rnd, 8, 64, false);
            boolean[] covered = new boolean[EXTENT_BLOCKS * 64];
            for (Range r : rs) {
                assertTrue(r.src.length > 0, "empty range");
                assertTrue(r.offset >= 0 && r.end() <= covered.length, "range outside the extent");
                for (long p = r.offset; p < r.end(); p++) {
                    assertFalse(covered[(int) p], "ranges overlap at " + p);
                    covered[(int) p] = true;
                }
            }
        }
    }
}
