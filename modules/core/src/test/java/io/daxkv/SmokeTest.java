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
}
