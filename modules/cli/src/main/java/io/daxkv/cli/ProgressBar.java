package io.daxkv.cli;

import io.daxkv.fsck.ProgressListener;
import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * One line on stderr redrawn in place ({@code \r}): "blocks scanned N / T (P%)". At most one
 * redraw per {@link #MIN_INTERVAL_NANOS}, plus the last one; {@link #finish()} ends the line.
 */
final class ProgressBar implements ProgressListener {

    /** 100 ms: at most about ten redraws a second. */
    static final long MIN_INTERVAL_NANOS = 100_000_000L;

    private final PrintStream err;
    private final LongSupplier nanoClock;
    private long lastDrawNanos;
    private boolean drawn;

    ProgressBar(PrintStream err, LongSupplier nanoClock) {
        this.err = err;
        this.nanoClock = nanoClock;
    }

    @Override
    public void progress(long blocksDone, long blocksTotal) {
        long now = nanoClock.getAsLong();
        boolean last = blocksDone >= blocksTotal;
        if (drawn && !last && now - lastDrawNanos < MIN_INTERVAL_NANOS) {
            return;
        }
        lastDrawNanos = now;
        drawn = true;
        long percent = blocksTotal == 0 ? 100 : blocksDone * 100 / blocksTotal;
        err.print("\rblocks scanned " + blocksDone + " / " + blocksTotal + " (" + percent + "%)");
        err.flush();
    }

    /** Ends the line, if anything was drawn. */
    void finish() {
        if (drawn) {
            err.println();
            err.flush();
            drawn = false;
        }
    }
}
