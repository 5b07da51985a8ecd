package io.daxkv.bench.ycsb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Consumer;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import site.ycsb.DBException;

/**
 * YCSB binding for RocksDB (rocksdbjni, as shipped: default options, WAL on). Properties:
 * <ul>
 *   <li>{@code rocksdb.dir}: the database directory (created when missing);</li>
 *   <li>{@code rocksdb.durability}: {@code async} = {@code WriteOptions.setSync(false)} (the WAL
 *       is written to the OS at once and synced by nobody: RocksDB's default), {@code sync} =
 *       {@code setSync(true)} (the WAL is fsynced before a write returns; concurrent writers share
 *       a sync through RocksDB's write groups).</li>
 * </ul>
 * Scan: an iterator seeks to the start key and steps forward (RocksDB's bytewise order). Close
 * syncs the WAL, so a load written with sync=false is on the device before the run opens it.
 */
public final class RocksDBPeerDB extends PeerDB {

    @Override
    protected PeerStore openStore(Properties p) throws DBException {
        Path dir = Path.of(required(p, "rocksdb.dir")).toAbsolutePath();
        PeerDurability durability = PeerDurability.of(p, "rocksdb.durability");
        return PeerStore.acquire("rocksdb:" + dir, () -> new Store(dir, durability));
    }

    static final class Store extends PeerStore {
        private final StripedLocks locks = new StripedLocks(256);
        private final Options options;
        private final WriteOptions writeOptions;
        private final RocksDB db;
        private final PeerDurability durability;

        Store(Path dir, PeerDurability durability) throws Exception {
            RocksDB.loadLibrary();
            Files.createDirectories(dir);
            this.durability = durability;
            this.options = new Options().setCreateIfMissing(true);
            this.writeOptions = new WriteOptions().setSync(durability == PeerDurability.SYNC);
            this.db = RocksDB.open(options, dir.toString());
        }

        @Override
        StripedLocks locks() {
            return locks;
        }

        @Override
        byte[] get(byte[] key) throws Exception {
            return db.get(key);
        }

        @Override
        void put(byte[] key, byte[] record) throws Exception {
            db.put(writeOptions, key, record);
        }

        /** RocksDB's delete does not say whether the key was there: look first (under the key's lock). */
        @Override
        boolean delete(byte[] key) throws Exception {
            if (db.get(key) == null) {
                return false;
            }
            db.delete(writeOptions, key);
            return true;
        }

        @Override
        void scan(byte[] startKey, int count, Consumer<byte[]> visitor) throws Exception {
            try (RocksIterator it = db.newIterator()) {
                it.seek(startKey);
                for (int n = 0; n < count && it.isValid(); n++) {
                    visitor.accept(it.value());
                    it.next();
                }
                it.status();
            }
        }

        @Override
        void close() throws Exception {
            try {
                db.syncWal();
            } finally {
                db.closeE();
                writeOptions.close();
                options.close();
            }
        }

        @Override
        String describe() {
            return "RocksDB " + RocksDB.rocksdbVersion() + " WAL on, WriteOptions.sync="
                    + (durability == PeerDurability.SYNC);
        }
    }
}
