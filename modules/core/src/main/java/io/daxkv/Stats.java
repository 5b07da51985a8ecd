package io.daxkv;

/**
 * A point-in-time view of a store's counters, from {@link DaxKV#stats()}. Counters are read
 * without stopping writers, so values taken under load may disagree with each other by the
 * operations in flight.
 */
public final class Stats {
    private long keys;
    private long liveBytes;
    private int regions;
    private int blockSizeBytes;
    private long blocksTotal;
    private long blocksUsed;
    private long blocksFree;
    private long preZeroedBlocks;
    private long faults;
    private long conversions;
    private long bytesZeroedOnFault;
    private long preZeroedHits;
    private long blocksZeroedByZeroer;
    private String mappingMode;
    private Durability durability;
    private long regionSizeBytes;
    private String storeUuid;
    private int formatVersion;
    private long recoveryMillis;
    private long recordsDroppedAtOpen;
    private int regionsOpenedDirty;
    private long journalCapacityBytes;
    private long journalUsedBytes;
    private long journalCommits;
    private long journalCheckpoints;
    private long replayedTransactions;
    private long replayedEntries;
    private long recordsRestoredAtOpen;
    private long replayMillis;
    private boolean openedFromIndexCheckpoint;
    private long indexCheckpointsWritten;

    private long[] freeExtentHistogram = new long[0];

    private Stats() {
    }

    /**
     * Free extents by size class, the fragmentation picture: index k counts the free extents of
     * 2^k to 2^(k+1) - 1 blocks, over every region (windows reserved by threads not counted).
     */
    public long[] freeExtentHistogram() {
        return freeExtentHistogram.clone();
    }

    /** Live keys. */
    public long keys() {
        return keys;
    }

    /** Sum of key and value lengths of the live records. */
    public long liveBytes() {
        return liveBytes;
    }

    public int regions() {
        return regions;
    }

    public int blockSizeBytes() {
        return blockSizeBytes;
    }

    /** Data blocks in all regions. */
    public long blocksTotal() {
        return blocksTotal;
    }

    /** Blocks owned by live records, open blobs, and frees not yet reusable. */
    public long blocksUsed() {
        return blocksUsed;
    }

    /** {@code blocksTotal - blocksUsed}: free blocks, including those in preallocation windows. */
    public long blocksFree() {
        return blocksFree;
    }

    /** Free blocks zeroed (and their pages touched) ahead of the writers. */
    public long preZeroedBlocks() {
        return preZeroedBlocks;
    }

    /** First writes to unwritten blocks. */
    public long faults() {
        return faults;
    }

    /** Unwritten-to-written conversions; exactly one per block ever written. */
    public long conversions() {
        return conversions;
    }

    /** Bytes the fault path had to zero itself because the block was not pre-zeroed. */
    public long bytesZeroedOnFault() {
        return bytesZeroedOnFault;
    }

    /** Faults on pre-zeroed blocks: conversion only, nothing zeroed. */
    public long preZeroedHits() {
        return preZeroedHits;
    }

    /** Blocks the background zeroer has zeroed since open. */
    public long blocksZeroedByZeroer() {
        return blocksZeroedByZeroer;
    }

    /** "MAP_SYNC" on a DAX file system, "msync" (shared mapping flushed with msync) elsewhere. */
    public String mappingMode() {
        return mappingMode;
    }

    public Durability durability() {
        return durability;
    }

    /** Size of each region file. */
    public long regionSizeBytes() {
        return regionSizeBytes;
    }

    /** The store's identity, from its manifest. */
    public String storeUuid() {
        return storeUuid;
    }

    /** On-disk format version of the store. */
    public int formatVersion() {
        return formatVersion;
    }

    /** How long open spent replaying the journal and rebuilding the index and bitmaps. */
    public long recoveryMillis() {
        return recoveryMillis;
    }

    /** Records open found but did not keep (superseded, uncommitted or damaged) and cleared. */
    public long recordsDroppedAtOpen() {
        return recordsDroppedAtOpen;
    }

    /** Regions that were not closed clean (a crash) when the store was opened. */
    public int regionsOpenedDirty() {
        return regionsOpenedDirty;
    }

    /** Size of the journal file. */
    public long journalCapacityBytes() {
        return journalCapacityBytes;
    }

    /** Journal bytes committed and not yet checkpointed. */
    public long journalUsedBytes() {
        return journalUsedBytes;
    }

    /** Journal transactions committed since open. */
    public long journalCommits() {
        return journalCommits;
    }

    /** Checkpoints since open (everything home, the log emptied). */
    public long journalCheckpoints() {
        return journalCheckpoints;
    }

    /** Committed transactions the last open replayed from the journal. */
    public long replayedTransactions() {
        return replayedTransactions;
    }

    /** Entries in those transactions. */
    public long replayedEntries() {
        return replayedEntries;
    }

    /** Records the last open wrote home from journaled data. */
    public long recordsRestoredAtOpen() {
        return recordsRestoredAtOpen;
    }

    /** How long the last open spent reading the journal. */
    public long replayMillis() {
        return replayMillis;
    }

    /** The last open built the index from the index checkpoint (and the log), without scanning the regions. */
    public boolean openedFromIndexCheckpoint() {
        return openedFromIndexCheckpoint;
    }

    /** Index checkpoints written since the store opened. */
    public long indexCheckpointsWritten() {
        return indexCheckpointsWritten;
    }

    @Override
    public String toString() {
        return "keys=" + keys + " liveBytes=" + liveBytes + " regions=" + regions
                + " blockSizeBytes=" + blockSizeBytes + " blocksTotal=" + blocksTotal
                + " blocksUsed=" + blocksUsed + " blocksFree=" + blocksFree
                + " preZeroedBlocks=" + preZeroedBlocks + " faults=" + faults
                + " conversions=" + conversions + " bytesZeroedOnFault=" + bytesZeroedOnFault
                + " preZeroedHits=" + preZeroedHits + " blocksZeroedByZeroer=" + blocksZeroedByZeroer
                + " mappingMode=" + mappingMode + " durability=" + durability
                + " regionSizeBytes=" + regionSizeBytes + " storeUuid=" + storeUuid
                + " formatVersion=" + formatVersion + " recoveryMillis=" + recoveryMillis
                + " recordsDroppedAtOpen=" + recordsDroppedAtOpen + " regionsOpenedDirty=" + regionsOpenedDirty
                + " journalCapacityBytes=" + journalCapacityBytes
                + " journalUsedBytes=" + journalUsedBytes
                + " journalCommits=" + journalCommits
                + " journalCheckpoints=" + journalCheckpoints
                + " replayedTransactions=" + replayedTransactions
                + " replayedEntries=" + replayedEntries
                + " recordsRestoredAtOpen=" + recordsRestoredAtOpen
                + " replayMillis=" + replayMillis
                + " openedFromIndexCheckpoint=" + openedFromIndexCheckpoint
                + " indexCheckpointsWritten=" + indexCheckpointsWritten
                + " freeExtentHistogram=" + java.util.Arrays.toString(freeExtentHistogram);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Filled in by the engine. */
    public static final class Builder {
        private final Stats s = new Stats();

        private Builder() {
        }

        public Builder keys(long v) { s.keys = v; return this; }
        public Builder liveBytes(long v) { s.liveBytes = v; return this; }
        public Builder regions(int v) { s.regions = v; return this; }
        public Builder blockSizeBytes(int v) { s.blockSizeBytes = v; return this; }
        public Builder blocksTotal(long v) { s.blocksTotal = v; return this; }
        public Builder blocksUsed(long v) { s.blocksUsed = v; return this; }
        public Builder blocksFree(long v) { s.blocksFree = v; return this; }
        public Builder preZeroedBlocks(long v) { s.preZeroedBlocks = v; return this; }
        public Builder faults(long v) { s.faults = v; return this; }
        public Builder conversions(long v) { s.conversions = v; return this; }
        public Builder bytesZeroedOnFault(long v) { s.bytesZeroedOnFault = v; return this; }
        public Builder preZeroedHits(long v) { s.preZeroedHits = v; return this; }
        public Builder blocksZeroedByZeroer(long v) { s.blocksZeroedByZeroer = v; return this; }
        public Builder mappingMode(String v) { s.mappingMode = v; return this; }
        public Builder durability(Durability v) { s.durability = v; return this; }
        public Builder regionSizeBytes(long v) { s.regionSizeBytes = v; return this; }
        public Builder storeUuid(String v) { s.storeUuid = v; return this; }
        public Builder formatVersion(int v) { s.formatVersion = v; return this; }
        public Builder recoveryMillis(long v) { s.recoveryMillis = v; return this; }
        public Builder recordsDroppedAtOpen(long v) { s.recordsDroppedAtOpen = v; return this; }
        public Builder regionsOpenedDirty(int v) { s.regionsOpenedDirty = v; return this; }
        public Builder freeExtentHistogram(long[] v) { s.freeExtentHistogram = v.clone(); return this; }
        public Builder journalCapacityBytes(long v) { s.journalCapacityBytes = v; return this; }
        public Builder journalUsedBytes(long v) { s.journalUsedBytes = v; return this; }
        public Builder journalCommits(long v) { s.journalCommits = v; return this; }
        public Builder journalCheckpoints(long v) { s.journalCheckpoints = v; return this; }
        public Builder replayedTransactions(long v) { s.replayedTransactions = v; return this; }
        public Builder replayedEntries(long v) { s.replayedEntries = v; return this; }
        public Builder recordsRestoredAtOpen(long v) { s.recordsRestoredAtOpen = v; return this; }
        public Builder replayMillis(long v) { s.replayMillis = v; return this; }
        public Builder openedFromIndexCheckpoint(boolean v) { s.openedFromIndexCheckpoint = v; return this; }
        public Builder indexCheckpointsWritten(long v) { s.indexCheckpointsWritten = v; return this; }

        public Stats build() {
            return s;
        }
    }
}
