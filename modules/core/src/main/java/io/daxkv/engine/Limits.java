package io.daxkv.engine;

import io.daxkv.DaxKVException;
import java.util.Objects;

/**
 * What a key and a value may be, checked before anything is written, and how a key is shown in
 * error messages. Records (and their recovery) rely on these bounds.
 */
public final class Limits {

    /** Longest key, in bytes. */
    public static final int MAX_KEY_BYTES = 64 << 10;
    /** Longest value, in bytes. */
    public static final long MAX_VALUE_BYTES = 64L << 20;

    private Limits() {
    }

    static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key must not be null");
        if (key.length == 0) {
            throw new DaxKVException.InvalidArgument("key must not be empty");
        }
        if (key.length > MAX_KEY_BYTES) {
            throw new DaxKVException.LimitExceeded("key of " + key.length + " bytes exceeds the limit of "
                    + MAX_KEY_BYTES + " bytes");
        }
    }

    static void checkValueLength(long length) {
        if (length > MAX_VALUE_BYTES) {
            throw new DaxKVException.LimitExceeded("value of " + length + " bytes exceeds the limit of "
                    + MAX_VALUE_BYTES + " bytes");
        }
    }

    /** A key for error messages: printable ASCII as is, else hex; long keys shortened. */
    public static String describeKey(byte[] key) {
        boolean printable = true;
        for (byte b : key) {
            if (b < 0x20 || b > 0x7E) {
                printable = false;
                break;
            }
        }
        int shown = Math.min(key.length, 64);
        StringBuilder sb = new StringBuilder();
        if (printable) {
            sb.append('"').append(new String(key, 0, shown, java.nio.charset.StandardCharsets.US_ASCII)).append('"');
        } else {
            sb.append("0x");
            for (int i = 0; i < shown; i++) {
                sb.append(String.format("%02x", key[i] & 0xFF));
            }
        }
        if (shown < key.length) {
            sb.append("... (").append(key.length).append(" bytes)");
        }
        return sb.toString();
    }
}
