package io.daxkv;

import java.util.Arrays;

/**
 * One key and its value, as returned by a {@link Cursor}. Both arrays are copies that belong to
 * the caller; neither points into the store's mapping.
 */
public final class Entry {
    private final byte[] key;
    private final byte[] value;

    public Entry(byte[] key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    /** The key; the caller may keep and modify it. */
    public byte[] key() {
        return key;
    }

    /** The value; the caller may keep and modify it. */
    public byte[] value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry && Arrays.equals(key, ((Entry) o).key) && Arrays.equals(value, ((Entry) o).value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Entry[keyLength=" + key.length + ", valueLength=" + value.length + "]";
    }
}
