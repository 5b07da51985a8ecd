package io.daxkv.bench.ycsb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Properties;
import java.util.function.Consumer;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import site.ycsb.DBException;

/**
 * YCSB binding for MapDB 3.1.0: one file DB, memory-mapped where the platform supports it
 * ({@code fileMmapEnableIfSupported}), holding a {@link BTreeMap} (ordered, so scans work) with
 * values outside the B-tree nodes ({@code valuesOutsideNodesEnable}: MapDB's setting for values of
 * a kilobyte, without which every update rewrites a whole node of up to 32 records). Properties:
 * <ul>
 *   <li>{@code mapdb.dir}: the directory of the DB file {@code ycsb.mapdb} (created when missing);</li>
 *   <li>{@code mapdb.durability}: {@code async} = no transactions (writes go to the mapping; no
 *       write-ahead log, nothing forced until close), {@code sync} = {@code transactionEnable()}
 *       with a {@code commit()} after every write (MapDB's write-ahead log, synced at commit).
 *       MapDB has one transaction for the whole DB, so a commit also commits the writes other
 *       threads made before it.</li>
 * </ul>
 * Close commits (async: syncs the store) and closes the DB.
 */
public final class MapDBPeerDB extends PeerDB {

    @Override
    protected PeerStore openStore(Properties p) throws DBException {
        Path dir = Path.of(required(p, "mapdb.dir")).toAbsolutePath();
        PeerDurability durability = PeerDurability.of(p, "mapdb.durability");
        return PeerStore.acquire("mapdb:" + dir, () -> new Store(dir, durability));
    }

    static final class Store extends PeerStore {
        private final StripedLocks locks = new StripedLocks(256);
        private final DB db;
        private final BTreeMap<byte[], byte[]> map;
        private final boolean commitPerWrite;

        Store(Path dir, PeerDurability durability) throws Exception {
            Files.createDirectories(dir);
            this.commitPerWrite = durability == PeerDurability.SYNC;
            DBMaker.Maker maker = DBMaker.fileDB(dir.resolve("ycsb.mapdb").toFile()).fileMmapEnableIfSupported();
            if (commitPerWrite) {
                maker = maker.transactionEnable();
            }
            this.db = maker.make();
            this.map = db.treeMap("usertable", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .valuesOutsideNodesEnable()
                    .createOrOpen();
        }

        @Override
        StripedLocks locks() {
            return locks;
        }

        @Override
        byte[] get(byte[] key) {
            return map.get(key);
        }

        @Override
        void put(byte[] key, byte[] record) {
            map.put(key, record);
            if (commitPerWrite) {
                db.commit();
            }
        }

        @Override
        boolean delete(byte[] key) {
            boolean found = map.remove(key) != null;
            if (commitPerWrite) {
                db.commit();
            }
            return found;
        }

        @Override
        void scan(byte[] startKey, int count, Consumer<byte[]> visitor) {
            Iterator<byte[]> it = map.tailMap(startKey, true).values().iterator();
            for (int n = 0; n < count && it.hasNext(); n++) {
                visitor.accept(it.next());
            }
        }

        @Override
        void close() {
            try {
                db.commit();
            } finally {
                db.close();
            }
        }

        @Override
        String describe() {
            return "MapDB 3.1.0 file DB (mmap), BTreeMap, values outside nodes, "
                    + (commitPerWrite ? "transactions, commit per write" : "no transactions");
        }
    }
}
