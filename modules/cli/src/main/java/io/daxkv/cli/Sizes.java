package io.daxkv.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Byte sizes on the command line: a number of bytes, optionally with a binary suffix
 * K, M, G or T (1024-based; "KB", "KiB" and a trailing "B" are accepted too): 65536, 64K, 64M, 1G.
 */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    /** Parses a size; throws IllegalArgumentException saying what it accepts. */
    static long parse(String text) {
        String s = text == null ? "" : text.trim();
        Matcher m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (bytes, or a number with a"
                    + " K, M, G or T suffix, e.g. 64M)");
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

    /** picocli converter: a bad size becomes "Invalid value for option '--x': ...", exit 2. */
    static final class Converter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
