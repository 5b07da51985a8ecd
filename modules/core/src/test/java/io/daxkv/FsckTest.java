package io.daxkv;

import static io.daxkv.LayoutTestSupport.REGION_BYTES;
import static io.daxkv.LayoutTestSupport.assertContents;
import static io.daxkv.LayoutTestSupport.assertSameFiles;
import static io.daxkv.LayoutTestSupport.b;
import static io.daxkv.LayoutTestSupport.flipByte;
import static io.daxkv.LayoutTestSupport.read;
import static io.daxkv.LayoutTestSupport.readLongLE;
import static io.daxkv.LayoutTestSupport.regionFile;
import static io.daxkv.LayoutTestSupport.seededCrc32c;
import static io.daxkv.LayoutTestSupport.snapshot;
import static io.daxkv.LayoutTestSupport.crc32c;
import static io.daxkv.LayoutTestSupport.write;
import static io.daxkv.LayoutTestSupport.writeIntLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.extent.RecordHeader;
import io.daxkv.fsck.Finding;
import io.daxkv.fsck.Fsck;
import io.daxkv.fsck.FsckReport;
import io.daxkv.fsck.ProgressListener;
import io.daxkv.region.Geometry;
import io.daxkv.region.GroupDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsck against a real store whose files are damaged byte by byte with the store closed: each
 * kind of damage is found, named (file, group, block, key) and, with repair, fixed so that a
 * second run is clean and the store opens with every key it should have.
 *
 * <p>The store (as in {@link DamagedMetadataTest}): 64 B blocks in a 4 MiB region (two block
 * groups), 40 small keys and one chained 1.25 MiB value.
 */
class FsckTest {

    private static final int BLOCK = 64;
    private static final Geometry G = Geometry.of(REGION_BYTES, BLOCK);
    private static final String R0 = "region-000000.dax";

    @TempDir
    Path tmp;

    private Path store;
    private Path r0;
    private Map<String, byte[]> data;

    private static Options options() {
        return LayoutTestSupport.small(BLOCK);
    }

    @BeforeEach
    void makeStore() {
        store = tmp.resolve("store");
        r0 = regionFile(store, 0);
        data = LayoutTestSupport.writeFixture(store, options());
    }

    // ------------------------------------------------------------------------------ helpers

    private FsckReport check() {
        return Fsck.run(store, false, ProgressListener.NONE);
    }

    private FsckReport repair() {
        return Fsck.run(store, true, ProgressListener.NONE);
    }

    private static Finding only(FsckReport r, Finding.Kind kind) {
        List<Finding> of = r.findings().stream().filter(f -> f.kind() == kind).toList();
        assertEquals(1, of.size(), () -> "expected one " + kind + " finding: " + r.findings());
        return of.get(0);
    }

    /** Checks without repair (nothing may change), then repairs, then checks that a rerun is clean and the store opens. */
    private FsckReport checkRepairRecheck(FsckReport.Result afterRepair, Map<String, byte[]> expected) throws IOException {
        Map<String, byte[]> before = snapshot(store);
        FsckReport found = check();
        assertEquals(FsckReport.Result.ERRORS_LEFT, found.result(), found.findings()::toString);
        assertTrue(found.findings().stream().allMatch(f -> f.outcome() == Finding.Outcome.LEFT), found.findings()::toString);
        assertSameFiles(before, store, "fsck without --repair");
        FsckReport fixed = repair();
        assertEquals(afterRepair, fixed.result(), fixed.findings()::toString);
        assertEquals(found.findings().size(), fixed.findings().size(), "the repair run finds what the check found");
        FsckReport again = check();
        assertEquals(FsckReport.Result.CLEAN, again.result(), () -> "after the repair: " + again.findings());
        assertEquals(expected.size(), again.keys());
        try (DaxKV kv = DaxKV.open(store, options())) {
            assertContents(kv, expected);
        }
        return found;
    }

    /** The first data block of the record whose key is {@code key} (found by its key bytes). */
    private long recordBlock(String key) throws IOException {
        byte[] pattern = b(key + "value-"); // the key, then the start of its value
        long at = LayoutTestSupport.indexOf(r0, pattern, G.dataOffset);
        assertTrue(at > 0, "record of " + key + " not found");
        long start = at - RecordHeader.keyOffset() - G.dataOffset;
        assertEquals(0, start % BLOCK, "the record of " + key + " starts a block");
        return start / BLOCK;
    }

    /** Sets or clears {@code block}'s bit in its group's bitmap and reseals the bitmap and descriptor CRCs. */
    private void patchBit(long block, boolean used) throws IOException {
        int group = (int) (block / G.blocksPerGroup);
        long word = G.bitmapOffset(group) + (block % G.blocksPerGroup) / 64 * 8;
        long bits = readLongLE(r0, word);
        long mask = 1L << (block % 64);
        assertEquals(!used, (bits & mask) != 0, "block " + block + " was " + (used ? "used" : "free") + " already");
        bits = used ? bits | mask : bits & ~mask;
        write(r0, word, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bits).array());
        byte[] bitmap = read(r0, G.bitmapOffset(group), Geometry.BITMAP_BYTES_PER_GROUP);
        long desc = G.descriptorOffset(group);
        writeIntLE(r0, desc + GroupDescriptor.BITMAP_CRC_OFFSET, crc32c(bitmap, 0, bitmap.length));
        int free = LayoutTestSupport.readIntLE(r0, desc + GroupDescriptor.FREE_BLOCKS_OFFSET);
        writeIntLE(r0, desc + GroupDescriptor.FREE_BLOCKS_OFFSET, used ? free - 1 : free + 1);
        byte[] d = read(r0, desc, GroupDescriptor.CRC_OFFSET);
        writeIntLE(r0, desc + GroupDescriptor.CRC_OFFSET, seededCrc32c(0, group, d, 0, d.length));
    }

    // -------------------------------------------------------------------------------- tests

    @Test
    void aCleanStoreIsCleanAndUntouched() throws IOException {
        Map<String, byte[]> before = snapshot(store);
        AtomicLong last = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        FsckReport r = Fsck.run(store, false, (done, total) -> {
            assertTrue(done >= last.get() && done <= total, done + " of " + total);
            last.set(done);
            calls.incrementAndGet();
        });
        assertEquals(FsckReport.Result.CLEAN, r.result(), r.findings()::toString);
        assertEquals(List.of(), r.findings());
        assertEquals(0, r.replayedTransactions());
        assertEquals(null, r.replayNote(), "a store closed clean needs no replay");
        assertEquals(data.size(), r.keys());
        assertEquals(data.size(), r.records());
        assertEquals(1, r.regions());
        assertEquals(2, r.groups());
        assertEquals(G.blockCount, r.blocksTotal());
        assertEquals(G.blockCount, last.get(), "the last progress call says the scan is done");
        assertTrue(calls.get() > 2, "progress was reported along the way: " + calls.get());
        long bytes = data.entrySet().stream().mapToLong(e -> e.getKey().length() + e.getValue().length).sum();
        assertEquals(bytes, r.liveBytes());
        assertSameFiles(before, store, "a clean run");
        try (DaxKV kv = DaxKV.open(store, options())) {
            assertEquals(kv.stats().blocksUsed(), r.blocksUsed(), "fsck and the allocator agree on the used blocks");
        }
    }

    @Test
    void aCrashedStoreIsReplayedAndThatAloneIsClean() throws IOException {
        Path live = tmp.resolve("live");
        Path image = tmp.resolve("image");
        try (DaxKV kv = DaxKV.open(live, options().toBuilder().commitIntervalMs(1000).build())) {
            for (int i = 0; i < 20; i++) {
                kv.put(b("k" + i), b("v" + i));
            }
            kv.delete(b("k3"));
            LayoutTestSupport.copyStore(live, image); // what a kill -9 now leaves: dirty regions, journal transactions
        }
        FsckReport r = Fsck.run(image, false, ProgressListener.NONE);
        assertEquals(FsckReport.Result.CLEAN, r.result(), r.findings()::toString);
        assertTrue(r.replayedTransactions() > 0, "the journal held transactions: " + r.replayNote());
        assertNotNull(r.replayNote());
        assertTrue(r.replayNote().startsWith("journal replayed"), r.replayNote());
        assertEquals(19, r.keys());
        FsckReport again = Fsck.run(image, false, ProgressListener.NONE);
        assertEquals(0, again.replayedTransactions(), "the replay emptied the journal and closed the store clean");
        assertEquals(FsckReport.Result.CLEAN, again.result());
    }

    @Test
    void leakedBlocksAreFoundAndFreed() throws IOException {
        long block = G.blockCount - 5; // the end of group 1: free in this store
        patchBit(block, true);
        assertThrows(DaxKVException.Corrupt.class, () -> DaxKV.open(store, options()).close(),
                "the engine refuses a clean region whose bitmap disagrees: the case fsck is for");
        Finding f = only(checkRepairRecheck(FsckReport.Result.FIXED, data), Finding.Kind.LEAKED_BLOCKS);
        assertEquals(R0, f.file());
        assertEquals(1, f.group());
        assertEquals(block, f.block());
        assertTrue(f.what().startsWith("1 block marked used"), f::toString);
    }

    @Test
    void aBitClearedUnderALiveRecordIsFoundAndSet() throws IOException {
        long block = recordBlock("key-5");
        patchBit(block, false);
        Finding f = only(checkRepairRecheck(FsckReport.Result.FIXED, data), Finding.Kind.UNMARKED_BLOCKS);
        assertEquals(block, f.block());
        assertEquals("key-5", new String(f.key(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(f.toString().contains("key \"key-5\""), f::toString);
    }

    @Test
    void aFlippedValueByteLosesThatKeyAndSaysSo() throws IOException {
        long block = recordBlock("key-7");
        long valueAt = LayoutTestSupport.indexOf(r0, b("value-7-xxx"), G.dataOffset);
        flipByte(r0, valueAt + 3);
        Map<String, byte[]> survivors = new LinkedHashMap<>(data);
        survivors.remove("key-7");
        FsckReport found = checkRepairRecheck(FsckReport.Result.ERRORS_LEFT, survivors);
        Finding f = only(found, Finding.Kind.DATA_CHECKSUM);
        assertEquals(block, f.block());
        assertEquals(0, f.regionId());
        assertTrue(f.what().contains("key \"key-7\"") && f.what().contains("data CRC32C")
                && f.what().contains("region 0 block " + block), f::toString);
        // its blocks are marked used and owned by nobody once it is not live: reported as leaked too
        only(found, Finding.Kind.LEAKED_BLOCKS);
    }

    @Test
    void aRepairThatRemovesDataEndsWithErrorsLeftAndSaysDataWasLost() throws IOException {
        long valueAt = LayoutTestSupport.indexOf(r0, b("value-9-xxx"), G.dataOffset);
        flipByte(r0, valueAt + 1);
        FsckReport r = repair();
        assertEquals(FsckReport.Result.ERRORS_LEFT, r.result());
        assertEquals(Finding.Outcome.FIXED_DATA_LOST, only(r, Finding.Kind.DATA_CHECKSUM).outcome());
        assertTrue(only(r, Finding.Kind.DATA_CHECKSUM).toString().endsWith("[removed: data lost]"));
    }

    @Test
    void aBadGroupDescriptorIsFoundAndRewritten() throws IOException {
        flipByte(r0, G.descriptorOffset(1) + GroupDescriptor.FREE_BLOCKS_OFFSET);
        Finding f = only(checkRepairRecheck(FsckReport.Result.FIXED, data), Finding.Kind.GROUP_DESCRIPTOR);
        assertEquals(1, f.group());
        assertTrue(f.what().contains("descriptor checksum mismatch"), f::toString);
    }

    @Test
    void aBadBitmapChecksumIsFoundAndRewritten() throws IOException {
        flipByte(r0, G.bitmapOffset(0) + 100);
        Finding f = only(checkRepairRecheck(FsckReport.Result.FIXED, data), Finding.Kind.BITMAP_CHECKSUM);
        assertEquals(0, f.group());
        assertEquals(R0, f.file());
    }

    /** The one index checkpoint file of the store (its clean close wrote it). */
    private Path indexFile() throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(store)) {
            List<Path> index = files.filter(p -> io.daxkv.index.IndexCheckpoint.isCheckpointFile(p.getFileName().toString()))
                    .toList();
            assertEquals(1, index.size(), index::toString);
            return index.get(0);
        }
    }

    @Test
    void aDamagedIndexCheckpointIsFoundAndWrittenAgain() throws IOException {
        Path index = indexFile();
        flipByte(index, io.daxkv.index.IndexCheckpoint.HEADER_BYTES + 3); // inside the first entry
        try (DaxKV kv = DaxKV.open(store, options())) {
            assertFalse(kv.stats().openedFromIndexCheckpoint(), "a damaged checkpoint is not used: the open scans");
            assertContents(kv, data);
        }
        // that open's close wrote a new checkpoint; damage it again, then let fsck find it
        index = indexFile();
        flipByte(index, io.daxkv.index.IndexCheckpoint.HEADER_BYTES + 3);
        Finding f = only(checkRepairRecheck(FsckReport.Result.FIXED, data), Finding.Kind.INDEX);
        assertEquals(index.getFileName().toString(), f.file());
        assertTrue(f.what().contains("checksum"), f::toString);
        try (DaxKV kv = DaxKV.open(store, options())) {
            assertTrue(kv.stats().openedFromIndexCheckpoint(), "the rewritten checkpoint is used");
            assertContents(kv, data);
        }
    }

    @Test
    void anIndexCheckpointThatLacksAKeyIsFoundAndWrittenAgain() throws IOException {
        Path index = indexFile();
        long txn = Long.parseLong(index.getFileName().toString().substring(io.daxkv.index.IndexCheckpoint.FILE_PREFIX.length()), 16);
        java.util.UUID uuid = java.util.UUID.fromString(storeUuid());
        io.daxkv.index.IndexCheckpoint.Snapshot s = io.daxkv.index.IndexCheckpoint.read(store, txn, uuid);
        int drop = -1;
        for (int i = 0; i < s.size(); i++) {
            if (java.util.Arrays.equals(s.keys[i], b("key-3"))) {
                drop = i;
            }
        }
        assertTrue(drop >= 0);
        int n = s.size() - 1;
        byte[][] keys = new byte[n][];
        long[] addresses = new long[n];
        long[] sequences = new long[n];
        long[] valueLengths = new long[n];
        for (int i = 0, j = 0; i < s.size(); i++) {
            if (i != drop) {
                keys[j] = s.keys[i];
                addresses[j] = s.addresses[i];
                valueLengths[j] = s.valueLengths[i];
                sequences[j++] = s.sequences[i];
            }
        }
        io.daxkv.index.IndexCheckpoint.write(store, uuid, new io.daxkv.index.IndexCheckpoint.Snapshot(txn, s.maxSeq, keys,
                addresses, sequences, valueLengths));
        Finding f = only(checkRepairRecheck(FsckReport.Result.FIXED, data), Finding.Kind.INDEX);
        assertTrue(f.what().contains("lacks key \"key-3\""), f::toString);
    }

    private String storeUuid() throws IOException {
        return io.daxkv.region.Manifest.read(store).storeUuid.toString();
    }

    @Test
    void aBadSuperblockIsReportedAndStopsEveryRepair() throws IOException {
        for (int slot = 0; slot < io.daxkv.region.Superblock.SLOT_COUNT; slot++) {
            flipByte(r0, io.daxkv.region.Superblock.slotOffset(slot) + io.daxkv.region.Superblock.MAGIC_OFFSET);
        }
        long valueAt = LayoutTestSupport.indexOf(r0, b("value-9-xxx"), G.dataOffset);
        flipByte(r0, valueAt + 1); // would be removed by a repair, were the region readable
        Map<String, byte[]> damaged = snapshot(store);
        FsckReport r = repair();
        assertEquals(FsckReport.Result.ERRORS_LEFT, r.result());
        Finding f = only(r, Finding.Kind.SUPERBLOCK);
        assertEquals(R0, f.file());
        assertTrue(f.what().contains("superblock magic"), f::toString);
        assertEquals(Finding.Outcome.LEFT, f.outcome());
        assertSameFiles(damaged, store, "a repair with an unreadable region");
    }

    @Test
    void aStoreOpenInThisJvmIsRefusedAsLocked() {
        try (DaxKV kv = DaxKV.open(store, options())) {
            assertThrows(DaxKVException.Locked.class, this::check);
            assertThrows(DaxKVException.Locked.class, this::repair);
            assertEquals(data.size(), kv.stats().keys(), "the open store is untouched");
        }
        assertEquals(FsckReport.Result.CLEAN, check().result(), "fsck released nothing it did not hold");
    }

    @Test
    void aDirectoryWithoutAStoreIsNotAStore() throws IOException {
        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("notes.txt"), "not a store");
        assertThrows(DaxKVException.NotAStore.class, () -> Fsck.run(foreign, false, ProgressListener.NONE));
        assertThrows(DaxKVException.NotAStore.class, () -> Fsck.run(tmp.resolve("missing"), false, ProgressListener.NONE));
        assertEquals(List.of("notes.txt"), Files.list(foreign).map(p -> p.getFileName().toString()).toList(),
                "nothing was created (but the lock file an open attempt may leave)");
    }
}
