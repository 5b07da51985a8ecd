package io.daxkv.cli;

import static io.daxkv.cli.CliTestSupport.expect;
import static io.daxkv.cli.CliTestSupport.oneLineError;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.ServerConfig;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** put, get, del and scan with --host against a server running in this JVM. */
class RemoteCommandsTest {

    @TempDir
    Path tmp;
    private DaxKV kv;
    private DaxKVServer server;
    private String port;

    @BeforeEach
    void start() {
        ServerConfig c = ServerConfig.defaults().withOverrides(Map.of("server.port", "0", "admin.enabled", "false",
                "store.region-size", "4M", "store.journal-size", "4M", "limits.max-scan-entries", "3",
                "server.auth-token", "t0ken"), "test").withStoreDir(tmp.resolve("s"));
        kv = DaxKV.open(c.storeDir(), c.toStoreOptions());
        server = DaxKVServer.start(kv, true, c);
        port = Integer.toString(server.address().getPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String[] remote(String... args) throws Exception {
        Path token = tmp.resolve("token");
        Files.writeString(token, "t0ken\n");
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--host", "127.0.0.1", "--port", port, "--auth-token-file", token.toString()}, 0,
                all, args.length, 6);
        return all;
    }

    @Test
    void dataCommandsTalkToTheServer() throws Exception {
        expect(0, remote("put", "greeting", "hello"));
        expect(0, "binary\u0000".getBytes(UTF_8), remote("put", "blob", "-", "--sync"));
        assertArrayEquals("hello".getBytes(UTF_8), kv.get("greeting".getBytes(UTF_8)), "the server's store has it");
        assertEquals("hello", expect(0, remote("get", "greeting")).outText().strip());
        expect(1, remote("get", "absent"));
        for (int i = 0; i < 7; i++) {
            expect(0, remote("put", "k" + i, "v" + i));
        }
        // the server pages scans 3 entries at a time; the command follows the pages
        List<String> lines = expect(0, remote("scan", "--from", "k", "--to", "l")).outLines();
        assertEquals(7, lines.size());
        assertEquals("k0\tv0", lines.get(0));
        assertEquals("k6\tv6", lines.get(6));
        assertEquals(4, expect(0, remote("scan", "--from", "k", "--limit", "4")).outLines().size());
        expect(0, remote("del", "greeting"));
        expect(1, remote("del", "greeting"));
        assertNull(kv.get("greeting".getBytes(UTF_8)));
    }

    @Test
    void errorsAreOneLineAndTyped() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String e = oneLineError(expect(3, "get", "k", "--host", "127.0.0.1", "--port", Integer.toString(closed)));
        assertTrue(e.contains("127.0.0.1:" + closed), e);
        e = oneLineError(expect(3, "get", "k", "--host", "127.0.0.1", "--port", port));
        assertTrue(e.contains("auth token"), e);
        e = oneLineError(expect(2, "get", "k", "--host", "127.0.0.1", "--dir", tmp.toString()));
        assertTrue(e.contains("not both"), e);
        e = oneLineError(expect(2, "get", "k", "--port", "7420"));
        assertTrue(e.contains("--host"), e);
        e = oneLineError(expect(2, "get", "k", "--host", "127.0.0.1", "--timeout", "soon"));
        assertTrue(e.contains("--timeout") && e.contains("soon"), e);
        e = oneLineError(expect(2, "get", "k", "--host", "127.0.0.1", "--timeout", "0"));
        assertTrue(e.contains("--timeout"), e);
    }
}
