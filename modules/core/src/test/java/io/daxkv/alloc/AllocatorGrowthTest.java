package io.daxkv.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.daxkv.DaxKVException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Growth: the grower is called only when no region has room, allocation continues in the new
 * region, concurrent refills grow once, and a grower that fails (a full disk) is a clean error.
 * Helpers are {@link AllocatorTest}'s.
 */
class AllocatorGrowthTest {

    // ====================================================================== (c) growth

    @Test
    void whenARegionIsFullTheGrowerIsCalledAndAllocationContinuesThere() {
        AllocatorTest.CountingGrower grower = new AllocatorTest.CountingGrower(256, 1);
        RegionSpace first = AllocatorTest.freshSpace(0, 256);
        Allocator a = new Allocator(new RegionSpace[] {first}, 16, grower);
        grower.allocator = a;
        List<Extent> got = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            got.add(a.allocate(1));
        }
        assertEquals(0, grower.calls.get(), "no growth while region 0 has room");
        assertEquals(256, first.usedBlocks());
        assertTrue(got.stream().allMatch(e -> e.regionId == 0));
        Extent next = a.allocate(1);
        assertEquals(1, grower.calls.get());
        assertEquals(0L, grower.takeableAtGrow.peek(), "grew while blocks were still free");
        assertEquals(1, next.regionId, "allocation continues in the new region: " + next);
        assertEquals(2, a.spaces().length);
        assertEquals(512, a.totalBlocks());
        assertSame(a.space(1), a.spaces()[1]);
        // and later allocations keep going there without growing again, direct ones too
        Extent big = a.allocate(200);
        assertEquals(1, big.regionId);
        assertEquals(1, grower.calls.get());
        assertEquals(256 + 1 + 200, a.usedBlocks());
        AllocatorTest.assertAccounted(a, "after growth");
        // the next region would be the third: the disk is full now
        DaxKVException.StorageIO full = assertThrows(DaxKVException.StorageIO.class, () -> a.allocate(100));
        assertTrue(full.getMessage().contains(AllocatorTest.DISK_FULL), full.getMessage());
        assertEquals(2, a.spaces().length);
        AllocatorTest.assertAccounted(a, "after a failed growth");
    }

    @Test
    void aGrowerThatThrowsIOExceptionYieldsStorageIOWithItsMessage() {
        AtomicInteger calls = new AtomicInteger();
        RegionSpace s = AllocatorTest.freshSpace(0, 64);
        Allocator a = new Allocator(new RegionSpace[] {s}, 16, AllocatorTest.fullDisk(calls));
        List<Extent> got = new ArrayList<>();
        DaxKVException.StorageIO full = null;
        for (int i = 0; i < 100 && full == null; i++) {
            try {
                got.add(a.allocate(1 + i % 3));
            } catch (DaxKVException.StorageIO e) {
                full = e;
            }
        }
        assertNotNull(full, "a full region with a full disk must fail");
        assertTrue(full.getMessage().contains("cannot grow") && full.getMessage().contains(AllocatorTest.DISK_FULL),
                "message should say what failed and why: " + full.getMessage());
        assertInstanceOf(IOException.class, full.getCause());
        assertEquals(AllocatorTest.DISK_FULL, full.getCause().getMessage());
        assertTrue(calls.get() >= 1);
        assertEquals(AllocatorTest.sum(got), a.usedBlocks());
        AllocatorTest.assertAccounted(a, "after the failure");
        // the direct path fails the same way
        DaxKVException.StorageIO direct = assertThrows(DaxKVException.StorageIO.class, () -> a.allocate(60));
        assertTrue(direct.getMessage().contains(AllocatorTest.DISK_FULL), direct.getMessage());
        // the allocator is still usable: freed blocks are handed out again without growing
        int before = calls.get();
        Extent freed = got.remove(0);
        a.free(freed.regionId, freed.firstBlock, freed.blockCount);
        Extent again = a.allocate(1);
        assertEquals(0, again.regionId);
        assertEquals(before, calls.get(), "freed space must be found before asking to grow");
        got.add(again);
        assertEquals(AllocatorTest.sum(got), a.usedBlocks());
        AllocatorTest.assertAccounted(a, "after reuse");
    }

    @Test
    void concurrentGrowthAddsOneRegionPerNeedAndNeverHandsOutABlockTwice() throws Exception {
        int threads = 8;
        int blockCount = 512;
        int windowBlocks = 16;
        int perThread = 600;
        AllocatorTest.CountingGrower grower = new AllocatorTest.CountingGrower(blockCount, 40);
        Allocator a = new Allocator(new RegionSpace[] {AllocatorTest.freshSpace(0, blockCount)}, windowBlocks, grower);
        ConcurrentHashMap<Long, Integer> owners = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicLong allocated = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            SplittableRandom rnd = new SplittableRandom(7_000 + t);
            ts.add(new Thread(() -> {
                try {
                    start.await(30, TimeUnit.SECONDS);
                    for (int got = 0; got < perThread; ) {
                        int n = 1 + rnd.nextInt(4);
                        Extent e = a.allocate(n);
                        for (int b = e.firstBlock; b < e.firstBlock + n; b++) {
                            Integer prev = owners.putIfAbsent(((long) e.regionId << 32) | b, me);
                            if (prev != null) {
                                problems.add("region " + e.regionId + " block " + b + " handed to " + me + " and " + prev);
                            }
                        }
                        got += n;
                        allocated.addAndGet(n);
                    }
                } catch (Throwable e) {
                    problems.add("thread " + me + ": " + e);
                }
            }, "grow-" + t));
        }
        ts.forEach(Thread::start);
        for (Thread t : ts) {
            t.join(AllocatorTest.JOIN_MILLIS);
        }
        assertTrue(problems.isEmpty(), problems::toString);
        int regions = a.spaces().length;
        assertEquals(grower.calls.get(), regions - 1, "every grow call added exactly one region");
        assertEquals(allocated.get(), a.usedBlocks());
        assertEquals(allocated.get(), owners.size());
        // no needless regions: all but the newest hold at most a few blocks free each (window tails)
        long needed = (allocated.get() + blockCount - 1) / blockCount;
        assertTrue(regions <= needed + 3, "allocated " + allocated.get() + " blocks in " + regions + " regions of "
                + blockCount);
        AllocatorTest.assertAccounted(a, "after concurrent growth");
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (RegionSpace s : a.spaces()) {
            assertTrue(ids.add(s.regionId), "region id " + s.regionId + " twice");
        }
    }
}
