package io.daxkv.server.resp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Bad input on the RESP port over raw sockets: each gets "-ERR Protocol error" and a close (or a
 * clean error reply), another client is served throughout, and the stored data stays intact.
 */
class RespBadInputTest {

    @TempDir
    Path tmp;
    private DaxKV kv;
    private DaxKVServer server;
    private int port;
    private Jedis good;

    @BeforeEach
    void start() {
        start(Map.of());
    }

    private void start(Map<String, String> extra) {
        Map<String, String> o = new HashMap<>(Map.of("server.port", "0", "admin.enabled", "false", "resp.enabled", "true",
                "resp.port", "0", "store.region-size", "8M", "store.journal-size", "8M", "limits.max-value", "1M",
                "limits.max-frame", "2M", "limits.max-key", "4K", "limits.frame-deadline", "400ms"));
        o.putAll(extra);
        ServerConfig c = ServerConfig.defaults().withOverrides(o, "test").withStoreDir(tmp.resolve("s" + extra.size()));
        kv = DaxKV.open(c.storeDir(), c.toStoreOptions());
        server = DaxKVServer.start(kv, true, c);
        port = server.respAddress().getPort();
        good = new Jedis("127.0.0.1", port);
        server.config().resolveAuthToken().ifPresent(good::auth);
        good.set("sentinel", "intact");
    }

    @AfterEach
    void stop() {
        assertEquals("intact", good.get("sentinel"), "another client is served and the data is intact");
        good.close();
        server.close();
    }

    /** Sends {@code bytes}, then reads everything until the server closes; returns what it said. */
    private String exchange(byte[] bytes) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server neither answered nor closed; got: " + got.toString(UTF_8));
            } catch (IOException e) {
                // reset after the close: what arrived before counts
            }
            return got.toString(UTF_8);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void declaredBulkLengthsFarAboveWhatIsSentCloseAtTheDeadline() throws IOException {
        String said = exchange(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$900000\r\nonly a little"));
        assertTrue(said.startsWith("-ERR Protocol error: command not finished within 400 ms"), said);
        assertEquals(null, good.get("k"));
    }

    @Test
    void hugeAndNegativeCountsAndLengthsAreProtocolErrors() throws IOException {
        assertTrue(exchange(b("*2147483647\r\n")).startsWith("-ERR Protocol error: invalid multibulk length"));
        assertTrue(exchange(b("*99999999999999\r\n")).startsWith("-ERR Protocol error: '*' header: number over"));
        assertTrue(exchange(b("*2\r\n$3\r\nGET\r\n$-3\r\n")).startsWith("-ERR Protocol error: invalid bulk length: -3"));
        String tooLong = exchange(b("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n"));
        assertTrue(tooLong.startsWith("-ERR Protocol error: invalid bulk length: 2000000 bytes"), tooLong);
    }

    @Test
    void nestedArraysAreProtocolErrors() throws IOException {
        String said = exchange(b("*2\r\n*1\r\n$3\r\nGET\r\n$1\r\nk\r\n"));
        assertTrue(said.startsWith("-ERR Protocol error: expected '$', got '*'"), said);
    }

    @Test
    void repliesBeforeTheErrorAreKeptInOrder() throws IOException {
        String said = exchange(b("PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n*"));
        assertEquals("+PONG\r\n$2\r\nhi\r\n-ERR Protocol error: expected '$', got '*'\r\n", said);
    }

    @Test
    void quitAnswersAndCloses() throws IOException {
        assertEquals("+PONG\r\n+OK\r\n", exchange(b("PING\r\nQUIT\r\nPING\r\n")));
    }

    @Test
    void binaryGarbageGetsAnErrorOrACloseAndNothingElseChanges() throws IOException {
        Random r = new Random(11);
        for (int i = 0; i < 20; i++) {
            byte[] junk = new byte[1 + r.nextInt(200)];
            r.nextBytes(junk);
            junk[0] = (byte) (i % 2 == 0 ? '*' : junk[0]);
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write(junk);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                try {
                    while (in.read(buf) > 0) {
                        // replies (errors for unknown inline words) or a protocol error, then the close
                    }
                } catch (IOException e) {
                    // reset: fine
                }
            }
            assertEquals("intact", good.get("sentinel"));
        }
    }

    @Test
    void beforeAuthOnlySmallCommandsAreRead() throws IOException {
        stop();
        start(Map.of("server.auth-token", "tok"));
        String said = exchange(b("*2\r\n$3\r\nGET\r\n$100000\r\n"));
        assertTrue(said.startsWith("-ERR Protocol error: invalid bulk length: 100000 bytes"), said);
        said = exchange(b("*20\r\n"));
        assertTrue(said.startsWith("-ERR Protocol error: invalid multibulk length: 20 arguments"), said);
        // after AUTH the configured limits apply
        byte[] big = new byte[500_000];
        good.set(b("big"), big);
        assertArrayEquals(big, good.get(b("big")));
    }

    @Test
    void manyIdleConnectionsAndTheCap() throws IOException {
        stop();
        start(Map.of("limits.max-connections", "5", "limits.idle-timeout", "2s"));
        // good holds one; four more fit, the sixth is told and closed
        java.util.List<Socket> idle = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                idle.add(s);
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.metrics().connectionsOpen() < 5 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the server registers connections on its own threads
            }
            assertEquals(5, server.metrics().connectionsOpen());
            String said = exchange(new byte[0]);
            assertTrue(said.startsWith("-ERR max number of clients reached"), said);
            for (Socket s : idle) {
                assertEquals(-1, s.getInputStream().read(), "an idle connection is closed by the server");
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        good.close();
        good = new Jedis("127.0.0.1", port); // good was idle too
    }
}
