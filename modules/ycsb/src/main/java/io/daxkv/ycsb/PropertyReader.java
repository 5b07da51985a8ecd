package io.daxkv.ycsb;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import site.ycsb.DBException;

/**
 * Reads the bindings' {@code daxkv.*} properties from YCSB's {@link Properties}; every problem
 * is a {@link DBException} whose message starts with the property's name and quotes the value.
 * A property set to an empty (or blank) string counts as not set.
 *
 * <p>Sizes and durations take the grammar of the server's configuration file
 * ({@code io.daxkv.server.config.Sizes} and {@code Durations}, which this module does not depend
 * on at run time): sizes are bytes or a number with a binary suffix K, M or G (64M); durations a
 * whole number with a unit ms, s or m (500ms, 10s); a bare number is not a duration.
 */
final class PropertyReader {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*([kmg]?)(i?b)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)");

    private final Properties properties;

    PropertyReader(Properties properties) {
        this.properties = properties == null ? new Properties() : properties;
    }

    /** The trimmed value, or null when the property is absent or blank. */
    String get(String key) {
        String v = properties.getProperty(key);
        if (v == null || v.isBlank()) {
            return null;
        }
        return v.trim();
    }

    /** The value; {@code what} says in the error what the property is for. */
    String required(String key, String what) throws DBException {
        String v = get(key);
        if (v == null) {
            throw new DBException(key + " is required: " + what + " (set it with -p " + key + "=...)");
        }
        return v;
    }

    String string(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    int integer(String key, int defaultValue, int min, int max) throws DBException {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DBException(key + ": '" + v + "' is not a whole number from " + min + " to " + max);
    }

    /** A size in bytes, or {@code defaultValue} when unset. */
    long size(String key, long defaultValue) throws DBException {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new DBException(key + ": '" + v + "' is not a size (bytes, or a number with a K, M or G suffix, e.g. 64M)");
        }
        int shift;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k": shift = 10; break;
            case "m": shift = 20; break;
            case "g": shift = 30; break;
            default: shift = 0; break;
        }
        return Long.parseLong(m.group(1)) << shift; // at most 12 digits << 30: no overflow
    }

    /** A positive duration, or {@code defaultValue} when unset. */
    Duration duration(String key, Duration defaultValue) throws DBException {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(v);
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new DBException(key + ": '" + v + "' is not a positive duration (a whole number with a unit ms, s"
                    + " or m, e.g. 500ms, 10s)");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms": return Duration.ofMillis(n);
            case "s": return Duration.ofSeconds(n);
            default: return Duration.ofMinutes(n);
        }
    }

    boolean bool(String key, boolean defaultValue) throws DBException {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": return true;
            case "false": return false;
            default: throw new DBException(key + ": '" + v + "' is not true or false");
        }
    }

    /** One of {@code choices} by its (case-insensitive) name; {@code defaultName} when unset. */
    <T> T choice(String key, String defaultName, Map<String, T> choices) throws DBException {
        String v = string(key, defaultName).toLowerCase(Locale.ROOT);
        T t = choices.get(v);
        if (t == null) {
            throw new DBException(key + ": '" + get(key) + "' is not one of " + String.join(", ",
                    new java.util.TreeSet<>(choices.keySet())));
        }
        return t;
    }
}
