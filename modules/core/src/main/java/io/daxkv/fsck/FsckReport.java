package io.daxkv.fsck;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * What a check found and did.
 *
 * @param dir                   the store directory
 * @param result                the verdict (see {@link Result})
 * @param replayedTransactions  journal transactions a normal open replayed first (phase 1; 0 when
 *                              the store was closed clean)
 * @param replayNote            what phase 1 did in words, or null when it did not run
 * @param findings              everything found, in the order found
 * @param regions               regions checked
 * @param groups                block groups checked
 * @param records               intact record headers found (live or not)
 * @param keys                  live keys (one live record each)
 * @param liveBytes             keys plus values of the live records
 * @param blocksUsed            blocks live records own (what the bitmaps must say)
 * @param blocksTotal           data blocks of all regions
 */
public record FsckReport(Path dir, Result result, long replayedTransactions, String replayNote, List<Finding> findings,
                         int regions, int groups, long records, long keys, long liveBytes, long blocksUsed,
                         long blocksTotal) {

    /** The verdict, with e2fsck's exit codes. */
    public enum Result {
        /** Nothing wrong (a journal replay alone counts as clean). Exit code 0. */
        CLEAN(0),
        /** Everything found was fixed and no data was lost. Exit code 1. */
        FIXED(1),
        /** Something is left unfixed, or a repair removed data. Exit code 4. */
        ERRORS_LEFT(4);

        public final int exitCode;

        Result(int exitCode) {
            this.exitCode = exitCode;
        }
    }

    public FsckReport {
        findings = Collections.unmodifiableList(List.copyOf(findings));
    }

    /** The verdict for {@code findings}: clean when empty, fixed when every one was fixed without loss. */
    static Result resultOf(List<Finding> findings) {
        if (findings.isEmpty()) {
            return Result.CLEAN;
        }
        for (Finding f : findings) {
            if (f.outcome() != Finding.Outcome.FIXED) {
                return Result.ERRORS_LEFT;
            }
        }
        return Result.FIXED;
    }

    /** Findings fixed without loss. */
    public long fixedCount() {
        return findings.stream().filter(f -> f.outcome() == Finding.Outcome.FIXED).count();
    }

    /** Findings left as found or "fixed" by removing data. */
    public long leftCount() {
        return findings.size() - fixedCount();
    }
}
