/**
 * The YCSB matrix: daxkv against the stores people use today, through YCSB 0.17.0.
 *
 * <p>Two parts:
 * <ul>
 *   <li><b>Peer bindings</b> ({@code site.ycsb.DB}): {@link io.daxkv.bench.ycsb.RocksDBPeerDB},
 *       {@link io.daxkv.bench.ycsb.LmdbPeerDB}, {@link io.daxkv.bench.ycsb.MapDBPeerDB},
 *       {@link io.daxkv.bench.ycsb.ChronicleMapPeerDB} (embedded, one store per JVM shared by the
 *       client threads) and {@link io.daxkv.bench.ycsb.RedisPeerDB} (one connection per thread).
 *       All of them behave alike where YCSB leaves room ({@link io.daxkv.bench.ycsb.PeerDB}): the
 *       key's UTF-8 bytes as the key, the record as one {@link io.daxkv.ycsb.FieldCodec} value,
 *       update as read-merge-write under striped locks, ordered scans (none for Chronicle Map),
 *       and a {@code <store>.durability=async|sync} property whose meaning per store is in
 *       {@link io.daxkv.bench.ycsb.Store}. daxkv's own bindings live in modules/ycsb.</li>
 *   <li><b>The harness</b> ({@link io.daxkv.bench.ycsb.Matrix}, run by bench/run-ycsb-matrix.sh):
 *       per workload x store x durability x threads a fresh store, a load and a run phase in
 *       forked {@code site.ycsb.Client} JVMs with the same JVM settings for every store, the
 *       output parsed ({@link io.daxkv.bench.ycsb.YcsbOutput}), any failed operation failing its
 *       row, and the results as Markdown, CSV and a PNG chart of daxkv's ratio to the best peer.</li>
 * </ul>
 *
 * <p>Threading: the bindings are called by YCSB's client threads, one {@code DB} object per
 * thread; shared state (an open store, the striped locks) is reached through
 * {@link io.daxkv.bench.ycsb.PeerStore}. The harness itself is single-threaded. Not a stable
 * API: benchmark code.
 */
package io.daxkv.bench.ycsb;
