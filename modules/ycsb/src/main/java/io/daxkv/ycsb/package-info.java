/**
 * YCSB bindings for daxkv, and the record encoding every YCSB binding of this repository shares.
 *
 * <ul>
 *   <li>{@link io.daxkv.ycsb.DaxKVEmbeddedDB}: the store in the YCSB JVM, one {@code DaxKV} per
 *       directory shared by all client threads ({@code -db io.daxkv.ycsb.DaxKVEmbeddedDB
 *       -p daxkv.dir=DIR}); the JVM needs daxkv's flags ({@link io.daxkv.JvmFlags}).</li>
 *   <li>{@link io.daxkv.ycsb.DaxKVClientDB}: a daxkv server through one shared, pipelined
 *       {@code DaxKVClient} ({@code -db io.daxkv.ycsb.DaxKVClientDB -p daxkv.host=H -p daxkv.port=P}).</li>
 *   <li>{@link io.daxkv.ycsb.FieldCodec}: a YCSB record (field name to bytes) as one value, so
 *       that daxkv and the peers in {@code bench/} store the same bytes.</li>
 * </ul>
 *
 * <p>Threads: YCSB makes one binding instance per client thread; instances share the store or
 * client, reference-counted from {@code init} to {@code cleanup}. Every write of a key holds a
 * per-key stripe lock, so {@code update} (read, merge, write) is atomic among the threads of one
 * JVM. Keys are the UTF-8 bytes of YCSB's keys; table names are ignored.
 *
 * <p>Errors: a bad or missing {@code daxkv.*} property fails {@code init} with a
 * {@code DBException} naming it; an operation that throws answers {@code Status.ERROR} and the
 * first failure of each kind is logged (logger {@code io.daxkv.ycsb}), later ones counted.
 *
 * <p>Running: {@code bench/run-ycsb.sh} (workload files in {@code bench/ycsb/workloads/}).
 * Not a stable API beyond the class names and property names.
 */
package io.daxkv.ycsb;
