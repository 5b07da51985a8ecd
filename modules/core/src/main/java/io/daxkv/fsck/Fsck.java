package io.daxkv.fsck;

import io.daxkv.DaxKVException;
import io.daxkv.Options;
import io.daxkv.engine.Recovery;
import io.daxkv.engine.Store;
import io.daxkv.engine.StoreClaim;
import io.daxkv.fsck.Finding.Kind;
import io.daxkv.fsck.Finding.Outcome;
import io.daxkv.journal.Journal;
import io.daxkv.pmem.PersistentMemory;
import io.daxkv.region.Geometry;
import io.daxkv.region.Manifest;
import io.daxkv.region.Superblock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code fsck}: checks a closed store and, when asked, repairs what is safe to repair. See the
 * package documentation for the contract; the phases:
 *
 * <ol>
 *   <li><b>Claim</b> the directory as an open does (one holder per store, in this JVM or any).</li>
 *   <li><b>Replay</b>: when the store was not closed clean (a region's superblock says dirty,
 *       the journal holds transactions, or a crash left a region half created or a temporary
 *       file), open it normally and close it, under the same claim: the journal is replayed and
 *       the records recovered exactly as any open would. That alone is a clean result, as in
 *       e2fsck. If that open fails, the failure is a finding and the check goes on without
 *       repairing anything.</li>
 *   <li><b>Check</b> the files ({@link StoreCheck}) and repair when asked.</li>
 * </ol>
 */
public final class Fsck {

    private Fsck() {
    }

    /**
     * Checks (and with {@code repair}, repairs) the store in {@code dir}.
     *
     * @throws DaxKVException.Locked       the store is open in this JVM or another process
     * @throws DaxKVException.NotAStore    {@code dir} is missing, a file, or holds no store
     * @throws DaxKVException.Incompatible the store's format is newer than this build
     * @throws DaxKVException.StorageIO    reading or writing a file failed
     */
    public static FsckReport run(Path dir, boolean repair, ProgressListener progress) {
        Path absolute = dir.toAbsolutePath();
        try (StoreClaim claim = StoreClaim.take(absolute)) {
            List<Finding> findings = new ArrayList<>();
            String why = replayNeeded(absolute);
            long replayed = 0;
            String note = null;
            boolean replayOk = true;
            if (why != null) {
                try (Store s = Store.open(claim, Options.builder().zeroer(false).createIfMissing(false).build())) {
                    Recovery.Report r = s.recoveryReport();
                    replayed = r.replayedTransactions;
                    note = "journal replayed (" + why + "): " + r.replayedTransactions + " transactions, "
                            + r.recordsRestored + " records written home, " + r.transactionsCut
                            + " cut as never committed; " + r.recordsKept + " records kept, " + r.recordsDropped
                            + " uncommitted or superseded ones cleared";
                } catch (DaxKVException.Locked | DaxKVException.Incompatible e) {
                    throw e;
                } catch (DaxKVException e) {
                    replayOk = false;
                    findings.add(new Finding(Kind.JOURNAL, Journal.FILE_NAME, -1, -1, -1, null, "the store needs a"
                            + " journal replay (" + why + ") and the open that does it failed: " + e.getMessage()
                            + (repair ? "; nothing was repaired" : ""), Outcome.LEFT));
                }
            }
            StoreCheck check = new StoreCheck(absolute, repair && replayOk, progress, findings);
            check.run();
            return check.report(replayed, note);
        } catch (IOException e) {
            throw new DaxKVException.StorageIO(absolute + ": " + e.getMessage(), e);
        }
    }

    /** Why the store needs the replay a normal open does, or null when it was closed clean. */
    private static String replayNeeded(Path dir) throws IOException {
        Manifest manifest;
        try {
            manifest = Manifest.read(dir);
        } catch (DaxKVException.Corrupt e) {
            return null; // the check reports it; an open would fail on it too
        }
        Geometry g = Geometry.of(manifest.regionSizeBytes, manifest.blockSizeBytes);
        for (Manifest.RegionEntry e : manifest.regions) {
            if (e.state != Manifest.REGION_ACTIVE) {
                return "region " + e.regionId + " was being created";
            }
            Path file = dir.resolve(Manifest.regionFileName(e.regionId));
            if (!Files.exists(file) || Files.size(file) != g.regionSizeBytes) {
                continue; // the check reports it
            }
            try (PersistentMemory m = ReadOnlyMemory.map(file, false)) {
                if (Superblock.verify(m, file.toString(), g, manifest.storeUuid, e.regionId) == Superblock.STATE_DIRTY) {
                    return "region " + e.regionId + " was not closed clean";
                }
            } catch (DaxKVException.Corrupt | DaxKVException.Incompatible bad) {
                // the check reports it
            }
        }
        Path journal = dir.resolve(Journal.FILE_NAME);
        if (Files.exists(journal)) {
            try (PersistentMemory m = ReadOnlyMemory.map(journal, false)) {
                long txns = Journal.open(journal.toString(), m, manifest.storeUuid).replay().transactions;
                if (txns > 0) {
                    return "the journal holds " + txns + " transactions";
                }
            } catch (DaxKVException.Corrupt | DaxKVException.Incompatible bad) {
                // the check reports it
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                int id = Manifest.parseRegionFileName(name);
                if (name.endsWith(".tmp") || id >= 0 && manifest.regions.stream().noneMatch(e -> e.regionId == id)) {
                    return "a crash left " + name + " behind";
                }
            }
        }
        return null;
    }
}
