package io.daxkv.index;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The key index: a hash map for point lookups beside a skip list for ordered scans, both
 * pointing at the same {@link IndexEntry}. Order is unsigned lexicographic over the key bytes.
 *
 * <p>Both maps change only under the entry's monitor: {@link #insert} adds a new entry while
 * holding it, {@link #unlink} removes one while holding it; so a delete that finds an entry in
 * the hash map cannot run before that entry is in the skip list as well. A scan may still pass
 * an insert in flight; see {@code io.daxkv.Cursor}.
 */
public final class Index {

    /** Unsigned lexicographic order, shorter-is-smaller on a common prefix. */
    public static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private final ConcurrentHashMap<Object, IndexEntry> hash;
    private final ConcurrentSkipListMap<byte[], IndexEntry> ordered;

    /** An empty index. */
    public Index() {
        this(List.of());
    }

    /**
     * An index holding {@code sortedByKey} (strictly increasing keys in {@link #ORDER}), built
     * in linear time: the skip list from a sorted view, the hash map presized.
     */
    public Index(List<IndexEntry> sortedByKey) {
        this.hash = new ConcurrentHashMap<>(Math.max(1 << 16, sortedByKey.size() * 4 / 3 + 1));
        for (IndexEntry e : sortedByKey) {
            hash.put(e, e);
        }
        this.ordered = new ConcurrentSkipListMap<>(new SortedEntries(sortedByKey));
        if (ordered.size() != sortedByKey.size() || hash.size() != sortedByKey.size()) {
            throw new IllegalArgumentException("index entries must have distinct keys");
        }
    }

    public IndexEntry get(byte[] key) {
        return hash.get(new KeyRef(key));
    }

    /**
     * Adds {@code entry} if its key is absent; the caller holds the entry's monitor. Returns the
     * entry that was already there, or null when this one went in.
     */
    public IndexEntry insert(IndexEntry entry) {
        IndexEntry prior = hash.putIfAbsent(entry, entry);
        if (prior == null) {
            ordered.put(entry.key, entry);
        }
        return prior;
    }

    /** Removes {@code entry}; the caller holds its monitor and has set {@code removed}. */
    public void unlink(IndexEntry entry) {
        hash.remove(entry, entry);
        ordered.remove(entry.key, entry);
    }

    public int size() {
        return hash.size();
    }

    /** Entries with keys in {@code [from, to)} (to null: unbounded), in order, weakly consistent. */
    public Iterator<IndexEntry> range(byte[] from, byte[] to) {
        NavigableMap<byte[], IndexEntry> view = to == null ? ordered.tailMap(from, true) : ordered.subMap(from, true, to, false);
        return view.values().iterator();
    }

    /** The first entry with key >= {@code from} (strictly > when not inclusive), or null. */
    public Map.Entry<byte[], IndexEntry> ceiling(byte[] from, boolean inclusive) {
        return inclusive ? ordered.ceilingEntry(from) : ordered.higherEntry(from);
    }

    public Iterable<IndexEntry> all() {
        return ordered.values();
    }

    /**
     * A read-only sorted map over a sorted list: only what
     * {@link ConcurrentSkipListMap#ConcurrentSkipListMap(SortedMap)} needs (comparator, size,
     * entry iteration) to build the skip list in one pass.
     */
    private static final class SortedEntries extends AbstractMap<byte[], IndexEntry> implements SortedMap<byte[], IndexEntry> {
        private final List<IndexEntry> entries;

        SortedEntries(List<IndexEntry> entries) {
            this.entries = entries;
        }

        @Override
        public Comparator<? super byte[]> comparator() {
            return ORDER;
        }

        @Override
        public Set<Map.Entry<byte[], IndexEntry>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Map.Entry<byte[], IndexEntry>> iterator() {
                    Iterator<IndexEntry> it = entries.iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Map.Entry<byte[], IndexEntry> next() {
                            IndexEntry e = it.next();
                            return new AbstractMap.SimpleImmutableEntry<>(e.key, e);
                        }
                    };
                }

                @Override
                public int size() {
                    return entries.size();
                }
            };
        }

        @Override
        public SortedMap<byte[], IndexEntry> subMap(byte[] fromKey, byte[] toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<byte[], IndexEntry> headMap(byte[] toKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SortedMap<byte[], IndexEntry> tailMap(byte[] fromKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] firstKey() {
            return entries.get(0).key;
        }

        @Override
        public byte[] lastKey() {
            return entries.get(entries.size() - 1).key;
        }
    }

    /** A byte[] with value equality, for hash maps. */
    public static final class KeyRef {
        final byte[] bytes;
        final int hash;

        public KeyRef(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        /** Equal to a KeyRef or an {@link IndexEntry} with the same key bytes. */
        @Override
        public boolean equals(Object o) {
            if (o instanceof IndexEntry) {
                return ((IndexEntry) o).hash == hash && Arrays.equals(((IndexEntry) o).key, bytes);
            }
            return o instanceof KeyRef && ((KeyRef) o).hash == hash && Arrays.equals(((KeyRef) o).bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        public byte[] bytes() {
            return bytes;
        }
    }
}
