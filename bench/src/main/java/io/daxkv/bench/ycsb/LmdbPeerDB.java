package io.daxkv.bench.ycsb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;
import site.ycsb.DBException;

/**
 * YCSB binding for LMDB through lmdbjava (byte[] buffers: values are copied out, as every other
 * binding's are). Properties:
 * <ul>
 *   <li>{@code lmdb.dir}: the environment directory (created when missing);</li>
 *   <li>{@code lmdb.durability}: {@code async} = {@code MDB_NOSYNC} (a commit does not fsync; the
 *       OS writes the map back), {@code sync} = LMDB's default durable commit (fsync of data and
 *       meta page per write transaction);</li>
 *   <li>{@code lmdb.mapsize}: the map size in bytes; default 4 x (recordcount + operationcount) x
 *       (record + 64 B), at least 1 GiB. LMDB cannot grow past it (MDB_MAP_FULL); the file is sparse.</li>
 * </ul>
 * LMDB has one writer at a time: every write transaction (here one per insert, update or delete)
 * holds the environment's write lock, so writes from two YCSB threads take turns however many
 * cores there are; reads never wait (MVCC). One read transaction per read or scan (MDB_NOTLS, so
 * a transaction is not tied to its thread). Scan: a cursor at MDB_SET_RANGE, then next.
 */
public final class LmdbPeerDB extends PeerDB {

    private static final long MIN_MAP_BYTES = 1L << 30;

    @Override
    protected PeerStore openStore(Properties p) throws DBException {
        Path dir = Path.of(required(p, "lmdb.dir")).toAbsolutePath();
        PeerDurability durability = PeerDurability.of(p, "lmdb.durability");
        long dflt = Math.max(MIN_MAP_BYTES, 4 * maxKeys(p) * (recordBytes(p) + 64L));
        long mapSize = longProperty(p, "lmdb.mapsize", dflt);
        return PeerStore.acquire("lmdb:" + dir, () -> new Store(dir, durability, mapSize));
    }

    static final class Store extends PeerStore {
        private final StripedLocks locks = new StripedLocks(256);
        private final Env<byte[]> env;
        private final Dbi<byte[]> dbi;
        private final PeerDurability durability;
        private final long mapSize;

        Store(Path dir, PeerDurability durability, long mapSize) throws Exception {
            Files.createDirectories(dir);
            this.durability = durability;
            this.mapSize = mapSize;
            List<EnvFlags> flags = new ArrayList<>(List.of(EnvFlags.MDB_NOTLS));
            if (durability == PeerDurability.ASYNC) {
                flags.add(EnvFlags.MDB_NOSYNC);
            }
            this.env = Env.create(ByteArrayProxy.PROXY_BA)
                    .setMapSize(mapSize)
                    .setMaxDbs(1)
                    .setMaxReaders(256)
                    .open(dir.toFile(), flags.toArray(new EnvFlags[0]));
            this.dbi = env.openDbi("usertable", DbiFlags.MDB_CREATE);
        }

        @Override
        StripedLocks locks() {
            return locks;
        }

        @Override
        byte[] get(byte[] key) {
            try (Txn<byte[]> txn = env.txnRead()) {
                return dbi.get(txn, key);
            }
        }

        @Override
        void put(byte[] key, byte[] record) {
            try (Txn<byte[]> txn = env.txnWrite()) {
                dbi.put(txn, key, record);
                txn.commit();
            }
        }

        @Override
        boolean delete(byte[] key) {
            try (Txn<byte[]> txn = env.txnWrite()) {
                boolean found = dbi.delete(txn, key);
                txn.commit();
                return found;
            }
        }

        @Override
        void scan(byte[] startKey, int count, Consumer<byte[]> visitor) {
            try (Txn<byte[]> txn = env.txnRead(); Cursor<byte[]> c = dbi.openCursor(txn)) {
                boolean at = c.get(startKey, GetOp.MDB_SET_RANGE);
                for (int n = 0; n < count && at; n++) {
                    visitor.accept(c.val());
                    at = c.next();
                }
            }
        }

        @Override
        void close() {
            try {
                if (durability == PeerDurability.ASYNC) {
                    env.sync(true);
                }
            } finally {
                dbi.close();
                env.close();
            }
        }

        @Override
        String describe() {
            return "LMDB (lmdbjava) mapSize=" + mapSize + (durability == PeerDurability.ASYNC
                    ? " MDB_NOSYNC" : " durable commits");
        }
    }
}
