package io.daxkv.cli;

import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.daxkv.Entry;
import io.daxkv.client.BlockingClient;
import io.daxkv.client.DaxKVClient;
import io.daxkv.client.Durability;
import io.daxkv.client.KeyValue;
import io.daxkv.client.ScanPage;

/**
 * Where a data command reads and writes: a store opened in this process ({@code --dir}) or a
 * daxkv server ({@code --host}). The commands are written once against this.
 */
abstract class Target implements AutoCloseable {

    /** Receives scanned entries; returns false to stop. */
    interface Sink {
        boolean accept(byte[] key, byte[] value);
    }

    abstract byte[] get(byte[] key);

    abstract void put(byte[] key, byte[] value);

    abstract boolean delete(byte[] key);

    /** Entries from {@code from} (inclusive) to {@code to} (exclusive, null: the end), in key order. */
    abstract void scan(byte[] from, byte[] to, Sink sink);

    @Override
    public abstract void close();

    static Target local(DaxKV kv) {
        return new Target() {
            @Override
            byte[] get(byte[] key) {
                return kv.get(key);
            }

            @Override
            void put(byte[] key, byte[] value) {
                kv.put(key, value);
            }

            @Override
            boolean delete(byte[] key) {
                return kv.delete(key);
            }

            @Override
            void scan(byte[] from, byte[] to, Sink sink) {
                try (Cursor c = kv.scan(from, to)) {
                    while (c.hasNext()) {
                        Entry e = c.next();
                        if (!sink.accept(e.key(), e.value())) {
                            return;
                        }
                    }
                }
            }

            @Override
            public void close() {
                kv.close();
            }
        };
    }

    /** Writes with SYNC when {@code sync}, else with the server's default durability. */
    static Target remote(DaxKVClient client, boolean sync) {
        BlockingClient kv = client.blocking();
        Durability d = sync ? Durability.SYNC : Durability.SERVER_DEFAULT;
        return new Target() {
            @Override
            byte[] get(byte[] key) {
                return kv.get(key);
            }

            @Override
            void put(byte[] key, byte[] value) {
                kv.put(key, value, d);
            }

            @Override
            boolean delete(byte[] key) {
                return kv.delete(key, d);
            }

            @Override
            void scan(byte[] from, byte[] to, Sink sink) {
                byte[] start = from;
                while (start != null) {
                    ScanPage page = kv.scan(start, to, 0); // 0: as many as the server gives in one page
                    for (KeyValue e : page.entries()) {
                        if (!sink.accept(e.key(), e.value())) {
                            return;
                        }
                    }
                    start = page.nextStart();
                }
            }

            @Override
            public void close() {
                client.close();
            }
        };
    }
}
