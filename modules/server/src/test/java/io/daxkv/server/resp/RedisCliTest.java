package io.daxkv.server.resp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.server.DaxKVServer;
import io.daxkv.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** redis-cli (Debian's redis-tools) against the RESP listener, when it is installed. */
class RedisCliTest {

    @TempDir
    Path tmp;

    private static final Path REDIS_CLI = Path.of("/usr/bin/redis-cli");

    private static String run(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(REDIS_CLI.toString(), "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "redis-cli finished");
        return out.strip();
    }

    @Test
    void redisCliWorks() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(REDIS_CLI), "redis-cli is not installed (apt-get install redis-tools)");
        ServerConfig c = ServerConfig.defaults().withOverrides(Map.of("server.port", "0", "admin.enabled", "false",
                "resp.enabled", "true", "resp.port", "0", "store.region-size", "8M", "store.journal-size", "8M"), "test")
                .withStoreDir(tmp.resolve("s"));
        DaxKV kv = DaxKV.open(c.storeDir(), c.toStoreOptions());
        try (DaxKVServer server = DaxKVServer.start(kv, true, c)) {
            int port = server.respAddress().getPort();
            assertEquals("PONG", run(port, "ping"));
            assertEquals("OK", run(port, "set", "greeting", "hello world"));
            assertEquals("hello world", run(port, "get", "greeting"));
            assertEquals("OK", run(port, "mset", "a", "1", "b", "2"));
            assertEquals("3", run(port, "dbsize"));
            assertEquals("a\nb\ngreeting", String.join("\n", run(port, "--scan").lines().sorted().toList()));
            assertTrue(run(port, "info", "server").contains("redis_version:"));
            assertTrue(run(port, "nosuchcommand").contains("ERR unknown command 'nosuchcommand'"));
        }
    }
}
