package io.daxkv;

import static io.daxkv.LayoutTestSupport.b;
import static io.daxkv.LayoutTestSupport.copyStore;
import static io.daxkv.LayoutTestSupport.indexOf;
import static io.daxkv.LayoutTestSupport.regionFile;
import static io.daxkv.LayoutTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.journal.Journal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durability through the journal: per-write overrides, futures, replay of journaled data and deletes. */
class DurabilityTest {

    @TempDir
    Path tmp;

    /** ASYNC by default, committing only once a second unless asked. */
    private static Options lazy() {
        return LayoutTestSupport.small().toBuilder().commitIntervalMs(1000).build();
    }

    @Test
    void aSyncOverrideCommitsBeforeItReturns() {
        try (DaxKV kv = DaxKV.open(tmp.resolve("s"), lazy())) {
            long before = kv.stats().journalCommits();
            kv.put(b("k"), b("v"), Durability.SYNC);
            assertTrue(kv.stats().journalCommits() > before, "a SYNC put on an ASYNC store waited for a commit");
            before = kv.stats().journalCommits();
            assertTrue(kv.delete(b("k"), Durability.SYNC));
            assertTrue(kv.stats().journalCommits() > before, "a SYNC delete waited for a commit");
            WriteBatch batch = new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2"));
            before = kv.stats().journalCommits();
            kv.write(batch, Durability.SYNC);
            assertTrue(kv.stats().journalCommits() > before, "a SYNC batch waited for a commit");
        }
    }

    @Test
    void putAsyncAppliesAtOnceAndCompletesWhenDurable() throws Exception {
        try (DaxKV kv = DaxKV.open(tmp.resolve("s"), lazy())) {
            CompletableFuture<Void> f = kv.putAsync(b("k"), b("v1"), Durability.SYNC);
            assertArrayEquals(b("v1"), kv.get(b("k")), "visible before the future completes");
            f.get(30, TimeUnit.SECONDS);
            assertTrue(kv.stats().journalCommits() >= 1);
            CompletableFuture<Void> async = kv.putAsync(b("k"), b("v2"), Durability.ASYNC);
            assertTrue(async.isDone() && !async.isCompletedExceptionally(), "ASYNC asks for no commit");
            assertTrue(kv.deleteAsync(b("k"), Durability.SYNC).get(30, TimeUnit.SECONDS), "was present");
            assertFalse(kv.deleteAsync(b("k"), Durability.SYNC).get(30, TimeUnit.SECONDS), "already gone");
            kv.writeAsync(new WriteBatch().put(b("x"), b("1")).delete(b("y")), Durability.SYNC).get(30, TimeUnit.SECONDS);
            assertArrayEquals(b("1"), kv.get(b("x")));
        }
    }

    @Test
    void conditionalWritesAndSyncHaveFuturesThatNeverBlockTheCaller() throws Exception {
        try (DaxKV kv = DaxKV.open(tmp.resolve("s"), lazy())) {
            assertTrue(kv.putIfAbsentAsync(b("k"), b("v1"), Durability.SYNC).get(30, TimeUnit.SECONDS), "was absent");
            assertFalse(kv.putIfAbsentAsync(b("k"), b("v2"), Durability.SYNC).get(30, TimeUnit.SECONDS), "present");
            assertArrayEquals(b("v1"), kv.get(b("k")));
            assertTrue(kv.replaceAsync(b("k"), b("v3"), Durability.ASYNC).get(30, TimeUnit.SECONDS), "present");
            assertFalse(kv.replaceAsync(b("absent"), b("v"), Durability.SYNC).get(30, TimeUnit.SECONDS), "absent");
            assertArrayEquals(b("v3"), kv.get(b("k")));
            assertNull(kv.get(b("absent")));
            long before = kv.stats().journalCommits();
            kv.syncAsync().get(30, TimeUnit.SECONDS);
            assertTrue(kv.stats().journalCommits() > before, "syncAsync committed the ASYNC replace at once");
            assertTrue(kv.syncAsync().get(30, TimeUnit.SECONDS) == null, "nothing new: completes too");
        }
        try (DaxKV kv = DaxKV.open(tmp.resolve("s"), lazy())) {
            assertArrayEquals(b("v3"), kv.get(b("k")));
        }
    }

    @Test
    void badArgumentsFailTheFutureInsteadOfThrowing() {
        try (DaxKV kv = DaxKV.open(tmp.resolve("s"), lazy())) {
            CompletableFuture<Void> tooLong = kv.putAsync(new byte[DaxKV.MAX_KEY_BYTES + 1], b("v"), Durability.SYNC);
            ExecutionException e = assertThrows(ExecutionException.class, () -> tooLong.get(30, TimeUnit.SECONDS));
            assertInstanceOf(DaxKVException.LimitExceeded.class, e.getCause());
            CompletableFuture<Void> nullValue = kv.putAsync(b("k"), null, Durability.SYNC);
            assertInstanceOf(NullPointerException.class,
                    assertThrows(ExecutionException.class, () -> nullValue.get(30, TimeUnit.SECONDS)).getCause());
            assertNull(kv.get(b("k")), "nothing was stored");
        }
    }

    @Test
    void aBatchLargerThanOneTransactionIsRefusedWholeAndNamesTheLimit() {
        try (DaxKV kv = DaxKV.open(tmp.resolve("s"), LayoutTestSupport.small())) { // 1 MiB journal
            kv.put(b("before"), b("kept"));
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 300; i++) {
                batch.put(b("big-" + i), new byte[1000]);
            }
            DaxKVException.LimitExceeded e = assertThrows(DaxKVException.LimitExceeded.class, () -> kv.write(batch));
            assertTrue(e.getMessage().contains("journal") && e.getMessage().contains("300 operations"), e.getMessage());
            assertNull(kv.get(b("big-0")), "nothing of the batch applied");
            assertArrayEquals(b("kept"), kv.get(b("before")));
            kv.put(b("after"), b("works"));
        }
    }

    @Test
    void aStoreWithoutItsJournalIsRefusedAndKeptAsItIs() throws IOException {
        Path dir = tmp.resolve("s");
        try (DaxKV kv = DaxKV.open(dir, LayoutTestSupport.small())) {
            kv.put(b("k"), b("v"));
        }
        Path journal = dir.resolve(Journal.FILE_NAME);
        Path aside = tmp.resolve("journal-aside");
        Files.move(journal, aside);
        DaxKVException.Corrupt e = assertThrows(DaxKVException.Corrupt.class,
                () -> DaxKV.open(dir, LayoutTestSupport.small()).close());
        assertTrue(e.getMessage().contains(Journal.FILE_NAME) && e.getMessage().contains("missing"), e.getMessage());
        assertFalse(Files.exists(journal), "the failed open created no journal");
        Files.move(aside, journal, StandardCopyOption.ATOMIC_MOVE);
        try (DaxKV kv = DaxKV.open(dir, LayoutTestSupport.small())) {
            assertArrayEquals(b("v"), kv.get(b("k")));
        }
    }

    /**
     * A SYNC record travels in the journal with its bytes; the region's copy need not have
     * reached the disk. An image whose region lost the record (zeroed where it was) gets it back
     * from the journal at open.
     */
    @Test
    void aSyncRecordMissingFromItsRegionIsWrittenHomeFromTheJournal() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        byte[] value = b("<<JOURNALED-VALUE>>".repeat(20));
        Options o = LayoutTestSupport.small().toBuilder().durability(Durability.SYNC).build();
        try (DaxKV kv = DaxKV.open(live, o)) {
            kv.put(b("other"), b("x"));
            kv.put(b("victim"), value);
            copyStore(live, image);
        }
        Path region = regionFile(image, 0);
        long at = indexOf(region, b("<<JOURNALED-VALUE>>"), 0);
        assertTrue(at > 0, "the value is in the region image");
        long recordAt = at - io.daxkv.extent.RecordHeader.valueOffset(b("victim").length, 0);
        write(region, recordAt, new byte[io.daxkv.extent.RecordHeader.valueOffset(b("victim").length, 0) + value.length]);
        try (DaxKV kv = DaxKV.open(image, o)) {
            assertArrayEquals(value, kv.get(b("victim")), "written home from the journal");
            assertArrayEquals(b("x"), kv.get(b("other")));
            assertTrue(kv.stats().recordsRestoredAtOpen() >= 1, kv.stats().toString());
            assertTrue(kv.stats().replayedTransactions() >= 2, kv.stats().toString());
        }
    }

    /**
     * A delete is durable once its transaction commits, before the record's header is cleared
     * in the region. An image with the region from before the delete and the journal from after
     * it must not bring the key back.
     */
    @Test
    void aReplayedDeleteBeatsTheRecordStillInTheRegion() throws IOException {
        Path live = tmp.resolve("live");
        Path before = tmp.resolve("before");
        Path image = tmp.resolve("image");
        Options o = LayoutTestSupport.small().toBuilder().durability(Durability.SYNC).build();
        try (DaxKV kv = DaxKV.open(live, o)) {
            kv.put(b("kept"), b("1"));
            kv.put(b("gone"), b("2"));
            copyStore(live, before);
            assertTrue(kv.delete(b("gone")));
            copyStore(live, image);
        }
        Files.copy(regionFile(before, 0), regionFile(image, 0), StandardCopyOption.REPLACE_EXISTING);
        try (DaxKV kv = DaxKV.open(image, o)) {
            assertNull(kv.get(b("gone")), "the delete in the journal wins over the record in the region");
            assertArrayEquals(b("1"), kv.get(b("kept")));
            assertEquals(1, kv.stats().keys());
        }
        try (DaxKV kv = DaxKV.open(image, o)) {
            assertNull(kv.get(b("gone")), "and on every later open (the record was cleared)");
        }
    }

    /** A write appended but never committed (a crash of the process: the page cache keeps it) is replayed. */
    @Test
    void anAsyncWriteOfACrashedProcessIsReplayed() throws IOException {
        Path image = null;
        // the copy must fall between two interval commits (1 s apart); on a loaded machine one
        // may land in it, so try again with a fresh store, a bounded number of times
        for (int attempt = 0; attempt < 10 && image == null; attempt++) {
            Path live = tmp.resolve("live" + attempt);
            Path copy = tmp.resolve("image" + attempt);
            try (DaxKV kv = DaxKV.open(live, lazy())) {
                kv.put(b("k"), b("v"));
                long commits = kv.stats().journalCommits();
                copyStore(live, copy);
                if (commits == kv.stats().journalCommits()) {
                    image = copy;
                }
            }
        }
        assertTrue(image != null, "a copy with no commit around it, in 10 attempts");
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("io.daxkv");
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        Path opened = image;
        try (DaxKV kv = DaxKV.open(opened, lazy())) {
            assertArrayEquals(b("v"), kv.get(b("k")));
            assertTrue(kv.stats().replayedTransactions() >= 1, kv.stats().toString());
        } finally {
            log.removeHandler(capture);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains(opened.toString()) && l.contains("replayed")),
                "open logged what replay did: " + lines);
    }

    /**
     * An ASYNC batch whose transaction reached the log but one of whose records did not reach
     * its region (the kernel wrote the log page back before the commit flushed the region): the
     * transaction never committed, so none of the batch may appear, nor anything after it.
     */
    @Test
    void aTransactionWithARecordThatNeverArrivedIsLeftOutWhole() throws IOException {
        Options o = lazy();
        Path image = null;
        // the batch must still be uncommitted when the copy is taken; an interval commit (1 s)
        // may land in between on a loaded machine, so try again with a fresh store
        for (int attempt = 0; attempt < 10 && image == null; attempt++) {
            Path live = tmp.resolve("live" + attempt);
            Path copy = tmp.resolve("image" + attempt);
            try (DaxKV kv = DaxKV.open(live, o)) {
                kv.put(b("a"), b("old-a"), Durability.SYNC);
                kv.put(b("b"), b("old-b"), Durability.SYNC);
                long commits = kv.stats().journalCommits();
                kv.write(new WriteBatch().put(b("a"), b("<<NEW-A-NEVER-ARRIVED>>")).put(b("b"), b("new-b")));
                kv.put(b("c"), b("after"));
                copyStore(live, copy);
                if (commits == kv.stats().journalCommits()) {
                    image = copy;
                }
            }
        }
        assertTrue(image != null, "a copy with the batch uncommitted, in 10 attempts");
        Path region = regionFile(image, 0);
        long at = indexOf(region, b("<<NEW-A-NEVER-ARRIVED>>"), 0);
        assertTrue(at > 0, "the batch's record for a is in the region image");
        long recordAt = at - io.daxkv.extent.RecordHeader.valueOffset(1, 0);
        write(region, recordAt, new byte[128]); // header and value: never written back
        try (DaxKV kv = DaxKV.open(image, o)) {
            assertArrayEquals(b("old-a"), kv.get(b("a")), "a keeps its committed value");
            assertArrayEquals(b("old-b"), kv.get(b("b")), "b too: the batch is left out whole");
            assertNull(kv.get(b("c")), "and so is every later transaction");
        }
    }
}
