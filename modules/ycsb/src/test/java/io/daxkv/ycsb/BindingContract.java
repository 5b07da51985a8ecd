package io.daxkv.ycsb;

import static io.daxkv.ycsb.FieldCodecTest.bytes;
import static io.daxkv.ycsb.FieldCodecTest.fields;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/** The checks both bindings must pass, driven directly (init, operations, cleanup), as YCSB drives them. */
final class BindingContract {

    private BindingContract() {
    }

    static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    static <D extends DB> D init(D db, Properties p) throws DBException {
        db.setProperties(p);
        db.init();
        return db;
    }

    static Map<String, String> read(DB db, String key, Set<String> fields) {
        Map<String, ByteIterator> out = new HashMap<>();
        assertEquals(Status.OK, db.read("usertable", key, fields, out), "read " + key);
        Map<String, String> s = new TreeMap<>();
        out.forEach((k, v) -> s.put(k, new String(v.toArray(), StandardCharsets.UTF_8)));
        return s;
    }

    static Map<String, ByteIterator> record(String... fieldValues) {
        Map<String, byte[]> m = new HashMap<>();
        for (int i = 0; i < fieldValues.length; i += 2) {
            m.put(fieldValues[i], bytes(fieldValues[i + 1]));
        }
        return fields(m);
    }

    /** insert, read (all, some), update merging, delete, and NOT_FOUND for absent keys. */
    static void pointOperations(DB db) {
        Map<String, ByteIterator> out = new HashMap<>();
        assertEquals(Status.NOT_FOUND, db.read("usertable", "user1", null, out));
        assertTrue(out.isEmpty());
        assertEquals(Status.NOT_FOUND, db.update("usertable", "user1", record("field0", "x")));
        assertEquals(Status.NOT_FOUND, db.delete("usertable", "user1"));
        assertEquals(Status.NOT_FOUND, db.read("usertable", "user1", null, out), "an update of an absent key creates nothing");

        assertEquals(Status.OK, db.insert("usertable", "user1", record("field0", "a0", "field1", "a1", "field2", "a2")));
        assertEquals(Map.of("field0", "a0", "field1", "a1", "field2", "a2"), read(db, "user1", null));
        assertEquals(Map.of("field1", "a1"), read(db, "user1", Set.of("field1", "field9")));
        assertEquals(Map.of("field0", "a0", "field1", "a1", "field2", "a2"), read(db, "user1", null),
                "the table name is ignored");

        assertEquals(Status.OK, db.update("usertable", "user1", record("field1", "b1", "field3", "b3")));
        assertEquals(Map.of("field0", "a0", "field1", "b1", "field2", "a2", "field3", "b3"), read(db, "user1", null));

        assertEquals(Status.OK, db.insert("usertable", "user1", record("only", "c")), "insert replaces the whole record");
        assertEquals(Map.of("only", "c"), read(db, "user1", null));

        assertEquals(Status.OK, db.insert("usertable", "user\u00e9\u4e2d", record("f", "unicode key")));
        assertEquals(Map.of("f", "unicode key"), read(db, "user\u00e9\u4e2d", null));

        assertEquals(Status.OK, db.delete("usertable", "user1"));
        assertEquals(Status.NOT_FOUND, db.read("usertable", "user1", null, new HashMap<>()));
        assertEquals(Status.NOT_FOUND, db.delete("usertable", "user1"));
        assertEquals(Status.OK, db.delete("usertable", "user\u00e9\u4e2d"));
    }

    /** Scans return records in key (byte) order from the start key, at most recordcount of them. */
    static void scanOrder(DB db, int keys) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new java.util.Random(7));
        for (int i : order) {
            assertEquals(Status.OK, db.insert("usertable", key(i), record("id", Integer.toString(i), "pad", "p" + i)));
        }
        assertEquals(List.of(3, 4, 5, 6, 7), scanIds(db, key(3), 5, null));
        assertEquals(List.of(keys - 2, keys - 1), scanIds(db, key(keys - 2), 10, null), "the keys run out");
        assertEquals(List.of(), scanIds(db, "zzz", 10, null));
        assertEquals(List.of(), scanIds(db, key(0), 0, null));
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            all.add(i);
        }
        assertEquals(all, scanIds(db, "user", keys + 5, null), "a start key that is not stored starts at the next");
        assertEquals(all.subList(10, keys), scanIds(db, key(9) + "\u0000", keys, null));

        Vector<HashMap<String, ByteIterator>> rows = new Vector<>();
        assertEquals(Status.OK, db.scan("usertable", key(1), 2, Set.of("pad"), rows));
        assertEquals(2, rows.size());
        assertEquals(Set.of("pad"), rows.get(0).keySet(), "scan decodes only the fields asked for");
        assertArrayEquals(bytes("p1"), rows.get(0).get("pad").toArray());
    }

    static String key(int i) {
        return String.format("user%06d", i);
    }

    private static List<Integer> scanIds(DB db, String start, int count, Set<String> fields) {
        Vector<HashMap<String, ByteIterator>> rows = new Vector<>();
        assertEquals(Status.OK, db.scan("usertable", start, count, fields, rows));
        List<Integer> ids = new ArrayList<>();
        for (HashMap<String, ByteIterator> row : rows) {
            ids.add(Integer.parseInt(new String(row.get("id").toArray(), StandardCharsets.UTF_8)));
        }
        return ids;
    }

    /**
     * {@code threads} instances, one per thread as YCSB has them, each updating its own field of
     * one key {@code rounds} times: with a lost update some field would end on an older value.
     */
    static void concurrentUpdatesOfOneKeyLoseNothing(List<? extends DB> dbs, int rounds) throws Exception {
        DB first = dbs.get(0);
        Map<String, byte[]> initial = new HashMap<>();
        for (int t = 0; t < dbs.size(); t++) {
            initial.put("f" + t, bytes("start"));
        }
        assertEquals(Status.OK, first.insert("usertable", "hot", fields(initial)));
        ExecutorService pool = Executors.newFixedThreadPool(dbs.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < dbs.size(); t++) {
                DB db = dbs.get(t);
                String field = "f" + t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int r = 0; r < rounds; r++) {
                        assertEquals(Status.OK, db.update("usertable", "hot", record(field, field + ":" + r)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
        Map<String, String> expected = new TreeMap<>();
        for (int t = 0; t < dbs.size(); t++) {
            expected.put("f" + t, "f" + t + ":" + (rounds - 1));
        }
        assertEquals(expected, read(first, "hot", null));
    }
}
