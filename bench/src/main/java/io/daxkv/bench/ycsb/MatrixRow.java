package io.daxkv.bench.ycsb;

import java.util.List;
import java.util.Locale;

/**
 * One cell of the matrix and what came of it.
 *
 * @param key    workload, store, durability group and thread count
 * @param status OK, FAILED (a phase failed: see {@code notes}), NA (the store cannot run this
 *               workload, e.g. Chronicle Map and scans) or SKIPPED (not run: binding or server missing)
 * @param notes  why it failed, was n/a or skipped; empty for OK
 * @param load   the load phase's output, null when it did not run
 * @param run    the run phase's output, null when it did not run
 */
record MatrixRow(Key key, Status status, List<String> notes, YcsbOutput load, YcsbOutput run) {

    enum Status { OK, FAILED, NA, SKIPPED }

    /** What a row measures. {@code workload} is the letter of YCSB's core workload, 'a' to 'f'. */
    record Key(char workload, Store store, PeerDurability durability, int threads) {

        String workloadLabel() {
            return "workload " + Character.toUpperCase(workload);
        }

        /** The store's durability setting in this row's group. */
        String setting() {
            return store.setting(durability);
        }

        /** "workload A, rocksdb, async, 1 thread". */
        String describe() {
            return workloadLabel() + ", " + store.id + ", " + durability.name().toLowerCase(Locale.ROOT) + ", "
                    + threads + (threads == 1 ? " thread" : " threads");
        }
    }

    static MatrixRow notRun(Key key, Status status, String why) {
        return new MatrixRow(key, status, List.of(why), null, null);
    }

    /** The run phase's operations per second between open and close, or NaN when there is none. */
    double runOpsPerSec() {
        return run == null ? Double.NaN : run.windowOpsPerSec();
    }

    /** The run phase's throughput as YCSB prints it (open and close included), or NaN. */
    double runYcsbOpsPerSec() {
        return run == null ? Double.NaN : run.throughputOpsPerSec().orElse(Double.NaN);
    }

    /** The load phase's operations per second between open and close, or NaN when there is none. */
    double loadOpsPerSec() {
        return load == null ? Double.NaN : load.windowOpsPerSec();
    }
}
