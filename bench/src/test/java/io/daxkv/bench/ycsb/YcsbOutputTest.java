package io.daxkv.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class YcsbOutputTest {

    @Test
    void runOfWorkloadA() {
        YcsbOutput out = Samples.parse("run-workloada-rocksdb.out");
        assertEquals(268, out.runTimeMs().getAsLong());
        assertEquals(3731.3432835820895, out.throughputOpsPerSec().getAsDouble(), 1e-9);
        assertEquals(1000, out.operationsDone());
        assertEquals(List.of("READ", "UPDATE"), List.copyOf(out.ops().keySet()), "CLEANUP and GC lines are not operations");

        YcsbOutput.OpStats read = out.op("READ");
        assertEquals(480, read.operations());
        assertEquals(7, read.p50Us());
        assertEquals(167, read.p99Us());
        assertEquals(22.316666666666666, read.averageUs(), 1e-9);
        assertEquals(Map.of("OK", 480L), read.returns());
        YcsbOutput.OpStats update = out.op("UPDATE");
        assertEquals(28, update.p50Us());
        assertEquals(546, update.p99Us());
        assertEquals(520, update.ok());

        assertEquals(new YcsbOutput.Timing(77, 171, 6), out.timing());
        assertEquals(1000 * 1000.0 / 77, out.windowOpsPerSec(), 1e-6);
        assertEquals(List.of(), out.failures());
    }

    @Test
    void untimedRunFallsBackToYcsbThroughput() {
        YcsbOutput out = Samples.parse("run-workloada-rocksdb-untimed.out");
        assertNull(out.timing());
        assertEquals(out.throughputOpsPerSec().getAsDouble(), out.windowOpsPerSec());
        assertEquals(1000, out.operationsDone());
        assertEquals(List.of(), out.failures());
    }

    @Test
    void loadPhase() {
        YcsbOutput out = Samples.parse("load-workloada-rocksdb.out");
        assertEquals(1000, out.op("INSERT").ok());
        assertEquals(17, out.op("INSERT").p50Us());
        assertEquals(276, out.op("INSERT").p99Us());
        assertEquals(List.of(), RowRunner.checkLoad(out, new ForkJvm.Exit(0, false, 1), 1000, 60));
        assertEquals(List.of("load: 1000 of 1001 records inserted"),
                RowRunner.checkLoad(out, new ForkJvm.Exit(0, false, 1), 1001, 60));
        assertEquals(List.of("load: client exit code 1"), RowRunner.checkLoad(out, new ForkJvm.Exit(1, false, 1), 1000, 60));
        assertEquals(List.of("load: killed after 60 s"), RowRunner.checkLoad(out, new ForkJvm.Exit(-1, true, 1), 1000, 60));
    }

    @Test
    void readModifyWriteCountsOnce() {
        YcsbOutput out = Samples.parse("run-workloadf-lmdb-2threads.out");
        // READ 1000 and UPDATE 498 include the 498 read-modify-writes' own read and update.
        assertEquals(1000, out.op("READ").operations());
        assertEquals(498, out.op("READ-MODIFY-WRITE").operations());
        assertEquals(498, out.op("UPDATE").operations());
        assertEquals(1000, out.operationsDone());
        assertEquals(9847, out.op("READ-MODIFY-WRITE").p99Us());
        assertEquals(-1, out.op("READ-MODIFY-WRITE").returns().getOrDefault("OK", -1L), "YCSB prints no Return= for it");
        assertEquals(List.of(), out.failures());
        assertEquals(List.of(), RowRunner.checkRun(out, new ForkJvm.Exit(0, false, 1), 1000, 0, 60));
    }

    @Test
    void notImplementedScansFailTheRun() {
        YcsbOutput out = Samples.parse("run-workloade-chronicle.out");
        assertNotNull(out.op("SCAN-FAILED"));
        List<String> failures = out.failures();
        assertEquals(List.of("SCAN-FAILED: 942 operations", "SCAN Return=NOT_IMPLEMENTED x 942"), failures);
        List<String> problems = RowRunner.checkRun(out, new ForkJvm.Exit(0, false, 1), 1000, 10, 60);
        assertEquals(List.of("run: SCAN-FAILED: 942 operations", "run: SCAN Return=NOT_IMPLEMENTED x 942"), problems);
    }

    @Test
    void initFailureIsAFailureThoughYcsbExitsZero() {
        YcsbOutput out = Samples.parse("run-workloada-chronicle-init-failure.out");
        assertEquals(0, out.operationsDone());
        assertEquals(List.of("client printed: site.ycsb.DBException: chronicle.durability=sync: Chronicle Map has no "
                + "durable (fsync) setting; only async is measured"), out.failures());
        List<String> problems = RowRunner.checkRun(out, new ForkJvm.Exit(0, false, 1), 1000, 10, 60);
        assertTrue(problems.contains("run: no operation done"), problems.toString());
    }

    @Test
    void shortRunFailsUnlessCappedByTime() {
        YcsbOutput out = Samples.parse("run-workloada-rocksdb.out"); // 1000 operations in 268 ms
        assertEquals(List.of("run: 1000 of 2000 operations done"),
                RowRunner.checkRun(out, new ForkJvm.Exit(0, false, 1), 2000, 0, 60));
        assertEquals(List.of("run: 1000 of 2000 operations done"),
                RowRunner.checkRun(out, new ForkJvm.Exit(0, false, 1), 2000, 10, 60), "10 s cap, 0.3 s run: not capped");
        List<String> capped = List.of("[OVERALL], RunTime(ms), 10004", "[OVERALL], Throughput(ops/sec), 99.96",
                "[READ], Operations, 1000", "[READ], Return=OK, 1000");
        assertEquals(List.of(), RowRunner.checkRun(YcsbOutput.parse(capped), new ForkJvm.Exit(0, false, 1), 2000, 10, 60));
    }

    @Test
    void missingOverallAndUnreadableValues() {
        YcsbOutput out = YcsbOutput.parse(List.of("[READ], Operations, many", "Exception in thread \"main\" boom"));
        assertEquals(List.of("unreadable value in: [READ], Operations, many", "client printed: Exception in thread \"main\" boom",
                "no [OVERALL] Throughput(ops/sec) line"), out.failures());
        assertEquals(Double.NaN, out.windowOpsPerSec());
    }
}
