package io.daxkv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Puts and deletes applied together by {@link DaxKV#write(WriteBatch)}: all of them or none.
 * Later operations on the same key win over earlier ones in the same batch. Keys and values are
 * copied when added, so the caller may reuse its arrays. Not thread-safe.
 */
public final class WriteBatch {

    /** One operation of a batch; {@code value} is null for a delete. */
    public static final class Op {
        private final byte[] key;
        private final byte[] value;

        Op(byte[] key, byte[] value) {
            this.key = key;
            this.value = value;
        }

        public byte[] key() {
            return key;
        }

        /** The value to put, or null when this operation is a delete. */
        public byte[] value() {
            return value;
        }

        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Op> ops = new ArrayList<>();

    public WriteBatch() {
    }

    /** Adds a put of {@code value} under {@code key}; both are copied. */
    public WriteBatch put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        ops.add(new Op(key.clone(), value.clone()));
        return this;
    }

    /** Adds a delete of {@code key}; deleting an absent key is not an error. */
    public WriteBatch delete(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        ops.add(new Op(key.clone(), null));
        return this;
    }

    /** The operations in the order they were added. */
    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    public void clear() {
        ops.clear();
    }
}
