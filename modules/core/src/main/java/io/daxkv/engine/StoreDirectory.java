package io.daxkv.engine;

import io.daxkv.DaxKVException;
import io.daxkv.Options;
import io.daxkv.journal.Journal;
import io.daxkv.pmem.MappedPersistentMemory;
import io.daxkv.pmem.MemoryWrapper;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import io.daxkv.region.Manifest;
import io.daxkv.region.Region;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The store directory as files: who may open it, what belongs in it, and its manifest.
 *
 * <ul>
 *   <li><b>Claim.</b> One open per store: a JVM-wide registry first, then an fcntl lock on
 *       {@value #LOCK_FILE}. The registry is checked before {@code LOCK} is touched, because
 *       closing any descriptor of a locked file drops this process's lock on it.</li>
 *   <li><b>What belongs.</b> A missing or empty directory becomes a new store (when allowed); a
 *       directory with anything else and no manifest is refused.</li>
 *   <li><b>Manifest.</b> Loaded (or written for a new store), with regions a crash left
 *       half-created and region files it does not list removed; {@link #addRegion} lists a new
 *       region CREATING, makes its file, then turns it ACTIVE.</li>
 * </ul>
 */
final class StoreDirectory {

    static final String LOCK_FILE = "LOCK";
    /** Stores open in this JVM (absolute, normalized paths). */
    private static final Set<Path> OPEN_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    final Path dir;
    private final boolean fresh;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private volatile Manifest manifest;
    private MemoryWrapper wrapper = MemoryWrapper.NONE;
    private boolean released;

    private StoreDirectory(Path dir, boolean fresh, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.fresh = fresh;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Claims {@code dir} (absolute) for this open: refuses a second open anywhere, a foreign
     * directory, or (without {@code create}) a directory with no store.
     */
    static StoreDirectory claim(Path dir, boolean create) throws IOException {
        Path key = dir.normalize();
        if (!OPEN_IN_THIS_JVM.add(key)) {
            throw new DaxKVException.Locked(dir + ": the store is already open in this JVM");
        }
        FileChannel channel = null;
        try {
            boolean fresh = prepare(dir, create);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DaxKVException.Locked(dir + ": the store is open in another process");
            }
            return new StoreDirectory(dir, fresh, channel, lock);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            OPEN_IN_THIS_JVM.remove(key);
            throw e;
        }
    }

    /** The wrapper of every mapping this directory makes ({@link Options#memoryWrapper()}). */
    MemoryWrapper wrapper() {
        return wrapper;
    }

    /** Reads the manifest (writes one for a new store) and discards what a crash left half made. */
    Manifest loadManifest(Options options) throws IOException {
        wrapper = options.memoryWrapper();
        Manifest m;
        if (fresh) {
            m = new Manifest(UUID.randomUUID(), options.blockSizeBytes(), options.regionSizeBytes(), 0, List.of());
            m.write(dir);
        } else {
            m = Manifest.read(dir);
        }
        manifest = discardHalfCreated(m);
        return manifest;
    }

    Manifest manifest() {
        return manifest;
    }

    /**
     * Adds a region: listed CREATING, file allocated and formatted, then ACTIVE. A failure
     * unlists it again (and a crash in between leaves it CREATING, for the next open to discard).
     * Callers serialize.
     */
    Region addRegion(Geometry g) throws IOException {
        Manifest m = manifest;
        int id = m.nextRegionId;
        m = m.withRegion(id, Manifest.REGION_CREATING);
        m.write(dir);
        manifest = m;
        Region r;
        try {
            r = Region.create(dir, id, g, m.storeUuid, wrapper);
        } catch (IOException | RuntimeException e) {
            manifest = m.withoutRegion(id);
            manifest.write(dir);
            throw e;
        }
        m = m.withRegion(id, Manifest.REGION_ACTIVE);
        m.write(dir);
        manifest = m;
        return r;
    }

    /**
     * Maps the journal. A store whose manifest lists no region yet gets a new one (allocated for
     * real, formatted, then renamed into place); any other store must have one, since without
     * it the regions cannot be told apart from half-written garbage.
     */
    JournalFile openJournal(long capacityBytes) throws IOException {
        Path file = dir.resolve(Journal.FILE_NAME);
        UUID uuid = manifest.storeUuid;
        if (Files.exists(file)) {
            FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                long size = ch.size();
                PersistentMemory m = wrapper.wrap(file, MappedPersistentMemory.map(ch, Math.min(size, Integer.MAX_VALUE)));
                try {
                    return new JournalFile(ch, Journal.open(file.toString(), m, uuid), wrapper);
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        if (!manifest.regions.isEmpty()) {
            throw new DaxKVException.Corrupt(file + " is missing: the regions' records cannot be checked against the"
                    + " committed transactions without it");
        }
        Path tmp = dir.resolve(Journal.FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            // written, not fallocated: each commit flushes a new page of it, and on ext4 a flush
            // over unwritten (fallocated) blocks costs a file system journal commit as well
            Region.writeZeros(tmp, ch, capacityBytes);
            PersistentMemory m = wrapper.wrap(file, MappedPersistentMemory.map(ch, capacityBytes));
            Journal j;
            try {
                j = Journal.format(file.toString(), m, uuid);
                ch.force(true);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Manifest.fsyncDirectory(dir);
            } catch (IOException | RuntimeException e) {
                m.close();
                throw e;
            }
            return new JournalFile(ch, j, wrapper);
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * The journal and the file channel under its mapping. Without a {@link MemoryWrapper}, a
     * transaction someone waits for is written to the log with write(2) (its flush is then the
     * cheap kind); with one, every log byte goes through the wrapped memory, so the wrapper sees
     * (and can record or fail) all of them.
     */
    static final class JournalFile {
        final FileChannel channel;
        final Journal journal;

        JournalFile(FileChannel channel, Journal journal, MemoryWrapper wrapper) {
            this.channel = channel;
            this.journal = journal;
            if (wrapper != MemoryWrapper.NONE) {
                return;
            }
            journal.useLogFile((offset, src, srcOffset, length) -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(src, srcOffset, length);
                try {
                    long at = offset;
                    while (b.hasRemaining()) {
                        at += channel.write(b, at);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(journal + ": write at " + offset + " failed", e);
                }
            });
        }

        /** Unmaps and closes the file (after {@link Journal#close()}). */
        void release() throws IOException {
            journal.release();
            channel.close();
        }
    }

    /** Releases the lock and the claim. Idempotent. */
    synchronized void release() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
            lockChannel.close();
        } finally {
            OPEN_IN_THIS_JVM.remove(dir.normalize());
        }
    }

    /** As {@link #release()}, for a failed open (its own failure is the one to report). */
    void releaseQuietly() {
        try {
            release();
        } catch (IOException ignored) {
            // the open already failed; report that failure, not this one
        }
    }

    /** Creates a missing directory; returns true when the store is new, refuses a foreign directory. */
    private static boolean prepare(Path dir, boolean create) throws IOException {
        if (!Files.exists(dir)) {
            if (!create) {
                throw new DaxKVException.NotAStore(dir, "it does not exist (and createIfMissing is off)");
            }
            Files.createDirectories(dir);
            return true;
        }
        if (!Files.isDirectory(dir)) {
            throw new DaxKVException.NotAStore(dir, "it is a file, not a directory");
        }
        if (Files.exists(dir.resolve(Manifest.FILE_NAME))) {
            return false;
        }
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
        List<String> foreign = new ArrayList<>();
        for (String n : names) {
            // a store whose creation crashed before its manifest: only our own files, no data
            if (!n.equals(LOCK_FILE) && !n.equals(Manifest.FILE_NAME + ".tmp")) {
                foreign.add(n);
            }
        }
        if (!foreign.isEmpty()) {
            throw new DaxKVException.NotAStore(dir, "it holds " + foreign.size() + " entr" + (foreign.size() == 1 ? "y" : "ies")
                    + " and no " + Manifest.FILE_NAME + " (first: " + String.join(", ", foreign.subList(0, Math.min(3, foreign.size())))
                    + ")");
        }
        if (!create) {
            throw new DaxKVException.NotAStore(dir, "it holds no store (and createIfMissing is off)");
        }
        return true;
    }

    /** Drops regions a crash left half-created, and region files the manifest does not list. */
    private Manifest discardHalfCreated(Manifest manifest) throws IOException {
        Manifest m = manifest;
        for (Manifest.RegionEntry e : manifest.regions) {
            if (e.state == Manifest.REGION_CREATING) {
                Files.deleteIfExists(dir.resolve(Manifest.regionFileName(e.regionId)));
                m = m.withoutRegion(e.regionId);
            }
        }
        if (m != manifest) {
            m.write(dir);
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                int id = Manifest.parseRegionFileName(p.getFileName().toString());
                if (id >= 0 && m.regions.stream().noneMatch(e -> e.regionId == id)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.deleteIfExists(dir.resolve(Manifest.FILE_NAME + ".tmp"));
        Files.deleteIfExists(dir.resolve(Journal.FILE_NAME + ".tmp"));
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp") && io.daxkv.index.IndexCheckpoint.isCheckpointFile(name)) {
                    Files.deleteIfExists(p); // an index checkpoint a crash left half written
                }
            }
        }
        return m;
    }
}
