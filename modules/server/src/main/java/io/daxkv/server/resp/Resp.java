package io.daxkv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes RESP2 replies into buffers. */
final class Resp {

    static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF = {'\r', '\n'};

    private Resp() {
    }

    static ByteBuf simple(ByteBufAllocator a, byte[] constant) {
        return a.ioBuffer(constant.length).writeBytes(constant);
    }

    static ByteBuf simple(ByteBufAllocator a, String s) {
        ByteBuf b = a.ioBuffer(s.length() + 3);
        b.writeByte('+');
        b.writeCharSequence(clean(s), StandardCharsets.UTF_8);
        return b.writeBytes(CRLF);
    }

    /** An error reply: {@code message} starts with its code, e.g. "ERR ..." or "NOAUTH ...". */
    static ByteBuf error(ByteBufAllocator a, String message) {
        ByteBuf b = a.ioBuffer(message.length() + 3);
        writeError(b, message);
        return b;
    }

    /** Appends an error reply to {@code b}; {@code message} starts with its code. */
    static void writeError(ByteBuf b, String message) {
        b.writeByte('-');
        b.writeCharSequence(clean(message), StandardCharsets.UTF_8);
        b.writeBytes(CRLF);
    }

    static ByteBuf integer(ByteBufAllocator a, long n) {
        ByteBuf b = a.ioBuffer(24);
        b.writeByte(':');
        writeNumber(b, n);
        return b.writeBytes(CRLF);
    }

    /** A bulk string, or the null bulk string for null. */
    static ByteBuf bulk(ByteBufAllocator a, byte[] value) {
        if (value == null) {
            return simple(a, NULL_BULK);
        }
        ByteBuf b = a.ioBuffer(value.length + 16);
        writeBulk(b, value);
        return b;
    }

    /** An array of bulk strings (null elements as null bulk strings). */
    static ByteBuf array(ByteBufAllocator a, List<byte[]> values) {
        int size = 16;
        for (byte[] v : values) {
            size += (v == null ? 0 : v.length) + 16;
        }
        ByteBuf b = a.ioBuffer(size);
        arrayHeader(b, values.size());
        for (byte[] v : values) {
            if (v == null) {
                b.writeBytes(NULL_BULK);
            } else {
                writeBulk(b, v);
            }
        }
        return b;
    }

    static void arrayHeader(ByteBuf b, int n) {
        b.writeByte('*');
        writeNumber(b, n);
        b.writeBytes(CRLF);
    }

    static void writeBulk(ByteBuf b, byte[] value) {
        b.writeByte('$');
        writeNumber(b, value.length);
        b.writeBytes(CRLF);
        b.writeBytes(value);
        b.writeBytes(CRLF);
    }

    static void writeInteger(ByteBuf b, long n) {
        b.writeByte(':');
        writeNumber(b, n);
        b.writeBytes(CRLF);
    }

    private static void writeNumber(ByteBuf b, long n) {
        b.writeCharSequence(Long.toString(n), StandardCharsets.US_ASCII);
    }

    /** Simple strings and errors cannot hold CR or LF. */
    private static String clean(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
