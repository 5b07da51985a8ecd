package io.daxkv.ycsb;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * The failures of one shared store or client: each kind (operation and exception class) is
 * logged once, with its stack trace, when it first happens; later ones are only counted, and
 * {@link #summarize()} logs the counts when the last binding instance lets go. A benchmark that
 * fails a million reads the same way prints one stack trace, not a million.
 */
final class ErrorLog {

    static final System.Logger LOG = System.getLogger("io.daxkv.ycsb");

    private final String source;
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** {@code source} names what failed in the log, e.g. "daxkv store /tmp/x". */
    ErrorLog(String source) {
        this.source = source;
    }

    /** Counts the failure of {@code operation} on {@code key}; logs it when it is the first of its kind. */
    void record(String operation, String key, Throwable failure) {
        Throwable cause = unwrap(failure);
        String kind = operation + " " + cause.getClass().getName();
        LongAdder count = counts.get(kind);
        if (count == null) {
            LongAdder fresh = new LongAdder();
            count = counts.putIfAbsent(kind, fresh);
            if (count == null) {
                count = fresh;
                LOG.log(Level.WARNING, source + ": " + operation + " of key " + key + " failed (YCSB counts it as"
                        + " ERROR; further " + kind + " failures are counted, not logged): " + cause, cause);
            }
        }
        count.increment();
    }

    /** How often each kind failed so far, by kind ("read java.lang.IllegalArgumentException"). */
    Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Logs the count of every kind that failed more than once. */
    void summarize() {
        counts().forEach((kind, n) -> {
            if (n > 1) {
                LOG.log(Level.WARNING, source + ": " + kind + " happened " + n + " times (logged once)");
            }
        });
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
