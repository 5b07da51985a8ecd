package io.daxkv.journal;

/** An entry read back from a committed transaction at replay (layouts in {@link JournalLayout}). */
public sealed interface JournalEntry {

    long sequence();

    /**
     * The write with this sequence is {@code key}'s record at {@code address}; {@code chunks} holds
     * (regionId, firstBlock, blockCount) per continuation extent. {@code data} is the record's
     * primary extent bytes when they were journaled (data=journal), else null.
     */
    record Put(long sequence, byte[] key, long address, int primaryBlocks, int[] chunks, byte[] data)
            implements JournalEntry {
    }

    /** Every write of {@code key} with a lower sequence is gone. */
    record Delete(long sequence, byte[] key) implements JournalEntry {
    }
}
