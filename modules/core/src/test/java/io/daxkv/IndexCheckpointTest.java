package io.daxkv;

import static io.daxkv.LayoutTestSupport.assertContents;
import static io.daxkv.LayoutTestSupport.b;
import static io.daxkv.LayoutTestSupport.copyStore;
import static io.daxkv.LayoutTestSupport.flipByte;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.index.IndexCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The index checkpoint ({@code INDEX-<txn>}): its layout, that every damage is caught, and that
 * open after a crash builds on it (replaying only the log after it) or, when it is missing or
 * damaged, scans, with the same contents either way.
 */
class IndexCheckpointTest {

    @TempDir
    Path tmp;

    private static Options options() {
        return LayoutTestSupport.small().toBuilder().durability(Durability.SYNC).build();
    }

    private static IndexCheckpoint.Snapshot sample() {
        byte[][] keys = {b("a"), b("b-longer-key"), b("c")};
        return new IndexCheckpoint.Snapshot(42, 99, keys, new long[] {1L << 32 | 5, 7, 1L << 32 | 900},
                new long[] {3, 99, 12}, new long[] {0, 1000, 70_000});
    }

    @Test
    void layoutConstantsFollowOneAnother() {
        assertEquals(IndexCheckpoint.VERSION_OFFSET + 4, IndexCheckpoint.UUID_MSB_OFFSET);
        assertEquals(IndexCheckpoint.ENTRY_COUNT_OFFSET + 8, IndexCheckpoint.RESERVED_OFFSET);
        assertEquals(IndexCheckpoint.RESERVED_OFFSET + IndexCheckpoint.RESERVED_BYTES, IndexCheckpoint.HEADER_CRC_OFFSET);
        assertEquals(64, IndexCheckpoint.HEADER_BYTES);
        assertEquals(0, IndexCheckpoint.TXN_ID_OFFSET % 8, "8-byte fields 8-aligned");
        assertEquals(28, IndexCheckpoint.ENTRY_FIXED_BYTES);
        assertEquals(IndexCheckpoint.ENTRY_VALUE_LENGTH_OFFSET + 8, IndexCheckpoint.ENTRY_KEY_LENGTH_OFFSET);
        assertEquals(DaxKV.MAX_KEY_BYTES, IndexCheckpoint.MAX_KEY_BYTES);
    }

    @Test
    void writtenIsReadBackExactly() throws IOException {
        UUID uuid = UUID.randomUUID();
        Path file = IndexCheckpoint.write(tmp, uuid, sample());
        assertEquals("INDEX-000000000000002a", file.getFileName().toString());
        assertEquals(IndexCheckpoint.HEADER_BYTES + 3L * IndexCheckpoint.ENTRY_FIXED_BYTES + 1 + 12 + 1
                + IndexCheckpoint.TRAILER_BYTES, Files.size(file));
        IndexCheckpoint.Snapshot r = IndexCheckpoint.read(tmp, 42, uuid);
        assertEquals(42, r.txnId);
        assertEquals(99, r.maxSeq);
        assertEquals(3, r.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(sample().keys[i], r.keys[i]);
            assertEquals(sample().addresses[i], r.addresses[i]);
            assertEquals(sample().sequences[i], r.sequences[i]);
            assertEquals(sample().valueLengths[i], r.valueLengths[i]);
        }
        assertNull(IndexCheckpoint.read(tmp, 43, uuid), "no file for another transaction");
        assertFalse(Files.exists(tmp.resolve("INDEX-000000000000002a.tmp")), "the temporary file is renamed");
    }

    /** A flipped byte anywhere (header, an entry's fields or key, the trailer) is caught. */
    @ParameterizedTest
    @ValueSource(ints = {0, 5, 30, 61, 64, 70, 80, 91, 95, 100, 140, -1, -5})
    void everyDamagedByteIsCaught(int offset) throws IOException {
        UUID uuid = UUID.randomUUID();
        Path file = IndexCheckpoint.write(tmp, uuid, sample());
        flipByte(file, offset >= 0 ? offset : Files.size(file) + offset);
        DaxKVException.Corrupt e = assertThrows(DaxKVException.Corrupt.class, () -> IndexCheckpoint.read(tmp, 42, uuid));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("index checkpoint"), e.getMessage());
    }

    @Test
    void truncationAnotherStoreAndAWrongNameAreCaught() throws IOException {
        UUID uuid = UUID.randomUUID();
        Path file = IndexCheckpoint.write(tmp, uuid, sample());
        assertThrows(DaxKVException.Corrupt.class, () -> IndexCheckpoint.read(tmp, 42, UUID.randomUUID()));
        Files.move(file, IndexCheckpoint.file(tmp, 41));
        assertThrows(DaxKVException.Corrupt.class, () -> IndexCheckpoint.read(tmp, 41, uuid), "says 42, named 41");
        Files.move(IndexCheckpoint.file(tmp, 41), file);
        LayoutTestSupport.truncate(file, Files.size(file) - 9);
        DaxKVException.Corrupt e = assertThrows(DaxKVException.Corrupt.class, () -> IndexCheckpoint.read(tmp, 42, uuid));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    // ------------------------------------------------------------------------- in a store

    private static List<Path> checkpointFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> IndexCheckpoint.isCheckpointFile(p.getFileName().toString())).toList();
        }
    }

    /**
     * A store with 200 keys checkpointed, then 30 overwrites and 10 deletes after the checkpoint,
     * copied while open (a process crash); returns what it must hold.
     */
    private Map<String, byte[]> crashAfterCheckpoint(Path image) throws IOException {
        Path live = tmp.resolve("live");
        Map<String, byte[]> want = new LinkedHashMap<>();
        try (DaxKV kv = DaxKV.open(live, options())) {
            for (int i = 0; i < 200; i++) {
                kv.put(b("key-" + i), b("first-" + i));
                want.put("key-" + i, b("first-" + i));
            }
            kv.checkpoint();
            assertEquals(1, checkpointFiles(live).size(), "older checkpoints are deleted once the journal names the new one");
            for (int i = 0; i < 30; i++) {
                kv.put(b("key-" + i * 5), b("second-" + i));
                want.put("key-" + i * 5, b("second-" + i));
            }
            for (int i = 0; i < 10; i++) {
                kv.delete(b("key-" + (i * 7 + 1)));
                want.remove("key-" + (i * 7 + 1));
            }
            copyStore(live, image);
        }
        return want;
    }

    @Test
    void openAfterACrashBuildsOnTheCheckpointAndReplaysOnlyWhatCameLater() throws IOException {
        Path image = tmp.resolve("image");
        Map<String, byte[]> want = crashAfterCheckpoint(image);
        try (DaxKV kv = DaxKV.open(image, options())) {
            Stats s = kv.stats();
            assertTrue(s.openedFromIndexCheckpoint(), s::toString);
            assertEquals(1, s.regionsOpenedDirty());
            assertEquals(40, s.replayedTransactions(), "only the writes after the checkpoint");
            assertContents(kv, want);
            assertEquals(want.size(), s.keys());
            kv.put(b("after"), b("recovery"));
        }
        want.put("after", b("recovery"));
        try (DaxKV kv = DaxKV.open(image, options())) {
            assertTrue(kv.stats().openedFromIndexCheckpoint());
            assertEquals(0, kv.stats().regionsOpenedDirty());
            assertContents(kv, want);
        }
    }

    @Test
    void withoutItsCheckpointOpenScansToTheSameContents() throws IOException {
        Path image = tmp.resolve("image");
        Map<String, byte[]> want = crashAfterCheckpoint(image);
        IndexCheckpoint.deleteAllBut(image, -1);
        try (DaxKV kv = DaxKV.open(image, options())) {
            assertFalse(kv.stats().openedFromIndexCheckpoint());
            assertEquals(40, kv.stats().replayedTransactions());
            assertContents(kv, want);
        }
        assertEquals(1, checkpointFiles(image).size(), "the clean close wrote a checkpoint again");
        try (DaxKV kv = DaxKV.open(image, options())) {
            assertTrue(kv.stats().openedFromIndexCheckpoint());
            assertContents(kv, want);
        }
    }

    @Test
    void aDamagedCheckpointIsNotUsed() throws IOException {
        Path image = tmp.resolve("image");
        Map<String, byte[]> want = crashAfterCheckpoint(image);
        Path file = checkpointFiles(image).get(0);
        flipByte(file, IndexCheckpoint.HEADER_BYTES + IndexCheckpoint.ENTRY_FIXED_BYTES + 2);
        try (DaxKV kv = DaxKV.open(image, options())) {
            assertFalse(kv.stats().openedFromIndexCheckpoint());
            assertContents(kv, want);
        }
    }

    /** A checkpoint naming a record that is not there, for a key the log does not touch: open scans instead. */
    @Test
    void aCheckpointThatDisagreesWithTheRegionsOfACleanStoreIsNotUsed() throws IOException {
        Path dir = tmp.resolve("s");
        Map<String, byte[]> want = new LinkedHashMap<>();
        try (DaxKV kv = DaxKV.open(dir, options())) {
            for (int i = 0; i < 50; i++) {
                kv.put(b("key-" + i), b("value-" + i));
                want.put("key-" + i, b("value-" + i));
            }
        }
        Path file = checkpointFiles(dir).get(0);
        long txn = Long.parseLong(file.getFileName().toString().substring(IndexCheckpoint.FILE_PREFIX.length()), 16);
        UUID uuid = io.daxkv.region.Manifest.read(dir).storeUuid;
        IndexCheckpoint.Snapshot s = IndexCheckpoint.read(dir, txn, uuid);
        s.addresses[10] += 1; // one block off: the bitmaps of the clean region disagree
        IndexCheckpoint.write(dir, uuid, s);
        try (DaxKV kv = DaxKV.open(dir, options())) {
            assertFalse(kv.stats().openedFromIndexCheckpoint(), "the scan found the records where they are");
            assertContents(kv, want);
        }
    }

    /**
     * A recovery built on the checkpoint leaves the headers of writes that never committed in
     * free blocks, and those blocks can be handed out again under such a header. A later scan
     * must look inside that header's extent, not skip it, or it would miss the live record there.
     */
    @Test
    void aNeverCommittedHeaderOverALiveRecordDoesNotHideItFromAScan() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        byte[] bigValue = b("<<BIG-VALUE>>".repeat(80));
        byte[] smallValue = b("small-value");
        try (DaxKV kv = DaxKV.open(live, options())) {
            kv.put(b("big"), bigValue);
            kv.put(b("small"), smallValue);
            kv.delete(b("big"));
            kv.checkpoint(); // out of the log: replay must not write big's record home over the header below
            copyStore(live, image);
        }
        io.daxkv.region.Geometry g = io.daxkv.region.Geometry.of(LayoutTestSupport.REGION_BYTES,
                Options.DEFAULT_BLOCK_SIZE_BYTES);
        Path region = LayoutTestSupport.regionFile(image, 0);
        int keyOffset = io.daxkv.extent.RecordHeader.keyOffset();
        long bigAt = LayoutTestSupport.indexOf(region, b("big<<BIG-VALUE>>"), g.dataOffset) - keyOffset;
        long smallAt = LayoutTestSupport.indexOf(region, b("smallsmall-value"), g.dataOffset) - keyOffset;
        assertTrue(bigAt >= g.dataOffset && smallAt > bigAt, "fixture: big's blocks come before small's");
        int bigBlock = (int) ((bigAt - g.dataOffset) / Options.DEFAULT_BLOCK_SIZE_BYTES);
        int smallBlock = (int) ((smallAt - g.dataOffset) / Options.DEFAULT_BLOCK_SIZE_BYTES);
        // a header at big's block, of a write that never committed, whose extent covers small's
        long valueLength = (long) (smallBlock - bigBlock + 2) * Options.DEFAULT_BLOCK_SIZE_BYTES;
        int extentBlocks = g.blocksFor(io.daxkv.extent.RecordPlan.of(3, valueLength).primaryBytes);
        assertTrue(bigBlock + extentBlocks > smallBlock);
        byte[] header = new byte[io.daxkv.extent.RecordHeader.LENGTH + 3];
        io.daxkv.extent.RecordHeader.encode(header, 0, 3, extentBlocks, valueLength, 1L << 40, 0, 0, 0, bigBlock);
        System.arraycopy(b("zzz"), 0, header, keyOffset, 3);
        LayoutTestSupport.write(region, bigAt, header);
        IndexCheckpoint.deleteAllBut(image, -1);
        try (DaxKV kv = DaxKV.open(image, options())) {
            assertFalse(kv.stats().openedFromIndexCheckpoint());
            assertArrayEquals(smallValue, kv.get(b("small")), "the scan found the record under the stale header");
            assertNull(kv.get(b("zzz")));
            assertNull(kv.get(b("big")));
        }
    }

    @Test
    void checkpointOnAClosedStoreIsRefused() {
        DaxKV kv = DaxKV.open(tmp.resolve("s"), options());
        kv.close();
        assertThrows(DaxKVException.Closed.class, kv::checkpoint);
    }
}
