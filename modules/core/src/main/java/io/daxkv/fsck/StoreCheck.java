package io.daxkv.fsck;

import io.daxkv.DaxKVException;
import io.daxkv.engine.Limits;
import io.daxkv.engine.RecordScanner;
import io.daxkv.engine.RecordScanner.Continuation;
import io.daxkv.engine.RecordScanner.Primary;
import io.daxkv.extent.ContinuationHeader;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.extent.RecordHeader;
import io.daxkv.fsck.Finding.Kind;
import io.daxkv.fsck.Finding.Outcome;
import io.daxkv.index.IndexCheckpoint;
import io.daxkv.journal.Journal;
import io.daxkv.journal.Replayed;
import io.daxkv.journal.VoidRanges;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import io.daxkv.region.GroupDescriptor;
import io.daxkv.region.Manifest;
import io.daxkv.region.Region;
import io.daxkv.region.Superblock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Phase 2 of fsck: an independent check of the files, read through the layout classes, with
 * the store claimed and not open. Nothing here depends on an open succeeding, so it checks (and
 * repairs) exactly the stores an open refuses.
 *
 * <ol>
 *   <li><b>Metadata</b>: the manifest; the journal's superblock (its committed sequence bounds
 *       the records); per region the file's size, the superblock ({@link Superblock#verify}),
 *       each group descriptor's CRC and fields, each bitmap's CRC.</li>
 *   <li><b>Scan</b> every data block of every region, free ones included, for a record or
 *       continuation header ({@link RecordScanner}, the reading recovery uses).</li>
 *   <li><b>Decide</b> as recovery does: records in a void range are dead and expected; per key,
 *       among the records at or below the committed sequence, the newest whose chain and data
 *       CRC verify is live. A newer one that fails is
 *       damaged (its value is lost); older ones are stale; so is any continuation no live record
 *       lists.</li>
 *   <li><b>Own</b>: the live records' extents give the blocks that must be used; two live
 *       extents on one block are an overlap.</li>
 *   <li><b>Compare</b> each group of a region closed clean with its bitmap: used but not owned
 *       is leaked, owned but free is unmarked; and the descriptor's free count. With an empty
 *       journal, the index checkpoint it names against the live records.</li>
 *   <li><b>Repair</b> (only when asked): clear the header magic of every damaged or stale
 *       record and continuation (what recovery does with the records it drops), rewrite every
 *       group something was found in from the owned blocks (bitmap, descriptor, both CRCs), flush;
 *       write a wrong index checkpoint again from the live records.
 *       Left as found: a bad manifest, journal or superblock, and overlaps; and when any of the
 *       first three is found, nothing is repaired at all.</li>
 * </ol>
 * The live records found are kept by key ({@link #live()}).
 */
final class StoreCheck {

    private static final int PROGRESS_STEP_BLOCKS = 8192;
    private static final int WORDS_PER_GROUP = Geometry.BITMAP_BYTES_PER_GROUP / 8;

    /** One region's state during the check. */
    private static final class RegionState {
        final int id;
        final String file;
        final PersistentMemory memory;
        final boolean clean;
        /** The on-disk bitmap, region-wide; only meaningful for groups in {@link #bitmapTrusted}. */
        final long[] disk;
        final boolean[] bitmapTrusted;
        final long[] owned;
        final TreeSet<Integer> rewrite = new TreeSet<>();
        boolean written;

        RegionState(int id, String file, PersistentMemory memory, boolean clean, Geometry g) {
            this.id = id;
            this.file = file;
            this.memory = memory;
            this.clean = clean;
            this.disk = new long[g.groupCount * WORDS_PER_GROUP];
            this.bitmapTrusted = new boolean[g.groupCount];
            this.owned = new long[g.groupCount * WORDS_PER_GROUP];
        }
    }

    private final Path dir;
    private final boolean repair;
    private final ProgressListener progress;
    private final List<Finding> findings;
    private final Map<Integer, RegionState> regions = new LinkedHashMap<>();
    private final List<Primary> primaries = new ArrayList<>();
    private final Map<Long, Continuation> continuations = new HashMap<>();
    private final Map<ByteKey, Primary> live = new LinkedHashMap<>();
    private Geometry g;
    private RecordScanner scanner;
    private int groups;
    private long liveBytes;
    private long blocksUsed;
    private long blocksTotal;

    /** A key usable in a map. */
    record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    StoreCheck(Path dir, boolean repair, ProgressListener progress, List<Finding> findings) {
        this.dir = dir;
        this.repair = repair;
        this.progress = progress;
        this.findings = findings;
    }

    /** The live records by key (empty until {@link #run()}). */
    Map<ByteKey, Primary> live() {
        return live;
    }

    FsckReport report(long replayedTransactions, String replayNote) {
        return new FsckReport(dir, FsckReport.resultOf(findings), replayedTransactions, replayNote, findings,
                regions.size(), groups, primaries.size(), live.size(), liveBytes, blocksUsed, blocksTotal);
    }

    void run() throws IOException {
        Manifest manifest;
        try {
            manifest = Manifest.read(dir);
        } catch (DaxKVException.Corrupt e) {
            findings.add(new Finding(Kind.MANIFEST, Manifest.FILE_NAME, -1, -1, -1, null, e.getMessage(), Outcome.LEFT));
            return;
        }
        g = Geometry.of(manifest.regionSizeBytes, manifest.blockSizeBytes);
        scanner = new RecordScanner(g);
        long committedSeq = journalCommittedSeq(manifest);
        try {
            for (Manifest.RegionEntry e : manifest.regions) {
                openRegion(manifest, e);
            }
            scanAll();
            decide(committedSeq);
            compareBitmaps();
            checkIndex(manifest);
            if (repair && structureIntact()) {
                applyRepairs();
                repairIndex(manifest);
            }
        } finally {
            for (RegionState r : regions.values()) {
                r.memory.close();
            }
        }
    }

    // ------------------------------------------------------------------------------ metadata

    /** The journal's committed sequence (records above it are not committed), or MAX_VALUE when unreadable. */
    private long journalCommittedSeq(Manifest manifest) throws IOException {
        Path file = dir.resolve(Journal.FILE_NAME);
        if (!Files.exists(file)) {
            if (!manifest.regions.isEmpty()) {
                findings.add(new Finding(Kind.JOURNAL, Journal.FILE_NAME, -1, -1, -1, null,
                        "missing: an open refuses the store without it", Outcome.LEFT));
            }
            return Long.MAX_VALUE;
        }
        try (PersistentMemory m = ReadOnlyMemory.map(file, false)) {
            Journal j = Journal.open(file.toString(), m, manifest.storeUuid);
            Replayed r = j.replay();
            voidRanges = VoidRanges.of(j.voidRanges());
            indexTxnId = j.indexTxnId();
            journalTransactions = r.transactions;
            return r.committedSeq;
        } catch (DaxKVException.Corrupt | DaxKVException.Incompatible e) {
            findings.add(new Finding(Kind.JOURNAL, Journal.FILE_NAME, -1, -1, -1, null, e.getMessage(), Outcome.LEFT));
            return Long.MAX_VALUE;
        }
    }

    private void openRegion(Manifest manifest, Manifest.RegionEntry e) throws IOException {
        String name = Manifest.regionFileName(e.regionId);
        Path file = dir.resolve(name);
        if (e.state != Manifest.REGION_ACTIVE) {
            findings.add(new Finding(Kind.SUPERBLOCK, name, e.regionId, -1, -1, null,
                    "listed as still being created (an open discards it)", Outcome.LEFT));
            return;
        }
        if (!Files.exists(file)) {
            findings.add(new Finding(Kind.SUPERBLOCK, name, e.regionId, -1, -1, null,
                    "listed in the manifest but missing", Outcome.LEFT));
            return;
        }
        long size = Files.size(file);
        if (size != g.regionSizeBytes) {
            findings.add(new Finding(Kind.SUPERBLOCK, name, e.regionId, -1, -1, null,
                    "file is " + size + " bytes, the manifest says " + g.regionSizeBytes, Outcome.LEFT));
            return;
        }
        PersistentMemory m = ReadOnlyMemory.map(file, repair);
        int state;
        try {
            state = Superblock.verify(m, name, g, manifest.storeUuid, e.regionId);
        } catch (DaxKVException.Corrupt | DaxKVException.Incompatible bad) {
            m.close();
            findings.add(new Finding(Kind.SUPERBLOCK, name, e.regionId, -1, -1, null, bad.getMessage(), Outcome.LEFT));
            return;
        }
        RegionState r = new RegionState(e.regionId, name, m, state == Superblock.STATE_CLEAN, g);
        regions.put(e.regionId, r);
        blocksTotal += g.blockCount;
        for (int group = 0; group < g.groupCount; group++) {
            groups++;
            checkGroupMetadata(r, group);
        }
    }

    /** Descriptor CRC and fields, bitmap CRC; loads the bitmap when both hold. */
    private void checkGroupMetadata(RegionState r, int group) {
        int flags;
        try {
            flags = GroupDescriptor.verify(r.memory, g, r.file, r.id, group);
        } catch (DaxKVException.Corrupt bad) {
            add(Kind.GROUP_DESCRIPTOR, r, group, -1, null, bad.getMessage());
            r.rewrite.add(group);
            return;
        }
        if ((flags & GroupDescriptor.FLAG_BLOCK_UNINIT) != 0) {
            r.bitmapTrusted[group] = true; // every block free; disk words stay zero
            return;
        }
        long at = g.bitmapOffset(group);
        CRC32C crc = new CRC32C();
        r.memory.updateCrc(crc, at, Geometry.BITMAP_BYTES_PER_GROUP);
        int stored = GroupDescriptor.bitmapCrc(r.memory, g, group);
        if ((int) crc.getValue() != stored) {
            add(Kind.BITMAP_CHECKSUM, r, group, -1, null, "block bitmap CRC32C is 0x" + Integer.toHexString((int) crc.getValue())
                    + ", the descriptor says 0x" + Integer.toHexString(stored));
            r.rewrite.add(group);
            return;
        }
        int used = 0;
        for (int w = 0; w < WORDS_PER_GROUP; w++) {
            long bits = r.memory.getLong(at + 8L * w);
            r.disk[group * WORDS_PER_GROUP + w] = bits;
            used += Long.bitCount(bits);
        }
        int free = GroupDescriptor.freeBlocks(r.memory, g, group);
        int expected = g.groupBlockCount(group) - used;
        if (free != expected && r.clean) {
            add(Kind.FREE_COUNT, r, group, -1, null, "descriptor says " + free + " free blocks, the bitmap " + expected);
            r.rewrite.add(group);
        }
        r.bitmapTrusted[group] = true;
    }

    // ---------------------------------------------------------------------------------- scan

    /**
     * Reads every data block of every region for a header, the blocks of the extents found too,
     * as recovery's scan does: a header can outlive its record while its blocks were handed out
     * again, and skipping its extent would hide the live record under it.
     */
    private void scanAll() {
        long done = 0;
        long reported = 0;
        for (RegionState r : regions.values()) {
            int b = 0;
            while (b < g.blockCount) {
                int magic = r.memory.getInt(g.blockOffset(b));
                int next = b + 1;
                if (magic == RecordHeader.MAGIC) {
                    Primary p = scanner.primary(r.memory, r.id, b);
                    if (p != null) {
                        primaries.add(p);
                    }
                } else if (magic == ContinuationHeader.MAGIC) {
                    Continuation c = scanner.continuation(r.memory, r.id, b);
                    if (c != null) {
                        continuations.put(c.address(), c);
                    }
                }
                done += next - b;
                b = next;
                if (done - reported >= PROGRESS_STEP_BLOCKS) {
                    progress.progress(done, blocksTotal);
                    reported = done;
                }
            }
        }
        progress.progress(blocksTotal, blocksTotal);
    }

    // -------------------------------------------------------------------------------- decide

    /** Void sequence ranges the journal lists (pairs first, last), its index checkpoint, its transactions. */
    private VoidRanges voidRanges = VoidRanges.NONE;
    private long indexTxnId;
    private long journalTransactions;
    /** Records left by writes that never committed, in a void range: dead, and expected. */
    private long voidRecords;


    private void decide(long committedSeq) {
        List<Primary> keyed = new ArrayList<>(primaries.size());
        for (Primary p : primaries) {
            if (voidRanges.contains(p.sequence)) {
                // an open built on the index checkpoint after a crash left it unseen in free
                // blocks and recorded its sequence as void: every open drops it; not damage
                voidRecords++;
                for (long chunk : p.chunkAddresses) {
                    Continuation k = continuations.get(chunk);
                    if (k != null && k.sequence == p.sequence) {
                        k.live = true; // not stale either: it goes with its void record
                    }
                }
                continue;
            }
            if (p.sequence > committedSeq) {
                addRecord(Kind.STALE_RECORD, p, "sequence " + p.sequence + " is above the journal's committed sequence "
                        + committedSeq + ": never committed, the next open drops it", true);
            } else {
                keyed.add(p);
            }
        }
        keyed.sort((a, b) -> {
            int byKey = Arrays.compareUnsigned(a.key, b.key);
            return byKey != 0 ? byKey : Long.compare(b.sequence, a.sequence);
        });
        for (int i = 0; i < keyed.size(); ) {
            int j = i;
            while (j < keyed.size() && Arrays.equals(keyed.get(j).key, keyed.get(i).key)) {
                j++;
            }
            decideKey(keyed.subList(i, j));
            i = j;
        }
        for (Continuation c : continuations.values()) {
            if (!c.live) {
                RegionState r = regions.get(c.regionId);
                Finding f = new Finding(Kind.STALE_CONTINUATION, r.file, r.id, c.block / g.blocksPerGroup, c.block, null,
                        "continuation " + c.chunkIndex + " of the record at " + ExtentAddress.toString(c.owner)
                                + " (sequence " + c.sequence + ") that no live record lists", Outcome.LEFT);
                findings.add(f);
                clearLater.add(new Clear(r, c.block, findings.size() - 1, Outcome.FIXED));
            }
        }
    }

    /** One key's records, newest first. */
    private void decideKey(List<Primary> group) {
        Primary winner = null;
        for (Primary p : group) {
            if (winner != null) {
                addRecord(Kind.STALE_RECORD, p, "sequence " + p.sequence + " is superseded by sequence " + winner.sequence
                        + " at " + ExtentAddress.toString(winner.address()) + " but was never cleared", false);
                continue;
            }
            String damage = damage(p);
            if (damage == null) {
                winner = p;
                own(p);
                continue;
            }
            addRecord(Kind.DATA_CHECKSUM, p, "key " + Limits.describeKey(p.key) + " (sequence " + p.sequence + ") "
                    + damage + " at " + ExtentAddress.toString(p.address()), true);
        }
        if (winner != null) {
            live.put(new ByteKey(winner.key), winner);
            liveBytes += winner.keyLength + winner.valueLength;
        }
    }

    /** Null when the record's chain and data CRC verify; else what is wrong. */
    private String damage(Primary p) {
        for (int i = 0; i < p.chunkCount; i++) {
            Continuation k = continuations.get(p.chunkAddresses[i]);
            if (!scanner.chainMatches(p, i, k)) {
                return "has a broken chain: continuation " + i + " at " + ExtentAddress.toString(p.chunkAddresses[i])
                        + (k == null ? " is missing" : " belongs to another record");
            }
        }
        int crc = scanner.dataCrc(p, id -> regions.get(id).memory);
        return crc == p.dataCrc ? null : "fails its data CRC32C (stored 0x" + Integer.toHexString(p.dataCrc)
                + ", computed 0x" + Integer.toHexString(crc) + ")";
    }

    /** Marks a live record's extents owned; an extent already owned is an overlap. */
    private void own(Primary p) {
        ownExtent(p, p.regionId, p.block, p.extentBlocks);
        for (int i = 0; i < p.chunkCount; i++) {
            Continuation k = continuations.get(p.chunkAddresses[i]);
            k.live = true;
            ownExtent(p, k.regionId, k.block, k.extentBlocks);
        }
    }

    private void ownExtent(Primary p, int regionId, int block, int count) {
        RegionState r = regions.get(regionId);
        for (int b = block; b < block + count; b++) {
            long mask = 1L << (b & 63);
            if ((r.owned[b >>> 6] & mask) != 0) {
                add(Kind.OVERLAP, r, b / g.blocksPerGroup, b, p.key, "the extent of key " + Limits.describeKey(p.key)
                        + " at " + ExtentAddress.toString(ExtentAddress.of(regionId, block)) + " (" + count
                        + " blocks) runs into a block another live record owns");
                return;
            }
            r.owned[b >>> 6] |= mask;
            blocksUsed++;
        }
    }

    // ------------------------------------------------------------------------------- compare

    private void compareBitmaps() {
        for (RegionState r : regions.values()) {
            for (int group = 0; group < g.groupCount; group++) {
                if (comparable(r, group)) {
                    compareLeaked(r, group);
                }
            }
        }
        for (Primary p : live.values()) {
            checkMarked(p, p.regionId, p.block, p.extentBlocks);
            for (int i = 0; i < p.chunkCount; i++) {
                Continuation k = continuations.get(p.chunkAddresses[i]);
                checkMarked(p, k.regionId, k.block, k.extentBlocks);
            }
        }
    }

    /**
     * Whether group {@code group}'s bitmap can be compared with the records: it passed its checks
     * and the region was closed clean (a region left dirty has its true bitmap only in the
     * memory of the process that had it open).
     */
    private static boolean comparable(RegionState r, int group) {
        return r.clean && r.bitmapTrusted[group];
    }

    private void compareLeaked(RegionState r, int group) {
        int leaked = 0;
        int firstLeaked = -1;
        for (int w = group * WORDS_PER_GROUP; w < (group + 1) * WORDS_PER_GROUP; w++) {
            long extra = r.disk[w] & ~r.owned[w];
            if (extra != 0) {
                leaked += Long.bitCount(extra);
                if (firstLeaked < 0) {
                    firstLeaked = w * 64 + Long.numberOfTrailingZeros(extra);
                }
            }
        }
        if (leaked > 0) {
            add(Kind.LEAKED_BLOCKS, r, group, firstLeaked, null, leaked + " block" + (leaked == 1 ? "" : "s")
                    + " marked used that no live record owns, the first at block " + firstLeaked);
            r.rewrite.add(group);
        }
    }

    /** Reports the blocks of a live record's extent that its bitmap marks free. */
    private void checkMarked(Primary p, int regionId, int block, int count) {
        RegionState r = regions.get(regionId);
        int clear = 0;
        for (int b = block; b < block + count; b++) {
            int group = b / g.blocksPerGroup;
            if (comparable(r, group) && (r.disk[b >>> 6] & (1L << (b & 63))) == 0) {
                clear++;
                r.rewrite.add(group);
            }
        }
        if (clear > 0) {
            add(Kind.UNMARKED_BLOCKS, r, block / g.blocksPerGroup, block, p.key, clear + " of the " + count
                    + " blocks of live key " + Limits.describeKey(p.key) + " (sequence " + p.sequence
                    + ") at block " + block + " are marked free: they could be handed out again and overwritten");
        }
    }

    // -------------------------------------------------------------------------------- repair

    // --------------------------------------------------------------------------------- index

    /** The live records as an index checkpoint would list them, in key order. */
    private IndexCheckpoint.Snapshot liveSnapshot(long txnId, long maxSeq) {
        List<Primary> sorted = new ArrayList<>(live.values());
        sorted.sort((a, b) -> Arrays.compareUnsigned(a.key, b.key));
        byte[][] keys = new byte[sorted.size()][];
        long[] addresses = new long[sorted.size()];
        long[] sequences = new long[sorted.size()];
        long[] valueLengths = new long[sorted.size()];
        long max = maxSeq;
        for (int i = 0; i < sorted.size(); i++) {
            keys[i] = sorted.get(i).key;
            addresses[i] = sorted.get(i).address();
            sequences[i] = sorted.get(i).sequence;
            valueLengths[i] = sorted.get(i).valueLength;
            max = Math.max(max, sequences[i]);
        }
        return new IndexCheckpoint.Snapshot(txnId, max, keys, addresses, sequences, valueLengths);
    }

    /** The checkpoint read, or null; set by {@link #checkIndex}. */
    private IndexCheckpoint.Snapshot index;
    private boolean indexBad;

    /**
     * With an empty journal (after the replay), the index checkpoint the journal names must list
     * exactly the live records: same keys, addresses, sequences and value lengths.
     */
    private void checkIndex(Manifest manifest) {
        if (indexTxnId == 0 || journalTransactions != 0 || !structureIntact()) {
            return;
        }
        String name = IndexCheckpoint.file(dir, indexTxnId).getFileName().toString();
        try {
            index = IndexCheckpoint.read(dir, indexTxnId, manifest.storeUuid);
        } catch (IOException | RuntimeException e) {
            indexBad = true;
            findings.add(new Finding(Kind.INDEX, name, -1, -1, -1, null, e.getMessage()
                    + " (an open scans the regions instead)", Outcome.LEFT));
            return;
        }
        if (index == null) {
            indexBad = true;
            findings.add(new Finding(Kind.INDEX, name, -1, -1, -1, null,
                    "named by the journal but missing (an open scans the regions instead)", Outcome.LEFT));
            return;
        }
        IndexCheckpoint.Snapshot want = liveSnapshot(indexTxnId, index.maxSeq);
        int differ = 0;
        String first = null;
        int i = 0;
        int j = 0;
        while (i < index.size() || j < want.size()) {
            int c = i == index.size() ? 1 : j == want.size() ? -1 : Arrays.compareUnsigned(index.keys[i], want.keys[j]);
            String what = null;
            if (c < 0) {
                what = "lists key " + Limits.describeKey(index.keys[i]) + ", which has no live record";
                i++;
            } else if (c > 0) {
                what = "lacks key " + Limits.describeKey(want.keys[j]) + ", live at "
                        + ExtentAddress.toString(want.addresses[j]);
                j++;
            } else {
                if (index.addresses[i] != want.addresses[j] || index.sequences[i] != want.sequences[j]
                        || index.valueLengths[i] != want.valueLengths[j]) {
                    what = "lists key " + Limits.describeKey(index.keys[i]) + " at " + ExtentAddress.toString(index.addresses[i])
                            + " (sequence " + index.sequences[i] + ", " + index.valueLengths[i] + " B), its live record is at "
                            + ExtentAddress.toString(want.addresses[j]) + " (sequence " + want.sequences[j] + ", "
                            + want.valueLengths[j] + " B)";
                }
                i++;
                j++;
            }
            if (what != null) {
                differ++;
                first = first == null ? what : first;
            }
        }
        if (differ > 0) {
            indexBad = true;
            findings.add(new Finding(Kind.INDEX, name, -1, -1, -1, null, differ + " entr" + (differ == 1 ? "y" : "ies")
                    + " disagree with the records; first: it " + first, Outcome.LEFT));
        }
    }

    /** Writes the index checkpoint the journal names again, from the live records. */
    private void repairIndex(Manifest manifest) throws IOException {
        if (!indexBad) {
            return;
        }
        IndexCheckpoint.write(dir, manifest.storeUuid, liveSnapshot(indexTxnId, index == null ? 0 : index.maxSeq));
        for (int k = 0; k < findings.size(); k++) {
            if (findings.get(k).kind() == Kind.INDEX) {
                findings.set(k, findings.get(k).withOutcome(Outcome.FIXED));
            }
        }
    }

    /** A header to clear on repair, the finding it answers and the outcome it gets. */
    private record Clear(RegionState region, int block, int findingIndex, Outcome outcome) {
    }

    private final List<Clear> clearLater = new ArrayList<>();

    private void applyRepairs() {
        for (Clear c : clearLater) {
            c.region.memory.putIntRelease(g.blockOffset(c.block), 0);
            c.region.written = true;
            findings.set(c.findingIndex, findings.get(c.findingIndex).withOutcome(c.outcome));
            // its blocks are not owned: the rewrite below frees them
            c.region.rewrite.add(c.block / g.blocksPerGroup);
        }
        for (RegionState r : regions.values()) {
            if (!r.clean) {
                continue; // repairs run only after a successful replay, which leaves every region clean
            }
            for (int group : r.rewrite) {
                Region.writeBitmap(r.memory, g, r.id, group, r.owned);
                r.written = true;
            }
            if (r.written) {
                r.memory.flushAll();
            }
        }
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            if (f.outcome() == Outcome.LEFT && isBitmapKind(f.kind()) && regions.containsKey(f.regionId())
                    && regions.get(f.regionId()).clean) {
                findings.set(i, f.withOutcome(Outcome.FIXED));
            }
        }
    }

    /**
     * Whether the journal and every region could be read. If not, nothing is repaired: a record
     * whose chain runs into an unreadable region would look damaged and be removed.
     */
    private boolean structureIntact() {
        return findings.stream().noneMatch(f -> f.kind() == Kind.MANIFEST || f.kind() == Kind.JOURNAL
                || f.kind() == Kind.SUPERBLOCK);
    }

    private static boolean isBitmapKind(Kind k) {
        return k == Kind.GROUP_DESCRIPTOR || k == Kind.BITMAP_CHECKSUM || k == Kind.FREE_COUNT
                || k == Kind.LEAKED_BLOCKS || k == Kind.UNMARKED_BLOCKS;
    }

    private void add(Kind kind, RegionState r, int group, int block, byte[] key, String what) {
        findings.add(new Finding(kind, r.file, r.id, group, block, key, what, Outcome.LEFT));
    }

    /** A record finding; on repair its header is cleared, with the data lost when {@code losesData}. */
    private void addRecord(Kind kind, Primary p, String what, boolean losesData) {
        RegionState r = regions.get(p.regionId);
        add(kind, r, p.block / g.blocksPerGroup, p.block, p.key, what);
        clearLater.add(new Clear(r, p.block, findings.size() - 1, losesData ? Outcome.FIXED_DATA_LOST : Outcome.FIXED));
    }
}
