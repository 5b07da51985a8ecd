package io.daxkv.bench.ycsb;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Consumer;
import net.openhft.chronicle.map.ChronicleMap;
import site.ycsb.DBException;

/**
 * YCSB binding for Chronicle Map 3.27ea0, persisted to a memory-mapped file. Properties:
 * <ul>
 *   <li>{@code chronicle.dir}: the directory of the map file {@code ycsb.chronicle-map};</li>
 *   <li>{@code chronicle.durability}: {@code async} only. Chronicle Map never forces its file to
 *       the device (the OS writes the mapping back when it likes; a process crash loses nothing,
 *       a power loss may), so it has no SYNC setting and its rows sit in the ASYNC group;
 *       {@code sync} is refused at init;</li>
 *   <li>{@code chronicle.entries}: capacity; default recordcount + operationcount (every operation
 *       an insert: an upper bound). Chronicle Map is sized at creation.</li>
 *   <li>{@code chronicle.averagekeysize}: default 23 (YCSB's "user" + up to 19 digits).</li>
 * </ul>
 * The average value size is the encoded size of a record of this run's shape. There is no ordered
 * scan (a hash map): scan answers NOT_IMPLEMENTED, and the matrix marks workload E n/a for it.
 */
public final class ChronicleMapPeerDB extends PeerDB {

    @Override
    protected PeerStore openStore(Properties p) throws DBException {
        Path dir = Path.of(required(p, "chronicle.dir")).toAbsolutePath();
        if (PeerDurability.of(p, "chronicle.durability") != PeerDurability.ASYNC) {
            throw new DBException("chronicle.durability=sync: Chronicle Map has no durable (fsync) setting; "
                    + "only async is measured");
        }
        long entries = longProperty(p, "chronicle.entries", Math.max(1000, maxKeys(p)));
        long averageKeyBytes = longProperty(p, "chronicle.averagekeysize", 23);
        int recordBytes = recordBytes(p);
        return PeerStore.acquire("chronicle:" + dir, () -> new Store(dir, entries, averageKeyBytes, recordBytes));
    }

    static final class Store extends PeerStore {
        private final StripedLocks locks = new StripedLocks(256);
        private final ChronicleMap<byte[], byte[]> map;
        private final long entries;

        Store(Path dir, long entries, long averageKeyBytes, int recordBytes) throws Exception {
            Files.createDirectories(dir);
            File file = dir.resolve("ycsb.chronicle-map").toFile();
            this.entries = entries;
            this.map = ChronicleMap.of(byte[].class, byte[].class)
                    .name("usertable")
                    .entries(entries)
                    .averageKeySize(averageKeyBytes)
                    .averageValueSize(recordBytes)
                    .putReturnsNull(true)
                    .createPersistedTo(file);
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
        }

        @Override
        boolean delete(byte[] key) {
            return map.remove(key) != null;
        }

        @Override
        boolean hasOrderedScan() {
            return false;
        }

        @Override
        void scan(byte[] startKey, int count, Consumer<byte[]> visitor) {
            throw new UnsupportedOperationException("Chronicle Map has no ordered scan");
        }

        @Override
        void close() {
            map.close();
        }

        @Override
        String describe() {
            return "Chronicle Map 3.27ea0 entries=" + entries + " (no fsync: OS writeback)";
        }
    }
}
