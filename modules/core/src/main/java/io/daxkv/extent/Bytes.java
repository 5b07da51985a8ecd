package io.daxkv.extent;

/** Little-endian stores into heap arrays, for building headers before they go to the mapping. */
public final class Bytes {

    private Bytes() {
    }

    public static void putShort(byte[] b, int at, short v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    public static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    public static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) v);
        putInt(b, at + 4, (int) (v >>> 32));
    }

    public static int getInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    public static long getLong(byte[] b, int at) {
        return (getInt(b, at) & 0xFFFFFFFFL) | ((long) getInt(b, at + 4) << 32);
    }

    public static int getShort(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    /**
     * CRC32C of (regionId, blockIndex, {@code header[0, length)}), reusing {@code crc}: the
     * position-bound header checksum of records and continuations.
     */
    public static int placeCrc(byte[] header, int length, int regionId, int blockIndex, java.util.zip.CRC32C crc) {
        crc.reset();
        for (int shift = 0; shift < 32; shift += 8) {
            crc.update(regionId >>> shift);
        }
        for (int shift = 0; shift < 32; shift += 8) {
            crc.update(blockIndex >>> shift);
        }
        crc.update(header, 0, length);
        return (int) crc.getValue();
    }
}
