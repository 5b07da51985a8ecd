package io.daxkv.client;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One page of a {@link DaxKVClient#scan scan}: entries in unsigned byte order of their keys,
 * and whether the range holds more after them.
 *
 * <p>The server may return fewer entries than the limit asked for (it keeps each response under
 * its frame limit); {@link #more()} is what tells whether to continue, from {@link #nextStart()}.
 *
 * @param entries the entries of this page, in key order
 * @param more    true when the scan stopped before the end of the range
 */
public record ScanPage(List<KeyValue> entries, boolean more) {

    public ScanPage {
        entries = List.copyOf(Objects.requireNonNull(entries, "entries"));
    }

    /**
     * The start key for the next page: the last key of this page followed by a 0x00 byte (the
     * smallest key after it), or null when {@link #more()} is false.
     *
     * @throws IllegalStateException when the server said there is more but returned no entry,
     *                               so there is no key to continue from
     */
    public byte[] nextStart() {
        if (!more) {
            return null;
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException("the server reported more entries but returned none to continue from");
        }
        byte[] last = entries.get(entries.size() - 1).key();
        return Arrays.copyOf(last, last.length + 1);
    }
}
