package io.daxkv.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.client.BlockingClient;
import io.daxkv.client.ClientOptions;
import io.daxkv.client.DaxKVClient;
import io.daxkv.client.DaxKVClientException;
import io.daxkv.client.Durability;
import io.daxkv.server.lin.Checker;
import io.daxkv.server.lin.History;
import io.daxkv.server.lin.Op;
import io.daxkv.server.lin.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Five clients do concurrent puts, gets, deletes, put-if-absents and replaces on three keys over
 * the network, with ASYNC and SYNC writes mixed; the history (a few hundred operations per key)
 * must be linearizable per key. Some requests get a timeout so short that many expire after
 * being sent: a write that times out may or may not have happened, and the checker allows both.
 */
class LinearizabilityTest {

    private static final int CLIENTS = 5;
    private static final String[] KEYS = {"x", "y", "z"};

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void concurrentClientsAreLinearizablePerKey(long seed) throws Exception {
        int opsPerClient = 200;
        History history = new History();
        try (TestServer ts = new TestServer(tmp.resolve("s"))) {
            List<DaxKVClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(DaxKVClient.connect(ClientOptions.builder().port(ts.address().getPort())
                        .requestTimeout(Duration.ofSeconds(10)).build()));
            }
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Void>> runs = new ArrayList<>();
                for (int id = 0; id < CLIENTS; id++) {
                    int client = id;
                    DaxKVClient c = clients.get(id);
                    runs.add(CompletableFuture.runAsync(() -> run(client, c, seed, opsPerClient, history, go)));
                }
                go.countDown();
                CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            } finally {
                clients.forEach(DaxKVClient::close);
            }
        }
        Result result = new Checker().check(history);
        int total = history.operations().size();
        assertTrue(total >= KEYS.length * 200, "a few hundred operations per key: " + total);
        result.assertOk();
    }

    private static void run(int client, DaxKVClient c, long seed, int ops, History history, CountDownLatch go) {
        SplittableRandom random = new SplittableRandom(seed * 31 + client);
        BlockingClient normal = c.blocking();
        BlockingClient hasty = c.withTimeout(Duration.ofNanos(50_000)).blocking();
        try {
            go.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < ops; i++) {
            String key = KEYS[random.nextInt(KEYS.length)];
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            String value = "c" + client + "-" + i;
            byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
            Durability d = random.nextBoolean() ? Durability.SYNC : Durability.ASYNC;
            BlockingClient kv = random.nextInt(10) == 0 ? hasty : normal;
            int kind = random.nextInt(10);
            Op op = switch (kind) {
                case 0, 1, 2 -> Op.put(value);
                case 3, 4, 5 -> Op.get();
                case 6 -> Op.delete();
                case 7, 8 -> Op.putIfAbsent(value);
                default -> Op.replace(value);
            };
            History.Call call = history.invoke(client, key, op);
            try {
                switch (kind) {
                    case 0, 1, 2 -> {
                        kv.put(k, v, d);
                        call.ok();
                    }
                    case 3, 4, 5 -> call.okValue(Op.value(kv.get(k)));
                    case 6 -> call.okFlag(kv.delete(k, d));
                    case 7, 8 -> call.okFlag(kv.putIfAbsent(k, v, d));
                    default -> call.okFlag(kv.replace(k, v, d));
                }
            } catch (DaxKVClientException.Timeout e) {
                if (e.sent()) {
                    call.unknown(); // may have happened, at any time from now on
                } else {
                    call.failed(); // never left the client
                }
            } catch (DaxKVClientException.ConnectionLost e) {
                call.unknown();
            }
        }
    }
}
