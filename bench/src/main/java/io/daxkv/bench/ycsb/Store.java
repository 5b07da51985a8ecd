package io.daxkv.bench.ycsb;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The stores of the matrix: the YCSB binding class each runs through, whether it is embedded
 * (in the client's JVM) or a server (its own process, reached over loopback TCP), and what each
 * durability group means for it. Every result row states that setting.
 *
 * <p>The groups, as issue 5 pairs them: ASYNC = daxkv ASYNC against RocksDB sync=false, LMDB
 * MDB_NOSYNC, MapDB without transactions, Chronicle Map (which never syncs) and Redis AOF
 * everysec; SYNC = daxkv SYNC against each peer's durable setting (Chronicle Map has none).
 */
enum Store {
    DAXKV("daxkv", Kind.EMBEDDED, "io.daxkv.ycsb.DaxKVEmbeddedDB", true,
            "daxkv ASYNC (journal committed every <= 1 s)", "daxkv SYNC (durable before ack, group commit)"),
    DAXKV_SERVER("daxkv-server", Kind.SERVER, "io.daxkv.ycsb.DaxKVClientDB", true,
            "daxkv server, ASYNC writes", "daxkv server, SYNC writes"),
    ROCKSDB("rocksdb", Kind.EMBEDDED, "io.daxkv.bench.ycsb.RocksDBPeerDB", true,
            "RocksDB WAL, sync=false", "RocksDB WAL, sync=true"),
    LMDB("lmdb", Kind.EMBEDDED, "io.daxkv.bench.ycsb.LmdbPeerDB", true,
            "LMDB MDB_NOSYNC", "LMDB durable commits (fsync per txn)"),
    MAPDB("mapdb", Kind.EMBEDDED, "io.daxkv.bench.ycsb.MapDBPeerDB", true,
            "MapDB mmap, no transactions", "MapDB transactions, commit per write"),
    CHRONICLE("chronicle", Kind.EMBEDDED, "io.daxkv.bench.ycsb.ChronicleMapPeerDB", false,
            "Chronicle Map (no fsync: OS writeback)", null),
    REDIS("redis", Kind.SERVER, "io.daxkv.bench.ycsb.RedisPeerDB", true,
            "Redis AOF appendfsync everysec", "Redis AOF appendfsync always");

    /** Where the store runs relative to the YCSB client. */
    enum Kind {
        EMBEDDED, SERVER;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    final String id;
    final Kind kind;
    final String bindingClass;
    final boolean orderedScan;
    private final String asyncSetting;
    private final String syncSetting;

    Store(String id, Kind kind, String bindingClass, boolean orderedScan, String asyncSetting, String syncSetting) {
        this.id = id;
        this.kind = kind;
        this.bindingClass = bindingClass;
        this.orderedScan = orderedScan;
        this.asyncSetting = asyncSetting;
        this.syncSetting = syncSetting;
    }

    boolean isDaxkv() {
        return this == DAXKV || this == DAXKV_SERVER;
    }

    /** The store's setting in {@code group}, as result rows state it; null when it has none. */
    String setting(PeerDurability group) {
        return group == PeerDurability.SYNC ? syncSetting : asyncSetting;
    }

    /** The store with this id ("daxkv", "rocksdb", ...). */
    static Store byId(String id) {
        for (Store s : values()) {
            if (s.id.equalsIgnoreCase(id.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown store '" + id + "'; expected one of " + ids());
    }

    static String ids() {
        StringBuilder b = new StringBuilder();
        for (Store s : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(s.id);
        }
        return b.toString();
    }

    /**
     * The binding's properties for one phase: where the data lives ({@code dir} for embedded
     * stores, {@code port} on 127.0.0.1 for servers) and the durability that phase writes with.
     * The daxkv client gets one connection per client thread, as Redis's binding has.
     */
    Map<String, String> bindingProperties(Path dir, int port, PeerDurability durability, int threads) {
        Map<String, String> p = new LinkedHashMap<>();
        String d = durability.property();
        switch (this) {
            case DAXKV -> {
                p.put("daxkv.dir", dir.toString());
                p.put("daxkv.durability", d);
            }
            case DAXKV_SERVER -> {
                p.put("daxkv.host", "127.0.0.1");
                p.put("daxkv.port", Integer.toString(port));
                p.put("daxkv.durability", d);
                p.put("daxkv.connections", Integer.toString(threads));
            }
            case REDIS -> {
                p.put("redis.host", "127.0.0.1");
                p.put("redis.port", Integer.toString(port));
                p.put("redis.durability", d);
            }
            default -> {
                p.put(id + ".dir", dir.toString());
                p.put(id + ".durability", d);
            }
        }
        return p;
    }
}
