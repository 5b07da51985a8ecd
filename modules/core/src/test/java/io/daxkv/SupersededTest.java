package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Superseded records keep their magic until the flusher thread clears them (a few ms later), so
 * the writer never touches the old record's page. These tests take a crash image at once (a
 * copy of the files while the store is open, which is what a SIGKILL leaves: the page cache) and
 * check that an intact older version never wins: over a newer put by sequence, and over a
 * delete because the delete clears every queued older version first.
 */
class SupersededTest {

    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final int KEYS = 300;

    @Test
    void aDeleteClearsOlderVersionsStillQueued() throws IOException {
        Path dir = tmp.resolve("s");
        Path image = tmp.resolve("image");
        try (DaxKV kv = DaxKV.open(dir, Options.builder().regionSizeBytes(8 << 20).build())) {
            for (int i = 0; i < KEYS; i++) {
                kv.put(b("k" + i), b("old" + i));
                kv.put(b("k" + i), b("new" + i)); // "old" is now superseded, its magic not yet cleared
                kv.delete(b("k" + i));
            }
            LayoutTestSupport.copyStore(dir, image);
        }
        try (DaxKV kv = DaxKV.open(image)) {
            for (int i = 0; i < KEYS; i++) {
                assertNull(kv.get(b("k" + i)), "key k" + i + " came back after its delete");
            }
        }
    }

    @Test
    void anIntactOlderVersionLosesToTheNewerOne() throws IOException {
        Path dir = tmp.resolve("s");
        Path image = tmp.resolve("image");
        try (DaxKV kv = DaxKV.open(dir, Options.builder().regionSizeBytes(8 << 20).build())) {
            for (int i = 0; i < KEYS; i++) {
                kv.put(b("k" + i), b("old" + i));
                kv.put(b("k" + i), b("new" + i));
            }
            LayoutTestSupport.copyStore(dir, image);
        }
        try (DaxKV kv = DaxKV.open(image)) {
            for (int i = 0; i < KEYS; i++) {
                assertArrayEquals(b("new" + i), kv.get(b("k" + i)), "key k" + i);
            }
        }
    }
}
