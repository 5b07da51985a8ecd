package io.daxkv.server;

import static io.daxkv.server.WireProtocolTest.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.protocol.Durability;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * close() while pipelined SYNC writes are in flight: every write answered OK is in the store
 * after reopen, every write answered SHUTTING_DOWN is not, and the server closes the connection.
 */
class GracefulShutdownTest {

    @TempDir
    Path tmp;

    @RepeatedTest(3)
    void closeFinishesWhatItReadAndLosesNothingAcknowledged() throws Exception {
        Path dir = tmp.resolve("s");
        int n = 400;
        Map<Long, Status> answers = new HashMap<>();
        TestServer ts = new TestServer(dir);
        try (WireClient c = WireClient.connected(ts.address())) {
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; i < n; i++) {
                burst.writeBytes(FrameEncoder.toBytes(put(100 + i, "k" + i, "v" + i).toBuilder()
                        .setDurability(Durability.DURABILITY_SYNC).build()));
            }
            c.sendRaw(burst.toByteArray());
            // shut down while the burst is being read and committed
            CompletableFuture<Void> closing = CompletableFuture.runAsync(ts::close);
            try {
                while (true) {
                    Response r = c.read();
                    answers.put(r.getId(), r.getStatus());
                }
            } catch (EOFException | SocketException e) {
                // the server closed the connection after its last answer
            }
            closing.join();
        }
        int ok = 0;
        int refused = 0;
        try (DaxKV kv = DaxKV.open(dir)) {
            for (int i = 0; i < n; i++) {
                Status s = answers.get(100L + i);
                byte[] v = kv.get(("k" + i).getBytes(StandardCharsets.UTF_8));
                if (s == Status.OK) {
                    ok++;
                    assertArrayEquals(("v" + i).getBytes(StandardCharsets.UTF_8), v, "acknowledged put " + i);
                } else if (s == Status.SHUTTING_DOWN) {
                    refused++;
                    assertNull(v, "put " + i + " was refused, so it must not be stored");
                } else {
                    assertNull(s, "put " + i + ": unexpected status");
                }
            }
        }
        assertEquals(answers.size(), ok + refused, "every answer was OK or SHUTTING_DOWN");
        assertTrue(ok + refused > 0, "some requests were answered before the close");
    }
}
