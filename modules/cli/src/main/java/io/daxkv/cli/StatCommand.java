package io.daxkv.cli;

import io.daxkv.DaxKV;
import io.daxkv.Stats;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stat", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Prints the geometry, space and fault counters of the store in DIR, one 'name: value' line each.",
            "Refuses a missing or empty DIR (it never creates a store).",
            "The store must not be open in another process. Counters such as faults count since this open.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class StatCommand extends BaseCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
    Path dir;

    @Override
    public Integer call() {
        Stats s;
        try (DaxKV kv = openExisting(dir, options(false))) {
            s = kv.stats();
        }
        PrintStream out = out();
        out.println("storeUuid: " + s.storeUuid());
        out.println("formatVersion: " + s.formatVersion());
        out.println("regionSizeBytes: " + s.regionSizeBytes());
        out.println("keys: " + s.keys());
        out.println("liveBytes: " + s.liveBytes());
        out.println("regions: " + s.regions());
        out.println("blockSizeBytes: " + s.blockSizeBytes());
        out.println("blocksTotal: " + s.blocksTotal());
        out.println("blocksUsed: " + s.blocksUsed());
        out.println("blocksFree: " + s.blocksFree());
        out.println("preZeroedBlocks: " + s.preZeroedBlocks());
        out.println("faults: " + s.faults());
        out.println("conversions: " + s.conversions());
        out.println("bytesZeroedOnFault: " + s.bytesZeroedOnFault());
        out.println("preZeroedHits: " + s.preZeroedHits());
        out.println("blocksZeroedByZeroer: " + s.blocksZeroedByZeroer());
        out.println("mappingMode: " + s.mappingMode());
        out.println("recoveryMillis: " + s.recoveryMillis());
        out.println("recordsDroppedAtOpen: " + s.recordsDroppedAtOpen());
        out.println("regionsOpenedDirty: " + s.regionsOpenedDirty());
        out.println("journalCapacityBytes: " + s.journalCapacityBytes());
        out.println("journalUsedBytes: " + s.journalUsedBytes());
        out.println("replayedTransactions: " + s.replayedTransactions());
        out.println("replayedEntries: " + s.replayedEntries());
        out.println("recordsRestoredAtOpen: " + s.recordsRestoredAtOpen());
        out.println("replayMillis: " + s.replayMillis());
        out.println("openedFromIndexCheckpoint: " + s.openedFromIndexCheckpoint());
        out.println("journalCommits: " + s.journalCommits());
        out.println("journalCheckpoints: " + s.journalCheckpoints());
        out.println("freeExtents: " + freeExtents(s.freeExtentHistogram()));
        out.flush();
        return ExitCodes.OK;
    }

    /** "1:12 2-3:4 ... 32768-65535:1", the non-empty size classes in blocks ("none" when nothing is free). */
    static String freeExtents(long[] histogram) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < histogram.length; k++) {
            if (histogram[k] == 0) {
                continue;
            }
            long lo = 1L << k;
            long hi = (1L << (k + 1)) - 1;
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(lo == hi ? String.valueOf(lo) : lo + "-" + hi).append(':').append(histogram[k]);
        }
        return b.length() == 0 ? "none" : b.toString();
    }
}
