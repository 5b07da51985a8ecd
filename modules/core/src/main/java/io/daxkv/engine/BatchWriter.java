package io.daxkv.engine;

import io.daxkv.Durability;
import io.daxkv.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link WriteBatch} all or nothing: one journal transaction.
 *
 * <ol>
 *   <li>Write the body of every put (key, value, padding; no header), in parallel with other
 *       writers. A failure here (a full disk, say) frees what was written: nothing of the
 *       batch ever had a magic.</li>
 *   <li>Under one hold of the journal's append lock: per operation, take a sequence, seal the
 *       put's record or unlink the deleted key, add the entry, publish in the index. The
 *       committer cannot swap the running transaction in between, so all entries commit
 *       together; their sequences are consecutive.</li>
 *   <li>Recovery keeps a write only when its sequence is covered by a committed transaction,
 *       so after a crash the batch is there whole or not at all.</li>
 * </ol>
 *
 * Concurrent readers may see a batch half published during step 2; once {@code write} returns
 * they see all of it.
 */
final class BatchWriter {

    private final Store store;

    BatchWriter(Store store) {
        this.store = store;
    }

    /** Returns the journal transaction holding the batch. */
    long apply(List<WriteBatch.Op> ops, Durability durability) {
        List<RecordIO.Pending> puts = new ArrayList<>();
        try {
            for (WriteBatch.Op op : ops) {
                if (!op.isDelete()) {
                    puts.add(store.io().writeBody(op.key().clone(), ByteBuffer.wrap(op.value())));
                }
            }
        } catch (RuntimeException e) {
            for (RecordIO.Pending p : puts) {
                store.io().abandon(p);
            }
            throw e;
        }
        return store.publisher().batch(ops, puts, durability);
    }
}
