package io.daxkv.alloc;

import io.daxkv.extent.ExtentAddress;

/**
 * A run of blocks handed out by the {@link Allocator}: region, first block, block count, and
 * whether every block is known to be zero (from the pre-zeroed pool), which decides whether the
 * fault path has to zero what a writer does not cover.
 */
public final class Extent {
    public final int regionId;
    public final int firstBlock;
    public final int blockCount;
    public final boolean preZeroed;

    public Extent(int regionId, int firstBlock, int blockCount, boolean preZeroed) {
        this.regionId = regionId;
        this.firstBlock = firstBlock;
        this.blockCount = blockCount;
        this.preZeroed = preZeroed;
    }

    public long address() {
        return ExtentAddress.of(regionId, firstBlock);
    }

    @Override
    public String toString() {
        return "Extent[region " + regionId + ", blocks " + firstBlock + "+" + blockCount + (preZeroed ? ", zeroed]" : "]");
    }
}
