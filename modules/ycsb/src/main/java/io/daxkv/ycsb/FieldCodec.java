package io.daxkv.ycsb;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;

/**
 * The one value encoding every YCSB binding here uses, daxkv's and the peers' alike, so that
 * all stores store the same bytes: a YCSB record (field name to value) as one byte array.
 *
 * <pre>
 *   record  = count:varint  field*          fields in ascending name order, names unique
 *   field   = nameLength:varint  name:UTF-8  valueLength:varint  value
 * </pre>
 *
 * With YCSB's defaults (10 fields "field0".."field9" of 100 bytes) a record takes 1,081 bytes.
 * Decoding checks every length against what is left, and that names ascend, and fails with an
 * IllegalArgumentException naming the offset, never reading past the array.
 */
public final class FieldCodec {

    private FieldCodec() {
    }

    /** Encodes {@code fields} (each iterator is consumed). */
    public static byte[] encode(Map<String, ByteIterator> fields) {
        TreeMap<String, byte[]> sorted = new TreeMap<>();
        for (Map.Entry<String, ByteIterator> e : fields.entrySet()) {
            sorted.put(e.getKey(), e.getValue().toArray());
        }
        return encodeArrays(sorted);
    }

    private static byte[] encodeArrays(TreeMap<String, byte[]> sorted) {
        byte[][] names = new byte[sorted.size()][];
        int size = varintSize(sorted.size());
        int i = 0;
        for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
            names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            size += varintSize(names[i].length) + names[i].length + varintSize(e.getValue().length) + e.getValue().length;
            i++;
        }
        byte[] out = new byte[size];
        int at = putVarint(out, 0, sorted.size());
        i = 0;
        for (byte[] value : sorted.values()) {
            at = putVarint(out, at, names[i].length);
            System.arraycopy(names[i], 0, out, at, names[i].length);
            at += names[i].length;
            at = putVarint(out, at, value.length);
            System.arraycopy(value, 0, out, at, value.length);
            at += value.length;
            i++;
        }
        return out;
    }

    /**
     * Decodes {@code record} into {@code out}: every field when {@code wanted} is null, else only
     * the fields named in it (names it lacks are left out, as YCSB expects).
     */
    public static void decode(byte[] record, Set<String> wanted, Map<String, ByteIterator> out) {
        int[] at = {0};
        long count = readVarint(record, at);
        String previous = null;
        for (long f = 0; f < count; f++) {
            int nameAt = at[0];
            int nameLength = length(record, at, "field name");
            String name = new String(record, at[0], nameLength, StandardCharsets.UTF_8);
            at[0] += nameLength;
            if (previous != null && previous.compareTo(name) >= 0) {
                throw new IllegalArgumentException("field name at offset " + nameAt + " is not after the one before it"
                        + " (names are unique and in ascending order): the record is not FieldCodec's");
            }
            previous = name;
            int valueLength = length(record, at, "value of field " + name);
            if (wanted == null || wanted.contains(name)) {
                out.put(name, new ByteArrayByteIterator(record, at[0], valueLength));
            }
            at[0] += valueLength;
        }
        if (at[0] != record.length) {
            throw new IllegalArgumentException("record has " + (record.length - at[0]) + " bytes after its "
                    + count + " fields");
        }
    }

    /** {@code record} with {@code updates} applied: named fields replaced or added, the rest kept. */
    public static byte[] merge(byte[] record, Map<String, ByteIterator> updates) {
        TreeMap<String, byte[]> fields = new TreeMap<>();
        if (record != null) {
            java.util.HashMap<String, ByteIterator> old = new java.util.HashMap<>();
            decode(record, null, old);
            for (Map.Entry<String, ByteIterator> e : old.entrySet()) {
                fields.put(e.getKey(), e.getValue().toArray());
            }
        }
        for (Map.Entry<String, ByteIterator> e : updates.entrySet()) {
            fields.put(e.getKey(), e.getValue().toArray());
        }
        return encodeArrays(fields);
    }

    private static int length(byte[] b, int[] at, String what) {
        long n = readVarint(b, at);
        if (n > b.length - at[0]) {
            throw new IllegalArgumentException(what + " at offset " + at[0] + " declares " + n + " bytes; "
                    + (b.length - at[0]) + " are left");
        }
        return (int) n;
    }

    private static long readVarint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at[0] >= b.length) {
                throw new IllegalArgumentException("record ends inside a length at offset " + at[0]);
            }
            int x = b[at[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("length at offset " + (at[0] - 5) + " is longer than 5 bytes");
    }

    private static int varintSize(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] out, int at, int v) {
        while ((v & ~0x7F) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }
}
