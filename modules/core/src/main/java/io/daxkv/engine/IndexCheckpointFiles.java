package io.daxkv.engine;

import io.daxkv.index.IndexCheckpoint;
import io.daxkv.pmem.MemoryWrapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * A store's index checkpoint files ({@link IndexCheckpoint} has their format): the one open
 * builds on, and those the journal's checkpoints write and retire.
 *
 * <p>Nothing here is fatal to the store. A checkpoint that cannot be read makes open scan the
 * regions (the reason goes into the recovery report); one that cannot be written leaves the
 * journal relying on none, so the next open after a crash scans; an old file that cannot be
 * deleted only takes room. Each failure is said once, as a WARNING.
 */
final class IndexCheckpointFiles {

    private static final System.Logger LOG = System.getLogger("io.daxkv");

    /** What open found: the checkpoint to build on, or why there is none to use (both null: none named). */
    record Loaded(IndexCheckpoint.Snapshot snapshot, String refused) {
    }

    private final Path dir;
    private final UUID storeUuid;
    private final MemoryWrapper wrapper;
    private final LongAdder written = new LongAdder();

    IndexCheckpointFiles(Path dir, UUID storeUuid, MemoryWrapper wrapper) {
        this.dir = dir;
        this.storeUuid = storeUuid;
        this.wrapper = wrapper;
    }

    /** The checkpoint of transaction {@code txnId} (the one the journal names; 0: none), checked. */
    Loaded load(long txnId) {
        if (txnId == 0) {
            return new Loaded(null, null);
        }
        try {
            IndexCheckpoint.Snapshot s = IndexCheckpoint.read(dir, txnId, storeUuid);
            return s != null ? new Loaded(s, null) : new Loaded(null, IndexCheckpoint.file(dir, txnId) + " is missing");
        } catch (IOException | RuntimeException e) {
            return new Loaded(null, e.getMessage());
        }
    }

    /** Writes {@code snapshot}'s file; false (and a WARNING) when it could not. */
    boolean write(IndexCheckpoint.Snapshot snapshot) {
        try {
            Path file = IndexCheckpoint.write(dir, storeUuid, snapshot);
            wrapper.fileWritten(file);
            written.increment();
            return true;
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: could not write the index checkpoint ({1}); an open after a"
                    + " crash will scan the regions", dir, e.toString());
            return false;
        }
    }

    /** The journal now names the checkpoint of {@code txnId}: deletes the others. */
    void retireAllBut(long txnId) {
        try {
            IndexCheckpoint.deleteAllBut(dir, txnId);
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: could not delete old index checkpoints ({1})", dir, e.toString());
        }
    }

    /** Files written since the store opened. */
    long written() {
        return written.sum();
    }
}
