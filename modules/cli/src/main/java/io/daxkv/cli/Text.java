package io.daxkv.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Bytes to text and back for the command line.
 *
 * <p>Output ({@link #escape}): keys and values are shown as UTF-8 text. Every byte that is not
 * part of a printable UTF-8 character is written as {@code \xNN} (two lowercase hex digits):
 * control characters (including tab and newline, so a {@code scan} line never breaks), DEL,
 * C1 controls, format characters, line and paragraph separators, and bytes that are not valid
 * UTF-8. A backslash is written as {@code \\}, so the output is unambiguous.
 *
 * <p>Input ({@link #argBytes}): a KEY or VALUE argument is encoded as UTF-8.
 */
final class Text {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Text() {
    }

    /** The UTF-8 bytes of a command-line argument; refuses text the JVM could not decode. */
    static byte[] argBytes(String arg, String what) {
        if (arg.indexOf('\uFFFD') >= 0) {
            String enc = System.getProperty("sun.jnu.encoding", "");
            if (!enc.equalsIgnoreCase("UTF-8") && !enc.equalsIgnoreCase("UTF8")) {
                throw CliException.usage(what + " holds characters the JVM could not decode from the command line"
                        + " (sun.jnu.encoding=" + enc + "); run under a UTF-8 locale (e.g. LANG=C.UTF-8)"
                        + (what.equals("VALUE") ? " or pass the value on stdin with '-'" : ""));
            }
        }
        return arg.getBytes(UTF_8);
    }

    /** {@code b} as printable UTF-8 text with {@code \xNN} escapes; see the class comment. */
    static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c == '\\') {
                    sb.append("\\\\");
                } else if (c < 0x20 || c == 0x7f) {
                    hex(sb, c);
                } else {
                    sb.append((char) c);
                }
                i++;
                continue;
            }
            int n;
            int cp;
            int min;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1; cp = c & 0x1f; min = 0x80;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2; cp = c & 0x0f; min = 0x800;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3; cp = c & 0x07; min = 0x10000;
            } else {
                hex(sb, c); // continuation byte out of place, or a lead byte UTF-8 never uses
                i++;
                continue;
            }
            boolean ok = i + n < b.length;
            for (int k = 1; ok && k <= n; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    ok = false;
                } else {
                    cp = (cp << 6) | (cc & 0x3f);
                }
            }
            if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) {
                ok = false; // overlong, out of range, or a surrogate
            }
            if (!ok) {
                hex(sb, c);
                i++;
            } else if (printable(cp)) {
                sb.appendCodePoint(cp);
                i += n + 1;
            } else {
                for (int k = 0; k <= n; k++) {
                    hex(sb, b[i + k] & 0xff);
                }
                i += n + 1;
            }
        }
        return sb.toString();
    }

    private static boolean printable(int cp) {
        if (Character.isISOControl(cp)) {
            return false;
        }
        switch (Character.getType(cp)) {
            case Character.FORMAT:
            case Character.LINE_SEPARATOR:
            case Character.PARAGRAPH_SEPARATOR:
            case Character.SURROGATE:
                return false;
            default:
                return true;
        }
    }

    private static void hex(StringBuilder sb, int c) {
        sb.append('\\').append('x').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
    }
}
