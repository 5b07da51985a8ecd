package io.daxkv.client;

import static io.daxkv.client.FakeServer.b;
import static io.daxkv.client.FakeServer.bs;
import static io.daxkv.client.TestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many requests in flight at once, answered in any order, matched by id. */
class PipeliningTest {

    @Test
    void answersOutOfOrderReachTheirOwnCallers() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().build())) {
            server.putDirect("slow", b("slow value"));
            server.putDirect("fast", b("fast value"));
            server.holdAnswer.add(bs("slow"));
            CompletableFuture<byte[]> slow = client.get(b("slow"));
            assertTrue(server.awaitHeld(1));
            // the second request overtakes the first on the same connection
            assertArrayEquals(b("fast value"), value(client.get(b("fast"))));
            assertFalse(slow.isDone());
            server.releaseHeld();
            assertArrayEquals(b("slow value"), value(slow));
        }
    }

    @Test
    void heldAnswersReleasedInReverseOrderMatchById() throws Exception {
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().build())) {
            List<CompletableFuture<byte[]>> pings = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                server.holdAnswer.add(bs("p" + i));
                pings.add(client.ping(b("p" + i)));
            }
            assertTrue(server.awaitHeld(50));
            server.releaseHeld();
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(b("p" + i), value(pings.get(i)));
            }
        }
    }

    @Test
    void thousandsOfConcurrentRequestsFromManyThreadsAllCompleteRight() throws Exception {
        int threads = 8;
        int perThread = 2_000;
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().connections(2).ioThreads(2)
                     .maxInFlightPerConnection(threads * perThread).build())) {
            server.maxDelayMicros = 500; // answers overtake each other
            server.strayResponses = true; // and ids nobody asked for are ignored
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        List<CompletableFuture<Void>> puts = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            puts.add(client.put(b(thread + "/" + i), b("value " + thread + "/" + i)));
                        }
                        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
                        List<CompletableFuture<byte[]>> gets = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            gets.add(client.get(b(thread + "/" + i)));
                        }
                        int right = 0;
                        for (int i = 0; i < perThread; i++) {
                            byte[] v = gets.get(i).get(30, TimeUnit.SECONDS);
                            assertArrayEquals(b("value " + thread + "/" + i), v, "key " + thread + "/" + i);
                            right++;
                        }
                        return right;
                    }));
                }
                int total = 0;
                for (Future<Integer> r : results) {
                    total += r.get(60, TimeUnit.SECONDS);
                }
                assertEquals(threads * perThread, total);
            } finally {
                pool.shutdownNow();
            }
            assertEquals((long) threads * perThread, value(client.stats()).get("keys"));
        }
    }
}
