package io.daxkv.extent;

/**
 * How a record of a given key and value length is cut into extents.
 *
 * <p>An extent holds at most {@link #MAX_EXTENT_BYTES}. A record that fits (header + key +
 * value) lives in one extent. A larger one is chained: the primary extent holds the header, the
 * key, a chunk table and the first part of the value; each continuation holds a
 * {@link ContinuationHeader} and the next part.
 */
public final class RecordPlan {

    /** Largest extent, primary or continuation. Regions are at least 4 MiB, so one always fits. */
    public static final int MAX_EXTENT_BYTES = 1 << 20;
    public static final int CONTINUATION_CAPACITY = MAX_EXTENT_BYTES - ContinuationHeader.LENGTH;

    public final int keyLength;
    public final long valueLength;
    public final int chunkCount;
    /** Value bytes in the primary extent. */
    public final int primaryValueBytes;
    /** Bytes used in the primary extent: header, key, chunk table, first value part. */
    public final int primaryBytes;

    private RecordPlan(int keyLength, long valueLength, int chunkCount, int primaryValueBytes) {
        this.keyLength = keyLength;
        this.valueLength = valueLength;
        this.chunkCount = chunkCount;
        this.primaryValueBytes = primaryValueBytes;
        this.primaryBytes = RecordHeader.valueOffset(keyLength, chunkCount) + primaryValueBytes;
    }

    public static RecordPlan of(int keyLength, long valueLength) {
        long single = (long) RecordHeader.LENGTH + keyLength + valueLength;
        if (single <= MAX_EXTENT_BYTES) {
            return new RecordPlan(keyLength, valueLength, 0, (int) valueLength);
        }
        for (int c = 1; ; c++) {
            long primaryCap = (long) MAX_EXTENT_BYTES - RecordHeader.valueOffset(keyLength, c);
            if (primaryCap < 0) {
                throw new IllegalArgumentException("key of " + keyLength + " bytes leaves no room in an extent");
            }
            if (primaryCap + (long) c * CONTINUATION_CAPACITY >= valueLength) {
                return new RecordPlan(keyLength, valueLength, c, (int) primaryCap);
            }
        }
    }

    /** Value bytes held by continuation {@code i}. */
    public int chunkPayload(int i) {
        long before = primaryValueBytes + (long) i * CONTINUATION_CAPACITY;
        return (int) Math.min(CONTINUATION_CAPACITY, valueLength - before);
    }

    /** Value offset at which continuation {@code i} starts. */
    public long chunkValueStart(int i) {
        return primaryValueBytes + (long) i * CONTINUATION_CAPACITY;
    }

    /** Bytes used in continuation {@code i}'s extent. */
    public int chunkBytes(int i) {
        return ContinuationHeader.LENGTH + chunkPayload(i);
    }
}
