package io.daxkv;

import static io.daxkv.LayoutTestSupport.read;
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
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mechanical checks of every persistent layout (STYLE.md item 2); {@link OnDiskFormatTest}
 * checks the bytes a real store leaves on disk.
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
            f("LAST_MOUNT_OFFSET", 8), f("GENERATION_OFFSET", 8), reserved("RESERVED_OFFSET", Superblock.RESERVED_BYTES),
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
            reserved("RESERVED1_OFFSET", 8), reserved("RESERVED2_OFFSET", 4), f("HEADER_CRC_OFFSET", 4));

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
}
