package io.daxkv.engine;

import io.daxkv.WriteBatch;
import io.daxkv.extent.Bytes;
import io.daxkv.extent.RecordHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link WriteBatch} all or nothing, without a journal, by a commit record.
 *
 * <ol>
 *   <li>Take a commit sequence C.</li>
 *   <li>Write every put as a record flagged {@code FLAG_BATCH} with batch sequence C (and its
 *       own, larger, sequence). Recovery ignores such records unless C's commit record exists.</li>
 *   <li>Write the commit record: key length 0, flag {@code FLAG_BATCH_COMMIT}, sequence C, its
 *       value the batch's deleted keys. SYNC: every record of the batch is flushed first, then
 *       the commit record. From here on the batch survives a crash: recovery honours its puts,
 *       and removes every record of a deleted key older than C.</li>
 *   <li>Publish puts and deletes in the index like single operations (a delete only removes a
 *       record older than C, so a write published after the batch survives it).</li>
 *   <li>Finalize: clear the batch flag of each put's header (SYNC: flushed), then clear and free
 *       the commit record.</li>
 * </ol>
 *
 * A failure before step 3 (a full disk, say) discards what was written: nothing of the batch is
 * visible, before or after a crash. Concurrent readers may see a batch half published during
 * step 4; once {@code write} returns they see all of it.
 */
final class BatchWriter {

    private final Store store;

    BatchWriter(Store store) {
        this.store = store;
    }

    void apply(List<WriteBatch.Op> ops) {
        boolean sync = store.syncWrites();
        long commitSequence = store.nextSequence();
        List<RecordIO.Written> puts = new ArrayList<>();
        List<byte[]> puttedKeys = new ArrayList<>();
        List<byte[]> deletes = new ArrayList<>();
        RecordIO.Written commit;
        try {
            for (WriteBatch.Op op : ops) {
                if (op.isDelete()) {
                    deletes.add(op.key());
                } else {
                    puts.add(store.io().write(op.key(), ByteBuffer.wrap(op.value()), RecordHeader.FLAG_BATCH,
                            commitSequence, 0, sync));
                    puttedKeys.add(op.key());
                }
            }
            commit = store.io().write(new byte[0], ByteBuffer.wrap(encodeDeletedKeys(deletes)),
                    RecordHeader.FLAG_BATCH_COMMIT, 0, commitSequence, sync);
        } catch (RuntimeException e) {
            for (RecordIO.Written w : puts) {
                store.discard(w);
            }
            throw e;
        }
        for (int i = 0; i < puts.size(); i++) {
            RecordIO.Written w = puts.get(i);
            store.publish(puttedKeys.get(i), w, Store.PutMode.UPSERT, w.valueLength);
        }
        for (byte[] k : deletes) {
            store.deleteOlderThan(k, commitSequence, sync);
        }
        for (RecordIO.Written w : puts) {
            if (!w.discarded) {
                store.io().finalizeBatchRecord(w);
                if (sync) {
                    store.io().flushHeader(w.address());
                }
            }
        }
        store.discard(commit);
    }

    /** Commit record value: u32 count, then per key u32 length and the key bytes. */
    static byte[] encodeDeletedKeys(List<byte[]> keys) {
        int size = 4;
        for (byte[] k : keys) {
            size += 4 + k.length;
        }
        byte[] out = new byte[size];
        Bytes.putInt(out, 0, keys.size());
        int at = 4;
        for (byte[] k : keys) {
            Bytes.putInt(out, at, k.length);
            System.arraycopy(k, 0, out, at + 4, k.length);
            at += 4 + k.length;
        }
        return out;
    }

    static List<byte[]> decodeDeletedKeys(byte[] value) {
        List<byte[]> out = new ArrayList<>();
        if (value.length < 4) {
            return out;
        }
        int count = Bytes.getInt(value, 0);
        int at = 4;
        for (int i = 0; i < count && at + 4 <= value.length; i++) {
            int len = Bytes.getInt(value, at);
            if (len < 0 || at + 4 + len > value.length) {
                break;
            }
            byte[] k = new byte[len];
            System.arraycopy(value, at + 4, k, 0, len);
            out.add(k);
            at += 4 + len;
        }
        return out;
    }
}
