package io.daxkv.ycsb;

import static io.daxkv.ycsb.BindingContract.init;
import static io.daxkv.ycsb.BindingContract.props;
import static io.daxkv.ycsb.BindingContract.read;
import static io.daxkv.ycsb.BindingContract.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.client.DaxKVClient;
import io.daxkv.client.DaxKVClientException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Vector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import site.ycsb.DBException;
import site.ycsb.Status;

class DaxKVClientDBTest {

    @TempDir
    Path tmp;

    /** Scan pages of at most 7 entries, so scans of more have to follow pages. */
    private ServedStore served;

    @BeforeEach
    void serve() {
        served = new ServedStore(tmp.resolve("store"), Map.of("limits.max-scan-entries", "7"));
    }

    @AfterEach
    void stop() {
        served.close();
        assertEquals(0, DaxKVClientDB.references(), "every test let go of its clients");
    }

    private Properties clientProps(String... more) {
        Properties p = props(DaxKVClientDB.PORT, Integer.toString(served.port()), DaxKVClientDB.TIMEOUT, "20s");
        for (int i = 0; i < more.length; i += 2) {
            p.setProperty(more[i], more[i + 1]);
        }
        return p;
    }

    @Test
    void pointOperationsAndNotFound() throws Exception {
        DaxKVClientDB db = init(new DaxKVClientDB(), clientProps());
        try {
            BindingContract.pointOperations(db);
            assertEquals(Map.of(), db.errorCounts());
        } finally {
            db.cleanup();
        }
    }

    @Test
    void syncAndAsyncDurabilityAreAccepted() throws Exception {
        for (String d : new String[] {"sync", "async", "SERVER"}) {
            DaxKVClientDB db = init(new DaxKVClientDB(), clientProps(DaxKVClientDB.DURABILITY, d));
            try {
                assertEquals(Status.OK, db.insert("t", "k-" + d, record("f", d)));
                assertEquals(Map.of("f", d), read(db, "k-" + d, null));
            } finally {
                db.cleanup();
            }
        }
    }

    @Test
    void scanIsOrderedAndFollowsTheServersPages() throws Exception {
        DaxKVClientDB db = init(new DaxKVClientDB(), clientProps());
        try {
            BindingContract.scanOrder(db, 50); // scans of up to 55 entries in pages of 7
        } finally {
            db.cleanup();
        }
    }

    @Test
    void concurrentUpdatesFromInstancesOfOneJvmAreAtomic() throws Exception {
        Properties p = clientProps();
        List<DaxKVClientDB> dbs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            dbs.add(init(new DaxKVClientDB(), p));
        }
        try {
            BindingContract.concurrentUpdatesOfOneKeyLoseNothing(dbs, 200);
        } finally {
            for (DaxKVClientDB db : dbs) {
                db.cleanup();
            }
        }
    }

    @Test
    void instancesShareOneClientThatClosesAfterTheLastCleanup() throws Exception {
        DaxKVClientDB a = init(new DaxKVClientDB(), clientProps());
        DaxKVClientDB b = init(new DaxKVClientDB(), clientProps(DaxKVClientDB.DURABILITY, "sync"));
        DaxKVClient client = a.client();
        assertSame(client, b.client(), "one client for one endpoint, whatever the durability");
        assertEquals(2, DaxKVClientDB.references());
        assertEquals(DaxKVClientDB.DEFAULT_CONNECTIONS, client.options().connections());

        assertEquals(Status.OK, a.insert("t", "k", record("f", "from a")));
        assertEquals(Map.of("f", "from a"), read(b, "k", null));

        a.cleanup();
        a.cleanup(); // idempotent
        assertEquals(1, DaxKVClientDB.references());
        assertEquals(Map.of("f", "from a"), read(b, "k", null), "b still works after a let go");
        assertEquals(Status.ERROR, a.read("t", "k", null, new HashMap<>()), "a cleaned-up instance answers ERROR");

        b.cleanup();
        assertEquals(0, DaxKVClientDB.references());
        assertThrows(DaxKVClientException.Closed.class, () -> client.blocking().get("k".getBytes()),
                "the last cleanup closed the shared client");

        DaxKVClientDB other = init(new DaxKVClientDB(), clientProps(DaxKVClientDB.CONNECTIONS, "3"));
        try {
            assertEquals(3, other.client().options().connections());
            assertEquals(Map.of("f", "from a"), read(other, "k", null));
        } finally {
            other.cleanup();
        }
    }

    @Test
    void aServerThatIsGoneIsAnErrorPerOperationLoggedOnce() throws Exception {
        DaxKVClientDB db = init(new DaxKVClientDB(), clientProps(DaxKVClientDB.TIMEOUT, "500ms"));
        try {
            assertEquals(Status.OK, db.insert("t", "k", record("f", "v")));
            served.close();
            for (int i = 0; i < 3; i++) {
                assertEquals(Status.ERROR, db.read("t", "k", null, new HashMap<>()));
            }
            assertEquals(Status.ERROR, db.scan("t", "k", 5, null, new Vector<>()));
            long reads = db.errorCounts().entrySet().stream().filter(e -> e.getKey().startsWith("read "))
                    .mapToLong(Map.Entry::getValue).sum();
            assertEquals(3, reads, db.errorCounts().toString());
        } finally {
            db.cleanup();
        }
    }

    @Test
    void aServerThatCannotBeReachedIsNamed() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there (unless another process takes it now)
        }
        Properties p = props(DaxKVClientDB.PORT, Integer.toString(port));
        DBException e = assertThrows(DBException.class, () -> init(new DaxKVClientDB(), p));
        assertTrue(e.getMessage().startsWith("daxkv.host/daxkv.port: cannot connect to the daxkv server at 127.0.0.1:"
                + port), e.getMessage());
        assertEquals(0, DaxKVClientDB.references());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "daxkv.port        | abc    | daxkv.port: 'abc' is not a whole number from 1 to 65535",
        "daxkv.port        | 70000  | daxkv.port: '70000' is not a whole number from 1 to 65535",
        "daxkv.connections | 0      | daxkv.connections: '0' is not a whole number from 1 to 64",
        "daxkv.timeout     | 10     | daxkv.timeout: '10' is not a positive duration",
        "daxkv.timeout     | 0s     | daxkv.timeout: '0s' is not a positive duration",
        "daxkv.durability  | fsync  | daxkv.durability: 'fsync' is not one of async, server, sync",
    })
    void badPropertyIsNamed(String key, String value, String message) {
        DBException e = assertThrows(DBException.class, () -> init(new DaxKVClientDB(), clientProps(key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertEquals(0, DaxKVClientDB.references());
    }
}
