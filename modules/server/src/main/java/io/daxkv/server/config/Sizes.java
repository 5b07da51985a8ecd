package io.daxkv.server.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them, in the configuration file and on the command line: a number of
 * bytes, optionally with a binary suffix K, M, G or T (1024-based; "KB", "KiB" and a trailing "B"
 * are accepted too, in any case): 65536, 64K, 64M, 1G. Nothing else: no fractions, no signs, no
 * hexadecimal, no underscores. This is the one implementation; the CLI's option converters wrap it.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    /** What {@link #parse} accepts, for error messages. */
    public static final String GRAMMAR = "bytes, or a number with a K, M, G or T suffix, e.g. 64M";

    private Sizes() {
    }

    /**
     * Parses a size.
     *
     * @throws IllegalArgumentException quoting the text and saying what is accepted
     */
    public static long parse(String text) {
        String s = text == null ? "" : text.trim();
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (" + GRAMMAR + ")");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        int shift;
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k": shift = 10; break;
            case "m": shift = 20; break;
            case "g": shift = 30; break;
            case "t": shift = 40; break;
            default: shift = 0; break;
        }
        if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }

    /**
     * The shortest text {@link #parse} reads back as {@code bytes}: the largest suffix that divides
     * it exactly (65536 is "64K", 17825792 is "17M", 100 is "100").
     */
    public static String format(long bytes) {
        if (bytes != 0) {
            String[] suffixes = {"T", "G", "M", "K"};
            for (int i = 0; i < suffixes.length; i++) {
                int shift = 40 - 10 * i;
                if (bytes % (1L << shift) == 0) {
                    return (bytes >> shift) + suffixes[i];
                }
            }
        }
        return Long.toString(bytes);
    }
}
