package io.daxkv.journal;

import io.daxkv.DaxKVException;
import io.daxkv.extent.Bytes;
import io.daxkv.pmem.PersistentMemory;
import java.util.zip.CRC32C;

/**
 * The journal file ({@code JOURNAL} in the store directory): a superblock, then a circular log
 * of transactions. All integers little-endian.
 *
 * <h2>Superblock: two slots, bytes [0, 4096)</h2>
 * Slot 0 at offset 0 and slot 1 at offset 2048; a checkpoint writes the slot its generation
 * picks ({@code generation & 1}) and flushes it, so a torn superblock write leaves the other
 * slot whole. Open takes the valid slot with the higher generation.
 * <pre>
 *  offset size field
 *    0     4   magic            0x534A5844: "DXJS"
 *    4     4   version          {@link #VERSION}
 *    8     8   storeUuidMsb
 *   16     8   storeUuidLsb
 *   24     8   capacityBytes    the whole file, a multiple of 4096
 *   32     8   generation       checkpoints so far; picks the slot
 *   40     8   tailOffset       where replay starts, in [4096, capacityBytes)
 *   48     8   tailTxnId        the id the transaction at tailOffset must carry
 *   56     8   checkpointSeq    every write with a sequence up to this is home in the regions
 *   64     8   indexTxnId       the transaction of the index checkpoint (INDEX) replay builds on; 0: none
 *   72     4   voidRangeCount   0 .. {@value #SB_MAX_VOID_RANGES}
 *   76     4   reserved, zero
 *   80   128   voidRanges       voidRangeCount pairs (firstSeq 8, lastSeq 8), the rest zero
 *  208     4   crc32c           CRC32C of bytes [0, 208)
 * </pre>
 * A void range holds the sequences a crash may have left on records that never committed, when
 * open did not scan the regions to clear them (it built on the index checkpoint): the records
 * may still sit in free blocks. A scan drops any record whose sequence lies in a void range; a
 * full scan clears them all and empties the list. Version 1 slots (CRC at 64, no fields from
 * indexTxnId on) are read as having none.
 *
 * <h2>Transaction: from an 8-aligned offset, padded to 8</h2>
 * One per write operation, appended at the head. After a group commit the next one starts on
 * the next 4096 boundary (a flushed page is never written again), so replay, finding no valid
 * transaction where the last one ended, looks once more at the next page boundary. A page
 * boundary equal to the file's size means the log start. A transaction never runs past the
 * end of the file with less than a header's room after it; a wrap marker sends the log back
 * to {@link #LOG_START}.
 * <pre>
 *  offset size field
 *    0     4   magic            0x544A5844: "DXJT" (or "DXJW", a wrap marker: the log goes on at 4096)
 *    4     4   bodyBytes        length of the entries
 *    8     8   txnId            one more than the transaction before it
 *   16     8   maxSeq           highest sequence of any write in it
 *   24     4   entryCount
 *   28     4   headerCrc        CRC32C of bytes [0, 28) (a wrap marker ends here)
 *   32     .   entries          bodyBytes of them
 *   32+b   4   commitMagic      0x434A5844: "DXJC"
 *   36+b   4   crc32c           CRC32C of bytes [0, 36 + bodyBytes): the commit record
 * </pre>
 * A transaction counts when its header CRC, its id (one more than the last), its commit magic
 * and its CRC all check; replay stops at the first that does not. After a replay the next id
 * skips ahead by more than the log could hold, so bytes left from before can never pass for
 * the next transaction.
 *
 * <h2>Entries</h2>
 * <pre>
 *  PUT (kind 1): the write with this sequence is the record at address, of this key; its data
 *  was made durable in the region before the commit (ordered mode)
 *    0  1 kind   1  3 zero   4  4 chunkCount   8  8 sequence   16 8 address
 *   24  4 primaryBlocks   28 4 dataBytes (0)   32 4 keyLength   36 4 zero
 *   40  chunkCount x (regionId 4, firstBlock 4, blockCount 4), then keyLength key bytes
 *  PUT_DATA (kind 2): as PUT, and dataBytes of the record's primary extent follow the key
 *  (data=journal: the region copy need not be durable; replay writes it home)
 *  DELETE (kind 3): every write of the key with a lower sequence is gone
 *    0  1 kind   1  3 zero   4  4 keyLength   8  8 sequence   16 keyLength key
 * </pre>
 */
public final class JournalLayout {

    private JournalLayout() {
    }

    public static final int VERSION = 2;
    /** The superblock layout before the index checkpoint and void ranges (read, never written). */
    public static final int VERSION_1 = 1;
    public static final int SB_V1_CRC_OFFSET = 64;
    public static final int SB_MAX_VOID_RANGES = 8;
    public static final int PAGE_BYTES = 4096;
    /** The log starts after the superblock page. */
    public static final long LOG_START = PAGE_BYTES;

    public static final int SB_MAGIC = 0x534A5844;
    public static final int SB_SLOT_BYTES = 2048;
    public static final int SB_MAGIC_OFFSET = 0;
    public static final int SB_VERSION_OFFSET = SB_MAGIC_OFFSET + 4;
    public static final int SB_UUID_MSB_OFFSET = SB_VERSION_OFFSET + 4;
    public static final int SB_UUID_LSB_OFFSET = SB_UUID_MSB_OFFSET + 8;
    public static final int SB_CAPACITY_OFFSET = SB_UUID_LSB_OFFSET + 8;
    public static final int SB_GENERATION_OFFSET = SB_CAPACITY_OFFSET + 8;
    public static final int SB_TAIL_OFFSET_OFFSET = SB_GENERATION_OFFSET + 8;
    public static final int SB_TAIL_TXN_OFFSET = SB_TAIL_OFFSET_OFFSET + 8;
    public static final int SB_CHECKPOINT_SEQ_OFFSET = SB_TAIL_TXN_OFFSET + 8;
    public static final int SB_INDEX_TXN_OFFSET = SB_CHECKPOINT_SEQ_OFFSET + 8;
    public static final int SB_VOID_COUNT_OFFSET = SB_INDEX_TXN_OFFSET + 8;
    public static final int SB_RESERVED_OFFSET = SB_VOID_COUNT_OFFSET + 4;
    public static final int SB_VOID_RANGES_OFFSET = SB_RESERVED_OFFSET + 4;
    public static final int SB_CRC_OFFSET = SB_VOID_RANGES_OFFSET + SB_MAX_VOID_RANGES * 16;
    public static final int SB_LENGTH = SB_CRC_OFFSET + 4;

    public static final int TXN_MAGIC = 0x544A5844;
    public static final int WRAP_MAGIC = 0x574A5844;
    public static final int COMMIT_MAGIC = 0x434A5844;
    public static final int TXN_MAGIC_OFFSET = 0;
    public static final int TXN_BODY_BYTES_OFFSET = TXN_MAGIC_OFFSET + 4;
    public static final int TXN_ID_OFFSET = TXN_BODY_BYTES_OFFSET + 4;
    public static final int TXN_MAX_SEQ_OFFSET = TXN_ID_OFFSET + 8;
    public static final int TXN_ENTRY_COUNT_OFFSET = TXN_MAX_SEQ_OFFSET + 8;
    public static final int TXN_HEADER_CRC_OFFSET = TXN_ENTRY_COUNT_OFFSET + 4;
    public static final int TXN_HEADER_BYTES = TXN_HEADER_CRC_OFFSET + 4;
    /** Commit magic and CRC after the body. */
    public static final int TXN_TRAILER_BYTES = 8;

    public static final int KIND_PUT = 1;
    public static final int KIND_PUT_DATA = 2;
    public static final int KIND_DELETE = 3;
    public static final int ENTRY_KIND_OFFSET = 0;
    public static final int ENTRY_COUNT_OFFSET = 4;
    public static final int ENTRY_SEQUENCE_OFFSET = 8;
    public static final int PUT_ADDRESS_OFFSET = 16;
    public static final int PUT_PRIMARY_BLOCKS_OFFSET = 24;
    public static final int PUT_DATA_BYTES_OFFSET = 28;
    public static final int PUT_KEY_LENGTH_OFFSET = 32;
    public static final int PUT_FIXED_BYTES = 40;
    public static final int CHUNK_ENTRY_BYTES = 12;
    public static final int DELETE_KEY_OFFSET = 16;

    /** Bytes a transaction with {@code bodyBytes} of entries takes in the log, padding included. */
    public static long txnFootprint(long bodyBytes) {
        return align8(TXN_HEADER_BYTES + bodyBytes + TXN_TRAILER_BYTES);
    }

    public static long align8(long bytes) {
        return (bytes + 7) & -8L;
    }

    public static long roundUp(long bytes) {
        return (bytes + PAGE_BYTES - 1) & -(long) PAGE_BYTES;
    }

    /** Size of a PUT or PUT_DATA entry. */
    public static int putEntryBytes(int chunkCount, int keyLength, int dataBytes) {
        return PUT_FIXED_BYTES + chunkCount * CHUNK_ENTRY_BYTES + keyLength + dataBytes;
    }

    public static int deleteEntryBytes(int keyLength) {
        return DELETE_KEY_OFFSET + keyLength;
    }

    /** What a superblock slot says (besides magic, version, store and capacity, which are checked). */
    record SuperblockState(long generation, long tailOffset, long tailTxnId, long checkpointSeq, long indexTxnId,
            long[] voidRanges) {
    }

    /**
     * Reads both slots and returns the valid one with the higher generation, checked against the
     * store and the file's size.
     *
     * @throws DaxKVException.Corrupt when no slot verifies or the one that does is not this store's
     * @throws DaxKVException.Incompatible for another journal version
     */
    static SuperblockState readSuperblock(String name, PersistentMemory memory, long uuidMsb, long uuidLsb) {
        byte[] best = null;
        for (int slot = 0; slot < 2; slot++) {
            byte[] b = new byte[SB_LENGTH];
            memory.read((long) slot * SB_SLOT_BYTES, b, 0, b.length);
            int crcAt = Bytes.getInt(b, SB_VERSION_OFFSET) == VERSION_1 ? SB_V1_CRC_OFFSET : SB_CRC_OFFSET;
            if (Bytes.getInt(b, SB_MAGIC_OFFSET) != SB_MAGIC || Bytes.getInt(b, crcAt) != crc(b, 0, crcAt)) {
                continue;
            }
            if (best == null || Bytes.getLong(b, SB_GENERATION_OFFSET) > Bytes.getLong(best, SB_GENERATION_OFFSET)) {
                best = b;
            }
        }
        if (best == null) {
            throw new DaxKVException.Corrupt(name + ": no journal superblock slot has a valid magic and CRC32C");
        }
        int version = Bytes.getInt(best, SB_VERSION_OFFSET);
        if (version != VERSION && version != VERSION_1) {
            throw new DaxKVException.Incompatible(name + ": journal version " + version + ", this build reads " + VERSION);
        }
        if (Bytes.getLong(best, SB_UUID_MSB_OFFSET) != uuidMsb || Bytes.getLong(best, SB_UUID_LSB_OFFSET) != uuidLsb) {
            throw new DaxKVException.Corrupt(name + ": the journal belongs to another store");
        }
        long capacity = Bytes.getLong(best, SB_CAPACITY_OFFSET);
        long tail = Bytes.getLong(best, SB_TAIL_OFFSET_OFFSET);
        if (capacity != memory.sizeBytes() || tail < LOG_START || tail >= capacity || tail % PAGE_BYTES != 0) {
            throw new DaxKVException.Corrupt(name + ": journal superblock says capacity " + capacity + ", tail " + tail
                    + " for a file of " + memory.sizeBytes() + " bytes");
        }
        long indexTxnId = 0;
        long[] voids = new long[0];
        if (version != VERSION_1) {
            indexTxnId = Bytes.getLong(best, SB_INDEX_TXN_OFFSET);
            int count = Bytes.getInt(best, SB_VOID_COUNT_OFFSET);
            if (count < 0 || count > SB_MAX_VOID_RANGES) {
                throw new DaxKVException.Corrupt(name + ": journal superblock lists " + count + " void ranges, at most "
                        + SB_MAX_VOID_RANGES + " fit");
            }
            voids = new long[2 * count];
            for (int i = 0; i < voids.length; i++) {
                voids[i] = Bytes.getLong(best, SB_VOID_RANGES_OFFSET + 8 * i);
            }
        }
        return new SuperblockState(Bytes.getLong(best, SB_GENERATION_OFFSET), tail, Bytes.getLong(best, SB_TAIL_TXN_OFFSET),
                Bytes.getLong(best, SB_CHECKPOINT_SEQ_OFFSET), indexTxnId, voids);
    }

    /** Writes {@code state} to the slot its generation picks and flushes it. */
    static void writeSuperblock(PersistentMemory memory, long uuidMsb, long uuidLsb, SuperblockState state) {
        byte[] b = new byte[SB_LENGTH];
        Bytes.putInt(b, SB_MAGIC_OFFSET, SB_MAGIC);
        Bytes.putInt(b, SB_VERSION_OFFSET, VERSION);
        Bytes.putLong(b, SB_UUID_MSB_OFFSET, uuidMsb);
        Bytes.putLong(b, SB_UUID_LSB_OFFSET, uuidLsb);
        Bytes.putLong(b, SB_CAPACITY_OFFSET, memory.sizeBytes());
        Bytes.putLong(b, SB_GENERATION_OFFSET, state.generation());
        Bytes.putLong(b, SB_TAIL_OFFSET_OFFSET, state.tailOffset());
        Bytes.putLong(b, SB_TAIL_TXN_OFFSET, state.tailTxnId());
        Bytes.putLong(b, SB_CHECKPOINT_SEQ_OFFSET, state.checkpointSeq());
        Bytes.putLong(b, SB_INDEX_TXN_OFFSET, state.indexTxnId());
        long[] voids = state.voidRanges();
        if (voids.length > 2 * SB_MAX_VOID_RANGES || (voids.length & 1) != 0) {
            throw new IllegalArgumentException("void ranges " + java.util.Arrays.toString(voids));
        }
        Bytes.putInt(b, SB_VOID_COUNT_OFFSET, voids.length / 2);
        for (int i = 0; i < voids.length; i++) {
            Bytes.putLong(b, SB_VOID_RANGES_OFFSET + 8 * i, voids[i]);
        }
        Bytes.putInt(b, SB_CRC_OFFSET, crc(b, 0, SB_CRC_OFFSET));
        long at = (state.generation() & 1) * SB_SLOT_BYTES;
        memory.write(at, b, 0, b.length);
        memory.flush(at, b.length);
    }

    /** Encodes a transaction header, its CRC included, into {@code b[0, TXN_HEADER_BYTES)}. */
    static void encodeTxnHeader(byte[] b, int magic, int bodyBytes, long txnId, long maxSeq, int entryCount) {
        Bytes.putInt(b, TXN_MAGIC_OFFSET, magic);
        Bytes.putInt(b, TXN_BODY_BYTES_OFFSET, bodyBytes);
        Bytes.putLong(b, TXN_ID_OFFSET, txnId);
        Bytes.putLong(b, TXN_MAX_SEQ_OFFSET, maxSeq);
        Bytes.putInt(b, TXN_ENTRY_COUNT_OFFSET, entryCount);
        Bytes.putInt(b, TXN_HEADER_CRC_OFFSET, crc(b, 0, TXN_HEADER_CRC_OFFSET));
    }

    static int crc(byte[] b, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(b, from, length);
        return (int) c.getValue();
    }
}
