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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mechanical checks of every persistent layout (STYLE.md item 2) and of the bytes a real store
 * leaves on disk.
 *
 * <p>Each layout class is described here a second time, independently, as a list of (offset
 * constant, size) in memory order. The test checks that the constants follow one another with
 * no gap and no overlap, that the length is the end of the last field, that 4- and 8-byte
 * numeric fields sit on their natural alignment, that every {@code *_OFFSET} constant of the
 * class is in the list (a new field cannot be added unchecked), and that the byte table in the
 * class's Javadoc says the same offsets and sizes as the constants.
 */
class LayoutTest {

    @TempDir
    Path tmp;

    // ===================================================================== layout tables

    /** One field of a layout: the name of its offset constant and its size in bytes. */
    private record F(String offsetConstant, int sizeBytes, boolean reserved) {
    }

    private static F f(String offsetConstant, int sizeBytes) {
        return new F(offsetConstant, sizeBytes, false);
    }

    /** Reserved bytes: opaque zeros, so no numeric alignment is required of them. */
    private static F reserved(String offsetConstant, int sizeBytes) {
        return new F(offsetConstant, sizeBytes, true);
    }

    private static final List<F> SUPERBLOCK = List.of(
            f("MAGIC_OFFSET", 4), f("FORMAT_VERSION_OFFSET", 4), f("FEATURE_COMPAT_OFFSET", 4),
            f("FEATURE_INCOMPAT_OFFSET", 4), f("FEATURE_RO_COMPAT_OFFSET", 4), f("BLOCK_SIZE_OFFSET", 4),
            f("REGION_SIZE_OFFSET", 8), f("UUID_MSB_OFFSET", 8), f("UUID_LSB_OFFSET", 8),
            f("REGION_ID_OFFSET", 4), f("BLOCKS_PER_GROUP_OFFSET", 4), f("GROUP_COUNT_OFFSET", 4),
            f("BLOCK_COUNT_OFFSET", 4), f("GDT_OFFSET_OFFSET", 8), f("BITMAP_OFFSET_OFFSET", 8),
            f("DATA_OFFSET_OFFSET", 8), f("STATE_OFFSET", 4), f("MOUNT_COUNT_OFFSET", 4),
            f("LAST_MOUNT_OFFSET", 8), reserved("RESERVED_OFFSET", Superblock.RESERVED_BYTES),
            f("CRC_OFFSET", 4));

    private static final List<F> GROUP_DESCRIPTOR = List.of(
            f("FLAGS_OFFSET", 4), f("FREE_BLOCKS_OFFSET", 4), f("FIRST_BLOCK_OFFSET", 4),
            f("BLOCK_COUNT_OFFSET", 4), f("BITMAP_CRC_OFFSET", 4), reserved("RESERVED0_OFFSET", 4),
            reserved("RESERVED1_OFFSET", 4),
            f("CRC_OFFSET", 4));

    private static final List<F> RECORD_HEADER = List.of(
            f("MAGIC_OFFSET", 4), f("FLAGS_OFFSET", 2), reserved("RESERVED0_OFFSET", 2),
            f("KEY_LENGTH_OFFSET", 4), f("EXTENT_BLOCKS_OFFSET", 4), f("VALUE_LENGTH_OFFSET", 8),
            f("SEQUENCE_OFFSET", 8), f("DATA_CRC_OFFSET", 4), f("CHUNK_COUNT_OFFSET", 4),
            f("BATCH_SEQUENCE_OFFSET", 8), reserved("RESERVED1_OFFSET", 4), f("HEADER_CRC_OFFSET", 4));

    private static final List<F> CONTINUATION_HEADER = List.of(
            f("MAGIC_OFFSET", 4), f("CHUNK_INDEX_OFFSET", 4), f("OWNER_REGION_OFFSET", 4),
            f("OWNER_BLOCK_OFFSET", 4), f("SEQUENCE_OFFSET", 8), f("EXTENT_BLOCKS_OFFSET", 4),
            f("HEADER_CRC_OFFSET", 4));

    private static final List<F> CHUNK_TABLE_ENTRY = List.of(
            f("REGION_ID_OFFSET", 4), f("FIRST_BLOCK_OFFSET", 4), f("BLOCK_COUNT_OFFSET", 4),
            f("PAYLOAD_LENGTH_OFFSET", 4));

    /** The fixed part of the manifest, up to the region table. */
    private static final List<F> MANIFEST_HEADER = List.of(
            f("MAGIC_OFFSET", 4), f("FORMAT_VERSION_OFFSET", 4), f("FEATURE_INCOMPAT_OFFSET", 4),
            f("BLOCK_SIZE_OFFSET", 4), f("REGION_SIZE_OFFSET", 8), f("UUID_MSB_OFFSET", 8),
            f("UUID_LSB_OFFSET", 8), f("NEXT_REGION_ID_OFFSET", 4), f("REGION_COUNT_OFFSET", 4));

    @Test
    void superblockFieldsAreContiguousAlignedAndFitTheirBlock() throws Exception {
        checkLayout(Superblock.class, SUPERBLOCK, Superblock.LENGTH, Set.of());
        assertTrue(Superblock.LENGTH <= Superblock.BLOCK_BYTES,
                "superblock of " + Superblock.LENGTH + " bytes does not fit its " + Superblock.BLOCK_BYTES + " B block");
        assertEquals(Superblock.LENGTH - 4, Superblock.CRC_OFFSET, "the CRC must be the last field (it covers the rest)");
        assertEquals(0, Superblock.BLOCK_BYTES % Geometry.PAGE_BYTES, "the superblock block must be whole pages");
    }

    @Test
    void groupDescriptorIs32BytesAndTilesAPage() throws Exception {
        checkLayout(GroupDescriptor.class, GROUP_DESCRIPTOR, GroupDescriptor.LENGTH, Set.of());
        assertEquals(32, GroupDescriptor.LENGTH);
        assertEquals(0, Geometry.PAGE_BYTES % GroupDescriptor.LENGTH, "descriptors must not straddle pages");
        assertEquals(GroupDescriptor.LENGTH - 4, GroupDescriptor.CRC_OFFSET, "the CRC must be the last field");
    }

    @Test
    void recordHeaderIsContiguousAlignedAndAMultipleOf8() throws Exception {
        checkLayout(RecordHeader.class, RECORD_HEADER, RecordHeader.LENGTH, Set.of());
        assertEquals(0, RecordHeader.LENGTH % 8, "RecordHeader.LENGTH " + RecordHeader.LENGTH + " is not a multiple of 8");
        assertEquals(RecordHeader.LENGTH - 4, RecordHeader.HEADER_CRC_OFFSET, "the header CRC must be the last field");
        assertEquals(RecordHeader.LENGTH, RecordHeader.keyOffset());
        assertEquals(RecordHeader.LENGTH + 10, RecordHeader.chunkTableOffset(10));
        assertEquals(RecordHeader.LENGTH + 10 + 3 * ChunkTable.ENTRY_BYTES, RecordHeader.valueOffset(10, 3));
        assertTrue(RecordHeader.LENGTH <= RecordPlan.MAX_EXTENT_BYTES);
    }

    @Test
    void continuationHeaderIsContiguousAlignedAndAMultipleOf8() throws Exception {
        checkLayout(ContinuationHeader.class, CONTINUATION_HEADER, ContinuationHeader.LENGTH, Set.of());
        assertEquals(0, ContinuationHeader.LENGTH % 8);
        assertEquals(ContinuationHeader.LENGTH - 4, ContinuationHeader.HEADER_CRC_OFFSET);
    }

    @Test
    void chunkTableEntryIsContiguousAndAligned() throws Exception {
        checkLayout(ChunkTable.class, CHUNK_TABLE_ENTRY, ChunkTable.ENTRY_BYTES, Set.of());
        assertEquals(16, ChunkTable.ENTRY_BYTES);
    }

    @Test
    void manifestHeaderIsContiguousAndItsLengthFormulaHolds() throws Exception {
        checkLayout(Manifest.class, MANIFEST_HEADER, Manifest.REGIONS_OFFSET, Set.of("REGIONS_OFFSET"));
        assertEquals(8, Manifest.REGION_ENTRY_BYTES);
        assertEquals(0, Manifest.REGIONS_OFFSET % 8, "region entries (two u32) start 8-aligned");
        for (int n : new int[] {0, 1, 2, 17, Manifest.MAX_REGIONS}) {
            assertEquals(Manifest.REGIONS_OFFSET + n * Manifest.REGION_ENTRY_BYTES + 4, Manifest.lengthFor(n),
                    "manifest length for " + n + " regions");
        }
    }

    @Test
    void metadataMagicsSpellTheirDocumentedBytes() {
        assertEquals("DXKS", ascii(Superblock.MAGIC), "Superblock.MAGIC is documented as the bytes DXKS");
        assertEquals("DXKM", ascii(Manifest.MAGIC), "Manifest.MAGIC is documented as the bytes DXKM");
    }

    /**
     * RecordHeader.MAGIC = 0x52584B44 is commented "DXKR" and ContinuationHeader.MAGIC =
     * 0x43584B44 "DXKC", but stored little-endian (as the mapping stores every int) their bytes
     * are "DKXR" and "DKXC": the X and K are swapped, unlike Superblock and Manifest whose magics
     * do spell DXKS and DXKM. A hex dump of a region does not show what the layout documents.
     */
    @Test
    void recordMagicsSpellTheirDocumentedBytes() {
        assertEquals("DXKR", ascii(RecordHeader.MAGIC), "RecordHeader.MAGIC is commented \"DXKR\"");
        assertEquals("DXKC", ascii(ContinuationHeader.MAGIC), "ContinuationHeader.MAGIC is commented \"DXKC\"");
    }

    @Test
    void magicsAreDistinctAndNonZero() {
        Set<Integer> all = Set.of(Superblock.MAGIC, Manifest.MAGIC, RecordHeader.MAGIC, ContinuationHeader.MAGIC);
        assertEquals(4, all.size(), "magics must differ");
        assertNotEquals(0, RecordHeader.MAGIC, "a cleared (zero) magic must not look like a record");
    }

    private static String ascii(int magic) {
        return new String(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, magic).array(),
                StandardCharsets.US_ASCII);
    }

    /**
     * The checks shared by all layouts.
     *
     * @param end       where the structure (or its fixed part) ends
     * @param notFields {@code *_OFFSET} constants of the class that are not fields of this table
     */
    private static void checkLayout(Class<?> cls, List<F> fields, int end, Set<String> notFields) throws Exception {
        String name = cls.getSimpleName();
        int expected = 0;
        for (F field : fields) {
            int offset = intConstant(cls, field.offsetConstant);
            assertEquals(expected, offset, name + "." + field.offsetConstant + " leaves a gap or overlaps the field before it");
            if (!field.reserved && (field.sizeBytes == 2 || field.sizeBytes == 4 || field.sizeBytes == 8)) {
                assertEquals(0, offset % field.sizeBytes, name + "." + field.offsetConstant + " (" + field.sizeBytes
                        + " bytes) at " + offset + " is not aligned to its size");
            }
            expected = offset + field.sizeBytes;
        }
        assertEquals(expected, end, name + ": length is not the end of the last field");

        Set<String> declared = new TreeSet<>();
        for (Field fd : cls.getDeclaredFields()) {
            int mod = fd.getModifiers();
            if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && fd.getType() == int.class
                    && fd.getName().endsWith("_OFFSET") && !notFields.contains(fd.getName())) {
                declared.add(fd.getName());
            }
        }
        Set<String> listed = new TreeSet<>();
        fields.forEach(fd -> listed.add(fd.offsetConstant));
        assertEquals(listed, declared, name + ": offset constants not covered by this test's table (or gone)");

        List<int[]> documented = documentedRows(cls);
        List<int[]> actual = new ArrayList<>();
        for (F field : fields) {
            actual.add(new int[] {intConstant(cls, field.offsetConstant), field.sizeBytes});
        }
        assertEquals(render(actual), render(documented), name + ": the byte table in the Javadoc disagrees with the constants");
    }

    private static int intConstant(Class<?> cls, String constant) throws Exception {
        Field fd = cls.getDeclaredField(constant);
        assertTrue(Modifier.isStatic(fd.getModifiers()) && Modifier.isFinal(fd.getModifiers()),
                cls.getSimpleName() + "." + constant + " must be a static final constant");
        return fd.getInt(null);
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\*\\s+(\\d+)\\s+(\\d+)\\s+\\S.*$");

    /** The (offset, size) rows with plain numbers of the first {@code <pre>} table of the class's source. */
    private static List<int[]> documentedRows(Class<?> cls) throws IOException {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        Path src = base.resolve("src/main/java").resolve(cls.getName().replace('.', '/') + ".java");
        assertTrue(Files.isRegularFile(src), "cannot find the source of " + cls.getName() + " at " + src);
        List<int[]> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(src)) {
            if (line.contains("<pre>")) {
                inTable = true;
                continue;
            }
            if (line.contains("</pre>")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (inTable && m.matches()) {
                rows.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
            }
        }
        assertFalse(rows.isEmpty(), cls.getSimpleName() + ": no byte table found in its Javadoc");
        return rows;
    }

    private static String render(List<int[]> rows) {
        StringBuilder sb = new StringBuilder();
        for (int[] r : rows) {
            sb.append(r[0]).append('+').append(r[1]).append(' ');
        }
        return sb.toString();
    }

    // ========================================================================== geometry

    /** Every region size the options accept (each MiB from 4 MiB to 1 GiB) with every block size. */
    @Test
    void geometryAreasAreDisjointAlignedAndInsideTheRegion() {
        int checked = 0;
        for (long region = Options.MIN_REGION_SIZE_BYTES; region <= Options.MAX_REGION_SIZE_BYTES; region += 1 << 20) {
            for (int block = Options.MIN_BLOCK_SIZE_BYTES; block <= Options.MAX_BLOCK_SIZE_BYTES; block <<= 1) {
                if (block > region / 64) {
                    continue; // Options.build refuses these
                }
                checkGeometry(Geometry.of(region, block), region, block);
                checked++;
            }
        }
        assertEquals(1021 * 11, checked, "pairs checked");
    }

    private static void checkGeometry(Geometry g, long region, int block) {
        String at = "region " + region + " block " + block + ": " + g;
        assertEquals(region, g.regionSizeBytes, at);
        assertEquals(block, g.blockSizeBytes, at);
        assertEquals(Geometry.BLOCKS_PER_GROUP, g.blocksPerGroup, at);
        assertTrue(g.blockCount > 0, at);
        assertTrue(g.groupCount > 0, at);
        // superblock | gdt | bitmaps | data, in order, page-aligned, no overlap
        assertEquals(Superblock.BLOCK_BYTES, g.gdtOffset, at + ": the GDT must follow the superblock block");
        assertEquals(0, g.gdtOffset % Geometry.PAGE_BYTES, at + ": gdtOffset not page-aligned");
        assertEquals(0, g.bitmapOffset % Geometry.PAGE_BYTES, at + ": bitmapOffset not page-aligned");
        long gdtEnd = g.descriptorOffset(g.groupCount - 1) + GroupDescriptor.LENGTH;
        assertEquals(g.gdtOffset + (long) g.groupCount * GroupDescriptor.LENGTH, gdtEnd, at);
        assertTrue(gdtEnd <= g.bitmapOffset, at + ": the GDT runs into the bitmaps");
        long bitmapEnd = g.bitmapOffset(g.groupCount - 1) + Geometry.BITMAP_BYTES_PER_GROUP;
        assertTrue(bitmapEnd <= g.dataOffset, at + ": the bitmaps run into the data");
        assertEquals(0, g.dataOffset % Geometry.PAGE_BYTES, at + ": dataOffset not page-aligned");
        assertEquals(0, g.dataOffset % block, at + ": dataOffset not block-aligned");
        // data inside the region, and no whole block left unused at the end
        long dataEnd = g.blockOffset(g.blockCount - 1) + block;
        assertEquals(g.dataOffset + (long) g.blockCount * block, dataEnd, at);
        assertTrue(dataEnd <= region, at + ": data runs past the end of the region");
        assertTrue(region - dataEnd < block, at + ": a whole block is left unused at the end");
        // groups cover every block, and no group is empty
        assertTrue((long) g.groupCount * Geometry.BLOCKS_PER_GROUP >= g.blockCount, at + ": groups do not cover the blocks");
        assertTrue((long) (g.groupCount - 1) * Geometry.BLOCKS_PER_GROUP < g.blockCount, at + ": the last group is empty");
        long sum = 0;
        for (int group = 0; group < g.groupCount; group++) {
            assertEquals((long) group * Geometry.BLOCKS_PER_GROUP, g.groupFirstBlock(group), at);
            assertTrue(g.groupBlockCount(group) > 0 && g.groupBlockCount(group) <= Geometry.BLOCKS_PER_GROUP, at);
            sum += g.groupBlockCount(group);
        }
        assertEquals(g.blockCount, sum, at + ": group block counts do not add up");
        // one bit per block of a group fits the group's bitmap
        assertEquals(Geometry.BLOCKS_PER_GROUP, Geometry.BITMAP_BYTES_PER_GROUP * 8, at);
        // the largest extent fits the data area, whatever the region
        assertTrue((long) g.blockCount * block >= RecordPlan.MAX_EXTENT_BYTES, at + ": a maximum-size extent does not fit");
        assertEquals(1, g.blocksFor(1), at);
        assertEquals(1, g.blocksFor(block), at);
        assertEquals(2, g.blocksFor(block + 1), at);
    }

    // ======================================================================= record plan

    @ParameterizedTest
    @ValueSource(ints = {1, 16, 255, 4096, 65536})
    void recordPlanPiecesFitExtentsAndAddUpToTheValue(int keyLength) {
        Set<Long> lengths = new TreeSet<>();
        long single = RecordPlan.MAX_EXTENT_BYTES - RecordHeader.LENGTH - keyLength;
        for (long d = -2; d <= 2; d++) {
            lengths.add(single + d);
        }
        for (long v : new long[] {0, 1, 100, 4096, 1 << 20, (1 << 20) + 1, 5L << 20, DaxKV.MAX_VALUE_BYTES}) {
            lengths.add(v);
        }
        for (long mib = 1; mib <= 64; mib++) {
            lengths.add(mib << 20);
            lengths.add((mib << 20) - 1);
        }
        // around every change of chunk count
        for (int c = 1; c <= 70; c++) {
            long fits = RecordPlan.MAX_EXTENT_BYTES - RecordHeader.valueOffset(keyLength, c)
                    + (long) c * RecordPlan.CONTINUATION_CAPACITY;
            for (long d = -1; d <= 1; d++) {
                if (fits + d <= DaxKV.MAX_VALUE_BYTES) {
                    lengths.add(fits + d);
                }
            }
        }
        Random random = new Random(keyLength);
        for (int i = 0; i < 500; i++) {
            lengths.add((long) (random.nextDouble() * DaxKV.MAX_VALUE_BYTES));
        }
        for (long valueLength : lengths) {
            if (valueLength >= 0) {
                checkPlan(keyLength, valueLength);
            }
        }
    }

    private static void checkPlan(int keyLength, long valueLength) {
        RecordPlan p = RecordPlan.of(keyLength, valueLength);
        String at = "key " + keyLength + " value " + valueLength + " (" + p.chunkCount + " chunks)";
        assertEquals(keyLength, p.keyLength, at);
        assertEquals(valueLength, p.valueLength, at);
        boolean fitsOne = (long) RecordHeader.LENGTH + keyLength + valueLength <= RecordPlan.MAX_EXTENT_BYTES;
        assertEquals(fitsOne, p.chunkCount == 0, at + ": chained although it fits one extent, or the reverse");
        assertTrue(p.primaryBytes <= RecordPlan.MAX_EXTENT_BYTES, at + ": primary of " + p.primaryBytes + " bytes");
        assertEquals(RecordHeader.valueOffset(keyLength, p.chunkCount) + p.primaryValueBytes, p.primaryBytes, at);
        assertTrue(p.primaryValueBytes >= 0 && p.primaryValueBytes <= valueLength, at);
        long sum = p.primaryValueBytes;
        long next = p.primaryValueBytes;
        for (int i = 0; i < p.chunkCount; i++) {
            int payload = p.chunkPayload(i);
            assertTrue(payload > 0 && payload <= RecordPlan.CONTINUATION_CAPACITY, at + ": chunk " + i + " holds " + payload);
            assertTrue(p.chunkBytes(i) <= RecordPlan.MAX_EXTENT_BYTES, at + ": chunk " + i + " extent too big");
            assertEquals(ContinuationHeader.LENGTH + payload, p.chunkBytes(i), at);
            assertEquals(next, p.chunkValueStart(i), at + ": chunk " + i + " does not start where the previous ended");
            next += payload;
            sum += payload;
        }
        assertEquals(valueLength, sum, at + ": the pieces do not add up to the value");
        if (p.chunkCount >= 2) {
            // one chunk fewer would not have been enough: the plan uses no more extents than needed
            long fewer = RecordPlan.MAX_EXTENT_BYTES - RecordHeader.valueOffset(keyLength, p.chunkCount - 1)
                    + (long) (p.chunkCount - 1) * RecordPlan.CONTINUATION_CAPACITY;
            assertTrue(fewer < valueLength, at + ": uses more chunks than it needs");
        }
        assertEquals(RecordPlan.MAX_EXTENT_BYTES - ContinuationHeader.LENGTH, RecordPlan.CONTINUATION_CAPACITY);
    }

    @Test
    void largestRecordNeedsFewChunks() {
        RecordPlan p = RecordPlan.of(DaxKV.MAX_KEY_BYTES, DaxKV.MAX_VALUE_BYTES);
        // the reader refuses chunk counts above 1024 as damage (RecordIO.read)
        assertTrue(p.chunkCount > 0 && p.chunkCount <= 1024, "chunks of the largest record: " + p.chunkCount);
        assertTrue(RecordHeader.valueOffset(DaxKV.MAX_KEY_BYTES, p.chunkCount) < RecordPlan.MAX_EXTENT_BYTES,
                "the chunk table of the largest record leaves no room for value bytes");
    }

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

    @Test
    void superblockOnDiskIsCleanAfterCloseDirtyWhileOpenAndItsCrcCovers0ToCrcOffset() throws IOException {
        Path dir = tmp.resolve("s");
        Path r0 = regionFile(dir, 0);
        Geometry g = Geometry.of(REGION_BYTES, Options.DEFAULT_BLOCK_SIZE_BYTES);
        try (DaxKV kv = DaxKV.open(dir, small())) {
            kv.put(b("k"), b("v"));
            byte[] open = read(r0, 0, Superblock.BLOCK_BYTES);
            assertEquals(Superblock.STATE_DIRTY, intLE(open, Superblock.STATE_OFFSET), "state on disk while open");
            assertEquals(crc32c(open, 0, Superblock.CRC_OFFSET), intLE(open, Superblock.CRC_OFFSET), "CRC while open");
        }
        byte[] sb = read(r0, 0, Superblock.BLOCK_BYTES);
        assertEquals(Superblock.MAGIC, intLE(sb, Superblock.MAGIC_OFFSET), "magic");
        assertEquals("DXKS", new String(sb, 0, 4, StandardCharsets.US_ASCII), "magic bytes");
        assertEquals(Superblock.FORMAT_VERSION, intLE(sb, Superblock.FORMAT_VERSION_OFFSET));
        assertEquals(Superblock.STATE_CLEAN, intLE(sb, Superblock.STATE_OFFSET), "state after a clean close");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(sb, 0, Superblock.CRC_OFFSET);
        assertEquals((int) crc.getValue(), intLE(sb, Superblock.CRC_OFFSET), "superblock CRC32C over [0, CRC_OFFSET)");
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
        for (int i = Superblock.LENGTH; i < Superblock.BLOCK_BYTES; i++) {
            assertEquals(0, sb[i], "unused superblock byte " + i);
        }
        byte[] manifest = Files.readAllBytes(manifestFile(dir));
        assertEquals(longLE(manifest, Manifest.UUID_MSB_OFFSET), longLE(sb, Superblock.UUID_MSB_OFFSET), "store uuid (msb)");
        assertEquals(longLE(manifest, Manifest.UUID_LSB_OFFSET), longLE(sb, Superblock.UUID_LSB_OFFSET), "store uuid (lsb)");

        try (DaxKV kv = DaxKV.open(dir, small())) {
            assertArrayEquals(b("v"), kv.get(b("k")));
        }
        byte[] again = read(r0, 0, Superblock.BLOCK_BYTES);
        assertEquals(2, intLE(again, Superblock.MOUNT_COUNT_OFFSET), "mounts after a second open and close");
        assertEquals(Superblock.STATE_CLEAN, intLE(again, Superblock.STATE_OFFSET));
        assertEquals(crc32c(again, 0, Superblock.CRC_OFFSET), intLE(again, Superblock.CRC_OFFSET));
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
        assertEquals(0, h[RecordHeader.FLAGS_OFFSET] & (RecordHeader.FLAG_BATCH | RecordHeader.FLAG_BATCH_COMMIT), "batch flags");
        assertEquals(0L, longLE(h, RecordHeader.BATCH_SEQUENCE_OFFSET), "batch sequence");
        assertEquals(0, intLE(h, RecordHeader.RESERVED1_OFFSET), "reserved1");
        assertEquals(seededCrc32c(0, block, h, 0, RecordHeader.HEADER_CRC_OFFSET), intLE(h, RecordHeader.HEADER_CRC_OFFSET),
                "header CRC32C of (regionId, blockIndex, bytes [0, 52))");
        assertEquals(RecordHeader.headerCrc(h, 0, block), intLE(h, RecordHeader.HEADER_CRC_OFFSET));
    }
}
