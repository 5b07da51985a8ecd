package io.daxkv.engine;

import io.daxkv.Blob;
import io.daxkv.Cursor;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.Options;
import io.daxkv.Stats;
import io.daxkv.WriteBatch;
import io.daxkv.alloc.Allocator;
import io.daxkv.alloc.Extent;
import io.daxkv.alloc.RegionSpace;
import io.daxkv.alloc.Zeroer;
import io.daxkv.extent.ExtentAddress;
import io.daxkv.extent.RecordHeader;
import io.daxkv.fault.FaultCounters;
import io.daxkv.index.Epochs;
import io.daxkv.index.Index;
import io.daxkv.index.IndexEntry;
import io.daxkv.region.Geometry;
import io.daxkv.region.Manifest;
import io.daxkv.region.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine behind {@link io.daxkv.DaxKV}: one open store directory.
 *
 * <h2>Paths</h2>
 * <ul>
 *   <li><b>put</b>: allocate (thread window, pre-zeroed first) → write key, value, padding →
 *       header, magic last (release) → SYNC: flush → publish under the key's entry monitor,
 *       highest sequence wins → queue the old record: the flusher thread clears its magic
 *       within ~10 ms and hands its extents to epoch reclamation.</li>
 *   <li><b>get</b>: pin an epoch → hash index → read header (acquire), key, value → CRC →
 *       unpin. A cleared magic means the record was superseded under us: read the entry again.</li>
 *   <li><b>delete</b>: under the entry monitor mark it removed, unlink; clear every queued
 *       superseded record (so no older version of the key survives it), then its own magic
 *       (SYNC: flushed), retire the extents.</li>
 * </ul>
 *
 * <h2>Concurrency</h2>
 * Writers of one key serialize on its {@link IndexEntry} monitor only for the publish step
 * (compare sequence, swap address); they write their records in parallel. Readers never lock.
 * Every operation pins an {@link Epochs} slot for its duration: that is both what keeps freed
 * extents from being reused under a reader and what {@link #close()} waits on.
 *
 * <h2>Recovery</h2>
 * The records are the truth: open scans every region ({@link Recovery}), keeps the valid record
 * with the highest sequence per key, frees the rest, and rebuilds the index and the bitmaps. A
 * region closed clean must have on-disk bitmaps equal to the rebuilt ones.
 */
public final class Store implements AutoCloseable {


    /** What a put requires of the key's current state. */
    public enum PutMode {
        UPSERT, IF_ABSENT, IF_PRESENT
    }

    private final Path dir;
    private final Options options;
    private final Geometry geometry;
    private final StoreDirectory files;
    private volatile Region[] regionsById;
    private final Allocator allocator;
    private final Zeroer zeroer;
    private final Index index;
    private final Epochs epochs = new Epochs();
    private final AtomicLong sequence;
    private final FaultCounters counters = new FaultCounters();
    private final RecordIO io;
    private final LongAdder liveBytes = new LongAdder();
    private final Reclaimer reclaimer;
    private final Set<BlobImpl> openBlobs = ConcurrentHashMap.newKeySet();
    private final Thread flusher;
    private final Object growLock = new Object();
    private final Recovery.Report recoveryReport;
    private volatile boolean closed;
    private volatile Throwable failure;
    private volatile Throwable backgroundError;

    private Store(StoreDirectory files, Options options, List<Region> regions) {
        this.files = files;
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
        Recovery recovery = new Recovery(this, regions);
        this.recoveryReport = recovery.run();
        this.index = new Index(recovery.entries());
        for (Region r : regions) {
            r.markMounted();
        }
        this.sequence = new AtomicLong(recoveryReport.maxSequence);
        liveBytes.add(recoveryReport.liveBytes);
        int windowBlocks = (int) Math.max(16, Math.min((256 << 10) / geometry.blockSizeBytes, geometry.blockCount / 64));
        this.allocator = new Allocator(recovery.spaces(), windowBlocks, this::growRegion);
        this.reclaimer = new Reclaimer(io, epochs, allocator, syncWrites());
        long poolBlocks = options.zeroerPoolBytes() / geometry.blockSizeBytes;
        this.zeroer = new Zeroer(allocator, poolBlocks, options.zeroerEnabled(), "daxkv-zeroer " + dir.getFileName(),
                t -> backgroundError = t);
        this.flusher = new Thread(this::flushLoop, "daxkv-flusher " + dir.getFileName());
        this.flusher.setDaemon(true);
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
        List<Region> regions = new ArrayList<>();
        try {
            files = StoreDirectory.claim(absolute, options.createIfMissing());
            Manifest manifest = files.loadManifest(options);
            Geometry g = Geometry.of(manifest.regionSizeBytes, manifest.blockSizeBytes);
            for (Manifest.RegionEntry e : manifest.regions) {
                regions.add(Region.open(absolute, e.regionId, g, manifest.storeUuid));
            }
            if (regions.isEmpty()) {
                regions.add(files.addRegion(g));
            }
            return new Store(files, options, regions);
        } catch (IOException e) {
            closeQuietly(regions, files);
            throw new DaxKVException.StorageIO(absolute + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(regions, files);
            throw e;
        }
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

    long nextSequence() {
        return sequence.incrementAndGet();
    }


    RecordIO io() {
        return io;
    }

    FaultCounters counters() {
        return counters;
    }

    Options options() {
        return options;
    }

    boolean syncWrites() {
        return options.durability() == Durability.SYNC;
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

    /** Put with a condition; returns whether the value was stored. */
    public boolean put(byte[] key, ByteBuffer value, PutMode mode) {
        Limits.checkKey(key);
        Objects.requireNonNull(value, "value must not be null");
        Limits.checkValueLength(value.remaining());
        int slot = enterWrite();
        try {
            if (mode != PutMode.UPSERT) {
                IndexEntry current = index.get(key);
                boolean present = current != null && !current.removed;
                if (mode == PutMode.IF_ABSENT && present || mode == PutMode.IF_PRESENT && !present) {
                    return false;
                }
            }
            byte[] k = key.clone();
            RecordIO.Written w = io.write(k, value, 0, 0, 0, syncWrites());
            boolean stored = publish(k, w, mode, value.remaining());
            reclaimer.reclaimIfBacklogged(sequence.get());
            return stored;
        } finally {
            exit(slot);
        }
    }

    /**
     * Puts a written record in the index. Two writers of one key publish in sequence order: a
     * record older than the one already published is discarded as if overwritten at once.
     */
    boolean publish(byte[] key, RecordIO.Written w, PutMode mode, long valueLength) {
        long address = w.address();
        for (;;) {
            IndexEntry e = index.get(key);
            if (e == null) {
                if (mode == PutMode.IF_PRESENT) {
                    discard(w);
                    return false;
                }
                IndexEntry fresh = new IndexEntry(key, address, w.sequence);
                synchronized (fresh) {
                    if (index.insert(fresh) == null) {
                        liveBytes.add(key.length + valueLength);
                        return true;
                    }
                }
                continue;
            }
            long old;
            long oldBytes;
            synchronized (e) {
                if (e.removed) {
                    continue;
                }
                if (mode == PutMode.IF_ABSENT) {
                    discard(w);
                    return false;
                }
                if (e.sequence > w.sequence) {
                    // a newer write of this key is already published: ours happened just before it
                    discard(w);
                    return true;
                }
                old = e.address;
                oldBytes = recordBytes(old);
                e.address = address;
                e.sequence = w.sequence;
            }
            liveBytes.add(key.length + valueLength - oldBytes);
            reclaimer.supersede(old);
            return true;
        }
    }

    /** Key plus value length of the record at {@code address} (from its header). */
    private long recordBytes(long address) {
        Region r = region(ExtentAddress.regionId(address));
        long base = geometry.blockOffset(ExtentAddress.blockIndex(address));
        return r.memory().getInt(base + RecordHeader.KEY_LENGTH_OFFSET) + r.memory().getLong(base + RecordHeader.VALUE_LENGTH_OFFSET);
    }

    /** A record that was written but never published: clear it and free it at once (no reader saw it). */
    void discard(RecordIO.Written w) {
        w.discarded = true;
        io.clear(w.address(), syncWrites());
        free(w.primary);
        for (Extent c : w.chunks) {
            free(c);
        }
    }

    private void free(Extent e) {
        allocator.free(e.regionId, e.firstBlock, e.blockCount);
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

    public boolean delete(byte[] key) {
        Limits.checkKey(key);
        int slot = enterWrite();
        try {
            boolean deleted = deleteOlderThan(key, Long.MAX_VALUE, syncWrites());
            reclaimer.reclaimIfBacklogged(sequence.get());
            return deleted;
        } finally {
            exit(slot);
        }
    }

    /**
     * Deletes the key if its current record is older than {@code sequence} (a batch delete must
     * not remove a write published after the batch's commit). Returns whether it deleted.
     */
    boolean deleteOlderThan(byte[] key, long sequence, boolean sync) {
        IndexEntry e = index.get(key);
        if (e == null) {
            return false;
        }
        long address;
        synchronized (e) {
            if (e.removed || e.sequence > sequence) {
                return false;
            }
            e.removed = true;
            index.unlink(e);
            address = e.address;
        }
        liveBytes.add(-recordBytes(address));
        // older versions of this key first: once the delete's own clear is durable, none may remain
        reclaimer.clearSuperseded();
        Extent[] extents = io.extentsOf(address);
        io.clear(address, sync);
        reclaimer.retire(extents);
        return true;
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

    public void write(WriteBatch batch) {
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
        int slot = enterWrite();
        try {
            if (ops.isEmpty()) {
                return;
            }
            new BatchWriter(this).apply(new ArrayList<>(ops.values()));
            reclaimer.reclaimIfBacklogged(sequence.get());
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

    public void sync() {
        int slot = enterWrite();
        try {
            flushAll();
        } finally {
            exit(slot);
        }
    }

    private void flushAll() {
        try {
            for (Region r : regionsById) {
                if (r != null) {
                    r.memory().flushAll();
                }
            }
        } catch (UncheckedIOException | DaxKVException.StorageIO e) {
            failure = e;
            throw new DaxKVException.ReadOnly(dir + ": flush failed (" + e.getMessage()
                    + "); the store refuses writes until it is reopened", e);
        }
    }

    /** Every 10 ms: reclaim; every commit interval: flush everything (the ASYNC commit). */
    private void flushLoop() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(options.commitIntervalMs());
        long lastFlush = System.nanoTime();
        while (!closed) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(Math.min(10, options.commitIntervalMs())));
            if (closed) {
                break;
            }
            try {
                reclaimer.reclaim();
                if (System.nanoTime() - lastFlush >= intervalNanos) {
                    lastFlush = System.nanoTime();
                    if (failure == null) {
                        flushAll();
                    }
                }
            } catch (DaxKVException.ReadOnly e) {
                // recorded in `failure`; writers see it
            } catch (RuntimeException | Error e) {
                backgroundError = e;
            }
        }
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
                    .liveBytes(liveBytes.sum())
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
                    .build();
        } finally {
            exit(slot);
        }
    }

    /** What recovery did at open (records kept, records dropped, time). */
    public Recovery.Report recoveryReport() {
        return recoveryReport;
    }

    /** Blocks retired and not yet reclaimed (for tests and stat). */
    public int retiredBacklog() {
        return (int) reclaimer.backlog();
    }

    /** Waits until every retired extent has been reclaimed (no operation may be running). */
    public void reclaimAll() {
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
        reclaimer.reclaimAllQuiescent();
        RuntimeException error = null;
        boolean clean = failure == null;
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
            files.release();
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

    private static void closeQuietly(List<Region> regions, StoreDirectory files) {
        for (Region r : regions) {
            try {
                r.close();
            } catch (IOException | RuntimeException ignored) {
                // the open already failed; report that failure, not this one
            }
        }
        if (files != null) {
            files.releaseQuietly();
        }
    }
}
