package io.daxkv.journal;

import io.daxkv.DaxKVException;
import io.daxkv.alloc.Extent;
import io.daxkv.index.IndexCheckpoint;
import io.daxkv.pmem.PersistentMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The metadata journal, in the spirit of jbd2. Every write operation (a put, a delete, a whole
 * batch) is one <b>transaction</b>: its entries and a commit record with a CRC32C over them,
 * written into the mapped log at the head while the writer holds the append lock. A
 * <b>group commit</b> makes every transaction written so far durable with one flush; the
 * writers waiting on any of them then return at once. Layout in {@link JournalLayout}.
 *
 * <h2>Lifecycle of a transaction</h2>
 * <ol>
 *   <li><b>appended</b>: under {@link #lock()} the caller takes its sequence and adds entries;
 *       {@link #unlock()} writes the transaction at the head (page cache: a crash of the process
 *       keeps it, a power failure may not). Log order is sequence order, so a valid prefix of
 *       the log is a prefix of the history.</li>
 *   <li><b>committed</b>: the committer thread takes everything appended (moving the head to the
 *       next page, so a committed page is never written again), flushes the region ranges of
 *       ordered entries ({@link Host#flushOrdered}), then flushes the log range, then moves
 *       {@link #committedTxnId()} on and completes the group's future. Blocks freed by a
 *       transaction are reused only after this (the caller's reclaimer reads the id).</li>
 *   <li><b>checkpointed</b>: when the log is half full (and at close, at open when the index
 *       checkpoint is stale, and on {@link #checkpointNow}), under the append lock the checkpoint
 *       takes everything appended for a commit and copies the index ({@link Host#snapshotIndex});
 *       then, without the lock, commits, makes everything up to that transaction durable in the
 *       regions and clears what it unlinked ({@link Host#writeHome}), writes the index checkpoint
 *       ({@link Host#writeIndex}), and only then moves the tail past it in the superblock write
 *       that names the new index checkpoint. Replay never needs those transactions again.</li>
 * </ol>
 *
 * <h2>Back-pressure and failure</h2>
 * {@link #lock()} returns only when a transaction of {@link #maxTxnBytes()} fits without
 * overtaking the tail; otherwise it asks for a checkpoint and waits. When a write or flush of the
 * log or the regions fails, every transaction not yet committed fails with the error and
 * {@link #lock()} refuses from then on: a failed flush cannot be retried into success.
 */
public final class Journal implements AutoCloseable {

    public static final String FILE_NAME = "JOURNAL";
    public static final long MIN_CAPACITY_BYTES = 1L << 20;
    public static final long MAX_CAPACITY_BYTES = 1L << 30;

    /** What the journal needs from the store it serves. */
    public interface Host {
        /** Makes the region bytes of these extents durable (data of ordered entries). */
        void flushOrdered(List<Extent> extents);

        /** Makes every write of a transaction up to {@code committedTxnId} durable in the regions. */
        void writeHome(long committedTxnId);

        /** The journal failed for good; the store must refuse writes. */
        void failed(Throwable cause);

        /**
         * Under the append lock: a copy of the index as of transaction {@code txnId} (every
         * transaction up to it appended, none after), or null to checkpoint without one.
         */
        default IndexCheckpoint.Snapshot snapshotIndex(long txnId, long maxSeq) {
            return null;
        }

        /**
         * Writes {@code snapshot} as the index checkpoint (its transaction committed, everything up
         * to it home); returns false when it could not (the journal then relies on no checkpoint).
         */
        default boolean writeIndex(IndexCheckpoint.Snapshot snapshot) {
            return false;
        }

        /** The superblock now names the checkpoint of {@code txnId}: older ones may go. */
        default void indexInUse(long txnId) {
        }
    }

    /**
     * Writes to the log's file with write(2) rather than through the mapping. Measured on ext4:
     * a flush of a page dirtied through a shared mapping costs about twice a flush of one
     * written with write(2) (320 against 140 us: the write fault's bookkeeping makes the flush
     * commit the file system's own journal too). Transactions someone waits on go this way;
     * the rest are copied into the mapping, which costs no system call.
     */
    public interface LogFile {
        void write(long offset, byte[] src, int srcOffset, int length);
    }

    /** Transactions appended since the last commit started: committed together. */
    private static final class Group {
        long lastTxnId;
        boolean urgent;
        final List<Extent> ordered = new ArrayList<>();
        final CompletableFuture<Void> durable = new CompletableFuture<>();
    }

    private final String name;
    private final PersistentMemory memory;
    private volatile LogFile logFile;
    private final long capacityBytes;
    private final long uuidMsb;
    private final long uuidLsb;
    private final long maxTxnBytes;
    private final ThreadLocal<TxnBuilder> builders = ThreadLocal.withInitial(TxnBuilder::new);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomMade = lock.newCondition();
    private final Condition checkpointFinished = lock.newCondition();

    // guarded by lock
    private long generation;
    private long tailOffset;
    private long tailTxnId;
    private long headOffset;
    private long nextTxnId;
    private long appendedSeq;
    private long appendedSinceCapture;
    private Group open = new Group();
    private Group committing;
    private boolean checkpointWanted;
    /** A checkpoint is due even with nothing committed: the index checkpoint is missing or stale, or one was asked for. */
    private boolean indexWanted;
    /** Checkpoints begun and finished (under the lock): {@link #checkpointNow} waits for one begun after it asked. */
    private long checkpointsBegun;
    private long checkpointsFinished;
    /** The transaction of the index checkpoint the log builds on (0: none); see JournalLayout. */
    private long indexTxnId;
    /** Void sequence ranges (pairs first, last) the superblock carries; see JournalLayout. */
    private long[] voidRanges = new long[0];
    private volatile boolean commitRequested;
    private boolean closing;
    private Throwable failure;

    private volatile long committedTxnId;
    private volatile long committedSeq;
    private Host host;
    private long commitIntervalNanos;
    private volatile Thread committer;
    private volatile Thread checkpointer;

    private final LongAdder commits = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder checkpoints = new LongAdder();

    private Journal(String name, PersistentMemory memory, UUID storeUuid) {
        this.name = name;
        this.memory = memory;
        this.capacityBytes = memory.sizeBytes();
        this.uuidMsb = storeUuid.getMostSignificantBits();
        this.uuidLsb = storeUuid.getLeastSignificantBits();
        this.maxTxnBytes = (capacityBytes - JournalLayout.LOG_START) / 4;
    }

    /**
     * Writes an empty journal onto {@code memory} (which must read as zeros) and returns it.
     *
     * @param name how errors name the journal (its file)
     */
    public static Journal format(String name, PersistentMemory memory, UUID storeUuid) {
        checkCapacity(name, memory.sizeBytes());
        Journal j = new Journal(name, memory, storeUuid);
        j.generation = 0;
        j.tailOffset = JournalLayout.LOG_START;
        j.tailTxnId = 1;
        j.writeSuperblock(0);
        return j;
    }

    /** Opens an existing journal: reads and checks its superblock. Nothing is written. */
    public static Journal open(String name, PersistentMemory memory, UUID storeUuid) {
        checkCapacity(name, memory.sizeBytes());
        Journal j = new Journal(name, memory, storeUuid);
        j.readSuperblock();
        return j;
    }

    private static void checkCapacity(String name, long size) {
        if (size < MIN_CAPACITY_BYTES || size > MAX_CAPACITY_BYTES || size % JournalLayout.PAGE_BYTES != 0) {
            throw new DaxKVException.Corrupt(name + ": journal size " + size + " is not a multiple of 4096 in ["
                    + MIN_CAPACITY_BYTES + ", " + MAX_CAPACITY_BYTES + "]");
        }
    }

    private void readSuperblock() {
        JournalLayout.SuperblockState sb = JournalLayout.readSuperblock(name, memory, uuidMsb, uuidLsb);
        generation = sb.generation();
        tailOffset = sb.tailOffset();
        tailTxnId = sb.tailTxnId();
        committedSeq = sb.checkpointSeq();
        committedTxnId = tailTxnId - 1;
        indexTxnId = sb.indexTxnId();
        voidRanges = sb.voidRanges();
    }

    private void writeSuperblock(long checkpointSeq) {
        JournalLayout.writeSuperblock(memory, uuidMsb, uuidLsb, new JournalLayout.SuperblockState(generation, tailOffset,
                tailTxnId, checkpointSeq, indexTxnId, voidRanges));
    }

    /**
     * The transaction of the index checkpoint replay builds on, as the superblock says (0: none):
     * the {@code INDEX} file may be used only when it carries this id. Before {@link #start}.
     */
    public long indexTxnId() {
        return indexTxnId;
    }

    /** The void sequence ranges (pairs first, last; inclusive) the superblock lists. Before {@link #start}. */
    public long[] voidRanges() {
        return voidRanges.clone();
    }

    // -------------------------------------------------------------------------------- replay

    /**
     * Reads every valid transaction from the tail ({@link LogReader}): stops at the first whose
     * header, id, commit magic or CRC does not check. Writes nothing.
     */
    public Replayed replay() {
        return LogReader.read(name, memory, maxTxnBytes, tailOffset, tailTxnId, committedSeq);
    }

    // -------------------------------------------------------------------------------- start

    /**
     * Starts logging after recovery: the store has made everything replayed durable in its
     * regions, so the log is emptied by a checkpoint that puts the tail where replay ended.
     * Recovery says what it leaves: whether the index checkpoint it built on still describes the
     * store ({@code keepIndex}: nothing was replayed over it), and the void sequence ranges to
     * record. Without a checkpoint to keep, one is written soon (the checkpointer runs at once).
     */
    public void start(Replayed replayed, long storeMaxSeq, boolean keepIndex, long[] voids, Host host,
            long commitIntervalMs, String threadName) {
        this.host = host;
        this.commitIntervalNanos = TimeUnit.MILLISECONDS.toNanos(commitIntervalMs);
        long head = JournalLayout.roundUp(replayed.headOffset);
        if (head >= capacityBytes) {
            head = JournalLayout.LOG_START;
        }
        lock.lock();
        try {
            generation++;
            tailOffset = head;
            // past any id a transaction left in the log after the replay's end could carry
            tailTxnId = replayed.nextTxnId + capacityBytes / JournalLayout.TXN_HEADER_BYTES + 1;
            headOffset = head;
            flushedOffset = head;
            nextTxnId = tailTxnId;
            committedSeq = Math.max(storeMaxSeq, replayed.committedSeq);
            appendedSeq = committedSeq;
            committedTxnId = tailTxnId - 1;
            open.lastTxnId = committedTxnId;
            if (!keepIndex) {
                indexTxnId = 0;
                indexWanted = true;
            }
            voidRanges = voids.clone();
            writeSuperblock(committedSeq);
        } finally {
            lock.unlock();
        }
        committer = new Thread(this::commitLoop, threadName + " committer");
        committer.setDaemon(true);
        checkpointer = new Thread(this::checkpointLoop, threadName + " checkpointer");
        checkpointer.setDaemon(true);
        committer.start();
        checkpointer.start();
    }

    // ------------------------------------------------------------------------------ appending

    /**
     * Takes the append lock once a transaction of {@link #maxTxnBytes()} fits in the log
     * (waiting for a checkpoint otherwise). Between this and {@link #unlock()} the caller takes
     * its sequence and adds its entries; {@link #runningTxnId()} is the id they will carry.
     *
     * @throws DaxKVException.ReadOnly when the journal has failed
     */
    public void lock() {
        lock.lock();
        while (failure == null && !roomForOneMore()) {
            checkpointWanted = true;
            commitRequested = true; // a checkpoint frees only what is committed
            LockSupport.unpark(committer);
            LockSupport.unpark(checkpointer);
            roomMade.awaitUninterruptibly();
        }
        if (failure != null) {
            lock.unlock();
            throw readOnly();
        }
        builders.get().reset();
    }

    /** Writes the transaction built since {@link #lock()} (if any entry was added), then releases the lock. */
    public void unlock() {
        try {
            TxnBuilder b = builders.get();
            if (b.entryCount > 0 && failure == null) {
                append(b);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Says the transaction being built will be waited on (a SYNC write): it goes to the log
     * through {@link LogFile} when there is one, so its commit's flush is the cheap kind.
     */
    public void willAwait() {
        builders.get().awaited = true;
    }

    /** The id of the transaction the lock holder is building. */
    public long runningTxnId() {
        return nextTxnId;
    }

    /** Largest body of one transaction; an operation whose entries need more is refused up front. */
    public long maxTxnBytes() {
        return maxTxnBytes;
    }

    /**
     * Adds a put of the record at {@code primary} (plus {@code chunks}) to the transaction
     * being built; see {@link TxnBuilder#addPut}.
     */
    public void addPut(long sequence, byte[] key, Extent primary, Extent[] chunks, PersistentMemory m, long base,
                       int dataBytes) {
        builders.get().addPut(sequence, key, primary, chunks, m, base, dataBytes);
    }

    /** Adds a delete of {@code key} at {@code sequence} to the transaction being built. */
    public void addDelete(long sequence, byte[] key) {
        builders.get().addDelete(sequence, key);
    }

    /** Under the lock: header, commit record, into the log at the head (wrapping if it must). */
    private void append(TxnBuilder b) {
        int bodyBytes = b.bodyBytes();
        if (bodyBytes > maxTxnBytes) {
            throw new DaxKVException.LimitExceeded(name + ": a transaction of " + bodyBytes
                    + " bytes is larger than the most one may hold, " + maxTxnBytes);
        }
        long id = nextTxnId;
        int total = b.finish(id);
        byte[] buf = b.buffer;
        long footprint = JournalLayout.align8(total);
        boolean viaFile = b.awaited && logFile != null;
        if (headOffset + footprint + JournalLayout.TXN_HEADER_BYTES > capacityBytes) {
            byte[] wrap = new byte[JournalLayout.TXN_HEADER_BYTES];
            JournalLayout.encodeTxnHeader(wrap, JournalLayout.WRAP_MAGIC, 0, id, 0, 0);
            writeLog(viaFile, headOffset, wrap, wrap.length);
            headOffset = JournalLayout.LOG_START;
        }
        writeLog(viaFile, headOffset, buf, total);
        headOffset += footprint;
        nextTxnId = id + 1;
        appendedSeq = Math.max(appendedSeq, b.maxSeq);
        open.lastTxnId = id;
        open.ordered.addAll(b.ordered);
        appendedSinceCapture += footprint;
        if (appendedSinceCapture > (capacityBytes - JournalLayout.LOG_START) / 8 && !commitRequested) {
            // commit in pieces an eighth of the log long: a checkpoint can only free committed log
            commitRequested = true;
            LockSupport.unpark(committer);
        }
        transactions.increment();
        bytesWritten.add(footprint);
    }

    private void writeLog(boolean viaFile, long offset, byte[] src, int length) {
        if (viaFile) {
            logFile.write(offset, src, 0, length);
        } else {
            memory.write(offset, src, 0, length);
        }
    }

    /** Log bytes from tail to head (wrap waste included). Under the lock. */
    private long usedLocked() {
        return headOffset >= tailOffset ? headOffset - tailOffset
                : (capacityBytes - tailOffset) + (headOffset - JournalLayout.LOG_START);
    }

    /** Log bytes from tail to the committed head: what a checkpoint now would free. Under the lock. */
    private long committedLocked() {
        return flushedOffset >= tailOffset ? flushedOffset - tailOffset
                : (capacityBytes - tailOffset) + (flushedOffset - JournalLayout.LOG_START);
    }

    /** Whether a transaction of the largest size fits at the head or after wrapping, short of the tail. */
    private boolean roomForOneMore() {
        long need = JournalLayout.TXN_HEADER_BYTES + maxTxnBytes + JournalLayout.TXN_TRAILER_BYTES
                + JournalLayout.PAGE_BYTES;
        if (headOffset >= tailOffset) {
            return capacityBytes - headOffset >= need || tailOffset - JournalLayout.LOG_START >= need;
        }
        return tailOffset - headOffset >= need;
    }

    // ----------------------------------------------------------------------------- durability

    public long committedTxnId() {
        return committedTxnId;
    }

    /**
     * A future completing when transaction {@code txnId} is committed (at once if it is), or
     * failing with the journal's error. With {@code urgent}, the committer is woken to commit
     * now rather than at the end of the interval.
     */
    public CompletableFuture<Void> whenDurable(long txnId, boolean urgent) {
        if (txnId <= committedTxnId) {
            return CompletableFuture.completedFuture(null);
        }
        lock.lock();
        try {
            if (txnId <= committedTxnId) {
                return CompletableFuture.completedFuture(null);
            }
            if (failure != null) {
                return CompletableFuture.failedFuture(readOnly());
            }
            if (txnId >= nextTxnId) {
                throw new IllegalStateException(name + ": transaction " + txnId + " was never appended (next "
                        + nextTxnId + ")");
            }
            Group g = committing != null && txnId <= committing.lastTxnId ? committing : open;
            if (urgent && !g.urgent) {
                g.urgent = true;
                LockSupport.unpark(committer);
            }
            return g.durable;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until {@code txnId} is committed; the journal's failure is thrown as is. When no
     * commit is in flight, the caller commits itself (everything appended so far, its own
     * transaction among it) rather than hand over to the committer thread and wait for two
     * thread switches; writers arriving meanwhile queue for the next commit (group commit).
     */
    public void awaitDurable(long txnId) {
        if (txnId <= committedTxnId) {
            return;
        }
        Capture c = null;
        lock.lock();
        try {
            if (failure == null && committing == null && txnId > committedTxnId && txnId < nextTxnId && uncaptured()) {
                c = captureLocked();
            }
        } finally {
            lock.unlock();
        }
        if (c != null) {
            commitCapture(c);
        }
        try {
            whenDurable(txnId, true).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** Commits everything appended so far and waits for it. */
    public void commitNow() {
        long id;
        lock.lock();
        try {
            id = nextTxnId - 1;
        } finally {
            lock.unlock();
        }
        awaitDurable(id);
    }

    /** Asks for a commit of everything appended so far now; completes once it is durable. */
    public CompletableFuture<Void> commitAsync() {
        long id;
        lock.lock();
        try {
            id = nextTxnId - 1;
        } finally {
            lock.unlock();
        }
        return whenDurable(id, true);
    }

    /**
     * Runs a checkpoint that begins after this call and waits for it: everything appended so far
     * is committed and home, the index checkpoint is written, and the log is empty up to here.
     *
     * @throws DaxKVException.ReadOnly when the journal has failed
     */
    public void checkpointNow() {
        lock.lock();
        try {
            long target = checkpointsBegun + 1;
            indexWanted = true;
            LockSupport.unpark(checkpointer);
            while (checkpointsFinished < target) {
                if (failure != null) {
                    throw readOnly();
                }
                if (closing) {
                    throw new DaxKVException.Closed(name + ": closed while a checkpoint was awaited");
                }
                checkpointFinished.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks for a commit soon without waiting or locking (a writer whose frees are piling up). */
    public void requestCommit() {
        if (!commitRequested) {
            commitRequested = true;
            LockSupport.unpark(committer);
        }
    }

    // ------------------------------------------------------------------------------ committer

    /** What one commit covers: the group and the log range [from, to). */
    private static final class Capture {
        final Group group;
        final long from;
        final long to;
        final long seq;

        Capture(Group group, long from, long to, long seq) {
            this.group = group;
            this.from = from;
            this.to = to;
            this.seq = seq;
        }
    }

    /** Whether transactions were appended that no commit has taken yet. Under the lock. */
    private boolean uncaptured() {
        return open.lastTxnId > (committing != null ? committing.lastTxnId : committedTxnId);
    }

    /**
     * Takes everything appended for one commit: swaps in a new open group and moves the head to
     * the next page (a committed page is never written again). Under the lock, with no commit
     * in flight: commits run one at a time, in order.
     */
    private Capture captureLocked() {
        Group g = open;
        committing = g;
        open = new Group();
        open.lastTxnId = g.lastTxnId;
        long from = flushedOffset;
        long to = headOffset;
        long next = JournalLayout.roundUp(headOffset);
        headOffset = next >= capacityBytes ? JournalLayout.LOG_START : next;
        flushedOffset = headOffset;
        commitRequested = false;
        appendedSinceCapture = 0;
        return new Capture(g, from, to, appendedSeq);
    }

    /** Commits a capture (any thread); a failure stops the journal. Returns false when it failed. */
    private boolean commitCapture(Capture c) {
        try {
            commit(c.group, c.from, c.to, c.seq);
        } catch (Throwable e) {
            fail(e, c.group);
            return false;
        }
        LockSupport.unpark(committer); // writers that queued behind this commit are its to take
        if (checkpointDue()) {
            LockSupport.unpark(checkpointer);
        }
        return true;
    }

    private void commitLoop() {
        long last = System.nanoTime();
        for (;;) {
            Capture c;
            for (;;) {
                lock.lock();
                boolean pending = uncaptured();
                long waited = System.nanoTime() - last;
                if (failure != null || closing && !pending && committing == null) {
                    lock.unlock();
                    return;
                }
                if (pending && committing == null
                        && (open.urgent || commitRequested || closing || waited >= commitIntervalNanos)) {
                    c = captureLocked();
                    lock.unlock();
                    break;
                }
                if (!pending) {
                    last = System.nanoTime();
                    waited = 0;
                }
                long waitNanos = Math.max(1, commitIntervalNanos - waited);
                lock.unlock();
                LockSupport.parkNanos(this, waitNanos);
            }
            last = System.nanoTime();
            if (!commitCapture(c)) {
                return;
            }
        }
    }

    /** Whether the log is half full, or a writer waits for room. */
    private boolean checkpointDue() {
        lock.lock();
        try {
            return committedLocked() > 0 && (checkpointWanted
                    || usedLocked() > (capacityBytes - JournalLayout.LOG_START) / 2);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The checkpointer thread: writing everything home takes long (every dirty page of every
     * region), so it runs beside the committer, which goes on committing meanwhile.
     */
    private void checkpointLoop() {
        for (;;) {
            Checkpoint cp = null;
            lock.lock();
            try {
                if (failure != null || closing) {
                    return;
                }
                long committed = committedLocked();
                // each checkpoint flushes every region (and write-protects its pages again): only
                // when the log is half full, a writer waits for room, or the index checkpoint is stale
                boolean due = indexWanted || committed > 0 && (checkpointWanted
                        || usedLocked() > (capacityBytes - JournalLayout.LOG_START) / 2);
                if (due && committing == null) {
                    checkpointWanted = false;
                    indexWanted = false;
                    cp = beginCheckpointLocked();
                }
            } finally {
                lock.unlock();
            }
            if (cp == null) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            try {
                if (!finishCheckpoint(cp)) {
                    return;
                }
            } catch (Throwable e) {
                if (failure() == null) {
                    fail(e, null);
                }
                return;
            }
        }
    }

    /** A checkpoint as begun under the lock: the transaction it goes up to, and what to commit first. */
    private static final class Checkpoint {
        Capture capture;
        long head;
        long txnId;
        long seq;
        IndexCheckpoint.Snapshot snapshot;
    }

    /**
     * Under the lock, with no commit in flight: captures whatever is appended (so the next
     * transaction starts on a fresh page, where the tail will go) and copies the index as of
     * the last transaction appended.
     */
    private Checkpoint beginCheckpointLocked() {
        checkpointsBegun++;
        Checkpoint cp = new Checkpoint();
        cp.capture = uncaptured() ? captureLocked() : null;
        cp.head = headOffset;
        cp.txnId = nextTxnId - 1;
        cp.seq = appendedSeq;
        cp.snapshot = host.snapshotIndex(cp.txnId, cp.seq);
        return cp;
    }

    /**
     * Commits up to the checkpoint's transaction, writes home and clears everything up to it,
     * writes the index checkpoint, then moves the tail past it (in that order: see
     * {@link IndexCheckpoint}).
     */
    private boolean finishCheckpoint(Checkpoint cp) {
        if (cp.capture != null && !commitCapture(cp.capture)) {
            return false; // the journal has failed; commitCapture said so to every waiter
        }
        awaitDurable(cp.txnId);
        host.writeHome(cp.txnId);
        boolean indexed = cp.snapshot != null && host.writeIndex(cp.snapshot);
        lock.lock();
        try {
            generation++;
            tailOffset = cp.head;
            tailTxnId = cp.txnId + 1;
            indexTxnId = indexed ? cp.txnId : 0;
            writeSuperblock(cp.seq);
            roomMade.signalAll();
        } finally {
            lock.unlock();
        }
        if (indexed) {
            host.indexInUse(cp.txnId);
        }
        checkpoints.increment();
        lock.lock();
        try {
            checkpointsFinished++;
            checkpointFinished.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Where the log was flushed up to: the head as the last commit left it. */
    private long flushedOffset = JournalLayout.LOG_START;

    /** Flushes ordered data, then the log range [from, to) (two pieces when it wraps), then says so. */
    private void commit(Group g, long from, long to, long seq) {
        if (!g.ordered.isEmpty()) {
            host.flushOrdered(g.ordered);
        }
        if (to > from) {
            memory.flush(from, to - from);
        } else if (to < from) {
            memory.flush(from, capacityBytes - from);
            memory.flush(JournalLayout.LOG_START, to - JournalLayout.LOG_START);
        }
        commits.increment();
        committedSeq = Math.max(committedSeq, seq);
        lock.lock();
        try {
            committedTxnId = g.lastTxnId;
            committing = null;
        } finally {
            lock.unlock();
        }
        g.durable.complete(null);
    }

    private void fail(Throwable e, Group g) {
        Group o;
        lock.lock();
        try {
            failure = e;
            o = open;
            committing = null;
            roomMade.signalAll();
            checkpointFinished.signalAll();
        } finally {
            lock.unlock();
        }
        host.failed(e); // first: a waiter woken below must find the store refusing writes
        DaxKVException.ReadOnly ro = readOnly();
        if (g != null) {
            g.durable.completeExceptionally(ro);
        }
        o.durable.completeExceptionally(ro);
    }

    private DaxKVException.ReadOnly readOnly() {
        return new DaxKVException.ReadOnly(name + ": a journal or region flush failed (" + failure
                + "); the store refuses writes until it is reopened", failure);
    }

    /** The error that stopped the journal, or null. */
    public Throwable failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------- stats

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Log bytes between tail and head (not yet checkpointed). */
    public long usedBytes() {
        lock.lock();
        try {
            return usedLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Group commits (flushes of the log) since open. */
    public long commits() {
        return commits.sum();
    }

    /** Transactions appended since open. */
    public long transactions() {
        return transactions.sum();
    }

    public long checkpoints() {
        return checkpoints.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }

    // ---------------------------------------------------------------------------------- close

    /**
     * Commits what was appended, checkpoints (everything home, the log emptied), stops the
     * committer. Idempotent. When the journal has failed, nothing more is written.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            checkpointFinished.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        for (Thread t : new Thread[] {committer, checkpointer}) {
            if (t == null) {
                continue;
            }
            LockSupport.unpark(t);
            for (;;) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure() == null && host != null) {
            Checkpoint cp;
            lock.lock();
            try {
                cp = committing == null ? beginCheckpointLocked() : null;
            } finally {
                lock.unlock();
            }
            if (cp == null) {
                throw new IllegalStateException(name + ": a commit is still in flight at close");
            }
            if (!finishCheckpoint(cp)) {
                throw readOnly();
            }
        }
    }

    /** Sends awaited transactions through {@code file} (write(2)) instead of the mapping; before {@link #start}. */
    public void useLogFile(LogFile file) {
        this.logFile = file;
    }

    /** Unmaps the journal file's memory. */
    public void release() {
        memory.close();
    }
}
