package io.daxkv.engine;

import io.daxkv.Cursor;
import io.daxkv.DaxKVException;
import io.daxkv.Entry;
import io.daxkv.index.IndexEntry;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A cursor over the ordered index. It holds no epoch between calls: each step pins one, reads
 * the next live key's current value, and unpins. See {@link Cursor} for what it sees.
 */
final class CursorImpl implements Cursor {

    private final Store store;
    private final Iterator<IndexEntry> entries;
    private Entry next;
    private boolean closed;

    CursorImpl(Store store, Iterator<IndexEntry> entries) {
        this.store = store;
        this.entries = entries;
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (store.isClosed()) {
            next = null;
            throw new DaxKVException.Closed("store is closed: " + store.directory());
        }
        if (next != null) {
            return true;
        }
        int slot = store.enter();
        try {
            while (entries.hasNext()) {
                IndexEntry e = entries.next();
                byte[] v = store.read(e);
                if (v != null) {
                    next = new Entry(e.key.clone(), v);
                    return true;
                }
            }
            return false;
        } finally {
            store.exit(slot);
        }
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            if (store.isClosed()) {
                throw new DaxKVException.Closed("store is closed: " + store.directory());
            }
            throw new NoSuchElementException();
        }
        Entry e = next;
        next = null;
        return e;
    }

    @Override
    public void close() {
        closed = true;
        next = null;
    }
}
