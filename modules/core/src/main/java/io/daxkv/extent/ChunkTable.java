package io.daxkv.extent;

/**
 * The chunk table of a chained record, right after its key: one 16-byte entry per
 * continuation extent, in value order.
 *
 * <pre>
 *  offset size field
 *    0     4   regionId
 *    4     4   firstBlock
 *    8     4   blockCount
 *   12     4   payloadLength   value bytes held by that continuation
 * </pre>
 */
public final class ChunkTable {

    public static final int REGION_ID_OFFSET = 0;
    public static final int FIRST_BLOCK_OFFSET = REGION_ID_OFFSET + 4;
    public static final int BLOCK_COUNT_OFFSET = FIRST_BLOCK_OFFSET + 4;
    public static final int PAYLOAD_LENGTH_OFFSET = BLOCK_COUNT_OFFSET + 4;
    public static final int ENTRY_BYTES = PAYLOAD_LENGTH_OFFSET + 4;

    private ChunkTable() {
    }
}
