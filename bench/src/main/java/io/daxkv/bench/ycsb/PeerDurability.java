package io.daxkv.bench.ycsb;

import java.util.Locale;
import java.util.Properties;
import site.ycsb.DBException;

/**
 * The two durability groups of the matrix, as a binding property ({@code <store>.durability}).
 * What each means for each store is in {@link Store}; a binding that has no setting for a group
 * (Chronicle Map has no SYNC) refuses it at init.
 */
enum PeerDurability {
    /** Acknowledged before it is on the device; the store flushes in the background (or the OS does). */
    ASYNC,
    /** Acknowledged once it is on the device. */
    SYNC;

    /** Property value in the command-line spelling: "async" or "sync". */
    String property() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code key} from {@code p} (default async); a value other than async or sync is an error naming the key. */
    static PeerDurability of(Properties p, String key) throws DBException {
        String v = p.getProperty(key, "async").trim();
        for (PeerDurability d : values()) {
            if (d.property().equalsIgnoreCase(v)) {
                return d;
            }
        }
        throw new DBException(key + "=" + v + ": expected async or sync");
    }
}
