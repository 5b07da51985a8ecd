package io.daxkv;

/**
 * Settings for {@link DaxKV#open(java.nio.file.Path, Options)}, made with {@link #builder()}.
 *
 * <p>Geometry ({@link #regionSizeBytes()}, {@link #blockSizeBytes()}) is fixed when a store is
 * formatted; opening an existing store uses the geometry recorded in its manifest and ignores
 * these two. Every setter validates at once and names the setting it rejects.
 */
public final class Options {

    /** Smallest region: holds the metadata plus at least one maximum-size extent. */
    public static final long MIN_REGION_SIZE_BYTES = 4L << 20;
    /** Largest region: one {@link java.nio.MappedByteBuffer} reaches at most 2 GiB - 1. */
    public static final long MAX_REGION_SIZE_BYTES = 1L << 30;
    public static final long DEFAULT_REGION_SIZE_BYTES = 64L << 20;
    public static final int MIN_BLOCK_SIZE_BYTES = 64;
    public static final int MAX_BLOCK_SIZE_BYTES = 64 << 10;
    /**
     * Default block size. 128 B wastes at most 127 B of padding per record and keeps a 100 B
     * record (header + 16 B key + value) in two blocks and a 1 KiB record in nine.
     */
    public static final int DEFAULT_BLOCK_SIZE_BYTES = 128;
    public static final long DEFAULT_COMMIT_INTERVAL_MS = 1000;
    public static final long DEFAULT_ZEROER_POOL_BYTES = 32L << 20;
    public static final long MIN_JOURNAL_SIZE_BYTES = 1L << 20;
    public static final long MAX_JOURNAL_SIZE_BYTES = 1L << 30;
    /**
     * Default journal: 256 MiB, written with zeros when the store is created. Each checkpoint
     * flushes every region, so its size sets how often that happens: with 64 MiB, random 100 B
     * overwrites ran at 250k/s (18 checkpoints in 25 s), with 256 MiB at 304k/s (JMH, 1M keys).
     */
    public static final long DEFAULT_JOURNAL_SIZE_BYTES = 256L << 20;

    private final Durability durability;
    private final long regionSizeBytes;
    private final int blockSizeBytes;
    private final boolean verifyOnRead;
    private final long commitIntervalMs;
    private final boolean zeroerEnabled;
    private final long zeroerPoolBytes;
    private final boolean createIfMissing;
    private final long journalSizeBytes;
    private final io.daxkv.pmem.MemoryWrapper memoryWrapper;

    private Options(Builder b) {
        this.memoryWrapper = b.memoryWrapper;
        this.journalSizeBytes = b.journalSizeBytes;
        this.durability = b.durability;
        this.regionSizeBytes = b.regionSizeBytes;
        this.blockSizeBytes = b.blockSizeBytes;
        this.verifyOnRead = b.verifyOnRead;
        this.commitIntervalMs = b.commitIntervalMs;
        this.zeroerEnabled = b.zeroerEnabled;
        this.zeroerPoolBytes = b.zeroerPoolBytes;
        this.createIfMissing = b.createIfMissing;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: ASYNC, 64 MiB regions, 128 B blocks, CRC checked on every read. */
    public static Options defaults() {
        return builder().build();
    }

    public Durability durability() {
        return durability;
    }

    public long regionSizeBytes() {
        return regionSizeBytes;
    }

    public int blockSizeBytes() {
        return blockSizeBytes;
    }

    /** Whether {@code get} and cursors verify each record's CRC32C (on by default). */
    public boolean verifyOnRead() {
        return verifyOnRead;
    }

    /**
     * Size of the journal file, fixed when the store is created (an existing store keeps its
     * own). A transaction holds at most a quarter of it; the log is checkpointed when half full.
     */
    public long journalSizeBytes() {
        return journalSizeBytes;
    }

    /** ASYNC: the longest a write waits for the journal commit that makes it durable (the loss window). */
    public long commitIntervalMs() {
        return commitIntervalMs;
    }

    /** Whether the background zeroer keeps a pool of pre-zeroed, pre-faulted free blocks. */
    public boolean zeroerEnabled() {
        return zeroerEnabled;
    }

    /** How many bytes of free blocks the zeroer keeps zeroed ahead of the writers. */
    public long zeroerPoolBytes() {
        return zeroerPoolBytes;
    }

    /**
     * Whether {@code open} creates a store in a missing or empty directory (the default); when
     * false it refuses with {@link DaxKVException.NotAStore}, as tools that must not create a
     * store by accident (a mistyped path) want.
     */
    public boolean createIfMissing() {
        return createIfMissing;
    }

    /** What wraps each mapping (fault injection, recording); {@code MemoryWrapper.NONE} unless a test sets it. */
    public io.daxkv.pmem.MemoryWrapper memoryWrapper() {
        return memoryWrapper;
    }

    public Builder toBuilder() {
        return new Builder()
                .durability(durability)
                .regionSizeBytes(regionSizeBytes)
                .blockSizeBytes(blockSizeBytes)
                .verifyOnRead(verifyOnRead)
                .commitIntervalMs(commitIntervalMs)
                .zeroer(zeroerEnabled)
                .zeroerPoolBytes(zeroerPoolBytes)
                .createIfMissing(createIfMissing)
                .journalSizeBytes(journalSizeBytes)
                .memoryWrapper(memoryWrapper);
    }

    @Override
    public String toString() {
        return "Options[durability=" + durability + ", regionSizeBytes=" + regionSizeBytes
                + ", blockSizeBytes=" + blockSizeBytes + ", verifyOnRead=" + verifyOnRead
                + ", commitIntervalMs=" + commitIntervalMs + ", zeroerEnabled=" + zeroerEnabled
                + ", zeroerPoolBytes=" + zeroerPoolBytes + ", createIfMissing=" + createIfMissing
                + ", journalSizeBytes=" + journalSizeBytes + "]";
    }

    /** Builder; every setter checks its argument and names the setting it rejects. */
    public static final class Builder {
        private Durability durability = Durability.ASYNC;
        private long regionSizeBytes = DEFAULT_REGION_SIZE_BYTES;
        private int blockSizeBytes = DEFAULT_BLOCK_SIZE_BYTES;
        private boolean verifyOnRead = true;
        private long commitIntervalMs = DEFAULT_COMMIT_INTERVAL_MS;
        private boolean zeroerEnabled = true;
        private long zeroerPoolBytes = DEFAULT_ZEROER_POOL_BYTES;
        private boolean createIfMissing = true;
        private long journalSizeBytes = DEFAULT_JOURNAL_SIZE_BYTES;
        private io.daxkv.pmem.MemoryWrapper memoryWrapper = io.daxkv.pmem.MemoryWrapper.NONE;

        private Builder() {
        }

        /**
         * Wraps every mapping the store makes (see {@link io.daxkv.pmem.MemoryWrapper}): for fault
         * injection and crash recording in tests and diagnostics, never needed in production.
         */
        public Builder memoryWrapper(io.daxkv.pmem.MemoryWrapper memoryWrapper) {
            if (memoryWrapper == null) {
                throw new DaxKVException.InvalidArgument("memoryWrapper must not be null (MemoryWrapper.NONE leaves mappings as they are)");
            }
            this.memoryWrapper = memoryWrapper;
            return this;
        }

        /** A multiple of 4096 from 1 MiB to 1 GiB. */
        public Builder journalSizeBytes(long journalSizeBytes) {
            if (journalSizeBytes < MIN_JOURNAL_SIZE_BYTES || journalSizeBytes > MAX_JOURNAL_SIZE_BYTES
                    || journalSizeBytes % 4096 != 0) {
                throw new DaxKVException.InvalidArgument("journalSizeBytes must be a multiple of 4096 from "
                        + MIN_JOURNAL_SIZE_BYTES + " to " + MAX_JOURNAL_SIZE_BYTES + ", got " + journalSizeBytes);
            }
            this.journalSizeBytes = journalSizeBytes;
            return this;
        }

        public Builder createIfMissing(boolean createIfMissing) {
            this.createIfMissing = createIfMissing;
            return this;
        }

        public Builder durability(Durability durability) {
            if (durability == null) {
                throw new DaxKVException.InvalidArgument("durability must be SYNC or ASYNC, not null");
            }
            this.durability = durability;
            return this;
        }

        /** A multiple of 1 MiB from 4 MiB to 1 GiB. */
        public Builder regionSizeBytes(long regionSizeBytes) {
            if (regionSizeBytes < MIN_REGION_SIZE_BYTES || regionSizeBytes > MAX_REGION_SIZE_BYTES
                    || regionSizeBytes % (1 << 20) != 0) {
                throw new DaxKVException.InvalidArgument("regionSizeBytes must be a multiple of 1 MiB from "
                        + MIN_REGION_SIZE_BYTES + " to " + MAX_REGION_SIZE_BYTES + ", got " + regionSizeBytes);
            }
            this.regionSizeBytes = regionSizeBytes;
            return this;
        }

        /** A power of two from 64 B to 64 KiB. */
        public Builder blockSizeBytes(int blockSizeBytes) {
            if (blockSizeBytes < MIN_BLOCK_SIZE_BYTES || blockSizeBytes > MAX_BLOCK_SIZE_BYTES
                    || Integer.bitCount(blockSizeBytes) != 1) {
                throw new DaxKVException.InvalidArgument("blockSizeBytes must be a power of two from "
                        + MIN_BLOCK_SIZE_BYTES + " to " + MAX_BLOCK_SIZE_BYTES + ", got " + blockSizeBytes);
            }
            this.blockSizeBytes = blockSizeBytes;
            return this;
        }

        public Builder verifyOnRead(boolean verifyOnRead) {
            this.verifyOnRead = verifyOnRead;
            return this;
        }

        /** From 1 to 1000 ms: the ASYNC loss window. */
        public Builder commitIntervalMs(long commitIntervalMs) {
            if (commitIntervalMs < 1 || commitIntervalMs > 1000) {
                throw new DaxKVException.InvalidArgument(
                        "commitIntervalMs must be from 1 to 1000, got " + commitIntervalMs);
            }
            this.commitIntervalMs = commitIntervalMs;
            return this;
        }

        public Builder zeroer(boolean enabled) {
            this.zeroerEnabled = enabled;
            return this;
        }

        /** From 0 to 1 GiB. */
        public Builder zeroerPoolBytes(long zeroerPoolBytes) {
            if (zeroerPoolBytes < 0 || zeroerPoolBytes > (1L << 30)) {
                throw new DaxKVException.InvalidArgument(
                        "zeroerPoolBytes must be from 0 to 1073741824, got " + zeroerPoolBytes);
            }
            this.zeroerPoolBytes = zeroerPoolBytes;
            return this;
        }

        public Options build() {
            if (blockSizeBytes > regionSizeBytes / 64) {
                throw new DaxKVException.InvalidArgument("blockSizeBytes " + blockSizeBytes
                        + " is too large for regionSizeBytes " + regionSizeBytes + " (at most 1/64 of it)");
            }
            return new Options(this);
        }
    }
}
