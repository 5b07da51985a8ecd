package io.daxkv.journal;

import io.daxkv.alloc.Extent;
import io.daxkv.extent.Bytes;
import io.daxkv.pmem.PersistentMemory;
import java.util.ArrayList;
import java.util.List;

/**
 * One transaction being built by the holder of the journal's append lock (one per thread,
 * reused): its entries encoded after room for the header, then {@link #finish} adds header and
 * commit record. The counterpart of {@link LogReader}; layouts in {@link JournalLayout}.
 */
final class TxnBuilder {

    byte[] buffer = new byte[4096];
    private int length;
    int entryCount;
    long maxSeq;
    /** A writer will wait for this transaction (SYNC): see {@link Journal.LogFile}. */
    boolean awaited;
    /** Extents of ordered puts: flushed in their regions before the commit. */
    final List<Extent> ordered = new ArrayList<>();

    void reset() {
        length = JournalLayout.TXN_HEADER_BYTES;
        entryCount = 0;
        maxSeq = 0;
        awaited = false;
        ordered.clear();
    }

    int bodyBytes() {
        return length - JournalLayout.TXN_HEADER_BYTES;
    }

    private int reserve(int bytes) {
        int at = length;
        if (at + bytes + JournalLayout.TXN_TRAILER_BYTES > buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2,
                    at + bytes + JournalLayout.TXN_TRAILER_BYTES));
        }
        length = at + bytes;
        entryCount++;
        return at;
    }

    /**
     * Adds a put of the record at {@code primary} (plus {@code chunks}). With {@code dataBytes}
     * {@code > 0}, that many bytes of the primary extent, read from {@code m} at {@code base},
     * are journaled with it; otherwise its extents are flushed before the commit.
     */
    void addPut(long sequence, byte[] key, Extent primary, Extent[] chunks, PersistentMemory m, long base,
                int dataBytes) {
        int at = reserve(JournalLayout.putEntryBytes(chunks.length, key.length, dataBytes));
        byte[] b = buffer;
        b[at] = (byte) (dataBytes > 0 ? JournalLayout.KIND_PUT_DATA : JournalLayout.KIND_PUT);
        b[at + 1] = 0;
        b[at + 2] = 0;
        b[at + 3] = 0;
        Bytes.putInt(b, at + JournalLayout.ENTRY_COUNT_OFFSET, chunks.length);
        Bytes.putLong(b, at + JournalLayout.ENTRY_SEQUENCE_OFFSET, sequence);
        Bytes.putLong(b, at + JournalLayout.PUT_ADDRESS_OFFSET, primary.address());
        Bytes.putInt(b, at + JournalLayout.PUT_PRIMARY_BLOCKS_OFFSET, primary.blockCount);
        Bytes.putInt(b, at + JournalLayout.PUT_DATA_BYTES_OFFSET, dataBytes);
        Bytes.putInt(b, at + JournalLayout.PUT_KEY_LENGTH_OFFSET, key.length);
        Bytes.putInt(b, at + JournalLayout.PUT_KEY_LENGTH_OFFSET + 4, 0);
        int c = at + JournalLayout.PUT_FIXED_BYTES;
        for (Extent e : chunks) {
            Bytes.putInt(b, c, e.regionId);
            Bytes.putInt(b, c + 4, e.firstBlock);
            Bytes.putInt(b, c + 8, e.blockCount);
            c += JournalLayout.CHUNK_ENTRY_BYTES;
        }
        System.arraycopy(key, 0, b, c, key.length);
        c += key.length;
        if (dataBytes > 0) {
            m.read(base, b, c, dataBytes);
        } else {
            ordered.add(primary);
            java.util.Collections.addAll(ordered, chunks);
        }
        maxSeq = Math.max(maxSeq, sequence);
    }

    /** Adds a delete of {@code key} at {@code sequence}. */
    void addDelete(long sequence, byte[] key) {
        int at = reserve(JournalLayout.deleteEntryBytes(key.length));
        byte[] b = buffer;
        b[at] = (byte) JournalLayout.KIND_DELETE;
        b[at + 1] = 0;
        b[at + 2] = 0;
        b[at + 3] = 0;
        Bytes.putInt(b, at + JournalLayout.ENTRY_COUNT_OFFSET, key.length);
        Bytes.putLong(b, at + JournalLayout.ENTRY_SEQUENCE_OFFSET, sequence);
        System.arraycopy(key, 0, b, at + JournalLayout.DELETE_KEY_OFFSET, key.length);
        maxSeq = Math.max(maxSeq, sequence);
    }

    /** Writes header (id {@code txnId}) and commit record; returns the bytes of {@link #buffer} to write. */
    int finish(long txnId) {
        JournalLayout.encodeTxnHeader(buffer, JournalLayout.TXN_MAGIC, bodyBytes(), txnId, maxSeq, entryCount);
        Bytes.putInt(buffer, length, JournalLayout.COMMIT_MAGIC);
        Bytes.putInt(buffer, length + 4, JournalLayout.crc(buffer, 0, length + 4));
        return length + JournalLayout.TXN_TRAILER_BYTES;
    }
}
