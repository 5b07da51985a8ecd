package io.daxkv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.region.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store grows by regions, discards regions a crash left half-created, and holds the largest value. */
class GrowthTest {

    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRegionListedAsCreatingIsDiscardedAndTheDataKept() throws IOException {
        Path dir = tmp.resolve("s");
        try (DaxKV kv = DaxKV.open(dir, Options.builder().regionSizeBytes(4 << 20).build())) {
            kv.put(b("k"), b("v"));
        }
        // what a crash between "listed CREATING" and "ACTIVE" leaves: the entry and a partial file
        Manifest m = Manifest.read(dir);
        int id = m.nextRegionId;
        m.withRegion(id, Manifest.REGION_CREATING).write(dir);
        Path half = dir.resolve(Manifest.regionFileName(id));
        Files.write(half, new byte[12345]);
        // and a region file the manifest never listed (crash before the manifest write)
        Path stray = dir.resolve(Manifest.regionFileName(id + 7));
        Files.write(stray, new byte[100]);

        try (DaxKV kv = DaxKV.open(dir)) {
            assertArrayEquals(b("v"), kv.get(b("k")));
            assertEquals(1, kv.stats().regions());
        }
        assertFalse(Files.exists(half), "half-created region file removed");
        assertFalse(Files.exists(stray), "unlisted region file removed");
        Manifest after = Manifest.read(dir);
        assertTrue(after.regions.stream().allMatch(e -> e.state == Manifest.REGION_ACTIVE), "only active regions listed");
        assertEquals(1, after.regions.size());
    }

    @Test
    void theStoreGrowsByRegionsAndKeepsEverythingAcrossReopen() {
        Path dir = tmp.resolve("s");
        Options small = Options.builder().regionSizeBytes(4 << 20).build();
        byte[] v = new byte[10_000];
        new SplittableRandom(1).nextBytes(v);
        try (DaxKV kv = DaxKV.open(dir, small)) {
            for (int i = 0; i < 2000; i++) { // ~20 MB into 4 MiB regions
                kv.put(b("k" + i), v);
            }
            assertTrue(kv.stats().regions() >= 5, "grew: " + kv.stats());
        }
        try (DaxKV kv = DaxKV.open(dir, small)) {
            for (int i = 0; i < 2000; i++) {
                assertArrayEquals(v, kv.get(b("k" + i)), "k" + i);
            }
        }
    }

    @Test
    void aValueOfTheMaximumLengthRoundTrips() {
        Path dir = tmp.resolve("s");
        byte[] v = new byte[(int) DaxKV.MAX_VALUE_BYTES];
        new SplittableRandom(2).nextBytes(v);
        try (DaxKV kv = DaxKV.open(dir)) {
            kv.put(b("big"), v);
            assertArrayEquals(v, kv.get(b("big")));
        }
        try (DaxKV kv = DaxKV.open(dir)) {
            assertArrayEquals(v, kv.get(b("big")), "after reopen");
            assertTrue(kv.delete(b("big")));
        }
        try (DaxKV kv = DaxKV.open(dir)) {
            assertEquals(null, kv.get(b("big")));
            assertEquals(0, kv.stats().blocksUsed(), "every chunk of the deleted value is free again");
        }
    }
}
