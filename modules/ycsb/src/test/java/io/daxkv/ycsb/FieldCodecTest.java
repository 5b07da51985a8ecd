package io.daxkv.ycsb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;

class FieldCodecTest {

    /** YCSB's iterators are consumed by encoding: a fresh map of them each time. */
    static Map<String, ByteIterator> fields(Map<String, byte[]> values) {
        Map<String, ByteIterator> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, new ByteArrayByteIterator(v)));
        return m;
    }

    static Map<String, byte[]> decode(byte[] record, Set<String> wanted) {
        Map<String, ByteIterator> out = new HashMap<>();
        FieldCodec.decode(record, wanted, out);
        Map<String, byte[]> bytes = new TreeMap<>();
        out.forEach((k, v) -> bytes.put(k, v.toArray()));
        return bytes;
    }

    static void assertSameFields(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), "field " + k));
    }

    static Map<String, byte[]> ycsbRecord(Random random) {
        Map<String, byte[]> m = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            byte[] v = new byte[100];
            random.nextBytes(v);
            m.put("field" + i, v);
        }
        return m;
    }

    @Test
    void roundTripKeepsEveryFieldAndYcsbDefaultRecordIs1081Bytes() {
        Map<String, byte[]> values = ycsbRecord(new Random(1));
        byte[] record = FieldCodec.encode(fields(values));
        assertEquals(1081, record.length, "10 fields field0..field9 of 100 bytes, as the class comment says");
        assertSameFields(values, decode(record, null));
    }

    @Test
    void decodedIteratorsReadByteByByteAndReset() {
        byte[] record = FieldCodec.encode(fields(Map.of("a", new byte[] {1, 2, 3}, "b", new byte[] {4})));
        Map<String, ByteIterator> out = new HashMap<>();
        FieldCodec.decode(record, null, out);
        ByteIterator a = out.get("a");
        assertEquals(3, a.bytesLeft());
        assertEquals(1, a.nextByte());
        assertEquals(2, a.nextByte());
        assertEquals(3, a.nextByte());
        assertTrue(!a.hasNext(), "the iterator ends at its field's end, not the record's");
        a.reset();
        assertArrayEquals(new byte[] {1, 2, 3}, a.toArray());
    }

    @Test
    void subsetOfFieldsLeavesOutTheRestAndNamesNotStored() {
        Map<String, byte[]> values = ycsbRecord(new Random(2));
        byte[] record = FieldCodec.encode(fields(values));
        Map<String, byte[]> some = decode(record, Set.of("field3", "field7", "nosuchfield"));
        assertEquals(Set.of("field3", "field7"), some.keySet());
        assertArrayEquals(values.get("field3"), some.get("field3"));
        assertArrayEquals(values.get("field7"), some.get("field7"));
        assertEquals(Map.of(), decode(record, Set.of()));
    }

    @Test
    void mergeReplacesNamedFieldsAddsNewOnesAndKeepsTheRest() {
        byte[] old = FieldCodec.encode(fields(Map.of("a", bytes("1"), "b", bytes("2"), "c", bytes("3"))));
        byte[] merged = FieldCodec.merge(old, fields(Map.of("b", bytes("two"), "d", bytes("4"))));
        Map<String, byte[]> m = decode(merged, null);
        assertSameFields(Map.of("a", bytes("1"), "b", bytes("two"), "c", bytes("3"), "d", bytes("4")), m);
        assertArrayEquals(FieldCodec.encode(fields(m)), merged, "merge writes the canonical (sorted) encoding");

        byte[] fromNothing = FieldCodec.merge(null, fields(Map.of("x", bytes("y"))));
        assertArrayEquals(FieldCodec.encode(fields(Map.of("x", bytes("y")))), fromNothing);
        assertArrayEquals(old, FieldCodec.merge(old, fields(Map.of())), "an empty update changes nothing");
    }

    @Test
    void emptyRecordAndEmptyNamesAndValues() {
        byte[] empty = FieldCodec.encode(fields(Map.of()));
        assertArrayEquals(new byte[] {0}, empty);
        assertEquals(Map.of(), decode(empty, null));

        Map<String, byte[]> odd = Map.of("", new byte[0], "e", new byte[0]);
        assertSameFields(odd, decode(FieldCodec.encode(fields(odd)), null));
    }

    @Test
    void encodingIsSortedSoFieldOrderDoesNotMatter() {
        Map<String, byte[]> forward = new LinkedHashMap<>();
        Map<String, byte[]> backward = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            forward.put("f" + i, bytes("v" + i));
            backward.put("f" + (4 - i), bytes("v" + (4 - i)));
        }
        assertArrayEquals(FieldCodec.encode(fields(forward)), FieldCodec.encode(fields(backward)));
    }

    @Test
    void nonAsciiNamesRoundTrip() {
        Map<String, byte[]> m = Map.of("ключ", bytes("a"), "字段", bytes("b"), "\uD83D\uDE00", bytes("c"), "\uE000", bytes("d"));
        assertSameFields(m, decode(FieldCodec.encode(fields(m)), null));
    }

    /** Values and names of every length around the varint steps (1, 2, 3 and 4 byte lengths). */
    @Test
    void everyLengthBoundary() {
        int[] lengths = {0, 1, 127, 128, 129, 16383, 16384, 16385, 2097151, 2097152, 2097153};
        for (int length : lengths) {
            byte[] value = new byte[length];
            new Random(length).nextBytes(value);
            byte[] record = FieldCodec.encode(fields(Map.of("v", value)));
            assertEquals(1 + 1 + 1 + varintSize(length) + length, record.length, "value of " + length + " bytes");
            assertSameFields(Map.of("v", value), decode(record, null));
            assertTruncationsRejected(record, 64);

            if (length <= 16385) {
                String name = "n".repeat(length);
                byte[] r2 = FieldCodec.encode(fields(Map.of(name, bytes("x"))));
                assertEquals(1 + varintSize(length) + length + 1 + 1, r2.length, "name of " + length + " bytes");
                assertSameFields(Map.of(name, bytes("x")), decode(r2, null));
                assertTruncationsRejected(r2, 64);
            }
        }
        for (int count : new int[] {127, 128, 129}) {
            Map<String, byte[]> m = new HashMap<>();
            for (int i = 0; i < count; i++) {
                m.put(String.format("f%03d", i), new byte[] {(byte) i});
            }
            byte[] record = FieldCodec.encode(fields(m));
            assertEquals(varintSize(count) + count * (1 + 4 + 1 + 1), record.length, count + " fields");
            assertSameFields(m, decode(record, null));
        }
    }

    @Test
    void everyTruncationOfARecordIsRejectedWithTheOffset() {
        byte[] record = FieldCodec.encode(fields(ycsbRecord(new Random(3))));
        assertTruncationsRejected(record, Integer.MAX_VALUE);
    }

    /** Every prefix shorter than {@code record} (all of them, or the last {@code tail} and a few from the start). */
    private static void assertTruncationsRejected(byte[] record, int tail) {
        for (int cut = 0; cut < record.length; cut++) {
            if (cut > 16 && cut < record.length - tail) {
                continue;
            }
            byte[] prefix = Arrays.copyOf(record, cut);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(prefix,
                    null, new HashMap<>()), "prefix of " + cut + " of " + record.length + " bytes");
            assertTrue(e.getMessage().contains("offset") || e.getMessage().contains("bytes after"), e.getMessage());
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] record = FieldCodec.encode(fields(Map.of("a", bytes("b"))));
        byte[] longer = Arrays.copyOf(record, record.length + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldCodec.decode(longer, null, new HashMap<>()));
        assertTrue(e.getMessage().contains("1 bytes after its 1 fields"), e.getMessage());
    }

    @Test
    void lengthBeyondTheEndIsRejectedNamingWhatAndWhere() {
        // one field: name "a", value declared 200 bytes (varint C8 01), 1 byte present
        byte[] bad = {1, 1, 'a', (byte) 0xC8, 0x01, 7};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldCodec.decode(bad, null, new HashMap<>()));
        assertEquals("value of field a at offset 5 declares 200 bytes; 1 are left", e.getMessage());

        // a name length of 2^32 - 1 (the largest 5-byte varint): no overflow, no allocation
        byte[] huge = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 'a'};
        e = assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(huge, null, new HashMap<>()));
        assertTrue(e.getMessage().startsWith("field name at offset 6 declares 4294967295 bytes"), e.getMessage());
    }

    @Test
    void overlongVarintIsRejected() {
        byte[] bad = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldCodec.decode(bad, null, new HashMap<>()));
        assertEquals("length at offset 0 is longer than 5 bytes", e.getMessage());
    }

    @Test
    void hugeFieldCountOnAShortRecordIsRejected() {
        byte[] bad = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 1, 'a', 0};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldCodec.decode(bad, null, new HashMap<>()));
        assertTrue(e.getMessage().contains("record ends inside a length at offset 8"), e.getMessage());
    }

    @Test
    void repeatedOrUnsortedNamesAreRejected() {
        byte[] repeated = {2, 1, 'a', 1, 'x', 1, 'a', 1, 'y'};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FieldCodec.decode(repeated, null, new HashMap<>()));
        assertTrue(e.getMessage().startsWith("field name at offset 5 is not after the one before it"), e.getMessage());
        byte[] unsorted = {2, 1, 'b', 0, 1, 'a', 0};
        assertThrows(IllegalArgumentException.class, () -> FieldCodec.decode(unsorted, null, new HashMap<>()));
    }

    /** Random bytes and random corruptions of a real record: a clean decode or IllegalArgumentException, nothing else. */
    @Test
    void garbledInputNeverEscapesAsAnotherException() {
        Random random = new Random(42);
        byte[] good = FieldCodec.encode(fields(ycsbRecord(random)));
        for (int round = 0; round < 20_000; round++) {
            byte[] input;
            if (round % 2 == 0) {
                input = new byte[random.nextInt(64)];
                random.nextBytes(input);
            } else {
                input = good.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                }
                if (random.nextBoolean()) {
                    input = Arrays.copyOf(input, random.nextInt(input.length + 1));
                }
            }
            try {
                FieldCodec.decode(input, null, new HashMap<>());
            } catch (IllegalArgumentException expected) {
                // the one failure decode may report
            } catch (RuntimeException e) {
                fail("round " + round + ": " + e, e);
            }
        }
    }

    private static int varintSize(int v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
