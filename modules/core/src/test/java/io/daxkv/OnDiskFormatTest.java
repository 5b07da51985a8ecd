package io.daxkv;

import static io.daxkv.LayoutTestSupport.REGION_BYTES;
import static io.daxkv.LayoutTestSupport.b;
import static io.daxkv.LayoutTestSupport.crc32c;
import static io.daxkv.LayoutTestSupport.intLE;
import static io.daxkv.LayoutTestSupport.longLE;
import static io.daxkv.LayoutTestSupport.manifestFile;
import static io.daxkv.LayoutTestSupport.read;
import static io.daxkv.LayoutTestSupport.regionFile;
import static io.daxkv.LayoutTestSupport.seededCrc32c;
import static io.daxkv.LayoutTestSupport.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.extent.ChunkTable;
import io.daxkv.extent.ContinuationHeader;
import io.daxkv.extent.RecordHeader;
import io.daxkv.extent.RecordPlan;
import io.daxkv.region.Geometry;
import io.daxkv.region.GroupDescriptor;
import io.daxkv.region.Manifest;
import io.daxkv.region.Superblock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bytes a real store leaves on disk, read back from the files and checked field by field
 * against the layout classes: superblock, group descriptors and bitmaps, manifest, records and
 * chunk tables. {@link LayoutTest} checks the layout classes themselves.
 */
class OnDiskFormatTest {

    @TempDir
    Path tmp;

    // ================================================================= a real store's bytes

    @ParameterizedTest
    @ValueSource(ints = {64, 128, 256, 4096, 65536})
    void formatCloseReopenKeepsTheGeometryOfTheOptions(int blockSize) throws IOException {
        Path dir = tmp.resolve("s");
        Geometry g = Geometry.of(REGION_BYTES, blockSize);
        Map<String, byte[]> data = new LinkedHashMap<>();
        data.put("alpha", b("1"));
        data.put("beta", new byte[3000]);
        try (DaxKV kv = DaxKV.open(dir, small(blockSize))) {
            data.forEach((k, v) -> kv.put(b(k), v));
            checkStatsGeometry(kv.stats(), g);
        }
        assertEquals(REGION_BYTES, Files.size(regionFile(dir, 0)), "region file size");
        try (DaxKV kv = DaxKV.open(dir, small(blockSize))) {
            checkStatsGeometry(kv.stats(), g);
            LayoutTestSupport.assertContents(kv, data);
        }
    }

    private static void checkStatsGeometry(Stats s, Geometry g) {
        assertEquals(g.blockSizeBytes, s.blockSizeBytes(), "stats block size");
        assertEquals(1, s.regions(), "regions of a nearly empty store");
        assertEquals(g.blockCount, s.blocksTotal(), "stats blocksTotal of one region");
        assertEquals(s.blocksTotal(), s.blocksUsed() + s.blocksFree(), "used + free");
    }

    @Test
    void blockSizeChosenAtFormatSurvivesReopenWithOtherOptions() throws IOException {
        Path dir = tmp.resolve("s");
        Map<String, byte[]> data = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
            data.put("k" + i, b("value-" + i));
        }
        try (DaxKV kv = DaxKV.open(dir, small(256))) {
            data.forEach((k, v) -> kv.put(b(k), v));
        }
        Options other = Options.builder().regionSizeBytes(8L << 20).blockSizeBytes(1024).build();
        byte[] big = new byte[5 << 20];
        new Random(7).nextBytes(big);
        try (DaxKV kv = DaxKV.open(dir, other)) {
            assertEquals(256, kv.stats().blockSizeBytes(), "block size after reopening with 1024 in the options");
            LayoutTestSupport.assertContents(kv, data);
            kv.put(b("big"), big); // needs a second region: it must use the recorded geometry too
            data.put("big", big);
            Stats s = kv.stats();
            assertTrue(s.regions() >= 2, "a 5 MiB value in 4 MiB regions needs a second region: " + s);
            assertEquals(256, s.blockSizeBytes());
        }
        Geometry g = Geometry.of(REGION_BYTES, 256);
        List<Path> regions = regionFiles(dir);
        assertTrue(regions.size() >= 2, "region files: " + regions);
        for (Path r : regions) {
            assertEquals(REGION_BYTES, Files.size(r), r + ": size must be the recorded region size, not the new option");
            byte[] sb = read(r, 0, Superblock.LENGTH);
            assertEquals(256, intLE(sb, Superblock.BLOCK_SIZE_OFFSET), r + ": superblock block size");
            assertEquals(REGION_BYTES, longLE(sb, Superblock.REGION_SIZE_OFFSET), r + ": superblock region size");
            assertEquals(g.blockCount, intLE(sb, Superblock.BLOCK_COUNT_OFFSET), r + ": superblock block count");
        }
        byte[] manifest = Files.readAllBytes(manifestFile(dir));
        assertEquals(256, intLE(manifest, Manifest.BLOCK_SIZE_OFFSET));
        assertEquals(REGION_BYTES, longLE(manifest, Manifest.REGION_SIZE_OFFSET));
        try (DaxKV kv = DaxKV.open(dir, Options.defaults())) {
            assertEquals(256, kv.stats().blockSizeBytes());
            assertEquals((long) kv.stats().regions() * g.blockCount, kv.stats().blocksTotal());
            LayoutTestSupport.assertContents(kv, data);
        }
    }

    private static List<Path> regionFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Manifest.parseRegionFileName(p.getFileName().toString()) >= 0).sorted().toList();
        }
    }

    /** The current superblock slot of a region's first block: both slots verify, the higher generation wins. */
    private static byte[] currentSlot(byte[] block, String when) {
        byte[][] slots = new byte[Superblock.SLOT_COUNT][];
        for (int i = 0; i < Superblock.SLOT_COUNT; i++) {
            slots[i] = java.util.Arrays.copyOfRange(block, i * Superblock.SLOT_BYTES, i * Superblock.SLOT_BYTES + Superblock.LENGTH);
            assertEquals(crc32c(slots[i], 0, Superblock.CRC_OFFSET), intLE(slots[i], Superblock.CRC_OFFSET),
                    "slot " + i + " CRC32C over [0, CRC_OFFSET) " + when);
        }
        long g0 = longLE(slots[0], Superblock.GENERATION_OFFSET);
        long g1 = longLE(slots[1], Superblock.GENERATION_OFFSET);
        assertEquals(1, Math.abs(g0 - g1), "the slots' generations are one apart " + when);
        return g0 > g1 ? slots[0] : slots[1];
    }

    @Test
    void superblockOnDiskIsCleanAfterCloseDirtyWhileOpenAndItsCrcCovers0ToCrcOffset() throws IOException {
        Path dir = tmp.resolve("s");
        Path r0 = regionFile(dir, 0);
        Geometry g = Geometry.of(REGION_BYTES, Options.DEFAULT_BLOCK_SIZE_BYTES);
        try (DaxKV kv = DaxKV.open(dir, small())) {
            kv.put(b("k"), b("v"));
            byte[] open = currentSlot(read(r0, 0, Superblock.BLOCK_BYTES), "while open");
            assertEquals(Superblock.STATE_DIRTY, intLE(open, Superblock.STATE_OFFSET), "state on disk while open");
            assertEquals(2, longLE(open, Superblock.GENERATION_OFFSET), "generation: format 1, mount 2");
        }
        byte[] block = read(r0, 0, Superblock.BLOCK_BYTES);
        byte[] sb = currentSlot(block, "after close");
        assertEquals(3, longLE(sb, Superblock.GENERATION_OFFSET), "generation: format 1, mount 2, clean close 3");
        assertEquals(Superblock.MAGIC, intLE(sb, Superblock.MAGIC_OFFSET), "magic");
        assertEquals("DXKS", new String(sb, 0, 4, StandardCharsets.US_ASCII), "magic bytes");
        assertEquals(Superblock.FORMAT_VERSION, intLE(sb, Superblock.FORMAT_VERSION_OFFSET));
        assertEquals(Superblock.STATE_CLEAN, intLE(sb, Superblock.STATE_OFFSET), "state after a clean close");
        assertEquals(0, intLE(sb, Superblock.FEATURE_INCOMPAT_OFFSET));
        assertEquals(0, intLE(sb, Superblock.FEATURE_RO_COMPAT_OFFSET));
        assertEquals(0, intLE(sb, Superblock.REGION_ID_OFFSET));
        assertEquals(g.blockSizeBytes, intLE(sb, Superblock.BLOCK_SIZE_OFFSET));
        assertEquals(g.regionSizeBytes, longLE(sb, Superblock.REGION_SIZE_OFFSET));
        assertEquals(g.blocksPerGroup, intLE(sb, Superblock.BLOCKS_PER_GROUP_OFFSET));
        assertEquals(g.groupCount, intLE(sb, Superblock.GROUP_COUNT_OFFSET));
        assertEquals(g.blockCount, intLE(sb, Superblock.BLOCK_COUNT_OFFSET));
        assertEquals(g.gdtOffset, longLE(sb, Superblock.GDT_OFFSET_OFFSET));
        assertEquals(g.bitmapOffset, longLE(sb, Superblock.BITMAP_OFFSET_OFFSET));
        assertEquals(g.dataOffset, longLE(sb, Superblock.DATA_OFFSET_OFFSET));
        assertEquals(1, intLE(sb, Superblock.MOUNT_COUNT_OFFSET), "mounts after create and close");
        assertTrue(longLE(sb, Superblock.LAST_MOUNT_OFFSET) > 0, "last mount time");
        for (int i = Superblock.RESERVED_OFFSET; i < Superblock.CRC_OFFSET; i++) {
            assertEquals(0, sb[i], "reserved superblock byte " + i);
        }
        for (int i = 0; i < Superblock.BLOCK_BYTES; i++) {
            if (i % Superblock.SLOT_BYTES >= Superblock.LENGTH) {
                assertEquals(0, block[i], "unused superblock byte " + i);
            }
        }
        byte[] manifest = Files.readAllBytes(manifestFile(dir));
        assertEquals(longLE(manifest, Manifest.UUID_MSB_OFFSET), longLE(sb, Superblock.UUID_MSB_OFFSET), "store uuid (msb)");
        assertEquals(longLE(manifest, Manifest.UUID_LSB_OFFSET), longLE(sb, Superblock.UUID_LSB_OFFSET), "store uuid (lsb)");

        try (DaxKV kv = DaxKV.open(dir, small())) {
            assertArrayEquals(b("v"), kv.get(b("k")));
        }
        byte[] again = currentSlot(read(r0, 0, Superblock.BLOCK_BYTES), "after a second close");
        assertEquals(2, intLE(again, Superblock.MOUNT_COUNT_OFFSET), "mounts after a second open and close");
        assertEquals(Superblock.STATE_CLEAN, intLE(again, Superblock.STATE_OFFSET));
        assertEquals(5, longLE(again, Superblock.GENERATION_OFFSET));
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 128})
    void groupDescriptorsAndBitmapsOnDiskAgreeWithTheRecordsAfterClose(int blockSize) throws IOException {
        Path dir = tmp.resolve("s");
        Path r0 = regionFile(dir, 0);
        Geometry g = Geometry.of(REGION_BYTES, blockSize);
        long used;
        try (DaxKV kv = DaxKV.open(dir, small(blockSize))) {
            for (int i = 0; i < 200; i++) {
                kv.put(b("key-" + i), new byte[i * 13]);
            }
            used = kv.stats().blocksUsed();
        }
        assertTrue(used > 200, "blocks used by 200 records: " + used);
        if (blockSize == 64) {
            assertEquals(2, g.groupCount, "64 B blocks in 4 MiB need two groups (the case of a short last group)");
        }
        long bits = 0;
        for (int group = 0; group < g.groupCount; group++) {
            byte[] d = read(r0, g.descriptorOffset(group), GroupDescriptor.LENGTH);
            String at = "group " + group;
            assertEquals(seededCrc32c(0, group, d, 0, GroupDescriptor.CRC_OFFSET), intLE(d, GroupDescriptor.CRC_OFFSET),
                    at + ": descriptor CRC32C of (regionId, group, bytes [0, 28))");
            assertEquals(0, intLE(d, GroupDescriptor.FLAGS_OFFSET) & GroupDescriptor.FLAG_BLOCK_UNINIT,
                    at + ": a bitmap written at close is not uninit");
            assertEquals(g.groupFirstBlock(group), intLE(d, GroupDescriptor.FIRST_BLOCK_OFFSET), at);
            assertEquals(g.groupBlockCount(group), intLE(d, GroupDescriptor.BLOCK_COUNT_OFFSET), at);
            assertEquals(0, intLE(d, GroupDescriptor.RESERVED0_OFFSET), at + ": reserved0");
            assertEquals(0, intLE(d, GroupDescriptor.RESERVED1_OFFSET), at + ": reserved1");
            byte[] bitmap = read(r0, g.bitmapOffset(group), Geometry.BITMAP_BYTES_PER_GROUP);
            assertEquals(crc32c(bitmap, 0, bitmap.length), intLE(d, GroupDescriptor.BITMAP_CRC_OFFSET), at + ": bitmap CRC");
            int set = 0;
            for (int i = 0; i < Geometry.BLOCKS_PER_GROUP; i++) {
                boolean isSet = (bitmap[i >>> 3] & (1 << (i & 7))) != 0;
                if (isSet) {
                    set++;
                    assertTrue(i < g.groupBlockCount(group), at + ": bit " + i + " set beyond the group's last block");
                }
            }
            assertEquals(g.groupBlockCount(group) - set, intLE(d, GroupDescriptor.FREE_BLOCKS_OFFSET), at + ": free count");
            bits += set;
        }
        assertEquals(used, bits, "bits set in the bitmaps vs blocks used by the store before close");
    }

    @Test
    void manifestOnDiskMatchesItsTable() throws IOException {
        Path dir = tmp.resolve("s");
        try (DaxKV kv = DaxKV.open(dir, small(512))) {
            kv.put(b("k"), b("v"));
        }
        byte[] m = Files.readAllBytes(manifestFile(dir));
        assertEquals(Manifest.lengthFor(1), m.length, "manifest of one region");
        assertEquals("DXKM", new String(m, 0, 4, StandardCharsets.US_ASCII));
        assertEquals(Manifest.FORMAT_VERSION, intLE(m, Manifest.FORMAT_VERSION_OFFSET));
        assertEquals(0, intLE(m, Manifest.FEATURE_INCOMPAT_OFFSET));
        assertEquals(512, intLE(m, Manifest.BLOCK_SIZE_OFFSET));
        assertEquals(REGION_BYTES, longLE(m, Manifest.REGION_SIZE_OFFSET));
        assertEquals(1, intLE(m, Manifest.NEXT_REGION_ID_OFFSET));
        assertEquals(1, intLE(m, Manifest.REGION_COUNT_OFFSET));
        assertEquals(0, intLE(m, Manifest.REGIONS_OFFSET), "region id of entry 0");
        assertEquals(Manifest.REGION_ACTIVE, intLE(m, Manifest.REGIONS_OFFSET + 4), "state of entry 0");
        assertEquals(crc32c(m, 0, m.length - 4), intLE(m, m.length - 4), "manifest CRC32C over every byte before it");
        assertFalse(Files.exists(dir.resolve(Manifest.FILE_NAME + ".tmp")), "temporary manifest left behind");
    }

    /** Finds records by their bytes in the file and checks every documented header field. */
    @Test
    void recordsOnDiskMatchTheRecordHeaderAndChunkTables() throws IOException {
        Path dir = tmp.resolve("s");
        int blockSize = 128;
        Geometry g = Geometry.of(REGION_BYTES, blockSize);
        byte[] smallKey = b("@@small-record-key@@");
        byte[] smallValue = b("the small value, stored in one extent".repeat(20));
        byte[] bigKey = b("@@chained-record-key@@");
        byte[] bigValue = new byte[(1 << 20) + (1 << 19)];
        new Random(3).nextBytes(bigValue);
        try (DaxKV kv = DaxKV.open(dir, small(blockSize))) {
            kv.put(smallKey, smallValue);
            kv.put(bigKey, bigValue);
        }
        Path r0 = regionFile(dir, 0);
        byte[] file = Files.readAllBytes(r0);

        long smallAt = recordStart(file, smallKey, g);
        RecordPlan sp = RecordPlan.of(smallKey.length, smallValue.length);
        byte[] h = Arrays.copyOfRange(file, (int) smallAt, (int) smallAt + RecordHeader.LENGTH);
        int smallBlock = (int) ((smallAt - g.dataOffset) / blockSize);
        checkHeader(h, smallBlock, smallKey, smallValue.length, 0, g.blocksFor(sp.primaryBytes));
        assertArrayEquals(smallValue, Arrays.copyOfRange(file, (int) smallAt + RecordHeader.valueOffset(smallKey.length, 0),
                (int) smallAt + RecordHeader.valueOffset(smallKey.length, 0) + smallValue.length), "value bytes");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(smallKey);
        crc.update(smallValue);
        assertEquals((int) crc.getValue(), intLE(h, RecordHeader.DATA_CRC_OFFSET), "data CRC32C of key then value");
        long extentEnd = smallAt + (long) g.blocksFor(sp.primaryBytes) * blockSize;
        for (long i = smallAt + sp.primaryBytes; i < extentEnd; i++) {
            assertEquals(0, file[(int) i], "padding byte at " + i + " after the small record");
        }

        long bigAt = recordStart(file, bigKey, g);
        RecordPlan bp = RecordPlan.of(bigKey.length, bigValue.length);
        assertTrue(bp.chunkCount > 0, "a 1.5 MiB value must be chained");
        byte[] bh = Arrays.copyOfRange(file, (int) bigAt, (int) bigAt + RecordHeader.LENGTH);
        int bigBlock = (int) ((bigAt - g.dataOffset) / blockSize);
        checkHeader(bh, bigBlock, bigKey, bigValue.length, bp.chunkCount, g.blocksFor(bp.primaryBytes));
        assertEquals(RecordHeader.FLAG_CHAINED, bh[RecordHeader.FLAGS_OFFSET] & RecordHeader.FLAG_CHAINED, "chained flag");
        long sequence = longLE(bh, RecordHeader.SEQUENCE_OFFSET);
        java.util.zip.CRC32C bigCrc = new java.util.zip.CRC32C();
        bigCrc.update(bigKey);
        int valueAt = (int) bigAt + RecordHeader.valueOffset(bigKey.length, bp.chunkCount);
        assertArrayEquals(Arrays.copyOfRange(bigValue, 0, bp.primaryValueBytes),
                Arrays.copyOfRange(file, valueAt, valueAt + bp.primaryValueBytes), "first part of the chained value");
        bigCrc.update(file, valueAt, bp.primaryValueBytes);
        for (int i = 0; i < bp.chunkCount; i++) {
            int e = (int) bigAt + RecordHeader.chunkTableOffset(bigKey.length) + i * ChunkTable.ENTRY_BYTES;
            int region = intLE(file, e + ChunkTable.REGION_ID_OFFSET);
            int first = intLE(file, e + ChunkTable.FIRST_BLOCK_OFFSET);
            int blocks = intLE(file, e + ChunkTable.BLOCK_COUNT_OFFSET);
            assertEquals(bp.chunkPayload(i), intLE(file, e + ChunkTable.PAYLOAD_LENGTH_OFFSET), "chunk " + i + " payload");
            assertEquals(g.blocksFor(bp.chunkBytes(i)), blocks, "chunk " + i + " blocks");
            byte[] cf = region == 0 ? file : Files.readAllBytes(regionFile(dir, region));
            int c = (int) g.blockOffset(first);
            byte[] ch = Arrays.copyOfRange(cf, c, c + ContinuationHeader.LENGTH);
            assertEquals(ContinuationHeader.MAGIC, intLE(ch, ContinuationHeader.MAGIC_OFFSET), "chunk " + i + " magic");
            assertEquals(i, intLE(ch, ContinuationHeader.CHUNK_INDEX_OFFSET));
            assertEquals(0, intLE(ch, ContinuationHeader.OWNER_REGION_OFFSET));
            assertEquals(bigBlock, intLE(ch, ContinuationHeader.OWNER_BLOCK_OFFSET));
            assertEquals(sequence, longLE(ch, ContinuationHeader.SEQUENCE_OFFSET));
            assertEquals(blocks, intLE(ch, ContinuationHeader.EXTENT_BLOCKS_OFFSET));
            assertEquals(seededCrc32c(region, first, ch, 0, ContinuationHeader.HEADER_CRC_OFFSET),
                    intLE(ch, ContinuationHeader.HEADER_CRC_OFFSET), "chunk " + i + " header CRC bound to its place");
            int payloadAt = c + ContinuationHeader.LENGTH;
            assertArrayEquals(Arrays.copyOfRange(bigValue, (int) bp.chunkValueStart(i), (int) bp.chunkValueStart(i) + bp.chunkPayload(i)),
                    Arrays.copyOfRange(cf, payloadAt, payloadAt + bp.chunkPayload(i)), "chunk " + i + " payload bytes");
            bigCrc.update(cf, payloadAt, bp.chunkPayload(i));
        }
        assertEquals((int) bigCrc.getValue(), intLE(bh, RecordHeader.DATA_CRC_OFFSET), "data CRC over key and every part");
    }

    /** The offset of the one record whose key is {@code key}, checked to start a data block. */
    private static long recordStart(byte[] file, byte[] key, Geometry g) {
        long found = -1;
        for (int i = (int) g.dataOffset; i <= file.length - key.length; i++) {
            if (file[i] == key[0] && Arrays.equals(file, i, i + key.length, key, 0, key.length)) {
                assertEquals(-1, found, "key bytes found twice in the region file");
                found = i;
            }
        }
        assertTrue(found > 0, "key bytes not found in the region file");
        long start = found - RecordHeader.keyOffset();
        assertEquals(0, (start - g.dataOffset) % g.blockSizeBytes, "a record starts on a data block");
        return start;
    }

    private static void checkHeader(byte[] h, int block, byte[] key, long valueLength, int chunkCount, int extentBlocks) {
        assertEquals(RecordHeader.MAGIC, intLE(h, RecordHeader.MAGIC_OFFSET), "record magic");
        assertEquals(0, h[RecordHeader.RESERVED0_OFFSET] | h[RecordHeader.RESERVED0_OFFSET + 1], "reserved0");
        assertEquals(key.length, intLE(h, RecordHeader.KEY_LENGTH_OFFSET), "key length");
        assertEquals(extentBlocks, intLE(h, RecordHeader.EXTENT_BLOCKS_OFFSET), "extent blocks");
        assertEquals(valueLength, longLE(h, RecordHeader.VALUE_LENGTH_OFFSET), "value length");
        assertTrue(longLE(h, RecordHeader.SEQUENCE_OFFSET) > 0, "sequence");
        assertEquals(chunkCount, intLE(h, RecordHeader.CHUNK_COUNT_OFFSET), "chunk count");
        assertEquals(0, h[RecordHeader.FLAGS_OFFSET] & ~RecordHeader.KNOWN_FLAGS, "no undefined flag");
        assertEquals(0L, longLE(h, RecordHeader.RESERVED1_OFFSET), "reserved");
        assertEquals(0, intLE(h, RecordHeader.RESERVED2_OFFSET), "reserved2");
        assertEquals(seededCrc32c(0, block, h, 0, RecordHeader.HEADER_CRC_OFFSET), intLE(h, RecordHeader.HEADER_CRC_OFFSET),
                "header CRC32C of (regionId, blockIndex, bytes [0, 52))");
        assertEquals(RecordHeader.headerCrc(h, 0, block), intLE(h, RecordHeader.HEADER_CRC_OFFSET));
    }
}
