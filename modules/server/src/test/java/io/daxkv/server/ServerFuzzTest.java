package io.daxkv.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import io.daxkv.protocol.Get;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the server's decoder and request handler through a real socket: after a hello, the
 * input's bytes are sent as they are and the client half-closes. In a plain test run this
 * replays the committed corpus under {@code
 * src/test/resources/io/daxkv/server/ServerFuzzTestInputs/requests/} (valid operations, every
 * limit, malformed frames); {@code JAZZER_FUZZ=1} fuzzes and adds to it.
 *
 * <p>Properties: every frame the server sends parses as a Response and none says INTERNAL;
 * the server ends the exchange by closing (it never hangs past the frame deadline); and
 * afterwards it still serves a new connection, with the sentinel key it was given intact.
 */
class ServerFuzzTest {

    private static final byte[] SENTINEL_KEY = new byte[200]; // the limit: fuzz inputs rarely write it
    private static final byte[] SENTINEL = "intact".getBytes(StandardCharsets.UTF_8);
    private static Path dir;
    private static TestServer ts;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("daxkv-fuzz");
        java.util.Arrays.fill(SENTINEL_KEY, (byte) 0xA5);
        ts = new TestServer(dir.resolve("s"), java.util.Map.of("limits.max-key", "200", "limits.max-value", "2000",
                "limits.max-frame", "4K", "limits.frame-deadline", "500ms"));
        ts.kv.put(SENTINEL_KEY, SENTINEL);
    }

    @AfterAll
    static void stop() throws IOException {
        ts.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void requests(byte[] data) throws IOException {
        // the sockets below go to our own server on loopback, not to a place the input names
        try (var allowed = BugDetectors.allowNetworkConnections((host, port) -> port == ts.address().getPort())) {
            exchange(data);
        }
    }

    private static void exchange(byte[] data) throws IOException {
        try (WireClient c = WireClient.connected(ts.address())) {
            c.sendRaw(data);
            c.socket().shutdownOutput();
            try {
                while (true) {
                    Response r = c.read();
                    assertNotEquals(Status.INTERNAL, r.getStatus(), r.toString());
                }
            } catch (EOFException | SocketException e) {
                // the server closed: it read everything, or gave up on a bad stream
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered nor closed within 10 s", e);
            }
        }
        try (WireClient c = WireClient.connected(ts.address())) {
            Response r = c.call(Request.newBuilder().setId(1).setGet(Get.newBuilder()
                    .setKey(ByteString.copyFrom(SENTINEL_KEY))).build());
            assertEquals(Status.OK, r.getStatus(), r.toString());
            assertArrayEquals(SENTINEL, r.getGet().getValue().toByteArray());
        }
    }
}
