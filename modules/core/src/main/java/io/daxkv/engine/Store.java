package io.daxkv.engine;

import io.daxkv.Blob;
import io.daxkv.Cursor;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.Options;
import io.daxkv.Stats;
import io.daxkv.WriteBatch;
import io.daxkv.alloc.Allocator;
import io.daxkv.alloc.RegionSpace;
import io.daxkv.alloc.Zeroer;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.fault.FaultCounters;
import io.daxkv.index.Epochs;
import io.daxkv.index.Index;
import io.daxkv.index.IndexEntry;
import io.daxkv.journal.Journal;
import io.daxkv.journal.Replayed;
import io.daxkv.journal.VoidRanges;
import io.daxkv.region.Geometry;
import io.daxkv.region.Manifest;
import io.daxkv.region.Region;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine behind {@link io.daxkv.DaxKV}: one open store directory.
 *
 * <h2>Paths</h2>
 * <ul>
 *   <li><b>put</b>: allocate (thread window, pre-zeroed first) → write key, value, padding
 *       (in parallel with other writers) → under the journal's append lock: take the sequence,
 *       write the header with the magic last (release), add the journal entry (with the record's
 *       bytes when small: data=journal), publish in the index, queue the old record → the
 *       transaction is in the log (page cache) when the lock is released → SYNC: wait for the
 *       group commit that flushes it.</li>
 *   <li><b>get</b>: pin an epoch → hash index → read header (acquire), key, value → CRC →
 *       unpin. A cleared magic means the record was superseded under us: read the entry again.</li>
 *   <li><b>delete</b>: under the append lock: sequence, journal entry, unlink, queue the record.
 *       Queued records are cleared and freed only after their transaction commits
 *       ({@link Reclaimer}).</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Writers write their records in parallel and serialize only for the short commit step under
 * the journal's append lock ({@link Publisher}), which makes sequence order, log order and index
 * order one order.
 * Readers never lock. Every operation pins an {@link Epochs} slot for its duration: that is both
 * what keeps freed extents from being reused under a reader and what {@link #close()} waits on.
 *
 * <h2>Recovery</h2>
 * Open replays the journal (writing journaled records home), then scans every region
 * ({@link Recovery}): per key the valid record with the highest sequence the log covers wins,
 * unless a replayed delete is newer; the rest is cleared; index and bitmaps are rebuilt. A region
 * closed clean must have on-disk bitmaps equal to the rebuilt ones.
 */
public final class Store implements AutoCloseable {

    /** The JDK's platform logger (java.util.logging unless the application routes it elsewhere). */
    private static final System.Logger LOG = System.getLogger("io.daxkv");


    /** What a put requires of the key's current state. */
    public enum PutMode {
        UPSERT, IF_ABSENT, IF_PRESENT
    }

    private final Path dir;
    private final Options options;
    private final Geometry geometry;
    private final StoreDirectory files;
    /** False when the directory was claimed by the caller ({@link #open(StoreClaim, Options)}). */
    private final boolean releaseClaimOnClose;
    private volatile Region[] regionsById;
    private final Allocator allocator;
    private final Zeroer zeroer;
    private final Index index;
    private final Epochs epochs = new Epochs();
    private final FaultCounters counters = new FaultCounters();
    private final RecordIO io;
    private final Reclaimer reclaimer;
    private final Publisher publisher;
    private final Set<BlobImpl> openBlobs = ConcurrentHashMap.newKeySet();
    private final Thread flusher;
    private final Object growLock = new Object();
    private final Recovery.Report recoveryReport;
    private final StoreDirectory.JournalFile journalFile;
    private final Journal journal;
    private final IndexCheckpointFiles checkpointFiles;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Throwable backgroundError;

    private Store(StoreDirectory files, boolean releaseClaimOnClose, Options options, List<Region> regions,
                  StoreDirectory.JournalFile journalFile) {
        this.files = files;
        this.releaseClaimOnClose = releaseClaimOnClose;
        this.journalFile = journalFile;
        this.journal = journalFile.journal;
        this.dir = files.dir;
        this.options = options;
        Manifest manifest = files.manifest();
        this.geometry = Geometry.of(manifest.regionSizeBytes, manifest.blockSizeBytes);
        int maxId = regions.stream().mapToInt(r -> r.id).max().orElse(0);
        Region[] byId = new Region[maxId + 1];
        for (Region r : regions) {
            byId[r.id] = r;
        }
        this.regionsById = byId;
        this.io = new RecordIO(this, counters);
        Replayed replayed = journal.replay();
        this.checkpointFiles = new IndexCheckpointFiles(dir, manifest.storeUuid, files.wrapper());
        IndexCheckpointFiles.Loaded checkpoint = checkpointFiles.load(journal.indexTxnId());
        Recovery recovery = new Recovery(this, regions, replayed, checkpoint.snapshot(), checkpoint.refused(),
                VoidRanges.of(journal.voidRanges()),
                VoidRanges.span(journal.capacityBytes()));
        this.recoveryReport = recovery.run();
        if (recoveryReport.replayedTransactions > 0 || recoveryReport.regionsDirty > 0
                || recoveryReport.checkpointRefused != null) {
            // after a crash: say what replay and recovery did (a clean open says nothing)
            LOG.log(System.Logger.Level.INFO, "{0}: {1}", dir, recoveryReport);
        }
        this.index = new Index(recovery.entries());
        for (Region r : regions) {
            r.markMounted();
        }
        int windowBlocks = (int) Math.max(16, Math.min((256 << 10) / geometry.blockSizeBytes, geometry.blockCount / 64));
        this.allocator = new Allocator(recovery.spaces(), windowBlocks, new Allocator.Grower() {
            @Override
            public RegionSpace grow() throws IOException {
                return growRegion();
            }

            @Override
            public long reclaimPending() {
                return Store.this.reclaimPending();
            }
        });
        this.reclaimer = new Reclaimer(io, epochs, allocator, journal::committedTxnId, journal::requestCommit);
        this.publisher = new Publisher(this, io, journal, index, reclaimer, recoveryReport.maxSequence,
                recoveryReport.liveBytes);
        long poolBlocks = options.zeroerPoolBytes() / geometry.blockSizeBytes;
        this.zeroer = new Zeroer(allocator, poolBlocks, options.zeroerEnabled(), "daxkv-zeroer " + dir.getFileName(),
                t -> backgroundError = t);
        this.flusher = new Thread(this::flushLoop, "daxkv-flusher " + dir.getFileName());
        this.flusher.setDaemon(true);
        boolean keepIndex = recoveryReport.fromCheckpoint && recoveryReport.replayedTransactions == 0;
        journal.start(replayed, recoveryReport.maxSequence, keepIndex, recoveryReport.voidRanges,
                new StoreJournalHost(this, index, checkpointFiles),
                options.commitIntervalMs(), "daxkv-journal " + dir.getFileName());
        zeroer.start();
        flusher.start();
    }

    // ------------------------------------------------------------------------------------ open

    /**
     * Opens or creates the store in {@code dir}; see {@link io.daxkv.DaxKV#open(Path, Options)}.
     */
    public static Store open(Path dir, Options options) {
        Path absolute = dir.toAbsolutePath();
        if (java.nio.ByteOrder.nativeOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new DaxKVException.Incompatible("daxkv's format is little-endian and maps it directly; this platform is "
                    + java.nio.ByteOrder.nativeOrder());
        }
        StoreDirectory files = null;
        try {
            files = StoreDirectory.claim(absolute, options.createIfMissing());
        } catch (IOException e) {
            throw new DaxKVException.StorageIO(absolute + ": " + e.getMessage(), e);
        }
        return open(files, options, true);
    }

    /**
     * Opens the existing store {@code claim} holds, as {@link #open(Path, Options)} does (replay,
     * recovery, the same writes); {@link #close()} leaves the claim held, for its owner to release.
     */
    public static Store open(StoreClaim claim, Options options) {
        return open(claim.files, options, false);
    }

    private static Store open(StoreDirectory files, Options options, boolean releaseOnClose) {
        Path absolute = files.dir;
        StoreDirectory.JournalFile journal = null;
        List<Region> regions = new ArrayList<>();
        try {
            Manifest manifest = files.loadManifest(options);
            journal = files.openJournal(options.journalSizeBytes());
            Geometry g = Geometry.of(manifest.regionSizeBytes, manifest.blockSizeBytes);
            for (Manifest.RegionEntry e : manifest.regions) {
                regions.add(Region.open(absolute, e.regionId, g, manifest.storeUuid, files.wrapper()));
            }
            if (regions.isEmpty()) {
                regions.add(files.addRegion(g));
            }
            return new Store(files, releaseOnClose, options, regions, journal);
        } catch (IOException e) {
            closeQuietly(regions, journal, files, releaseOnClose);
            throw new DaxKVException.StorageIO(absolute + ": " + e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            closeQuietly(regions, journal, files, releaseOnClose);
            throw new DaxKVException.StorageIO(absolute + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(regions, journal, files, releaseOnClose);
            throw e;
        }
    }

    /**
     * Commits and reclaims when blocks are only waiting for a commit, before the store grows;
     * returns how many blocks that freed.
     */
    private long reclaimPending() {
        if (closed || reclaimer == null || reclaimer.pendingBlocks() == 0) {
            return 0;
        }
        long before = allocator.usedBlocks();
        journal.commitNow();
        reclaimer.reclaimWaiting();
        return Math.max(0, before - allocator.usedBlocks());
    }

    /** Adds a region: listed CREATING, file allocated and formatted, then ACTIVE. */
    private RegionSpace growRegion() throws IOException {
        synchronized (growLock) {
            if (closed) {
                throw new DaxKVException.Closed("store is closed: " + dir);
            }
            Region r = files.addRegion(geometry);
            r.markMounted();
            Region[] next = Arrays.copyOf(regionsById, Math.max(regionsById.length, r.id + 1));
            next[r.id] = r;
            regionsById = next;
            RegionSpace s = new RegionSpace(r);
            s.rebuildFreeSets();
            return s;
        }
    }

    // ------------------------------------------------------------------------------- accessors

    Geometry geometry() {
        return geometry;
    }

    Allocator allocator() {
        return allocator;
    }

    Region region(int regionId) {
        Region r = regionOrNull(regionId);
        if (r == null) {
            throw new DaxKVException.Corrupt(dir + ": no region " + regionId);
        }
        return r;
    }

    Region regionOrNull(int regionId) {
        Region[] rs = regionsById;
        return regionId >= 0 && regionId < rs.length ? rs[regionId] : null;
    }


    RecordIO io() {
        return io;
    }

    FaultCounters counters() {
        return counters;
    }

    public Options options() {
        return options;
    }

    public Path directory() {
        return dir;
    }

    // ----------------------------------------------------------------------- operation guard

    /** Pins an epoch for one operation; fails when closed. */
    int enter() {
        int slot = epochs.pin();
        if (closed) {
            epochs.unpin(slot);
            throw new DaxKVException.Closed("store is closed: " + dir);
        }
        return slot;
    }

    /** As {@link #enter()}, and fails when writes are refused after a failed flush. */
    int enterWrite() {
        int slot = enter();
        Throwable f = failure;
        if (f != null) {
            epochs.unpin(slot);
            throw new DaxKVException.ReadOnly(dir + ": a flush failed (" + f.getMessage()
                    + "); the store refuses writes until it is reopened", f);
        }
        return slot;
    }

    void exit(int slot) {
        epochs.unpin(slot);
    }

    // ------------------------------------------------------------------------------ put / get

    /** What {@link #put} and {@link #delete} return when nothing was written (a condition failed, no such key). */
    public static final long NOT_WRITTEN = -1;

    /**
     * Put with a condition. Returns the journal transaction holding the write, to wait on with
     * {@link #awaitDurable} or {@link #whenDurable}, or {@link #NOT_WRITTEN} when the condition
     * failed.
     */
    public long put(byte[] key, ByteBuffer value, PutMode mode, Durability durability) {
        Limits.checkKey(key);
        Objects.requireNonNull(value, "value must not be null");
        Limits.checkValueLength(value.remaining());
        int slot = enterWrite();
        try {
            if (mode != PutMode.UPSERT) {
                // a cheap early answer; the decision is taken again under the append lock
                IndexEntry current = index.get(key);
                boolean present = current != null && !current.removed;
                if (mode == PutMode.IF_ABSENT && present || mode == PutMode.IF_PRESENT && !present) {
                    return NOT_WRITTEN;
                }
            }
            RecordIO.Pending p = io.writeBody(key.clone(), value);
            long txn = publisher.put(p, mode, durability);
            reclaimer.reclaimIfBacklogged(publisher.lastSequence());
            return txn;
        } finally {
            exit(slot);
        }
    }

    // ------------------------------------------------------------------------------ durability

    /** Blocks until transaction {@code txn} is durable ({@link #NOT_WRITTEN}: returns at once). */
    public void awaitDurable(long txn) {
        if (txn != NOT_WRITTEN) {
            journal.awaitDurable(txn);
        }
    }

    /** A future completing once transaction {@code txn} is durable; asks for a commit now. */
    public CompletableFuture<Void> whenDurable(long txn) {
        return txn == NOT_WRITTEN ? CompletableFuture.completedFuture(null) : journal.whenDurable(txn, true);
    }

    public byte[] get(byte[] key) {
        Limits.checkKey(key);
        int slot = enter();
        try {
            return read(key);
        } finally {
            exit(slot);
        }
    }

    /** Reads under a pinned epoch; null when absent. */
    byte[] read(byte[] key) {
        IndexEntry e = index.get(key);
        return e == null ? null : read(e);
    }

    byte[] read(IndexEntry e) {
        for (int attempt = 0; ; attempt++) {
            long address = e.address;
            if (e.removed) {
                return null;
            }
            byte[] v = io.read(address, e.key, options.verifyOnRead());
            if (v != RecordIO.GONE) {
                return v;
            }
            awaitMovedOn(e, address, attempt);
        }
    }

    /**
     * A read found the magic at {@code address} gone: the record was superseded or deleted under
     * it, and the entry has moved on (or is about to: publish swaps the address before the old
     * record is cleared). Waits a moment while the entry still points there; after many tries
     * that is damage, not a race.
     */
    private static void awaitMovedOn(IndexEntry e, long address, int attempt) {
        if (e.address == address && !e.removed) {
            if (attempt > 1000) {
                throw new DaxKVException.Corrupt("record for key " + Limits.describeKey(e.key) + " at "
                        + ExtentAddress.toString(address) + " has no header although the index points at it");
            }
            Thread.onSpinWait();
        }
    }

    /** Copies the value straight from the mapping into {@code dst} when it fits; see DaxKV#get(byte[], ByteBuffer). */
    public int get(byte[] key, ByteBuffer dst) {
        Limits.checkKey(key);
        int slot = enter();
        try {
            IndexEntry e = index.get(key);
            if (e == null) {
                return -1;
            }
            for (int attempt = 0; ; attempt++) {
                long address = e.address;
                if (e.removed) {
                    return -1;
                }
                int n = io.readInto(address, e.key, options.verifyOnRead(), dst);
                if (n != RecordIO.GONE_LENGTH) {
                    return n;
                }
                awaitMovedOn(e, address, attempt);
            }
        } finally {
            exit(slot);
        }
    }

    // -------------------------------------------------------------------------------- delete

    /** Deletes {@code key}; returns the transaction holding the delete, or {@link #NOT_WRITTEN} when absent. */
    public long delete(byte[] key, Durability durability) {
        Limits.checkKey(key);
        int slot = enterWrite();
        try {
            if (index.get(key) == null) {
                return NOT_WRITTEN; // absent: nothing to journal (the answer taken without the lock)
            }
            long txn = publisher.delete(key, durability);
            reclaimer.reclaimIfBacklogged(publisher.lastSequence());
            return txn;
        } finally {
            exit(slot);
        }
    }

    // ---------------------------------------------------------------------------------- scan

    public Cursor scan(byte[] fromInclusive, byte[] toExclusive) {
        Objects.requireNonNull(fromInclusive, "fromInclusive must not be null (use an empty array for the start)");
        if (fromInclusive.length > Limits.MAX_KEY_BYTES || toExclusive != null && toExclusive.length > Limits.MAX_KEY_BYTES) {
            throw new DaxKVException.LimitExceeded("scan bound longer than " + Limits.MAX_KEY_BYTES + " bytes");
        }
        int slot = enter();
        exit(slot);
        if (toExclusive != null && Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
            return new CursorImpl(this, java.util.Collections.emptyIterator());
        }
        return new CursorImpl(this, index.range(fromInclusive.clone(), toExclusive == null ? null : toExclusive.clone()));
    }

    // --------------------------------------------------------------------------------- batch

    /** Applies the batch in one journal transaction; returns it ({@link #NOT_WRITTEN} when empty). */
    public long write(WriteBatch batch, Durability durability) {
        // later operations on a key win: collapse first, validate everything before writing anything
        Map<Index.KeyRef, WriteBatch.Op> ops = new LinkedHashMap<>();
        for (WriteBatch.Op op : batch.ops()) {
            Limits.checkKey(op.key());
            if (!op.isDelete()) {
                Limits.checkValueLength(op.value().length);
            }
            Index.KeyRef ref = new Index.KeyRef(op.key());
            ops.remove(ref);
            ops.put(ref, op);
        }
        long journalBytes = Publisher.journalBytesAtMost(ops.values());
        if (journalBytes > journal.maxTxnBytes()) {
            throw new DaxKVException.LimitExceeded("batch of " + ops.size() + " operations needs up to " + journalBytes
                    + " journal bytes; one transaction holds at most " + journal.maxTxnBytes()
                    + " (a quarter of the journal): split the batch or use a larger journal");
        }
        int slot = enterWrite();
        try {
            if (ops.isEmpty()) {
                return NOT_WRITTEN;
            }
            long txn = new BatchWriter(this).apply(new ArrayList<>(ops.values()), durability);
            reclaimer.reclaimIfBacklogged(publisher.lastSequence());
            return txn;
        } finally {
            exit(slot);
        }
    }

    // ---------------------------------------------------------------------------------- blob

    public Blob createBlob(byte[] key, long capacity) {
        Limits.checkKey(key);
        if (capacity < 0) {
            throw new DaxKVException.InvalidArgument("blob capacity must be >= 0, got " + capacity);
        }
        Limits.checkValueLength(capacity);
        int slot = enterWrite();
        try {
            BlobImpl b = new BlobImpl(this, key.clone(), capacity);
            openBlobs.add(b);
            return b;
        } finally {
            exit(slot);
        }
    }

    void blobClosed(BlobImpl b) {
        openBlobs.remove(b);
    }

    // ------------------------------------------------------------------- durability, reclaim

    /** Commits everything written so far and waits for it. */
    public void sync() {
        int slot = enterWrite();
        try {
            journal.commitNow();
        } finally {
            exit(slot);
        }
    }

    /** A future completing once everything written so far is committed; never blocks on the commit. */
    public CompletableFuture<Void> syncAsync() {
        int slot = enterWrite();
        try {
            return journal.commitAsync();
        } finally {
            exit(slot);
        }
    }

    /** See {@link io.daxkv.DaxKV#checkpoint()}. */
    public void checkpoint() {
        int slot = enterWrite();
        try {
            journal.checkpointNow();
        } finally {
            exit(slot);
        }
    }

    /** Flushes every region whole (a checkpoint's write home). */
    void flushAll() {
        for (Region r : regionsById) {
            if (r != null) {
                r.memory().flushAll();
            }
        }
    }

    /** Every 10 ms: clear and free what committed transactions unlinked. */
    private void flushLoop() {
        while (!closed) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
            if (closed) {
                break;
            }
            try {
                reclaimer.reclaim();
            } catch (RuntimeException | Error e) {
                backgroundError = e;
            }
        }
    }

    /** The journal failed for good (from {@link StoreJournalHost}): writes are refused from now on. */
    void journalFailed(Throwable cause) {
        failure = cause;
    }

    // --------------------------------------------------------------------------------- stats

    public Stats stats() {
        int slot = enter();
        try {
            long total = allocator.totalBlocks();
            long used = allocator.usedBlocks();
            String mode = "unknown";
            for (Region r : regionsById) {
                if (r != null) {
                    mode = r.memory().mode();
                    break;
                }
            }
            int regions = 0;
            for (Region r : regionsById) {
                if (r != null) {
                    regions++;
                }
            }
            return Stats.builder()
                    .keys(index.size())
                    .liveBytes(publisher.liveBytes())
                    .regions(regions)
                    .blockSizeBytes(geometry.blockSizeBytes)
                    .blocksTotal(total)
                    .blocksUsed(used)
                    .blocksFree(total - used)
                    .preZeroedBlocks(allocator.zeroedBlocks())
                    .faults(counters.faults.sum())
                    .conversions(counters.conversions.sum())
                    .bytesZeroedOnFault(counters.bytesZeroed.sum())
                    .preZeroedHits(counters.preZeroedHits.sum())
                    .blocksZeroedByZeroer(zeroer.blocksZeroed())
                    .mappingMode(mode)
                    .durability(options.durability())
                    .regionSizeBytes(geometry.regionSizeBytes)
                    .storeUuid(files.manifest().storeUuid.toString())
                    .formatVersion(Manifest.FORMAT_VERSION)
                    .recoveryMillis(recoveryReport.millis)
                    .recordsDroppedAtOpen(recoveryReport.recordsDropped)
                    .regionsOpenedDirty(recoveryReport.regionsDirty)
                    .openedFromIndexCheckpoint(recoveryReport.fromCheckpoint)
                    .indexCheckpointsWritten(checkpointFiles.written())
                    .journalCapacityBytes(journal.capacityBytes())
                    .journalUsedBytes(journal.usedBytes())
                    .journalCommits(journal.commits())
                    .journalCheckpoints(journal.checkpoints())
                    .replayedTransactions(recoveryReport.replayedTransactions)
                    .replayedEntries(recoveryReport.replayedEntries)
                    .recordsRestoredAtOpen(recoveryReport.recordsRestored)
                    .replayMillis(recoveryReport.replayMillis)
                    .freeExtentHistogram(allocator.freeExtentHistogram())
                    .build();
        } finally {
            exit(slot);
        }
    }

    /** What recovery did at open (records kept, records dropped, time). */
    public Recovery.Report recoveryReport() {
        return recoveryReport;
    }

    Reclaimer reclaimer() {
        return reclaimer;
    }

    /** The commit step of every write (sealing, journaling, publishing). */
    Publisher publisher() {
        return publisher;
    }

    /** Blocks retired and not yet reclaimed (for tests and stat). */
    public int retiredBacklog() {
        return (int) reclaimer.backlog();
    }

    /** Commits, then waits until every retired extent has been reclaimed (no operation may be running). */
    public void reclaimAll() {
        journal.commitNow();
        reclaimer.reclaimAll();
    }

    /** An error a background thread hit, if any (for stat and tests). */
    public Throwable backgroundError() {
        return backgroundError;
    }

    public Region[] regions() {
        return regionsById.clone();
    }

    // --------------------------------------------------------------------------------- close

    /**
     * Waits for every operation in progress, releases open blobs, frees every retired extent,
     * flushes, writes bitmaps home, marks each superblock clean, unmaps, releases the lock.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        epochs.awaitQuiescent();
        zeroer.close();
        LockSupport.unpark(flusher);
        try {
            // no time limit: never unmap under a thread still flushing or zeroing
            flusher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (BlobImpl b : new ArrayList<>(openBlobs)) {
            b.releaseOnStoreClose();
        }
        RuntimeException error = null;
        try {
            // commits what is running and checkpoints: every committed unlink is cleared
            journal.close();
        } catch (RuntimeException e) {
            failure = failure == null ? e : failure;
            error = new DaxKVException.StorageIO(dir + ": close could not commit the journal: " + e.getMessage(), e);
        }
        boolean clean = failure == null;
        if (clean) {
            reclaimer.reclaimAllQuiescent();
        }
        for (RegionSpace s : allocator.spaces()) {
            try {
                s.region.memory().flushAll();
                if (clean) {
                    s.region.writeBitmaps(s.usedBitmap());
                    s.region.markClean();
                }
            } catch (RuntimeException e) {
                error = error == null ? new DaxKVException.StorageIO(dir + ": close could not write region "
                        + s.regionId + ": " + e.getMessage(), e) : error;
            }
        }
        for (Region r : regionsById) {
            if (r != null) {
                try {
                    r.close();
                } catch (IOException e) {
                    error = error == null ? new DaxKVException.StorageIO(dir + ": " + e.getMessage(), e) : error;
                }
            }
        }
        try {
            journalFile.release();
        } catch (IOException e) {
            error = error == null ? new DaxKVException.StorageIO(dir + ": " + e.getMessage(), e) : error;
        }
        try {
            if (releaseClaimOnClose) {
                files.release();
            }
        } catch (IOException e) {
            error = error == null ? new DaxKVException.StorageIO(dir + ": " + e.getMessage(), e) : error;
        }
        if (error != null) {
            throw error;
        }
    }

    boolean isClosed() {
        return closed;
    }

    private static void closeQuietly(List<Region> regions, StoreDirectory.JournalFile journal, StoreDirectory files,
                                     boolean releaseClaim) {
        if (journal != null) {
            try {
                journal.journal.close();
                journal.release();
            } catch (IOException | RuntimeException ignored) {
                // the open already failed; report that failure, not this one
            }
        }
        for (Region r : regions) {
            try {
                r.close();
            } catch (IOException | RuntimeException ignored) {
                // the open already failed; report that failure, not this one
            }
        }
        if (files != null && releaseClaim) {
            files.releaseQuietly();
        }
    }
}
