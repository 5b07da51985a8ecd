package io.daxkv.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKVException;
import io.daxkv.alloc.Extent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The journal alone, on heap memory: layout, replay, group commit, wrap, checkpoint, failure. */
class JournalTest {

    private static final UUID STORE = UUID.fromString("6c1b3f1e-0000-4000-8000-000000000001");
    private static final int MIB = 1 << 20;

    /** Records what the journal asks of its store; writeHome can be held back. */
    static final class TestHost implements Journal.Host {
        final List<List<Extent>> ordered = new ArrayList<>();
        final AtomicInteger homes = new AtomicInteger();
        volatile CountDownLatch holdHome;
        volatile Throwable failed;

        @Override
        public synchronized void flushOrdered(List<Extent> extents) {
            ordered.add(new ArrayList<>(extents));
        }

        @Override
        public void writeHome(long committedTxnId) {
            CountDownLatch l = holdHome;
            if (l != null) {
                try {
                    assertTrue(l.await(60, TimeUnit.SECONDS), "the test never released writeHome");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            homes.incrementAndGet();
        }

        @Override
        public void failed(Throwable cause) {
            failed = cause;
        }
    }

    private static Journal started(ArrayMemory m, TestHost host) {
        Journal j = Journal.format("JOURNAL(test)", m, STORE);
        j.start(j.replay(), 0, true, new long[0], host, 1000, "journal-test");
        return j;
    }

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends one transaction holding one delete; returns its id. */
    private static long delete(Journal j, long seq, byte[] key) {
        j.lock();
        try {
            j.addDelete(seq, key);
            return j.runningTxnId();
        } finally {
            j.unlock();
        }
    }

    private static Replayed replayCopy(ArrayMemory m) {
        return Journal.open("JOURNAL(copy)", m.copy(), STORE).replay();
    }

    @Test
    void layoutConstantsFollowOneAnotherAndFit() {
        assertEquals(JournalLayout.SB_CHECKPOINT_SEQ_OFFSET + 8, JournalLayout.SB_INDEX_TXN_OFFSET);
        assertEquals(JournalLayout.SB_V1_CRC_OFFSET, JournalLayout.SB_INDEX_TXN_OFFSET, "version 1 ended where 2 goes on");
        assertEquals(JournalLayout.SB_INDEX_TXN_OFFSET + 8, JournalLayout.SB_VOID_COUNT_OFFSET);
        assertEquals(JournalLayout.SB_VOID_COUNT_OFFSET + 8, JournalLayout.SB_VOID_RANGES_OFFSET);
        assertEquals(0, JournalLayout.SB_VOID_RANGES_OFFSET % 8, "ranges 8-aligned");
        assertEquals(JournalLayout.SB_VOID_RANGES_OFFSET + 16 * JournalLayout.SB_MAX_VOID_RANGES, JournalLayout.SB_CRC_OFFSET);
        assertEquals(212, JournalLayout.SB_LENGTH);
        assertTrue(2 * JournalLayout.SB_SLOT_BYTES <= JournalLayout.PAGE_BYTES, "both slots in the first page");
        assertEquals(32, JournalLayout.TXN_HEADER_BYTES, "header: 8-aligned, entries start aligned");
        assertEquals(40, JournalLayout.PUT_FIXED_BYTES, "8-aligned: the chunk list starts aligned");
        assertEquals(16, JournalLayout.DELETE_KEY_OFFSET);
        assertEquals(64, JournalLayout.txnFootprint(JournalLayout.deleteEntryBytes(2)), "a delete of a 2-byte key");
        assertEquals(JournalLayout.PAGE_BYTES, JournalLayout.LOG_START);
    }

    @Test
    void committedTransactionsReplayInOrder() {
        ArrayMemory m = new ArrayMemory(MIB);
        Journal j = started(m, new TestHost());
        for (int i = 0; i < 100; i++) {
            delete(j, i + 1, key("k" + i));
        }
        j.commitNow();
        Replayed r = replayCopy(m);
        assertEquals(100, r.transactions);
        assertEquals(100, r.committedSeq);
        for (int i = 0; i < 100; i++) {
            JournalEntry.Delete d = assertInstanceOf(JournalEntry.Delete.class, r.entries.get(i));
            assertEquals(i + 1, d.sequence());
            assertArrayEquals(key("k" + i), d.key());
        }
        j.close();
    }

    @Test
    void appendedTransactionsAreInTheLogBeforeAnyCommit() {
        // a process crash keeps the page cache: what was appended is replayed, flushed or not
        ArrayMemory m = new ArrayMemory(MIB);
        TestHost host = new TestHost();
        Journal j = Journal.format("JOURNAL(test)", m, STORE);
        j.start(j.replay(), 0, true, new long[0], host, 1000, "journal-test"); // commits only after 1 s
        int flushesBefore = m.flushes.get();
        for (int i = 0; i < 5; i++) {
            delete(j, i + 1, key("k" + i));
        }
        Replayed r = replayCopy(m);
        assertEquals(5, r.transactions);
        assertEquals(5, r.committedSeq);
        assertEquals(flushesBefore, m.flushes.get(), "nothing flushed yet: the commit interval has not passed");
        j.close();
    }

    @Test
    void replayStopsAtTheFirstTornTransaction() {
        ArrayMemory m = new ArrayMemory(MIB);
        Journal j = started(m, new TestHost());
        for (int i = 0; i < 10; i++) {
            delete(j, i + 1, key("k" + i)); // 64 bytes each, one after another from the log start
        }
        j.commitNow();
        ArrayMemory image = m.copy();
        int fifth = (int) JournalLayout.LOG_START + 64 * 5;
        image.bytes[fifth + JournalLayout.TXN_HEADER_BYTES + 2] ^= 0x40; // inside its entry
        Replayed r = Journal.open("JOURNAL(image)", image, STORE).replay();
        assertEquals(5, r.transactions, "transactions 0..4 verify, the torn 5th and all after it do not count");
        assertEquals(5, r.committedSeq);
        j.close();
    }

    @Test
    void aGroupCommitEndsItsPageAndReplayFollowsToTheNext() {
        ArrayMemory m = new ArrayMemory(MIB);
        Journal j = started(m, new TestHost());
        for (int i = 0; i < 3; i++) {
            delete(j, i + 1, key("a" + i));
        }
        j.commitNow();
        for (int i = 3; i < 6; i++) {
            delete(j, i + 1, key("b" + i));
        }
        j.commitNow();
        assertEquals(JournalLayout.TXN_MAGIC, m.getInt(JournalLayout.LOG_START + JournalLayout.PAGE_BYTES),
                "the second group starts on the next page");
        Replayed r = replayCopy(m);
        assertEquals(6, r.transactions);
        assertEquals(6, r.committedSeq);
        j.close();
    }

    @Test
    void theLogWrapsAndCheckpointsKeepItsTail() {
        ArrayMemory m = new ArrayMemory(MIB);
        TestHost host = new TestHost();
        Journal j = started(m, host);
        byte[] big = new byte[2000];
        int n = 5000; // about 10 MiB of transactions through a 1 MiB log
        for (int i = 1; i <= n; i++) {
            big[0] = (byte) i;
            delete(j, i, big);
            if (i % 10 == 0) {
                j.commitNow();
            }
        }
        j.commitNow();
        assertTrue(host.homes.get() >= 10, "checkpoints wrote home " + host.homes.get() + " times");
        Replayed r = replayCopy(m);
        assertTrue(r.transactions > 0 && r.transactions < n, "replayed " + r.transactions);
        assertEquals(n, r.committedSeq, "the newest transaction is replayed");
        long expect = n - r.entries.size() + 1;
        for (JournalEntry e : r.entries) {
            assertEquals(expect++, e.sequence(), "replay is a contiguous run of the newest transactions");
        }
        j.close();
    }

    @Test
    void theNewerSuperblockSlotWinsAndATornOneFallsBackToTheOther() {
        ArrayMemory m = new ArrayMemory(MIB);
        Journal j = started(m, new TestHost()); // format wrote generation 0 (slot 0), start generation 1 (slot 1)
        j.close(); // a checkpoint: generation 2, slot 0
        ArrayMemory image = m.copy();
        image.bytes[JournalLayout.SB_TAIL_OFFSET_OFFSET] ^= 1; // slot 0, the newest, torn
        Journal.open("JOURNAL(image)", image, STORE).replay(); // falls back to slot 1
        image.bytes[JournalLayout.SB_SLOT_BYTES + JournalLayout.SB_TAIL_OFFSET_OFFSET] ^= 1;
        DaxKVException.Corrupt e = assertThrows(DaxKVException.Corrupt.class,
                () -> Journal.open("JOURNAL(image)", image, STORE));
        assertTrue(e.getMessage().contains("superblock"), e.getMessage());
        assertThrows(DaxKVException.Corrupt.class,
                () -> Journal.open("JOURNAL(other)", m.copy(), UUID.randomUUID()), "another store's journal");
    }

    @Test
    void idsSkipPastAnythingLeftInTheLogAfterAReplay() {
        ArrayMemory m = new ArrayMemory(MIB);
        Journal j = started(m, new TestHost());
        long last = 0;
        for (int i = 0; i < 3; i++) {
            last = delete(j, i + 1, key("k" + i));
        }
        j.commitNow();
        ArrayMemory image = m.copy();
        Journal again = Journal.open("JOURNAL(image)", image, STORE);
        again.start(again.replay(), 3, true, new long[0], new TestHost(), 1000, "journal-test-2");
        again.lock();
        long next;
        try {
            next = again.runningTxnId();
        } finally {
            again.unlock();
        }
        assertTrue(next > last + MIB / JournalLayout.TXN_HEADER_BYTES, "next id " + next + " after " + last);
        again.close();
        j.close();
    }

    @Test
    void aFullLogHoldsWritersBackUntilTheCheckpointIsDone() throws Exception {
        ArrayMemory m = new ArrayMemory(MIB);
        TestHost host = new TestHost();
        host.holdHome = new CountDownLatch(1);
        Journal j = started(m, host);
        byte[] big = new byte[8000];
        AtomicLong appended = new AtomicLong();
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= 400; i++) { // ~3 MiB: more than the log holds without a checkpoint
                delete(j, i, big);
                appended.incrementAndGet();
            }
        }, "journal-writer");
        writer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(writer.getState() == Thread.State.WAITING && appended.get() > 0)) {
            assertTrue(System.nanoTime() < deadline, "the writer never waited for room (appended " + appended + ")");
            assertTrue(writer.isAlive(), "the writer finished all 400 appends without waiting for a checkpoint");
            Thread.onSpinWait();
        }
        long held = appended.get();
        assertTrue(held < 400 && held * 8000 < MIB, "waited after " + held + " transactions");
        host.holdHome.countDown();
        writer.join(30_000);
        assertEquals(400, appended.get(), "every append went through once checkpoints ran");
        j.commitNow();
        assertEquals(400, replayCopy(m).committedSeq);
        j.close();
    }

    @Test
    void aFailedFlushFailsEveryWaiterAndRefusesLaterWrites() {
        ArrayMemory m = new ArrayMemory(MIB);
        TestHost host = new TestHost();
        Journal j = started(m, host);
        m.failFromFlush = m.flushes.get() + 1;
        long id = delete(j, 1, key("doomed"));
        CompletableFuture<Void> f = j.whenDurable(id, true);
        CompletionException e = assertThrows(CompletionException.class, f::join);
        DaxKVException.ReadOnly ro = assertInstanceOf(DaxKVException.ReadOnly.class, e.getCause());
        assertTrue(ro.getMessage().contains("JOURNAL(test)") && ro.getMessage().contains("refuses writes"),
                ro.getMessage());
        assertTrue(host.failed != null, "the store was told");
        assertThrows(DaxKVException.ReadOnly.class, j::lock, "no appends after a failed flush");
        m.failFromFlush = 0; // the device recovers; the journal must not
        assertThrows(DaxKVException.ReadOnly.class, j::lock, "a failed flush is not retried into success");
        j.close();
    }

    @Test
    void orderedPutsHaveTheirExtentsFlushedBeforeTheCommit() {
        ArrayMemory m = new ArrayMemory(MIB);
        TestHost host = new TestHost();
        Journal j = started(m, host);
        ArrayMemory region = new ArrayMemory(64 << 10);
        Extent primary = new Extent(0, 10, 3, false);
        Extent chunk = new Extent(1, 20, 5, false);
        j.lock();
        long id;
        try {
            j.addPut(7, key("the-key"), primary, new Extent[] {chunk}, region, 0, 0);
            id = j.runningTxnId();
        } finally {
            j.unlock();
        }
        j.awaitDurable(id);
        assertEquals(1, host.ordered.size());
        assertEquals(2, host.ordered.get(0).size(), "primary and chunk");
        JournalEntry.Put p = assertInstanceOf(JournalEntry.Put.class, replayCopy(m).entries.get(0));
        assertEquals(primary.address(), p.address());
        assertArrayEquals(key("the-key"), p.key());
        assertArrayEquals(new int[] {1, 20, 5}, p.chunks());
        assertEquals(null, p.data(), "ordered: no data in the log");
        j.close();
    }
}
