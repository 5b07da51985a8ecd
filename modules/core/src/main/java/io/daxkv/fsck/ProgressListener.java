package io.daxkv.fsck;

/**
 * Told how far the block scan of a check has got: {@code blocksDone} of {@code blocksTotal}
 * data blocks over all regions. Called on the checking thread, often (every few thousand
 * blocks): an implementation that draws should throttle itself. Called once more with
 * {@code blocksDone == blocksTotal} when the scan ends.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = (blocksDone, blocksTotal) -> { };

    void progress(long blocksDone, long blocksTotal);
}
