package io.daxkv.bench.ycsb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * daxkv's run throughput against the best peer's, per workload, durability group and thread
 * count: daxkv embedded against the best of the embedded peers (RocksDB, LMDB, MapDB, Chronicle
 * Map), the daxkv server against Redis. Only rows that ran OK count; a comparison with no OK daxkv
 * row or no OK peer is left out.
 */
final class Ratios {

    private Ratios() {
    }

    /** One comparison; {@code ratio() > 1} means daxkv is ahead. */
    record Ratio(char workload, Store.Kind kind, PeerDurability durability, int threads, double daxkvOpsPerSec,
                 Store bestPeer, double bestPeerOpsPerSec) {

        double ratio() {
            return daxkvOpsPerSec / bestPeerOpsPerSec;
        }

        /** The chart's series and the table's comparison: "embedded ASYNC, 1 thread". */
        String series() {
            return (kind == Store.Kind.EMBEDDED ? "embedded" : "server vs Redis") + " " + durability.name() + ", "
                    + threads + (threads == 1 ? " thread" : " threads");
        }

        String workloadLabel() {
            return String.valueOf(Character.toUpperCase(workload));
        }
    }

    static List<Ratio> of(List<MatrixRow> rows) {
        Map<String, MatrixRow> daxkv = new LinkedHashMap<>();
        Map<String, MatrixRow> best = new LinkedHashMap<>();
        for (MatrixRow r : rows) {
            if (r.status() != MatrixRow.Status.OK || Double.isNaN(r.runOpsPerSec())) {
                continue;
            }
            MatrixRow.Key k = r.key();
            String group = group(k.workload(), k.store().kind, k.durability(), k.threads());
            if (k.store().isDaxkv()) {
                daxkv.put(group, r);
            } else {
                MatrixRow b = best.get(group);
                if (b == null || r.runOpsPerSec() > b.runOpsPerSec()) {
                    best.put(group, r);
                }
            }
        }
        List<Ratio> out = new ArrayList<>();
        daxkv.forEach((group, d) -> {
            MatrixRow p = best.get(group);
            if (p != null) {
                MatrixRow.Key k = d.key();
                out.add(new Ratio(k.workload(), k.store().kind, k.durability(), k.threads(), d.runOpsPerSec(),
                        p.key().store(), p.runOpsPerSec()));
            }
        });
        return out;
    }

    private static String group(char workload, Store.Kind kind, PeerDurability d, int threads) {
        return String.format(Locale.ROOT, "%c/%s/%s/%d", workload, kind, d, threads);
    }
}
