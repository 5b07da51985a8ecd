package io.daxkv.server.config;

import java.time.Duration;

/** The checks the settings records run, each naming the dotted key it rejects. */
final class Check {
    private Check() {
    }

    static <T> T notNull(String key, T value) {
        if (value == null) {
            throw ConfigException.invalid(key, "must be set (null)");
        }
        return value;
    }

    static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw ConfigException.invalid(key, value + " is out of range " + min + ".." + max);
        }
    }

    static void sizeRange(String key, long bytes, long min, long max) {
        if (bytes < min || bytes > max) {
            throw ConfigException.invalid(key, Sizes.format(bytes) + " is out of range "
                    + Sizes.format(min) + ".." + Sizes.format(max));
        }
    }

    static void durationRange(String key, Duration d, Duration min, Duration max) {
        notNull(key, d);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw ConfigException.invalid(key, Durations.format(d) + " is out of range "
                    + Durations.format(min) + ".." + Durations.format(max));
        }
    }

    static void positive(String key, Duration d) {
        notNull(key, d);
        if (d.isNegative() || d.isZero()) {
            throw ConfigException.invalid(key, Durations.format(d) + " is not allowed: it must be more than 0");
        }
    }

    static void notNegative(String key, Duration d) {
        notNull(key, d);
        if (d.isNegative()) {
            throw ConfigException.invalid(key, Durations.format(d) + " is negative");
        }
    }
}
