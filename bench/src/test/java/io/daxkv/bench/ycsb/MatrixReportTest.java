package io.daxkv.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Markdown and CSV tables, the ratios and the chart, from rows built on the captured samples. */
class MatrixReportTest {

    @TempDir
    Path dir;

    private static MatrixRow ok(char w, Store s, PeerDurability d, int threads, double opsPerSec) {
        List<String> run = List.of("[MATRIX], OperationsWindow(ms), 1000", "[MATRIX], MaxInit(ms), 12",
                "[MATRIX], MaxCleanup(ms), 3", "[OVERALL], RunTime(ms), 1100",
                "[OVERALL], Throughput(ops/sec), " + opsPerSec * 1000 / 1100,
                "[READ], Operations, 10", "[READ], 50thPercentileLatency(us), 5", "[READ], 99thPercentileLatency(us), 50",
                "[READ], Return=OK, 10");
        return new MatrixRow(new MatrixRow.Key(w, s, d, threads), MatrixRow.Status.OK, List.of(),
                Samples.parse("load-workloada-rocksdb.out"), YcsbOutput.parse(run));
    }

    private static List<MatrixRow> rows() {
        MatrixRow realA = new MatrixRow(new MatrixRow.Key('a', Store.ROCKSDB, PeerDurability.ASYNC, 1), MatrixRow.Status.OK,
                List.of(), Samples.parse("load-workloada-rocksdb.out"), Samples.parse("run-workloada-rocksdb.out"));
        MatrixRow failedE = new MatrixRow(new MatrixRow.Key('e', Store.MAPDB, PeerDurability.ASYNC, 1),
                MatrixRow.Status.FAILED, List.of("run: SCAN Return=ERROR x 3", "log: /tmp/x-run.out (.err)"),
                Samples.parse("load-workloada-rocksdb.out"), Samples.parse("run-workloade-chronicle.out"));
        return List.of(
                ok('a', Store.DAXKV, PeerDurability.ASYNC, 1, 20_000),
                realA,
                ok('a', Store.LMDB, PeerDurability.ASYNC, 1, 8_000),
                ok('a', Store.DAXKV_SERVER, PeerDurability.ASYNC, 1, 9_000),
                ok('a', Store.REDIS, PeerDurability.ASYNC, 1, 10_000),
                ok('a', Store.DAXKV, PeerDurability.SYNC, 1, 5_000),
                ok('a', Store.ROCKSDB, PeerDurability.SYNC, 1, 4_000),
                ok('e', Store.DAXKV, PeerDurability.ASYNC, 1, 3_000),
                failedE,
                ok('e', Store.LMDB, PeerDurability.ASYNC, 1, 2_000),
                MatrixRow.notRun(new MatrixRow.Key('e', Store.CHRONICLE, PeerDurability.ASYNC, 1), MatrixRow.Status.NA,
                        "no ordered scan"),
                MatrixRow.notRun(new MatrixRow.Key('e', Store.REDIS, PeerDurability.ASYNC, 1), MatrixRow.Status.SKIPPED,
                        "no redis-server"));
    }

    @Test
    void ratiosAgainstTheBestOkPeerOfTheSameGroup() {
        Map<String, Ratios.Ratio> byKey = new java.util.LinkedHashMap<>();
        for (Ratios.Ratio r : Ratios.of(rows())) {
            byKey.put(r.workloadLabel() + " " + r.series(), r);
        }
        assertEquals(List.of("A embedded ASYNC, 1 thread", "A server vs Redis ASYNC, 1 thread", "A embedded SYNC, 1 thread",
                "E embedded ASYNC, 1 thread"), List.copyOf(byKey.keySet()));
        Ratios.Ratio a = byKey.get("A embedded ASYNC, 1 thread");
        assertEquals(Store.ROCKSDB, a.bestPeer(), "RocksDB's real sample ran 1000 ops in 77 ms (12,987 ops/s), LMDB 8,000");
        assertEquals(20_000, a.daxkvOpsPerSec(), 1e-6);
        assertEquals(1000 * 1000.0 / 77, a.bestPeerOpsPerSec(), 1e-6);
        assertEquals(0.9, byKey.get("A server vs Redis ASYNC, 1 thread").ratio(), 1e-9);
        assertEquals(1.25, byKey.get("A embedded SYNC, 1 thread").ratio(), 1e-9);
        assertEquals(Store.LMDB, byKey.get("E embedded ASYNC, 1 thread").bestPeer(), "the FAILED MapDB row does not count");
        assertEquals(1.5, byKey.get("E embedded ASYNC, 1 thread").ratio(), 1e-9);
    }

    @Test
    void markdown() throws Exception {
        Path md = dir.resolve("r.md");
        List<MatrixRow> rows = rows();
        MatrixReport.writeMarkdown(md, "title", List.of("mode: test"), rows, Ratios.of(rows), "r.png");
        String s = Files.readString(md, StandardCharsets.UTF_8);
        assertTrue(s.startsWith("# title\n\n- mode: test\n"), s);
        assertTrue(s.contains("| ASYNC | rocksdb | embedded | RocksDB WAL, sync=false |"), s);
        assertTrue(s.contains("| SYNC | rocksdb | embedded | RocksDB WAL, sync=true |"), s);
        assertTrue(s.contains("| ASYNC | redis | server | Redis AOF appendfsync everysec |"), s);
        assertTrue(s.contains("## Workload A (update heavy: 50% read, 50% update, zipfian)"), s);
        assertTrue(s.contains("| store | durability | threads | load ops/s | run ops/s | YCSB's run ops/s | open / close ms "
                + "| READ p50 | READ p99 | UPDATE p50 | UPDATE p99 | status |"), s);
        // the real RocksDB sample: load 1000 / 57 ms, run 1000 / 77 ms, YCSB 3,731 ops/s, READ 7/167, UPDATE 28/546
        assertTrue(s.contains("| rocksdb | RocksDB WAL, sync=false | 1 | 17,544 | 12,987 | 3,731 | 171 / 6 | 7 | 167 | 28 | 546 | OK |"), s);
        // workload E's table: 4 throughput/time columns and READ, INSERT, SCAN p50/p99, all empty for rows not run
        String empty = "  |".repeat(10);
        assertTrue(s.contains("| chronicle | Chronicle Map (no fsync: OS writeback) | 1 |" + empty + " n/a: no ordered scan |"), s);
        assertTrue(s.contains("| redis | Redis AOF appendfsync everysec | 1 |" + empty + " skipped: no redis-server |"), s);
        assertTrue(s.contains("| A | embedded ASYNC, 1 thread | 20,000 | rocksdb | 12,987 | 1.54x |"), s);
        assertTrue(s.contains("![daxkv / best peer](r.png)"), s);
        assertTrue(s.contains("## Failed rows\n\n- workload E, mapdb, async, 1 thread: run: SCAN Return=ERROR x 3; log: /tmp/x-run.out (.err)"), s);
    }

    @Test
    void markdownWithoutComparisons() throws Exception {
        Path md = dir.resolve("r.md");
        MatrixReport.writeMarkdown(md, "t", List.of(), List.of(rows().get(1)), List.of(), null);
        String s = Files.readString(md, StandardCharsets.UTF_8);
        assertTrue(s.contains("No comparison: no daxkv row"), s);
        assertTrue(!s.contains("![") && !s.contains("Failed rows"), s);
    }

    @Test
    void csv() throws Exception {
        Path csv = dir.resolve("r.csv");
        List<MatrixRow> rows = rows();
        MatrixReport.writeCsv(csv, rows);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(rows.size() + 1, lines.size());
        assertEquals(String.join(",", MatrixReport.CSV_HEADER), lines.get(0));
        assertEquals("workload,store,runs,durability,setting,threads,status,load_ops_per_s,run_ops_per_s,run_ycsb_ops_per_s,"
                + "run_operations,run_time_ms,run_window_ms,run_open_ms,run_close_ms,read_ops,read_p50_us,read_p99_us,"
                + "update_ops,update_p50_us,update_p99_us,insert_ops,insert_p50_us,insert_p99_us,scan_ops,scan_p50_us,"
                + "scan_p99_us,read_modify_write_ops,read_modify_write_p50_us,read_modify_write_p99_us,delete_ops,"
                + "delete_p50_us,delete_p99_us,notes", lines.get(0));
        assertEquals("A,rocksdb,embedded,ASYNC,\"RocksDB WAL, sync=false\",1,OK,17543.9,12987.0,3731.3,1000,268,77,171,6,"
                + "480,7,167,520,28,546,,,,,,,,,,,,,", lines.get(2));
        for (String line : lines) {
            assertEquals(MatrixReport.CSV_HEADER.size(), cells(line), line);
        }
        assertTrue(lines.get(9).startsWith("E,mapdb,embedded,ASYNC,\"MapDB mmap, no transactions\",1,FAILED,"), lines.get(9));
        assertTrue(lines.get(9).endsWith(",run: SCAN Return=ERROR x 3; log: /tmp/x-run.out (.err)"), lines.get(9));
        assertTrue(lines.get(11).startsWith("E,chronicle,embedded,ASYNC,Chronicle Map (no fsync: OS writeback),1,NA,,,"),
                lines.get(11));
    }

    @Test
    void csvQuoting() {
        assertEquals("plain", MatrixReport.csvCell("plain"));
        assertEquals("\"a,b\"", MatrixReport.csvCell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", MatrixReport.csvCell("say \"hi\""));
        assertEquals("\"two\nlines\"", MatrixReport.csvCell("two\nlines"));
    }

    /** Cells of one CSV line, honouring quotes. */
    private static int cells(String line) {
        int n = 1;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                n++;
            }
        }
        return n;
    }

    @Test
    void chartIsAPngOfTheAskedSize() throws Exception {
        Path png = dir.resolve("r.png");
        RatioChart.write(png, "daxkv / best peer", "test", Ratios.of(rows()), 900, 500);
        assertTrue(Files.size(png) > 1000);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    @Test
    void chartWithoutComparisonsStillDraws() throws Exception {
        Path png = dir.resolve("empty.png");
        RatioChart.write(png, "daxkv / best peer", null, List.of(), RatioChart.WIDTH, RatioChart.HEIGHT);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(RatioChart.WIDTH, img.getWidth());
        assertEquals(RatioChart.HEIGHT, img.getHeight());
    }
}
