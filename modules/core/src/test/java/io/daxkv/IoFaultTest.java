package io.daxkv;

import static io.daxkv.LayoutTestSupport.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * I/O faults: the Nth flush of any mapping (region or journal: at open, at a commit, at a
 * checkpoint) fails, and every later one too. The caller gets a clean error (StorageIO at open,
 * ReadOnly from a write), reads go on, close does not hang, and a reopen on a healthy device
 * finds every acknowledged write.
 */
class IoFaultTest {

    @TempDir
    Path tmp;

    static int[] failures() {
        int[] n = new int[40];
        for (int i = 0; i < n.length; i++) {
            n[i] = i < 30 ? i + 1 : 30 + (i - 29) * 15; // every early flush, then later ones (checkpoints)
        }
        return n;
    }

    @ParameterizedTest(name = "flush {0} fails")
    @MethodSource("failures")
    void aFailedFlushIsACleanErrorAndNothingAcknowledgedIsLost(int failFrom) {
        Path dir = tmp.resolve("store");
        AtomicInteger flushes = new AtomicInteger();
        Options healthy = LayoutTestSupport.small().toBuilder().durability(Durability.SYNC).build();
        Options failing = healthy.toBuilder()
                .memoryWrapper((file, memory) -> new FailingMemory(memory, flushes, failFrom)).build();
        Map<String, byte[]> acked = new HashMap<>(); // null value: deleted
        Map<String, byte[]> inFlight = new HashMap<>(); // the operation that failed: applied or not

        boolean failed = false;
        DaxKV kv = null;
        try {
            kv = DaxKV.open(dir, failing);
        } catch (DaxKVException.StorageIO e) {
            assertTrue(e.getMessage().contains("injected"), "names the failure: " + e.getMessage());
            failed = true;
        }
        if (kv != null) {
            try {
                for (int i = 0; i < 400 && !failed; i++) {
                    String k = "k" + (i % 23);
                    byte[] v = b("value-" + i + "-" + "x".repeat(i % 300));
                    inFlight.clear();
                    try {
                        if (i % 5 == 4) {
                            inFlight.put(k, null);
                            kv.delete(b(k));
                        } else if (i % 7 == 6) {
                            inFlight.put(k, v);
                            inFlight.put("b" + (i % 11), v);
                            WriteBatch batch = new WriteBatch();
                            inFlight.forEach((key, value) -> batch.put(b(key), value));
                            kv.write(batch);
                        } else {
                            inFlight.put(k, v);
                            kv.put(b(k), v);
                        }
                        acked.putAll(inFlight);
                        inFlight.clear();
                    } catch (DaxKVException.ReadOnly e) {
                        assertTrue(e.getMessage().contains("refuses writes"), e.getMessage());
                        failed = true;
                    }
                }
                if (failed) {
                    DaxKV store = kv;
                    assertThrows(DaxKVException.ReadOnly.class, () -> store.put(b("after"), b("x")), "writes stay refused");
                    for (Map.Entry<String, byte[]> e : acked.entrySet()) {
                        if (!inFlight.containsKey(e.getKey()) && e.getValue() != null) {
                            assertArrayEquals(e.getValue(), kv.get(b(e.getKey())), "reads go on: " + e.getKey());
                        }
                    }
                }
            } finally {
                try {
                    kv.close();
                } catch (DaxKVException.StorageIO e) {
                    assertTrue(failed || flushes.get() >= failFrom, "close failed although no flush had: " + e);
                }
            }
        }
        assertTrue(failed || flushes.get() < failFrom, "flush " + failFrom + " failed without an error reaching the caller");
        try (DaxKV again = DaxKV.open(dir, healthy)) {
            for (Map.Entry<String, byte[]> e : acked.entrySet()) {
                byte[] got = again.get(b(e.getKey()));
                if (inFlight.containsKey(e.getKey())) {
                    byte[] maybe = inFlight.get(e.getKey());
                    assertTrue(java.util.Arrays.equals(got, e.getValue()) || java.util.Arrays.equals(got, maybe),
                            "in-flight key " + e.getKey() + ": the acknowledged value or the one in flight");
                } else if (e.getValue() == null) {
                    assertNull(got, "deleted and acknowledged: " + e.getKey());
                } else {
                    assertArrayEquals(e.getValue(), got, "acknowledged: " + e.getKey());
                }
            }
            again.put(b("healthy"), b("again"));
        }
    }
}
