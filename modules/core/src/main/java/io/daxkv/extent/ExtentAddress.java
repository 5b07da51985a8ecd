package io.daxkv.extent;

/**
 * Where an extent starts, packed in one long: region id in the high 32 bits, first data block
 * in the low 32. Indexes and retire lists hold these, never object references into a mapping.
 */
public final class ExtentAddress {

    /** No extent. Region ids and block indexes are never negative, so -1 is never a real address. */
    public static final long NONE = -1L;

    private ExtentAddress() {
    }

    public static long of(int regionId, int blockIndex) {
        return ((long) regionId << 32) | (blockIndex & 0xFFFFFFFFL);
    }

    public static int regionId(long address) {
        return (int) (address >>> 32);
    }

    public static int blockIndex(long address) {
        return (int) address;
    }

    public static String toString(long address) {
        return "region " + regionId(address) + " block " + blockIndex(address);
    }
}
