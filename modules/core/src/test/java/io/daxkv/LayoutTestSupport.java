package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.region.Manifest;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Byte-level helpers for the layout and damaged-metadata tests: read and patch a closed store's
 * files in place (little-endian, as the layout classes document), snapshot and restore a store
 * directory, and CRC32C over raw bytes. Nothing here goes through the engine.
 */
final class LayoutTestSupport {

    /** The smallest region the options allow: keeps every test's files at 4 MiB. */
    static final long REGION_BYTES = 4L << 20;
    /** The smallest journal: snapshots of a store stay small. */
    static final long JOURNAL_BYTES = 1L << 20;
    /** The lock file the engine creates; its content is irrelevant and it is never compared. */
    static final String LOCK_FILE = "LOCK";

    private LayoutTestSupport() {
    }

    static Options small() {
        return Options.builder().regionSizeBytes(REGION_BYTES).journalSizeBytes(JOURNAL_BYTES).build();
    }

    static Options small(int blockSizeBytes) {
        return Options.builder().regionSizeBytes(REGION_BYTES).blockSizeBytes(blockSizeBytes).journalSizeBytes(JOURNAL_BYTES)
                .build();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Path regionFile(Path store, int regionId) {
        return store.resolve(Manifest.regionFileName(regionId));
    }

    static Path manifestFile(Path store) {
        return store.resolve(Manifest.FILE_NAME);
    }

    // ------------------------------------------------------------------------ raw file access

    static byte[] read(Path file, long offset, int length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] out = new byte[length];
            f.seek(offset);
            f.readFully(out);
            return out;
        }
    }

    static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(bytes);
            f.getFD().sync();
        }
    }

    static int readIntLE(Path file, long offset) throws IOException {
        return ByteBuffer.wrap(read(file, offset, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    static long readLongLE(Path file, long offset) throws IOException {
        return ByteBuffer.wrap(read(file, offset, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static void writeIntLE(Path file, long offset, int value) throws IOException {
        write(file, offset, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value).array());
    }

    static int intLE(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
    }

    static long longLE(byte[] b, int at) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
    }

    /** Inverts every bit of the byte at {@code offset}; returns the byte that was there. */
    static byte flipByte(Path file, long offset) throws IOException {
        byte old = read(file, offset, 1)[0];
        write(file, offset, new byte[] {(byte) ~old});
        return old;
    }

    static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    static int crc32c(byte[] b, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, offset, length);
        return (int) crc.getValue();
    }

    /** CRC32C of {@code seed} ints (little-endian) followed by {@code b[offset, offset + length)}. */
    static int seededCrc32c(int seed0, int seed1, byte[] b, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(seed0).putInt(seed1).array());
        crc.update(b, offset, length);
        return (int) crc.getValue();
    }

    /** First offset of {@code pattern} in {@code file} at or after {@code from}, or -1. */
    static long indexOf(Path file, byte[] pattern, long from) throws IOException {
        byte[] all = Files.readAllBytes(file);
        outer:
        for (int i = (int) from; i <= all.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (all[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ----------------------------------------------------------------- snapshot and restore

    /**
     * Every regular file of {@code dir} but the lock file, by name, with its bytes. Of a store
     * that is open, a temporary file (an index checkpoint being written) is left out: it may be
     * renamed or gone between listing and reading, and a crash image without it is one a crash
     * just before it was made.
     */
    static Map<String, byte[]> snapshot(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !name.equals(LOCK_FILE) && !name.endsWith(".tmp")) {
                    try {
                        out.put(name, Files.readAllBytes(p));
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // an old index checkpoint deleted after the listing
                    }
                }
            }
        }
        return out;
    }

    /**
     * The damage fixture's contents: 40 small keys ({@code key-i} of 9 + 7i bytes, one block to
     * a few) and one chained value ({@code big}, 1.25 MiB of seeded random bytes), in write order.
     */
    static Map<String, byte[]> fixtureData() {
        Map<String, byte[]> data = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            data.put("key-" + i, b("value-" + i + "-" + "x".repeat(i * 7)));
        }
        byte[] big = new byte[(1 << 20) + (1 << 18)];
        new java.util.Random(11).nextBytes(big);
        data.put("big", big);
        return data;
    }

    /** Writes {@link #fixtureData()} into a new store at {@code dir} and closes it clean; returns the data. */
    static Map<String, byte[]> writeFixture(Path dir, Options options) {
        Map<String, byte[]> data = fixtureData();
        try (DaxKV kv = DaxKV.open(dir, options)) {
            data.forEach((k, v) -> kv.put(b(k), v));
        }
        return data;
    }

    /** The names in {@code files} that are not index checkpoints. */
    static java.util.Set<String> withoutIndexCheckpoints(java.util.Set<String> files) {
        java.util.Set<String> out = new java.util.TreeSet<>(files);
        out.removeIf(io.daxkv.index.IndexCheckpoint::isCheckpointFile);
        return out;
    }

    /** Puts {@code dir} back to {@code snap}: same files (lock file aside), same bytes. */
    static void restore(Path dir, Map<String, byte[]> snap) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (!name.equals(LOCK_FILE) && !snap.containsKey(name)) {
                    Files.delete(p);
                }
            }
        }
        for (Map.Entry<String, byte[]> e : snap.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    /** Copies every file but the lock file: what a crash would leave on disk after a sync. */
    static void copyStore(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        restore(to, snapshot(from));
    }

    /** Asserts that {@code dir} holds exactly {@code expected} (lock file aside), byte for byte. */
    static void assertSameFiles(Map<String, byte[]> expected, Path dir, String why) throws IOException {
        Map<String, byte[]> actual = snapshot(dir);
        assertEquals(expected.keySet(), actual.keySet(), why + ": the set of files changed");
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            byte[] a = actual.get(e.getKey());
            assertEquals(e.getValue().length, a.length, why + ": " + e.getKey() + " changed length");
            int first = -1;
            for (int i = 0; i < a.length; i++) {
                if (a[i] != e.getValue()[i]) {
                    first = i;
                    break;
                }
            }
            assertEquals(-1, first, why + ": " + e.getKey() + " changed, first at byte " + first);
        }
    }

    /** Asserts that every key of {@code data} reads back its value and nothing else is stored. */
    static void assertContents(DaxKV kv, Map<String, byte[]> data) {
        assertEquals(data.size(), kv.stats().keys(), "key count");
        for (Map.Entry<String, byte[]> e : data.entrySet()) {
            assertArrayEquals(e.getValue(), kv.get(b(e.getKey())), "value of " + e.getKey());
        }
        int seen = 0;
        try (Cursor c = kv.scan(new byte[0], null)) {
            while (c.hasNext()) {
                Entry en = c.next();
                String k = new String(en.key(), StandardCharsets.UTF_8);
                assertTrue(data.containsKey(k), "scan returned a key never stored: " + k);
                assertArrayEquals(data.get(k), en.value(), "scanned value of " + k);
                seen++;
            }
        }
        assertEquals(data.size(), seen, "keys seen by a full scan");
    }
}
