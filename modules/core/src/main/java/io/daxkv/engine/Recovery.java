package io.daxkv.engine;

import io.daxkv.DaxKVException;
import io.daxkv.alloc.RegionSpace;
import io.daxkv.engine.RecordScanner.Continuation;
import io.daxkv.engine.RecordScanner.Primary;
import io.daxkv.extent.Bytes;
import io.daxkv.extent.ContinuationHeader;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.extent.RecordHeader;
import io.daxkv.extent.RecordPlan;
import io.daxkv.index.Index;
import io.daxkv.index.IndexEntry;
import io.daxkv.journal.Journal;
import io.daxkv.journal.Replayed;
import io.daxkv.journal.VoidRanges;
import io.daxkv.journal.JournalEntry;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import io.daxkv.region.Region;
import io.daxkv.region.Superblock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Rebuilds the index and the block bitmaps from the journal and the records, at every open.
 *
 * <ol>
 *   <li><b>Replay</b> (read by {@link Journal#replay()}): the committed transactions from the
 *       journal's tail. Records journaled with their data (data=journal) are written home, but
 *       only where no later committed entry allocated any of their blocks: walking the entries
 *       newest first, each put claims its blocks, and an older put whose blocks are claimed is
 *       stale (its blocks were freed and reused).</li>
 *   <li><b>Scan</b> each region block by block. A block that starts with a record or
 *       continuation magic and whose position-bound header CRC verifies is a candidate; the scan
 *       goes on at the next block, not past its extent (a header can outlive its record while
 *       its blocks were handed out again). Anything else is free space. <b>Or, with an index checkpoint</b> (the
 *       one the journal names, see {@link io.daxkv.index.IndexCheckpoint}), visit only the
 *       records it lists and those the replayed puts name: nothing else can be live. A listed
 *       record whose key the log does not touch is taken as listed, its record not even read
 *       (it was home and durable before the checkpoint was written, and every read checks its
 *       CRC; with reads unchecked, or a value in several extents, it is read and checked); one not found as listed whose key the log does not
 *       touch means the checkpoint and the regions disagree, and recovery scans instead.</li>
 *   <li><b>Cut</b> the replay before the first transaction with a put (its key's last entry in
 *       the log) whose record did not arrive in its region: such a transaction never committed
 *       (its log page reached the device ahead of its data), so neither did any after it. A
 *       candidate whose sequence is above the last transaction kept is dropped: sequences are
 *       taken in log order, so the committed writes are exactly those at or below it.</li>
 *   <li>Per key, the valid candidate with the highest sequence whose data CRC verifies (all
 *       its continuations included) wins, unless a replayed delete of the key has a higher
 *       sequence. A candidate whose sequence lies in a void range is dropped. Everything else
 *       with a magic that was seen is cleared.</li>
 *   <li><b>Void ranges.</b> Records of writes that never committed are cleared by a scan. Built
 *       on a checkpoint after a crash, recovery does not see them: their sequences (above the
 *       last committed one, at most one per 16 bytes of log) become a void range in the journal
 *       superblock, and new sequences start above it. A full scan clears every record in a void
 *       range and empties the list.</li>
 *   <li>Used bits = winners' extents. For a region closed clean, the on-disk bitmaps must equal
 *       them; a difference is reported as corruption, naming the region and group.</li>
 * </ol>
 * Everything written is flushed before the store takes new writes; the journal is then emptied.
 */
public final class Recovery {

    /** What recovery found and did. */
    public static final class Report {
        public long recordsKept;
        public long recordsDropped;
        public long replayedTransactions;
        public long replayedEntries;
        public long recordsRestored;
        /** Replayed transactions left out: one of their records never reached its region. */
        public long transactionsCut;
        public long replayMillis;
        public long maxSequence;
        public long liveBytes;
        public long millis;
        public int regionsClean;
        public int regionsDirty;
        /** Built on the index checkpoint (no scan). */
        public boolean fromCheckpoint;
        /** Why a checkpoint there was not used (null: used, or none). */
        public String checkpointRefused;
        /** Void sequence ranges to record (pairs first, last). */
        public long[] voidRanges = new long[0];

        @Override
        public String toString() {
            return "recovery: replayed " + replayedTransactions + " journal transactions (" + replayedEntries
                    + " entries, " + recordsRestored + " records written home, " + transactionsCut
                    + " cut as never committed) in " + replayMillis + " ms; " + recordsKept + " records kept, "
                    + recordsDropped + " dropped; regions clean/dirty " + regionsClean + "/" + regionsDirty + "; "
                    + (fromCheckpoint ? "built on the index checkpoint" : "regions scanned"
                    + (checkpointRefused == null ? "" : " (index checkpoint not used: " + checkpointRefused + ")"))
                    + "; " + millis + " ms in all";
        }
    }

    private final Store store;
    private final List<Region> regions;
    private final List<IndexEntry> entries = new ArrayList<>();
    private final Geometry g;
    private final Map<Integer, RegionSpace> spaces = new HashMap<>();
    private final CRC32C scratchCrc = new CRC32C();
    private final RecordScanner scanner;

    private final Replayed replayed;
    private final io.daxkv.index.IndexCheckpoint.Snapshot checkpoint;
    private final String checkpointRefused;
    private final VoidRanges oldVoidRanges;
    /** The most sequences a crash can have handed out beyond the last committed one ({@link VoidRanges#span}). */
    private final long voidSpan;

    /**
     * @param checkpoint     the index checkpoint the journal names, or null (scan)
     * @param refused        why there is none to use (for the report), or null
     * @param voidRanges     the void ranges the journal superblock lists
     * @param voidSpan       how many sequences past the last committed one a crash may have used
     */
    Recovery(Store store, List<Region> regions, Replayed replayed, io.daxkv.index.IndexCheckpoint.Snapshot checkpoint,
            String refused, VoidRanges voidRanges, long voidSpan) {
        this.store = store;
        this.regions = regions;
        this.replayed = replayed;
        this.g = store.geometry();
        this.scanner = new RecordScanner(g);
        this.checkpoint = checkpoint;
        this.checkpointRefused = refused;
        this.oldVoidRanges = voidRanges;
        this.voidSpan = voidSpan;
    }

    /** The live keys' index entries, in key order (for {@link Index#Index(List)}). */
    List<IndexEntry> entries() {
        return entries;
    }

    RegionSpace[] spaces() {
        RegionSpace[] out = new RegionSpace[regions.size()];
        for (int i = 0; i < regions.size(); i++) {
            out[i] = spaces.get(regions.get(i).id);
        }
        return out;
    }

    /** The index checkpoint and the regions disagree: recovery starts again with a scan. */
    private static final class CheckpointMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckpointMismatch(String why) {
            super(why, null, false, false);
        }
    }

    Report run() {
        if (checkpoint != null) {
            try {
                return run(true, checkpointRefused);
            } catch (CheckpointMismatch m) {
                entries.clear();
                spaces.clear();
                return run(false, m.getMessage());
            }
        }
        return run(false, checkpointRefused);
    }

    private Report run(boolean useCheckpoint, String refused) {
        long start = System.nanoTime();
        Report report = new Report();
        report.replayedTransactions = replayed.transactions;
        report.replayedEntries = replayed.entries.size();
        report.replayMillis = replayed.millis;
        report.recordsRestored = restoreJournaledData();
        List<Primary> candidates = new ArrayList<>();
        Map<Long, Continuation> continuations = new HashMap<>();
        for (Region r : regions) {
            spaces.put(r.id, new RegionSpace(r));
            if (r.created) {
                continue; // formatted by this open: neither closed clean nor left by a crash
            }
            if (r.stateAtOpen == Superblock.STATE_CLEAN) {
                report.regionsClean++;
            } else {
                report.regionsDirty++;
            }
        }
        report.checkpointRefused = refused;
        if (useCheckpoint && report.regionsDirty > 0
                && oldVoidRanges.full()) {
            throw new CheckpointMismatch("the journal superblock's list of void ranges is full; a scan empties it");
        }
        if (useCheckpoint) {
            String why = visitFromCheckpoint(candidates, continuations);
            if (why != null) {
                throw new CheckpointMismatch(why);
            }
            report.fromCheckpoint = true;
        }
        if (!report.fromCheckpoint) {
            for (Region r : regions) {
                scan(r, candidates, continuations);
            }
        }
        int keptTransactions = transactionsWhoseRecordsArrived(candidates, continuations);
        report.transactionsCut = replayed.transactions - keptTransactions;
        long committedSeq = replayed.checkpointSeq;
        for (int t = 0; t < keptTransactions; t++) {
            committedSeq = Math.max(committedSeq, replayed.transactionMaxSeqs.get(t));
        }
        if (report.fromCheckpoint) {
            committedSeq = Math.max(committedSeq, checkpoint.maxSeq);
            report.maxSequence = checkpoint.maxSeq;
        }
        List<JournalEntry> keptEntries = keptTransactions == 0 ? List.of()
                : replayed.entries.subList(0, replayed.transactionEnds.get(keptTransactions - 1));
        // Phase 1, decide (reads only).
        List<Primary> dropped = new ArrayList<>();
        List<Primary> damaged = new ArrayList<>();
        List<Primary> keyed = new ArrayList<>(candidates.size());
        for (Primary c : candidates) {
            report.maxSequence = Math.max(report.maxSequence, c.sequence);
            if (c.sequence > committedSeq || oldVoidRanges.contains(c.sequence)) {
                dropped.add(c); // no committed transaction holds it
                continue;
            }
            keyed.add(c);
        }
        // Sorting groups the candidates of each key, newest first, and yields the winners in key
        // order, so the ordered index is built in one linear pass. Records found in write order
        // are mostly sorted already, which the merge sort takes in near-linear time.
        keyed.sort((a, b) -> {
            int byKey = Arrays.compareUnsigned(a.key, b.key);
            return byKey != 0 ? byKey : Long.compare(b.sequence, a.sequence);
        });
        Map<Index.KeyRef, Long> deleteBarrier = new HashMap<>();
        for (JournalEntry e : keptEntries) {
            if (e instanceof JournalEntry.Delete d) {
                deleteBarrier.merge(new Index.KeyRef(d.key()), d.sequence(), Math::max);
            }
        }
        List<Primary> winners = new ArrayList<>(keyed.size());
        List<Primary> group = new ArrayList<>(2);
        for (int i = 0; i < keyed.size(); ) {
            group.clear();
            Primary first = keyed.get(i);
            int j = i;
            while (j < keyed.size() && Arrays.equals(keyed.get(j).key, first.key)) {
                group.add(keyed.get(j++));
            }
            i = j;
            long barrier = deleteBarrier.isEmpty() ? 0L : deleteBarrier.getOrDefault(new Index.KeyRef(first.key), 0L);
            Primary winner = null;
            for (Primary c : group) {
                if (c.sequence < barrier) {
                    break;
                }
                if (c.trusted ? chunksLinked(c, continuations) : verifyData(c, continuations)) {
                    winner = c;
                    break;
                }
                damaged.add(c);
            }
            for (Primary c : group) {
                if (c == winner) {
                    winners.add(c);
                } else {
                    dropped.add(c);
                }
            }
        }
        for (Primary c : winners) {
            markUsed(c, continuations);
        }
        if (report.fromCheckpoint) {
            markUsedDirect();
        }
        // Phase 2, check: a region closed clean must agree with its bitmaps. Nothing has been
        // written yet, so a failure here leaves the store as it was for every later open.
        for (Region r : regions) {
            if (r.stateAtOpen == Superblock.STATE_CLEAN) {
                if (report.fromCheckpoint) {
                    try {
                        checkBitmaps(r, spaces.get(r.id), damaged);
                    } catch (DaxKVException e) {
                        throw new CheckpointMismatch("the records it lists disagree with the bitmaps of a region closed"
                                + " clean (" + e.getMessage() + ")");
                    }
                } else {
                    checkBitmaps(r, spaces.get(r.id), damaged);
                }
            }
        }
        // Phase 3, repair and build: clear everything that lost, fill the index.
        for (Primary c : dropped) {
            clearPrimary(c);
            report.recordsDropped++;
        }
        for (Continuation c : continuations.values()) {
            if (!c.live) {
                store.region(c.regionId).memory().putIntRelease(g.blockOffset(c.block), 0);
            }
        }
        // Always: clears made by the previous run may still sit in the page cache (a process
        // crash); they must be durable before new writes take sequences above the live ones.
        flushAll();
        if (report.fromCheckpoint) {
            indexMerged(winners, report);
        } else {
            for (Primary c : winners) {
                index(c, report);
            }
        }
        for (Region r : regions) {
            spaces.get(r.id).rebuildFreeSets();
        }
        if (!report.fromCheckpoint) {
            report.voidRanges = new long[0]; // the scan cleared every record a void range named
        } else if (report.regionsDirty > 0) {
            // records of writes that never committed may sit unseen in free blocks
            report.voidRanges = oldVoidRanges.plus(committedSeq + 1, committedSeq + voidSpan).toArray();
            report.maxSequence = Math.max(report.maxSequence, committedSeq + voidSpan);
        } else {
            report.voidRanges = oldVoidRanges.toArray();
        }
        report.millis = (System.nanoTime() - start) / 1_000_000;
        return report;
    }

    /**
     * The candidates of a recovery built on the index checkpoint: the records it lists and
     * those the replayed puts name, with their continuations. Returns why the checkpoint cannot
     * be used, or null.
     */
    private String visitFromCheckpoint(List<Primary> out, Map<Long, Continuation> continuations) {
        java.util.Set<Index.KeyRef> logged = new java.util.HashSet<>();
        for (JournalEntry e : replayed.entries) {
            logged.add(new Index.KeyRef(e instanceof JournalEntry.Put p ? p.key() : ((JournalEntry.Delete) e).key()));
        }
        boolean trust = store.options().verifyOnRead();
        direct = new java.util.BitSet(checkpoint.size());
        directBlocks = new int[checkpoint.size()];
        Map<Long, Primary> seen = new HashMap<>();
        for (int i = 0; i < checkpoint.size(); i++) {
            long address = checkpoint.addresses[i];
            boolean touched = !logged.isEmpty() && logged.contains(new Index.KeyRef(checkpoint.keys[i]));
            RecordPlan plan = RecordPlan.of(checkpoint.keys[i].length, checkpoint.valueLengths[i]);
            if (trust && !touched && plan.chunkCount == 0) {
                directBlocks[i] = g.blocksFor(plan.primaryBytes);
                // untouched since the checkpoint, home and durable before it was written, and
                // checked by every read: taken as listed, its record not even read
                direct.set(i);
                continue;
            }
            Primary c = visit(address, seen, out, continuations);
            if (c != null && c.sequence == checkpoint.sequences[i] && Arrays.equals(c.key, checkpoint.keys[i])) {
                c.trusted = trust; // its data CRC is checked by every read instead; with reads unchecked, here
            } else if (!touched) {
                return "it lists key " + Limits.describeKey(checkpoint.keys[i]) + " at " + ExtentAddress.toString(address)
                        + " (sequence " + checkpoint.sequences[i] + "), where no such record is and the journal has no"
                        + " later write of the key";
            }
        }
        for (JournalEntry e : replayed.entries) {
            if (e instanceof JournalEntry.Put p) {
                visit(p.address(), seen, out, continuations);
            }
        }
        return null;
    }

    /** Checkpoint entries taken as listed (see {@link #visitFromCheckpoint}), and their extents' blocks. */
    private java.util.BitSet direct;
    private int[] directBlocks;

    /** Marks the blocks of the entries taken as listed; overlapping blocks mean the checkpoint is wrong. */
    private void markUsedDirect() {
        for (int i = direct.nextSetBit(0); i >= 0; i = direct.nextSetBit(i + 1)) {
            long address = checkpoint.addresses[i];
            RegionSpace space = spaces.get(ExtentAddress.regionId(address));
            int block = ExtentAddress.blockIndex(address);
            int blocks = directBlocks[i];
            Region r = store.regionOrNull(ExtentAddress.regionId(address));
            if (space == null || r == null || r.created || block < 0 || (long) block + blocks > g.blockCount) {
                throw new CheckpointMismatch("it lists key " + Limits.describeKey(checkpoint.keys[i]) + " at "
                        + ExtentAddress.toString(address) + ", outside the store");
            }
            for (int b = block; b < block + blocks; b++) {
                if (space.isUsed(b)) {
                    throw new CheckpointMismatch("it lists key " + Limits.describeKey(checkpoint.keys[i]) + " at "
                            + ExtentAddress.toString(address) + ", whose blocks another live record holds");
                }
            }
            space.markUsed(block, blocks);
        }
    }

    /** Fills the index from the entries taken as listed and the winners, merged in key order. */
    private void indexMerged(List<Primary> winners, Report report) {
        int w = 0;
        for (int i = direct.nextSetBit(0); i >= 0; i = direct.nextSetBit(i + 1)) {
            byte[] key = checkpoint.keys[i];
            while (w < winners.size() && Arrays.compareUnsigned(winners.get(w).key, key) < 0) {
                index(winners.get(w++), report);
            }
            entries.add(new IndexEntry(key, checkpoint.addresses[i], checkpoint.sequences[i], checkpoint.valueLengths[i]));
            report.recordsKept++;
            report.liveBytes += key.length + checkpoint.valueLengths[i];
        }
        while (w < winners.size()) {
            index(winners.get(w++), report);
        }
    }

    /** Reads the record at {@code address} (once) and its continuations; null when there is none. */
    private Primary visit(long address, Map<Long, Primary> seen, List<Primary> out,
            Map<Long, Continuation> continuations) {
        if (seen.containsKey(address)) {
            return seen.get(address);
        }
        Primary c = null;
        Region r = store.regionOrNull(ExtentAddress.regionId(address));
        int b = ExtentAddress.blockIndex(address);
        if (r != null && !r.created && b >= 0 && b < g.blockCount) {
            long base = g.blockOffset(b);
            if (r.memory().getInt(base) == RecordHeader.MAGIC) {
                c = scanner.primary(r.memory(), r.id, b);
            }
        }
        seen.put(address, c);
        if (c == null) {
            return null;
        }
        out.add(c);
        for (int i = 0; i < c.chunkCount; i++) {
            long at = c.chunkAddresses[i];
            Region cr = store.regionOrNull(ExtentAddress.regionId(at));
            int cb = ExtentAddress.blockIndex(at);
            if (cr == null || cr.created || cb < 0 || cb >= g.blockCount || continuations.containsKey(at)) {
                continue;
            }
            long base = g.blockOffset(cb);
            if (cr.memory().getInt(base) == ContinuationHeader.MAGIC) {
                Continuation k = scanner.continuation(cr.memory(), cr.id, cb);
                if (k != null) {
                    continuations.put(at, k);
                }
            }
        }
        return c;
    }

    private void scan(Region r, List<Primary> out, Map<Long, Continuation> continuations) {
        if (r.created) {
            return; // formatted by this open: nothing to find, and reading it would fault in every page
        }
        PersistentMemory m = r.memory();
        // A region closed clean has trustworthy bitmaps (each CRC-checked here): blocks they
        // mark free hold no live record, so whole free words are skipped unread. A dirty region
        // is read block by block.
        long[] diskUsed = r.stateAtOpen == Superblock.STATE_CLEAN ? diskBitmap(r) : null;
        int b = 0;
        while (b < g.blockCount) {
            if (diskUsed != null) {
                long word = diskUsed[b >>> 6] >>> (b & 63);
                if (word == 0) {
                    b = (b | 63) + 1;
                    continue;
                }
                if ((word & 1) == 0) {
                    b += Long.numberOfTrailingZeros(word);
                    continue;
                }
            }
            long base = g.blockOffset(b);
            int magic = m.getInt(base);
            if (magic == RecordHeader.MAGIC) {
                Primary c = scanner.primary(m, r.id, b);
                if (c != null) {
                    out.add(c);
                }
            } else if (magic == ContinuationHeader.MAGIC) {
                Continuation c = scanner.continuation(m, r.id, b);
                if (c != null) {
                    continuations.put(ExtentAddress.of(r.id, b), c);
                }
            }
            // the next block, never the end of the extent found: a header can outlive its record
            // (a write that never committed, left unseen by a recovery built on the index
            // checkpoint; a clear that a power loss undid) while its blocks were handed out again,
            // and skipping it would hide the live record under it. A live record's own blocks hold
            // no other header (its writer covered or zeroed them), and the position-bound header
            // CRC rejects look-alikes in its data.
            b++;
        }
    }

    private long[] diskBitmap(Region r) {
        int words = Geometry.BITMAP_BYTES_PER_GROUP / 8;
        long[] out = new long[g.groupCount * words];
        for (int group = 0; group < g.groupCount; group++) {
            r.readBitmap(group, out, group * words);
        }
        return out;
    }

    /** Checks the chunk table against the continuations found. */
    private boolean chunksLinked(Primary c, Map<Long, Continuation> continuations) {
        for (int i = 0; i < c.chunkCount; i++) {
            if (!scanner.chainMatches(c, i, continuations.get(c.chunkAddresses[i]))) {
                return false;
            }
        }
        return true;
    }

    /** Checks the chunk table against the continuations found and the data CRC over everything. */
    private boolean verifyData(Primary c, Map<Long, Continuation> continuations) {
        return chunksLinked(c, continuations) && scanner.dataCrc(c, id -> store.region(id).memory()) == c.dataCrc;
    }

    private void markUsed(Primary c, Map<Long, Continuation> continuations) {
        spaces.get(c.regionId).markUsed(c.block, c.extentBlocks);
        for (int i = 0; i < c.chunkCount; i++) {
            Continuation k = continuations.get(c.chunkAddresses[i]);
            k.live = true;
            spaces.get(k.regionId).markUsed(k.block, k.extentBlocks);
        }
    }

    private void index(Primary c, Report report) {
        entries.add(new IndexEntry(c.key, c.address(), c.sequence, c.valueLength));
        report.recordsKept++;
        report.liveBytes += c.keyLength + c.valueLength;
    }

    /**
     * Writes home the records journaled with their data, newest first, skipping any whose
     * blocks a later committed entry claimed (freed and reused since). Returns how many.
     */
    private long restoreJournaledData() {
        Map<Integer, java.util.BitSet> claimed = new HashMap<>();
        long restored = 0;
        List<JournalEntry> entries = replayed.entries;
        claimedLater = new boolean[entries.size()];
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (!(entries.get(i) instanceof JournalEntry.Put p)) {
                continue;
            }
            int region = ExtentAddress.regionId(p.address());
            int block = ExtentAddress.blockIndex(p.address());
            Region r = store.regionOrNull(region);
            if (r == null || block < 0 || p.primaryBlocks() < 1 || (long) block + p.primaryBlocks() > g.blockCount) {
                throw new DaxKVException.Corrupt("journal entry for sequence " + p.sequence() + " names "
                        + ExtentAddress.toString(p.address()) + "+" + p.primaryBlocks() + ", outside the store");
            }
            boolean stale = claim(claimed, region, block, p.primaryBlocks());
            for (int c = 0; c + 2 < p.chunks().length; c += 3) {
                stale |= claim(claimed, p.chunks()[c], p.chunks()[c + 1], p.chunks()[c + 2]);
            }
            claimedLater[i] = stale;
            byte[] data = p.data();
            if (data != null && !stale) {
                if (data.length > (long) p.primaryBlocks() * g.blockSizeBytes) {
                    throw new DaxKVException.Corrupt("journal entry for sequence " + p.sequence() + " carries "
                            + data.length + " bytes for an extent of " + p.primaryBlocks() + " blocks");
                }
                r.memory().write(g.blockOffset(block), data, 0, data.length);
                restored++;
            }
        }
        return restored;
    }

    /** Per replayed entry: some of its blocks were allocated again by a later entry (it was freed). */
    private boolean[] claimedLater;

    /**
     * How many replayed transactions count: all up to the first with a put whose record is not
     * in its region. An ASYNC transaction's records are flushed only by its commit, but its log
     * bytes can reach the device earlier (the kernel writes dirty pages back when it likes); a
     * transaction whose record is missing never committed, so neither did any after it. A
     * record counts as arrived when it is there with the put's sequence and verifies, when it
     * is there cleared (magic zeroed, header otherwise intact: a later committed transaction
     * unlinked it), or when a later entry allocated its blocks again (it was freed). Only a put
     * that is the last entry of its key in the log is looked for.
     */
    private int transactionsWhoseRecordsArrived(List<Primary> candidates, Map<Long, Continuation> continuations) {
        if (replayed.transactions == 0) {
            return 0; // a clean close left an empty log: no map of every record to build
        }
        Map<Long, Primary> byAddress = new HashMap<>(candidates.size() * 2);
        for (Primary c : candidates) {
            byAddress.put(c.address(), c);
        }
        List<JournalEntry> entries = replayed.entries;
        // the last entry of each key in the log: only a put that is its key's last word must be
        // found (an earlier one may have been unlinked, cleared, freed and zeroed since)
        Map<Index.KeyRef, Integer> lastWord = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            JournalEntry e = entries.get(i);
            lastWord.put(new Index.KeyRef(e instanceof JournalEntry.Put p ? p.key() : ((JournalEntry.Delete) e).key()), i);
        }
        int from = 0;
        for (int t = 0; t < replayed.transactionEnds.size(); t++) {
            int end = replayed.transactionEnds.get(t);
            for (int i = from; i < end; i++) {
                if (entries.get(i) instanceof JournalEntry.Put p && !claimedLater[i]
                        && lastWord.get(new Index.KeyRef(p.key())) == i && !arrived(p, byAddress, continuations)) {
                    return t;
                }
            }
            from = end;
        }
        return replayed.transactionEnds.size();
    }

    private boolean arrived(JournalEntry.Put p, Map<Long, Primary> byAddress, Map<Long, Continuation> continuations) {
        Primary c = byAddress.get(p.address());
        if (c != null && c.sequence == p.sequence()) {
            return verifyData(c, continuations);
        }
        int region = ExtentAddress.regionId(p.address());
        int block = ExtentAddress.blockIndex(p.address());
        byte[] header = new byte[RecordHeader.LENGTH];
        store.region(region).memory().read(g.blockOffset(block), header, 0, header.length);
        if (Bytes.getInt(header, RecordHeader.MAGIC_OFFSET) != 0
                || Bytes.getLong(header, RecordHeader.SEQUENCE_OFFSET) != p.sequence()) {
            return false;
        }
        Bytes.putInt(header, RecordHeader.MAGIC_OFFSET, RecordHeader.MAGIC);
        return Bytes.getInt(header, RecordHeader.HEADER_CRC_OFFSET) == RecordHeader.headerCrc(header, region, block, scratchCrc);
    }

    /** Marks the blocks claimed; true when any already was (by a later entry). */
    private static boolean claim(Map<Integer, java.util.BitSet> claimed, int region, int block, int count) {
        java.util.BitSet bits = claimed.computeIfAbsent(region, k -> new java.util.BitSet());
        boolean any = bits.nextSetBit(block) >= 0 && bits.nextSetBit(block) < block + count;
        bits.set(block, block + count);
        return any;
    }

    private void clearPrimary(Primary c) {
        store.region(c.regionId).memory().putIntRelease(g.blockOffset(c.block), 0);
    }

    private void flushAll() {
        for (Region r : regions) {
            r.memory().flushAll();
        }
    }

    private void checkBitmaps(Region r, RegionSpace s, List<Primary> damaged) {
        long[] rebuilt = s.usedBitmap();
        int words = Geometry.BITMAP_BYTES_PER_GROUP / 8;
        long[] onDisk = new long[words];
        for (int group = 0; group < g.groupCount; group++) {
            r.readBitmap(group, onDisk, 0);
            int differ = 0;
            for (int w = 0; w < words; w++) {
                int word = group * words + w;
                long expect = word < rebuilt.length ? rebuilt[word] : 0;
                differ += Long.bitCount(expect ^ onDisk[w]);
            }
            if (differ != 0) {
                for (Primary c : damaged) {
                    if (c.regionId == r.id) {
                        throw new DaxKVException.ChecksumMismatch(r.file + ": record for key " + Limits.describeKey(c.key)
                                + " at block " + c.block + " fails its data checksum (the region was closed clean;"
                                + " nothing was changed)");
                    }
                }
                throw new DaxKVException.Corrupt(r.file + ": group " + group + " block bitmap disagrees with the records in "
                        + differ + " blocks although the region was closed clean (nothing was changed)");
            }
        }
    }
}
