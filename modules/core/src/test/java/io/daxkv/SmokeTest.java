package io.daxkv;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir Path dir;

    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void putGetReopen() {
        Options o = Options.builder().regionSizeBytes(4 << 20).build();
        try (DaxKV kv = DaxKV.open(dir.resolve("s"), o)) {
            kv.put(b("a"), b("1"));
            kv.put(b("b"), new byte[0]);
            kv.put(b("c"), new byte[3 << 20]);
            assertArrayEquals(b("1"), kv.get(b("a")));
            assertEquals(0, kv.get(b("b")).length);
            assertNull(kv.get(b("zz")));
            assertTrue(kv.delete(b("a")));

        }
        try (DaxKV kv = DaxKV.open(dir.resolve("s"), o)) {
            assertNull(kv.get(b("a")));
            assertEquals(0, kv.get(b("b")).length);
            assertEquals(3 << 20, kv.get(b("c")).length);

        }
    }

    @Test
    void statsShowFragmentationAsFreeExtentsBySizeClass() {
        Options o = Options.builder().regionSizeBytes(4 << 20).journalSizeBytes(1 << 20).build();
        try (DaxKV kv = DaxKV.open(dir.resolve("frag"), o)) {
            for (int i = 0; i < 2000; i++) {
                kv.put(b("k" + i), new byte[100 + i % 700]);
            }
            for (int i = 0; i < 2000; i += 2) {
                kv.delete(b("k" + i)); // holes between the survivors
            }
            kv.sync();
        }
        try (DaxKV kv = DaxKV.open(dir.resolve("frag"), o)) {
            Stats s = kv.stats();
            long[] h = s.freeExtentHistogram();
            long smallHoles = 0;
            long lowerBound = 0;
            for (int k = 0; k < h.length; k++) {
                lowerBound += h[k] << k;
                if (k < 4) {
                    smallHoles += h[k];
                }
            }
            assertTrue(smallHoles >= 500, "the deleted records left small holes: " + java.util.Arrays.toString(h));
            assertTrue(lowerBound <= s.blocksFree(), "classes cannot hold more than the free blocks: " + s);
            assertTrue(h.length > 4 && h[h.length - 1] > 0, "and the free tail is one large extent: " + s);
        }
    }
}
