package io.daxkv.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.ycsb.FieldCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.Vector;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

/**
 * The embedded peer bindings in process (no fork): every YCSB operation, FieldCodec bytes on the
 * store, two "threads" sharing one store, and the data still there after the last close.
 */
class PeerBindingsTest {

    @TempDir
    Path dir;

    static Map<String, ByteIterator> fields(String... kv) {
        Map<String, ByteIterator> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], new StringByteIterator(kv[i + 1]));
        }
        return m;
    }

    static Map<String, String> read(DB db, String key, Set<String> wanted) {
        Map<String, ByteIterator> out = new HashMap<>();
        Status s = db.read("usertable", key, wanted, out);
        if (s == Status.NOT_FOUND) {
            return null;
        }
        assertEquals(Status.OK, s, "read " + key);
        Map<String, String> strings = new HashMap<>();
        out.forEach((k, v) -> strings.put(k, v.toString()));
        return strings;
    }

    static DB open(Supplier<DB> binding, Properties p) throws DBException {
        DB db = binding.get();
        db.setProperties(p);
        db.init();
        return db;
    }

    /** Every operation of the binding contract, for any store; {@code scans}: whether it has an ordered scan. */
    static void contract(Supplier<DB> binding, Properties p, boolean scans) throws DBException {
        DB a = open(binding, p);
        DB b = open(binding, p); // a second YCSB thread: the same store
        for (int i = 5; i >= 1; i--) { // inserted out of order; scans come back ordered
            assertEquals(Status.OK, a.insert("usertable", "user" + i, fields("field0", "v" + i, "field1", "w" + i)));
        }
        assertEquals(Map.of("field0", "v3", "field1", "w3"), read(b, "user3", null));
        assertEquals(Map.of("field1", "w3"), read(b, "user3", Set.of("field1", "field9")));
        assertEquals(null, read(b, "user9", null));

        assertEquals(Status.OK, b.update("usertable", "user2", fields("field1", "W2", "field2", "new")));
        assertEquals(Map.of("field0", "v2", "field1", "W2", "field2", "new"), read(a, "user2", null));
        assertEquals(Status.NOT_FOUND, b.update("usertable", "user9", fields("field0", "x")));

        Vector<HashMap<String, ByteIterator>> rows = new Vector<>();
        Status scan = a.scan("usertable", "user2", 3, Set.of("field0"), rows);
        if (scans) {
            assertEquals(Status.OK, scan);
            assertEquals(List.of("v2", "v3", "v4"), rows.stream().map(r -> r.get("field0").toString()).toList());
            assertEquals(Set.of("field0"), rows.get(0).keySet());
            rows.clear();
            assertEquals(Status.OK, a.scan("usertable", "user45", 10, null, rows), "start between keys");
            assertEquals(List.of("v5"), rows.stream().map(r -> r.get("field0").toString()).toList());
        } else {
            assertEquals(Status.NOT_IMPLEMENTED, scan);
        }

        assertEquals(Status.OK, a.delete("usertable", "user4"));
        assertEquals(Status.NOT_FOUND, a.delete("usertable", "user4"));
        assertEquals(null, read(b, "user4", null));
        a.cleanup();
        assertEquals(Map.of("field0", "v1", "field1", "w1"), read(b, "user1", null), "b keeps the store open");
        b.cleanup();

        DB c = open(binding, p); // reopened: what was written is there
        assertEquals(Map.of("field0", "v2", "field1", "W2", "field2", "new"), read(c, "user2", null));
        assertEquals(null, read(c, "user4", null));
        c.cleanup();
    }

    private Properties props(String store, PeerDurability d) {
        Properties p = new Properties();
        p.setProperty(store + ".dir", dir.resolve(store).toString());
        p.setProperty(store + ".durability", d.property());
        p.setProperty("recordcount", "100");
        p.setProperty("operationcount", "100");
        return p;
    }

    @ParameterizedTest
    @EnumSource(PeerDurability.class)
    void rocksdb(PeerDurability d) throws Exception {
        contract(RocksDBPeerDB::new, props("rocksdb", d), true);
    }

    @ParameterizedTest
    @EnumSource(PeerDurability.class)
    void lmdb(PeerDurability d) throws Exception {
        contract(LmdbPeerDB::new, props("lmdb", d), true);
    }

    @ParameterizedTest
    @EnumSource(PeerDurability.class)
    void mapdb(PeerDurability d) throws Exception {
        contract(MapDBPeerDB::new, props("mapdb", d), true);
    }

    @Test
    void mapdbLoadedWithoutTransactionsOpensWithThem() throws Exception {
        // The matrix loads every store at its ASYNC setting and runs SYNC rows on the same files.
        DB load = open(MapDBPeerDB::new, props("mapdb", PeerDurability.ASYNC));
        assertEquals(Status.OK, load.insert("usertable", "user1", fields("field0", "a")));
        load.cleanup();
        DB run = open(MapDBPeerDB::new, props("mapdb", PeerDurability.SYNC));
        assertEquals(Status.OK, run.update("usertable", "user1", fields("field0", "b")));
        run.cleanup();
        DB again = open(MapDBPeerDB::new, props("mapdb", PeerDurability.ASYNC));
        assertEquals(Map.of("field0", "b"), read(again, "user1", null));
        again.cleanup();
    }

    @Test
    void chronicleMap() throws Exception {
        contract(ChronicleMapPeerDB::new, props("chronicle", PeerDurability.ASYNC), false);
    }

    @Test
    void chronicleMapHasNoSyncSetting() {
        DBException e = assertThrows(DBException.class,
                () -> open(ChronicleMapPeerDB::new, props("chronicle", PeerDurability.SYNC)));
        assertTrue(e.getMessage().contains("no durable (fsync) setting"), e.getMessage());
    }

    @Test
    void storesFieldCodecBytes() throws Exception {
        Properties p = props("lmdb", PeerDurability.ASYNC);
        DB db = open(LmdbPeerDB::new, p);
        Map<String, ByteIterator> f = fields("field0", "x", "field1", "y");
        byte[] expected = FieldCodec.encode(fields("field0", "x", "field1", "y"));
        assertEquals(Status.OK, db.insert("usertable", "user1", f));
        db.cleanup();
        LmdbPeerDB.Store s = (LmdbPeerDB.Store) PeerStore.acquire("lmdb-raw",
                () -> new LmdbPeerDB.Store(dir.resolve("lmdb"), PeerDurability.ASYNC, 1L << 30));
        try {
            assertEquals(new String(expected, StandardCharsets.ISO_8859_1),
                    new String(s.get("user1".getBytes(StandardCharsets.UTF_8)), StandardCharsets.ISO_8859_1));
        } finally {
            s.release();
        }
    }

    @Test
    void badDurabilityNamesTheProperty() {
        Properties p = props("rocksdb", PeerDurability.ASYNC);
        p.setProperty("rocksdb.durability", "fsync");
        DBException e = assertThrows(DBException.class, () -> open(RocksDBPeerDB::new, p));
        assertEquals("rocksdb.durability=fsync: expected async or sync", e.getMessage());
    }

    @Test
    void missingDirNamesTheProperty() {
        DBException e = assertThrows(DBException.class, () -> open(LmdbPeerDB::new, new Properties()));
        assertEquals("property lmdb.dir is required", e.getMessage());
    }
}
