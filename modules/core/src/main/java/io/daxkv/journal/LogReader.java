package io.daxkv.journal;

import io.daxkv.DaxKVException;
import io.daxkv.extent.Bytes;
import io.daxkv.pmem.PersistentMemory;
import java.util.List;

/**
 * Reads the log back ({@link JournalLayout}): from the tail, transaction after transaction,
 * following wrap markers and the page boundaries group commits leave, until one does not
 * verify. The counterpart of {@link TxnBuilder}, which encodes what this decodes.
 */
final class LogReader {

    private LogReader() {
    }

    /**
     * Reads every committed transaction from the tail: stops at the first whose header, id,
     * commit magic or CRC does not check. Writes nothing.
     */
    static Replayed read(String name, PersistentMemory memory, long maxTxnBytes, long tailOffset, long tailTxnId,
                         long checkpointSeq) {
        long capacityBytes = memory.sizeBytes();
        long start = System.nanoTime();
        Replayed r = new Replayed();
        r.committedSeq = checkpointSeq;
        r.checkpointSeq = checkpointSeq;
        long pos = tailOffset;
        long expect = tailTxnId;
        byte[] header = new byte[JournalLayout.TXN_HEADER_BYTES];
        boolean wrapped = false;
        boolean aligned = false;
        while (r.bytes < capacityBytes) {
            if (pos + JournalLayout.TXN_HEADER_BYTES > capacityBytes) {
                pos = JournalLayout.LOG_START;
            }
            memory.read(pos, header, 0, header.length);
            int magic = Bytes.getInt(header, JournalLayout.TXN_MAGIC_OFFSET);
            if (Bytes.getInt(header, JournalLayout.TXN_HEADER_CRC_OFFSET)
                    != JournalLayout.crc(header, 0, JournalLayout.TXN_HEADER_CRC_OFFSET)
                    || Bytes.getLong(header, JournalLayout.TXN_ID_OFFSET) != expect) {
                if (!aligned && pos % JournalLayout.PAGE_BYTES != 0) {
                    // a group commit ended here: the next transaction starts on the next page
                    aligned = true;
                    long next = JournalLayout.roundUp(pos);
                    r.bytes += next - pos;
                    pos = next >= capacityBytes ? JournalLayout.LOG_START : next;
                    continue;
                }
                break;
            }
            aligned = false;
            if (magic == JournalLayout.WRAP_MAGIC && !wrapped) {
                wrapped = true;
                r.bytes += capacityBytes - pos;
                pos = JournalLayout.LOG_START;
                continue;
            }
            int bodyBytes = Bytes.getInt(header, JournalLayout.TXN_BODY_BYTES_OFFSET);
            if (magic != JournalLayout.TXN_MAGIC || bodyBytes < 0 || bodyBytes > maxTxnBytes
                    || pos + JournalLayout.txnFootprint(bodyBytes) > capacityBytes) {
                break;
            }
            int total = JournalLayout.TXN_HEADER_BYTES + bodyBytes + JournalLayout.TXN_TRAILER_BYTES;
            byte[] txn = new byte[total];
            memory.read(pos, txn, 0, total);
            int trailer = JournalLayout.TXN_HEADER_BYTES + bodyBytes;
            if (Bytes.getInt(txn, trailer) != JournalLayout.COMMIT_MAGIC
                    || Bytes.getInt(txn, trailer + 4) != JournalLayout.crc(txn, 0, trailer + 4)) {
                break;
            }
            parseEntries(name, txn, JournalLayout.TXN_HEADER_BYTES, bodyBytes,
                    Bytes.getInt(header, JournalLayout.TXN_ENTRY_COUNT_OFFSET), expect, r.entries);
            long maxSeq = Bytes.getLong(header, JournalLayout.TXN_MAX_SEQ_OFFSET);
            r.committedSeq = Math.max(r.committedSeq, maxSeq);
            r.transactionEnds.add(r.entries.size());
            r.transactionMaxSeqs.add(maxSeq);
            r.transactions++;
            long footprint = JournalLayout.txnFootprint(bodyBytes);
            r.bytes += footprint;
            pos += footprint;
            expect++;
        }
        r.headOffset = pos;
        r.nextTxnId = expect;
        r.millis = (System.nanoTime() - start) / 1_000_000;
        return r;
    }

    private static void parseEntries(String name, byte[] b, int from, int bodyBytes, int count, long txnId,
                                     List<JournalEntry> out) {
        int at = from;
        int end = from + bodyBytes;
        for (int i = 0; i < count; i++) {
            if (at + 16 > end) {
                throw badEntry(name, txnId, i, "runs past the body");
            }
            int kind = b[at] & 0xFF;
            int n = Bytes.getInt(b, at + JournalLayout.ENTRY_COUNT_OFFSET);
            long seq = Bytes.getLong(b, at + JournalLayout.ENTRY_SEQUENCE_OFFSET);
            if (kind == JournalLayout.KIND_DELETE) {
                if (n < 0 || at + JournalLayout.deleteEntryBytes(n) > end) {
                    throw badEntry(name, txnId, i, "key length " + n);
                }
                byte[] key = java.util.Arrays.copyOfRange(b, at + JournalLayout.DELETE_KEY_OFFSET,
                        at + JournalLayout.DELETE_KEY_OFFSET + n);
                out.add(new JournalEntry.Delete(seq, key));
                at += JournalLayout.deleteEntryBytes(n);
            } else if (kind == JournalLayout.KIND_PUT || kind == JournalLayout.KIND_PUT_DATA) {
                if (at + JournalLayout.PUT_FIXED_BYTES > end) {
                    throw badEntry(name, txnId, i, "runs past the body");
                }
                long address = Bytes.getLong(b, at + JournalLayout.PUT_ADDRESS_OFFSET);
                int blocks = Bytes.getInt(b, at + JournalLayout.PUT_PRIMARY_BLOCKS_OFFSET);
                int dataBytes = Bytes.getInt(b, at + JournalLayout.PUT_DATA_BYTES_OFFSET);
                int keyLength = Bytes.getInt(b, at + JournalLayout.PUT_KEY_LENGTH_OFFSET);
                if (n < 0 || n > 1 << 16 || dataBytes < 0 || keyLength < 1 || keyLength > 1 << 16
                        || (kind == JournalLayout.KIND_PUT) != (dataBytes == 0)
                        || at + (long) JournalLayout.putEntryBytes(n, keyLength, dataBytes) > end) {
                    throw badEntry(name, txnId, i, "chunk count " + n + ", key length " + keyLength + ", data bytes " + dataBytes);
                }
                int[] chunks = new int[n * 3];
                int c = at + JournalLayout.PUT_FIXED_BYTES;
                for (int k = 0; k < chunks.length; k++) {
                    chunks[k] = Bytes.getInt(b, c + 4 * k);
                }
                int keyAt = c + n * JournalLayout.CHUNK_ENTRY_BYTES;
                byte[] key = java.util.Arrays.copyOfRange(b, keyAt, keyAt + keyLength);
                int dataAt = keyAt + keyLength;
                byte[] data = dataBytes == 0 ? null : java.util.Arrays.copyOfRange(b, dataAt, dataAt + dataBytes);
                out.add(new JournalEntry.Put(seq, key, address, blocks, chunks, data));
                at += JournalLayout.putEntryBytes(n, keyLength, dataBytes);
            } else {
                throw badEntry(name, txnId, i, "unknown kind " + kind);
            }
        }
    }

    private static DaxKVException.Corrupt badEntry(String name, long txnId, int index, String why) {
        return new DaxKVException.Corrupt(name + ": transaction " + txnId + " verifies but its entry " + index
                + " is malformed: " + why);
    }
}
