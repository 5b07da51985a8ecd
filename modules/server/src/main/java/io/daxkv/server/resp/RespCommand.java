package io.daxkv.server.resp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One command read from a RESP2 connection: its arguments as sent, the name first.
 *
 * @param args       the arguments; at least one
 * @param inline     whether it came as an inline command (a bare line, as redis-benchmark's PING_INLINE)
 */
public record RespCommand(byte[][] args, boolean inline) {

    /** The command's name in upper case ASCII. */
    public String name() {
        return new String(args[0], StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    public int argc() {
        return args.length;
    }

    public byte[] arg(int i) {
        return args[i];
    }

    public String argString(int i) {
        return new String(args[i], StandardCharsets.UTF_8);
    }
}
