package io.daxkv.client;

import static io.daxkv.client.FakeServer.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Pipelined load from several threads while the server keeps dropping every connection: every
 * future must complete, no read may return a wrong value, a write reported as not sent must
 * not be there, a write reported done must be, and no permit may leak.
 */
class ChaosTest {

    private record PutOutcome(String key, byte[] value, CompletableFuture<Void> future) {
    }

    @Test
    void everyFutureCompletesAndNothingIsWrongWhileConnectionsKeepDropping() throws Exception {
        int threads = 4;
        int perThread = 3_000;
        try (FakeServer server = FakeServer.start();
             DaxKVClient client = DaxKVClient.connect(server.options().connections(2).ioThreads(2)
                     .maxInFlightPerConnection(64).requestTimeout(Duration.ofSeconds(5))
                     .reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build())) {
            server.maxDelayMicros = 200;
            for (int i = 0; i < 100; i++) {
                server.putDirect("fixed" + i, b("fixed value " + i));
            }
            AtomicInteger completed = new AtomicInteger();
            Queue<String> wrong = new ConcurrentLinkedQueue<>();
            Queue<PutOutcome> puts = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<?>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    workers.add(pool.submit(() -> {
                        Semaphore window = new Semaphore(16); // 64 in all: one live connection's worth
                        for (int i = 0; i < perThread; i++) {
                            window.acquire();
                            CompletableFuture<?> f;
                            if (i % 2 == 0) {
                                String key = thread + "/" + i;
                                byte[] value = b("value " + key);
                                CompletableFuture<Void> put = client.put(b(key), value);
                                puts.add(new PutOutcome(key, value, put));
                                f = put;
                            } else {
                                int n = i % 100;
                                f = client.get(b("fixed" + n)).thenAccept(v -> {
                                    if (!Arrays.equals(b("fixed value " + n), v)) {
                                        wrong.add("fixed" + n + " read as " + (v == null ? null : new String(v)));
                                    }
                                });
                            }
                            all.add(f);
                            f.whenComplete((r, e) -> {
                                window.release();
                                if (e != null && !expected(e)) {
                                    wrong.add("unexpected failure: " + e);
                                }
                                if (completed.incrementAndGet() % 400 == 0) {
                                    server.closeConnectionsNow();
                                }
                            });
                        }
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get(120, TimeUnit.SECONDS);
                }
                // every future completes: none hangs past its deadline
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                        .handle((r, e) -> null).get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertTrue(wrong.isEmpty(), () -> wrong.size() + " wrong outcomes, e.g. " + wrong.peek());
            assertEquals(threads * perThread, completed.get());
            assertTrue(server.connectionsAccepted.get() > 10, "connections dropped: " + server.connectionsAccepted.get());

            int ok = 0;
            int unknown = 0;
            int notSent = 0;
            for (PutOutcome p : puts) {
                Throwable failure = p.future.handle((r, e) -> e).join();
                if (failure == null) {
                    ok++;
                    assertArrayEquals(p.value, server.getDirect(p.key), p.key + " acknowledged but not stored");
                } else if (notSent(failure)) {
                    assertNull(server.getDirect(p.key), p.key + " reported as not sent but stored: " + failure);
                    notSent++;
                } else {
                    unknown++;
                }
            }
            assertTrue(ok > 0, "some puts succeeded");
            System.out.println("chaos: puts " + ok + " done, " + unknown + " outcome unknown, " + notSent
                    + " not sent; " + server.connectionsAccepted.get() + " connections");

            // no permit leaked: once the loops ran what was queued, nothing is in flight
            client.core().barrier().get(10, TimeUnit.SECONDS);
            assertEquals(0, client.inFlightRequests());
            assertArrayEquals(b("still fine"), client.blocking().ping(b("still fine")));
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static boolean expected(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof DaxKVClientException.ConnectionLost || t instanceof DaxKVClientException.Timeout
                || t instanceof DaxKVClientException.Overloaded;
    }

    private static boolean notSent(Throwable e) {
        Throwable t = unwrap(e);
        return t instanceof DaxKVClientException.Overloaded
                || t instanceof DaxKVClientException.Timeout timeout && !timeout.sent();
    }
}
