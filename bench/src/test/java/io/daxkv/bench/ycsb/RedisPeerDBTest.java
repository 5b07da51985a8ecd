package io.daxkv.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.DBException;

/**
 * The Redis binding against a real redis-server, when the machine has one (the matrix script
 * installs it; the normal test suite never needs it: without it these tests are skipped).
 */
class RedisPeerDBTest {

    @TempDir
    Path dir;

    private static boolean haveRedis() {
        return !Matrix.command(10, "redis-server", "--version").equals("unknown");
    }

    private static Properties props(ServerProcess redis, PeerDurability d) {
        Properties p = new Properties();
        p.setProperty("redis.port", Integer.toString(redis.port()));
        p.setProperty("redis.durability", d.property());
        return p;
    }

    @Test
    void contract() throws Exception {
        assumeTrue(haveRedis(), "no redis-server on PATH");
        try (ServerProcess redis = ServerProcess.redis("redis-server", dir, dir.resolve("redis.log"), PeerDurability.ASYNC)) {
            // No reopen across a restart here: the contract's last step reopens a connection to the same server.
            PeerBindingsTest.contract(RedisPeerDB::new, props(redis, PeerDurability.ASYNC), true);
            redis.redisAppendfsync(PeerDurability.SYNC);
            PeerBindingsTest.open(RedisPeerDB::new, props(redis, PeerDurability.SYNC)).cleanup();
        }
    }

    @Test
    void refusesAServerWithAnotherFsyncSetting() throws Exception {
        assumeTrue(haveRedis(), "no redis-server on PATH");
        try (ServerProcess redis = ServerProcess.redis("redis-server", dir, dir.resolve("redis.log"), PeerDurability.ASYNC)) {
            DBException e = assertThrows(DBException.class,
                    () -> PeerBindingsTest.open(RedisPeerDB::new, props(redis, PeerDurability.SYNC)));
            assertTrue(e.getMessage().contains("appendfsync everysec; redis.durability=sync needs appendonly yes, "
                    + "appendfsync always"), e.getMessage());
        }
    }
}
