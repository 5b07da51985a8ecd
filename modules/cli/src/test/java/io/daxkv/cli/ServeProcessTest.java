package io.daxkv.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.JvmFlags;
import io.daxkv.client.ClientOptions;
import io.daxkv.client.DaxKVClient;
import io.daxkv.client.DaxKVClientException;
import io.daxkv.client.Durability;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code daxkv serve} in a child JVM, stopped with SIGTERM while writes are in flight: it exits
 * after a graceful shutdown, every write it acknowledged is in the store, and the store was
 * closed clean (the next open replays nothing).
 */
class ServeProcessTest {

    @TempDir
    Path tmp;

    @Test
    void sigtermDrainsCommitsAndClosesTheStore() throws Exception {
        Path dir = tmp.resolve("store");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JvmFlags.commandLine());
        cmd.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--dir", dir.toString(), "--port", "0", "--admin-port", "0",
                "--set", "store.region-size=8M", "--set", "store.journal-size=8M", "--set", "store.commit-interval=1s"));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("stderr.txt").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
            String banner = out.readLine();
            assertTrue(banner != null, "serve printed its banner; stderr: " + Files.readString(tmp.resolve("stderr.txt")));
            Matcher m = Pattern.compile(" on 127\\.0\\.0\\.1:(\\d+), admin http://127\\.0\\.0\\.1:\\d+/metrics$").matcher(banner);
            assertTrue(m.find(), banner);
            int port = Integer.parseInt(m.group(1));

            int n = 3000;
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            try (DaxKVClient c = DaxKVClient.connect(ClientOptions.builder().port(port).build())) {
                // ASYNC writes acknowledged before the signal, not yet committed (1 s interval)
                for (int i = 0; i < 200; i++) {
                    c.blocking().put(("early" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8), Durability.ASYNC);
                }
                for (int i = 0; i < n; i++) {
                    acks.add(c.put(("k" + i).getBytes(UTF_8), ("v" + i).getBytes(UTF_8), Durability.SYNC));
                    if (i == n / 3) {
                        acks.get(0).get(30, TimeUnit.SECONDS); // the server is answering: some are done
                        p.destroy(); // SIGTERM with writes in flight
                    }
                }
                CompletableFuture.allOf(acks.stream().map(f -> f.handle((v, e) -> null)).toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
            } catch (DaxKVClientException e) {
                // the connection may go away while later puts are being sent
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve exited after SIGTERM");
            assertEquals(143, p.exitValue(), "128 + SIGTERM, after the shutdown hook ran");
            String stderr = Files.readString(tmp.resolve("stderr.txt"));
            assertTrue(stderr.contains("daxkv: stopped; store " + dir + " closed"), stderr);

            int acknowledged = 0;
            try (DaxKV kv = DaxKV.open(dir)) {
                assertEquals(0, kv.stats().replayedTransactions(), "closed clean: nothing to replay");
                assertEquals(0, kv.stats().regionsOpenedDirty(), "closed clean: no region dirty");
                for (int i = 0; i < 200; i++) {
                    assertArrayEquals(("v" + i).getBytes(UTF_8), kv.get(("early" + i).getBytes(UTF_8)), "early" + i);
                }
                for (int i = 0; i < n; i++) {
                    CompletableFuture<Void> f = acks.get(i);
                    if (f.isDone() && !f.isCompletedExceptionally()) {
                        acknowledged++;
                        assertArrayEquals(("v" + i).getBytes(UTF_8), kv.get(("k" + i).getBytes(UTF_8)), "acknowledged k" + i);
                    }
                }
            }
            assertTrue(acknowledged > 0, "some SYNC puts were acknowledged");
        } finally {
            p.destroyForcibly();
        }
    }
}
