package io.daxkv.client;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of a scan. The arrays are the client's own copies, made when the response was
 * decoded; the caller may keep or change them.
 *
 * <p>Equality compares the bytes of key and value (not the array identities).
 *
 * @param key   the key, never empty
 * @param value the value, possibly empty
 */
public record KeyValue(byte[] key, byte[] value) {

    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
    }

    /** The key in hex and the value's length (values can be large). */
    @Override
    public String toString() {
        return "KeyValue[key=" + HexFormat.of().formatHex(key) + ", value=" + value.length + " bytes]";
    }
}
