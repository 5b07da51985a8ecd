package io.daxkv.client;

import com.google.protobuf.ByteString;
import io.daxkv.protocol.BatchOp;
import io.daxkv.protocol.Delete;
import io.daxkv.protocol.Put;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts and deletes to apply together with {@link DaxKVClient#write(Batch)}: the server applies
 * all of them or none, in one journal transaction, in the order they were added (a later
 * operation on the same key wins).
 *
 * <p>Keys and values are copied when added, so the caller may reuse its arrays. A batch is built
 * by one thread; once handed to {@code write} it may be written again, but should not change
 * while a write of it is being prepared.
 */
public final class Batch {

    private final List<BatchOp> ops = new ArrayList<>();

    /** Adds a put of {@code value} under {@code key}. */
    public Batch put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        ops.add(BatchOp.newBuilder()
                .setPut(Put.newBuilder().setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)))
                .build());
        return this;
    }

    /** Adds a delete of {@code key} (a no-op on the server when the key is absent). */
    public Batch delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        ops.add(BatchOp.newBuilder().setDelete(Delete.newBuilder().setKey(ByteString.copyFrom(key))).build());
        return this;
    }

    /** Number of operations added. */
    public int size() {
        return ops.size();
    }

    /** Whether no operation was added. */
    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** The operations, for building the request. */
    List<BatchOp> ops() {
        return ops;
    }

    @Override
    public String toString() {
        return "Batch[" + ops.size() + " operations]";
    }
}
