package io.daxkv.ycsb;

import static io.daxkv.ycsb.BindingContract.init;
import static io.daxkv.ycsb.BindingContract.props;
import static io.daxkv.ycsb.BindingContract.read;
import static io.daxkv.ycsb.BindingContract.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import site.ycsb.DBException;
import site.ycsb.Status;

class DaxKVEmbeddedDBTest {

    @TempDir
    Path tmp;

    /** Small files, so each test's store is quick to create. */
    private Properties storeProps(Path dir, String... more) {
        Properties p = props(DaxKVEmbeddedDB.DIR, dir.toString(), DaxKVEmbeddedDB.REGION_SIZE, "8M",
                DaxKVEmbeddedDB.JOURNAL_SIZE, "4M");
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        return p;
    }

    @Test
    void pointOperationsAndNotFound() throws Exception {
        DaxKVEmbeddedDB db = init(new DaxKVEmbeddedDB(), storeProps(tmp.resolve("s")));
        try {
            BindingContract.pointOperations(db);
            assertEquals(Map.of(), db.errorCounts());
        } finally {
            db.cleanup();
        }
    }

    @Test
    void syncDurabilityWritesAndReadsBack() throws Exception {
        Path dir = tmp.resolve("s");
        DaxKVEmbeddedDB db = init(new DaxKVEmbeddedDB(), storeProps(dir, DaxKVEmbeddedDB.DURABILITY, "SYNC"));
        try {
            BindingContract.pointOperations(db);
            assertEquals(Status.OK, db.insert("t", "kept", record("a", "1")));
        } finally {
            db.cleanup();
        }
        try (DaxKV kv = DaxKV.open(dir)) {
            byte[] v = kv.get("kept".getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(FieldCodec.encode(record("a", "1")), v, "the value is FieldCodec's encoding, under the key's UTF-8 bytes");
        }
    }

    @Test
    void scanIsOrderedFromTheStartKey() throws Exception {
        DaxKVEmbeddedDB db = init(new DaxKVEmbeddedDB(), storeProps(tmp.resolve("s")));
        try {
            BindingContract.scanOrder(db, 50);
        } finally {
            db.cleanup();
        }
    }

    @Test
    void concurrentUpdatesFromInstancesOfOneJvmAreAtomic() throws Exception {
        Properties p = storeProps(tmp.resolve("s"));
        List<DaxKVEmbeddedDB> dbs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dbs.add(init(new DaxKVEmbeddedDB(), p));
        }
        try {
            BindingContract.concurrentUpdatesOfOneKeyLoseNothing(dbs, 300);
        } finally {
            for (DaxKVEmbeddedDB db : dbs) {
                db.cleanup();
            }
        }
    }

    @Test
    void instancesShareOneStoreThatClosesAfterTheLastCleanup() throws Exception {
        Path dir = tmp.resolve("s");
        Properties p = storeProps(dir);
        DaxKVEmbeddedDB a = init(new DaxKVEmbeddedDB(), p);
        DaxKVEmbeddedDB b = init(new DaxKVEmbeddedDB(), storeProps(tmp.resolve("x/../s"), DaxKVEmbeddedDB.DURABILITY, "sync"));
        assertEquals(2, DaxKVEmbeddedDB.references(dir), "the same directory, however written, is one store");

        assertEquals(Status.OK, a.insert("t", "k", record("f", "from a")));
        assertEquals(Map.of("f", "from a"), read(b, "k", null), "b sees a's write: one store");
        assertThrows(DaxKVException.Locked.class, () -> DaxKV.open(dir), "the store is open");

        a.cleanup();
        a.cleanup(); // idempotent: does not release b's reference
        assertEquals(1, DaxKVEmbeddedDB.references(dir));
        assertEquals(Map.of("f", "from a"), read(b, "k", null), "b still works after a let go");
        assertEquals(Status.ERROR, a.read("t", "k", null, new HashMap<>()), "a cleaned-up instance answers ERROR");

        b.cleanup();
        assertEquals(0, DaxKVEmbeddedDB.references(dir));
        try (DaxKV kv = DaxKV.open(dir)) { // would be Locked if the binding had not closed it
            assertTrue(kv.get("k".getBytes(StandardCharsets.UTF_8)) != null);
        }

        DaxKVEmbeddedDB again = init(new DaxKVEmbeddedDB(), p);
        try {
            assertEquals(Map.of("f", "from a"), read(again, "k", null), "a new init reopens the store");
        } finally {
            again.cleanup();
        }
    }

    @Test
    void otherStoreSettingsForAnOpenDirectoryAreRefused() throws Exception {
        Path dir = tmp.resolve("s");
        DaxKVEmbeddedDB a = init(new DaxKVEmbeddedDB(), storeProps(dir));
        try {
            DBException e = assertThrows(DBException.class,
                    () -> init(new DaxKVEmbeddedDB(), storeProps(dir, DaxKVEmbeddedDB.VERIFY_ON_READ, "false")));
            assertTrue(e.getMessage().startsWith("daxkv.dir=" + dir + " is already open in this JVM with other settings"),
                    e.getMessage());
            assertEquals(1, DaxKVEmbeddedDB.references(dir), "the refused init holds no reference");
        } finally {
            a.cleanup();
        }
    }

    @Test
    void missingDirIsNamed() {
        DBException e = assertThrows(DBException.class, () -> init(new DaxKVEmbeddedDB(), props()));
        assertTrue(e.getMessage().startsWith("daxkv.dir is required"), e.getMessage());
        e = assertThrows(DBException.class, () -> init(new DaxKVEmbeddedDB(), props(DaxKVEmbeddedDB.DIR, "  ")));
        assertTrue(e.getMessage().startsWith("daxkv.dir is required"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "daxkv.durability    | maybe  | daxkv.durability: 'maybe' is not one of async, sync",
        "daxkv.region-size   | 12X    | daxkv.region-size: '12X' is not a size",
        "daxkv.region-size   | 3M     | daxkv.region-size: regionSizeBytes must be a multiple of 1 MiB from",
        "daxkv.block-size    | 100    | daxkv.block-size: blockSizeBytes must be a power of two",
        "daxkv.journal-size  | 1K     | daxkv.journal-size: journalSizeBytes must be a multiple of 4096",
        "daxkv.commit-interval | 2s   | daxkv.commit-interval: commitIntervalMs must be from 1 to 1000",
        "daxkv.commit-interval | 100  | daxkv.commit-interval: '100' is not a positive duration",
        "daxkv.verify-on-read | yes   | daxkv.verify-on-read: 'yes' is not true or false",
    })
    void badPropertyIsNamedAndLeavesNothingOpen(String key, String value, String message) {
        Path dir = tmp.resolve("s");
        DBException e = assertThrows(DBException.class, () -> init(new DaxKVEmbeddedDB(), storeProps(dir, key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(0, DaxKVEmbeddedDB.references(dir));
    }

    @Test
    void aStoreThatCannotOpenIsNamed() throws Exception {
        Path file = tmp.resolve("not-a-dir");
        java.nio.file.Files.writeString(file, "x");
        DBException e = assertThrows(DBException.class, () -> init(new DaxKVEmbeddedDB(), storeProps(file)));
        assertTrue(e.getMessage().startsWith("daxkv.dir=" + file + ": cannot open the daxkv store: "), e.getMessage());
        assertEquals(0, DaxKVEmbeddedDB.references(file));
    }

    @Test
    void aGarbledRecordIsAnErrorLoggedOnceAndCounted() throws Exception {
        Path dir = tmp.resolve("s");
        DaxKVEmbeddedDB db = init(new DaxKVEmbeddedDB(), storeProps(dir));
        try {
            assertEquals(Status.OK, db.insert("t", "good", record("f", "v")));
            // another writer of the same store (not through YCSB) leaves a value FieldCodec did not write
            DaxKV kv = db.store();
            kv.put("bad".getBytes(StandardCharsets.UTF_8), new byte[] {5, 1}, Durability.ASYNC);
            for (int i = 0; i < 3; i++) {
                assertEquals(Status.ERROR, db.read("t", "bad", null, new HashMap<>()));
                assertEquals(Status.ERROR, db.update("t", "bad", record("f", "w")));
            }
            assertEquals(Status.ERROR, db.scan("t", "a", 10, null, new java.util.Vector<>()));
            assertEquals(Map.of("read java.lang.IllegalArgumentException", 3L,
                    "update java.lang.IllegalArgumentException", 3L,
                    "scan java.lang.IllegalArgumentException", 1L), db.errorCounts());
            assertEquals(Map.of("f", "v"), read(db, "good", null), "other keys are unaffected");
        } finally {
            db.cleanup();
        }
    }
}
