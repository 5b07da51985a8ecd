package io.daxkv.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MatrixTest {

    @TempDir
    Path dir;

    private static Matrix parse(String... args) {
        Matrix m = new Matrix();
        new CommandLine(m).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        return m;
    }

    @Test
    void quickPlan() {
        List<MatrixRow.Key> plan = parse("--mode", "quick").plan();
        // A, C, E x 7 stores, ASYNC, 1 thread (Chronicle Map's E row is planned and reported n/a)
        assertEquals(21, plan.size());
        assertEquals(new MatrixRow.Key('a', Store.DAXKV, PeerDurability.ASYNC, 1), plan.get(0));
        assertEquals(new MatrixRow.Key('e', Store.REDIS, PeerDurability.ASYNC, 1), plan.get(20));
    }

    @Test
    void fullPlanHasNoChronicleSyncRow() {
        List<MatrixRow.Key> plan = parse("--mode", "full").plan();
        // 6 workloads x 2 thread counts x (7 ASYNC stores + 6 SYNC stores)
        assertEquals(6 * 2 * 13, plan.size());
        assertTrue(plan.stream().noneMatch(k -> k.store() == Store.CHRONICLE && k.durability() == PeerDurability.SYNC));
        assertEquals(1_000_000, parse("--mode", "full").mode.records);
    }

    @Test
    void bindingPropertiesPerStore() {
        Path d = Path.of("/data");
        assertEquals(Map.of("daxkv.dir", "/data", "daxkv.durability", "sync"),
                Store.DAXKV.bindingProperties(d, -1, PeerDurability.SYNC, 1));
        assertEquals(Map.of("daxkv.host", "127.0.0.1", "daxkv.port", "7", "daxkv.durability", "async",
                "daxkv.connections", "2"), Store.DAXKV_SERVER.bindingProperties(d, 7, PeerDurability.ASYNC, 2));
        assertEquals(Map.of("redis.host", "127.0.0.1", "redis.port", "7", "redis.durability", "sync"),
                Store.REDIS.bindingProperties(d, 7, PeerDurability.SYNC, 2));
        assertEquals(Map.of("chronicle.dir", "/data", "chronicle.durability", "async"),
                Store.CHRONICLE.bindingProperties(d, -1, PeerDurability.ASYNC, 1));
        assertEquals("LMDB MDB_NOSYNC", Store.LMDB.setting(PeerDurability.ASYNC));
        assertEquals(null, Store.CHRONICLE.setting(PeerDurability.SYNC));
    }

    @Test
    void countsInProgressLines() {
        assertEquals("100k", RowRunner.count(100_000));
        assertEquals("1M", RowRunner.count(1_000_000));
        assertEquals("1500", RowRunner.count(1500));
    }

    /** The test JVM's real classpath (surefire runs tests from a manifest-only jar). */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null ? cp : System.getProperty("java.class.path");
    }

    /**
     * The harness end to end on two real rows (daxkv embedded and LMDB, workload E, 500 records:
     * a load and a run JVM each), Chronicle Map's E row (n/a: no ordered scan) and a Redis row
     * without redis-server (skipped). About 5 s.
     */
    @Test
    void endToEnd() throws Exception {
        Path workloads = Path.of("ycsb/workloads"); // bench/ycsb/workloads: surefire runs in the module's directory
        assertTrue(Files.isRegularFile(workloads.resolve("workloade")), workloads.toAbsolutePath().toString());
        Path results = dir.resolve("results");
        int code = new CommandLine(new Matrix()).setCaseInsensitiveEnumValuesAllowed(true).execute(
                "--stores", "daxkv,lmdb,chronicle,redis", "--workloads", "e", "--records", "500", "--operations", "500",
                "--workload-dir", workloads.toString(), "--results", results.toString(),
                "--scratch", dir.resolve("scratch").toString(), "--jvm-opts", "-Xmx256m -XX:+UseSerialGC",
                "--classpath", classpath(), "--redis-server", dir.resolve("no-redis-server").toString(),
                "--name", "t", "--step-timeout", "120");
        assertEquals(0, code);
        List<String> csv = Files.readAllLines(results.resolve("t.csv"), StandardCharsets.UTF_8);
        assertEquals(5, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("E,daxkv,embedded,ASYNC,daxkv ASYNC (journal committed every <= 1 s),1,OK,"), csv.get(1));
        assertTrue(csv.get(2).startsWith("E,lmdb,embedded,ASYNC,LMDB MDB_NOSYNC,1,OK,"), csv.get(2));
        assertTrue(csv.get(3).startsWith("E,chronicle,embedded,ASYNC,Chronicle Map (no fsync: OS writeback),1,NA,"), csv.get(3));
        assertTrue(csv.get(4).startsWith("E,redis,server,ASYNC,Redis AOF appendfsync everysec,1,SKIPPED,"), csv.get(4));
        String md = Files.readString(results.resolve("t.md"), StandardCharsets.UTF_8);
        assertTrue(md.contains("| lmdb | LMDB MDB_NOSYNC | 1 |"), md);
        assertTrue(md.contains("| E | embedded ASYNC, 1 thread |"), md);
        assertTrue(md.contains("| INSERT p50 | INSERT p99 | SCAN p50 | SCAN p99 |"), md);
        assertEquals(RatioChart.WIDTH, ImageIO.read(results.resolve("t.png").toFile()).getWidth());
        try (Stream<Path> logs = Files.list(results.resolve("t-logs"))) {
            assertTrue(logs.anyMatch(p -> p.getFileName().toString().equals("02-e-lmdb-async-1t-run.out")));
        }
        try (Stream<Path> left = Files.list(dir.resolve("scratch"))) {
            assertEquals(0, left.count(), "every row's data directory is deleted");
        }
    }

    @Test
    void missingBindingIsSkippedNotFailed() throws Exception {
        ForkJvm jvm = new ForkJvm("java", List.of(), dir.toString());
        assertTrue(!jvm.hasClass("io.daxkv.ycsb.DaxKVEmbeddedDB"));
        assertTrue(new ForkJvm("java", List.of(), classpath()).hasClass(Store.ROCKSDB.bindingClass));
    }
}
