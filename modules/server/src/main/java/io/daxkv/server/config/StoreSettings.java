package io.daxkv.server.config;

import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.Options;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code store}: the store the server serves; each setting maps onto one
 * {@link Options.Builder} method ({@link #toOptions()}). Sizes are bytes.
 *
 * @param dir            {@code store.dir}: the store's directory, as written; a relative path is
 *                       resolved against the server's working directory ({@link #resolvedDir()})
 * @param regionSize     {@code store.region-size}: a multiple of 1 MiB from 4 MiB to 1 GiB; fixed
 *                       when the store is created
 * @param blockSize      {@code store.block-size}: a power of two from 64 B to 64 KiB (so at most
 *                       1/64 of the smallest region, as the store requires); fixed when the store is
 *                       created
 * @param journalSize    {@code store.journal-size}: a multiple of 4 KiB from 1 MiB to 1 GiB; fixed
 *                       when the store is created
 * @param durability     {@code store.durability}: when a write counts as durable, for requests that
 *                       do not choose
 * @param commitInterval {@code store.commit-interval}: 1 ms to 1 s, whole milliseconds; the ASYNC
 *                       loss window
 * @param verifyOnRead   {@code store.verify-on-read}: check each record's CRC32C on reads
 * @param zeroer         {@code store.zeroer}
 */
public record StoreSettings(Path dir, long regionSize, long blockSize, long journalSize, Durability durability,
        Duration commitInterval, boolean verifyOnRead, ZeroerSettings zeroer) {

    public StoreSettings {
        Check.notNull("store.dir", dir);
        if (dir.toString().isEmpty()) {
            throw ConfigException.invalid("store.dir", "must not be empty (the default is ./data)");
        }
        if (regionSize < Options.MIN_REGION_SIZE_BYTES || regionSize > Options.MAX_REGION_SIZE_BYTES
                || regionSize % (1 << 20) != 0) {
            throw ConfigException.invalid("store.region-size", Sizes.format(regionSize) + " is not a multiple of 1M from "
                    + Sizes.format(Options.MIN_REGION_SIZE_BYTES) + " to " + Sizes.format(Options.MAX_REGION_SIZE_BYTES));
        }
        if (blockSize < Options.MIN_BLOCK_SIZE_BYTES || blockSize > Options.MAX_BLOCK_SIZE_BYTES
                || Long.bitCount(blockSize) != 1) {
            throw ConfigException.invalid("store.block-size", Sizes.format(blockSize) + " is not a power of two from "
                    + Sizes.format(Options.MIN_BLOCK_SIZE_BYTES) + " to " + Sizes.format(Options.MAX_BLOCK_SIZE_BYTES));
        }
        if (journalSize < Options.MIN_JOURNAL_SIZE_BYTES || journalSize > Options.MAX_JOURNAL_SIZE_BYTES
                || journalSize % 4096 != 0) {
            throw ConfigException.invalid("store.journal-size", Sizes.format(journalSize) + " is not a multiple of 4K from "
                    + Sizes.format(Options.MIN_JOURNAL_SIZE_BYTES) + " to " + Sizes.format(Options.MAX_JOURNAL_SIZE_BYTES));
        }
        Check.notNull("store.durability", durability);
        Check.durationRange("store.commit-interval", commitInterval, Duration.ofMillis(1), Duration.ofMillis(1000));
        if (commitInterval.toNanos() % 1_000_000 != 0) {
            throw ConfigException.invalid("store.commit-interval", commitInterval + " is not a whole number of milliseconds");
        }
        Check.notNull("store.zeroer", zeroer);
        try {
            options(regionSize, blockSize, journalSize, durability, commitInterval, verifyOnRead, zeroer);
        } catch (DaxKVException.InvalidArgument e) {
            // the store's own rules, should they grow beyond the checks above
            throw ConfigException.invalid("store", e.getMessage());
        }
    }

    /** ./data, and the store's defaults ({@link Options#defaults()}). */
    public static StoreSettings defaults() {
        Options o = Options.defaults();
        return new StoreSettings(Path.of("./data"), o.regionSizeBytes(), o.blockSizeBytes(), o.journalSizeBytes(),
                o.durability(), Duration.ofMillis(o.commitIntervalMs()), o.verifyOnRead(),
                new ZeroerSettings(o.zeroerEnabled(), o.zeroerPoolBytes()));
    }

    /** {@link #dir()} made absolute against the working directory and normalized. */
    public Path resolvedDir() {
        return dir.toAbsolutePath().normalize();
    }

    /**
     * The store's options: every setting here, and {@link Options}' defaults for what the server
     * does not configure ({@code createIfMissing} true: the server creates its store on first
     * start).
     */
    public Options toOptions() {
        return options(regionSize, blockSize, journalSize, durability, commitInterval, verifyOnRead, zeroer);
    }

    private static Options options(long regionSize, long blockSize, long journalSize, Durability durability,
            Duration commitInterval, boolean verifyOnRead, ZeroerSettings zeroer) {
        return Options.builder()
                .regionSizeBytes(regionSize)
                .blockSizeBytes(Math.toIntExact(blockSize))
                .journalSizeBytes(journalSize)
                .durability(durability)
                .commitIntervalMs(commitInterval.toMillis())
                .verifyOnRead(verifyOnRead)
                .zeroer(zeroer.enabled())
                .zeroerPoolBytes(zeroer.poolSize())
                .build();
    }
}
