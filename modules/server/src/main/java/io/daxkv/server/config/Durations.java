package io.daxkv.server.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them: a whole number followed by a unit, {@code ms} (milliseconds),
 * {@code s} (seconds), {@code m} (minutes) or {@code h} (hours), e.g. 250ms, 30s, 5m, 1h; a space
 * between number and unit is allowed. Units are lower case ({@code M} is a size suffix, never
 * minutes). A bare number is rejected, because whether 30 means seconds or milliseconds is
 * exactly the mistake this prevents, except {@code 0}, which needs no unit. Nothing negative,
 * nothing fractional, nothing longer than {@link Duration#toNanos()} can hold (about 292 years).
 */
public final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    /** What {@link #parse} accepts, for error messages. */
    public static final String GRAMMAR = "a whole number with a unit ms, s, m or h, e.g. 500ms, 30s, 5m; or 0";

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException quoting the text and saying what is accepted
     */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            if (s.startsWith("-")) {
                throw new IllegalArgumentException("'" + text + "' is negative; a duration is 0 or more");
            }
            throw new IllegalArgumentException("'" + text + "' is not a duration (" + GRAMMAR + ")");
        }
        try {
            long n = Long.parseLong(m.group(1));
            Duration d;
            switch (m.group(2)) {
                case "ms": d = Duration.ofMillis(n); break;
                case "s": d = Duration.ofSeconds(n); break;
                case "m": d = Duration.ofMinutes(n); break;
                default: d = Duration.ofHours(n); break;
            }
            d.toNanos(); // throws ArithmeticException when a scheduler could not take it
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long");
        }
    }

    /**
     * The text {@link #parse} reads back as {@code d}, in the largest unit that divides it exactly
     * (30000 ms is "30s", 0 is "0"). Sub-millisecond parts, which {@link #parse} never makes, are
     * rounded down.
     */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
