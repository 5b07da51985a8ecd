package io.daxkv.server.resp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads RESP2 commands: arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and
 * inline commands (a bare line of space-separated words, e.g. {@code PING\r\n}).
 *
 * <p>Every count and length is checked against its limit when its header is read, before
 * anything of that size is allocated or waited for: the number of arguments ({@code maxArgs}),
 * one argument's length ({@code maxBulkBytes}), the bytes of one command in all
 * ({@code maxCommandBytes}), a header line (32 bytes) and an inline line ({@code maxInlineBytes}).
 * A violation, a negative or malformed count, or anything but a bulk string inside the array
 * (nested arrays among them) fails with {@link RespProtocolException}; every byte after it is
 * discarded. The parse is incremental: a command arriving a byte at a time is read once.
 *
 * <p>Limits can be changed between commands ({@link #limits}), so a server can keep them small
 * until a client has authenticated.
 */
public final class RespDecoder extends ByteToMessageDecoder {

    private static final int MAX_HEADER_LINE = 32;

    private int maxArgs;
    private int maxBulkBytes;
    private long maxCommandBytes;
    private final int maxInlineBytes;

    // state of the command being read
    private byte[][] args;       // null: at the start of a command
    private int argIndex;
    private int bulkLength = -1; // -1: expecting a bulk header
    private long commandBytes;
    private boolean failed;

    public RespDecoder(int maxArgs, int maxBulkBytes, long maxCommandBytes, int maxInlineBytes) {
        limits(maxArgs, maxBulkBytes, maxCommandBytes);
        this.maxInlineBytes = maxInlineBytes;
    }

    /** Changes the limits for commands not yet started. */
    public void limits(int maxArgs, int maxBulkBytes, long maxCommandBytes) {
        if (maxArgs < 1 || maxBulkBytes < 0 || maxCommandBytes < 1) {
            throw new IllegalArgumentException("bad limits: " + maxArgs + ", " + maxBulkBytes + ", " + maxCommandBytes);
        }
        this.maxArgs = maxArgs;
        this.maxBulkBytes = maxBulkBytes;
        this.maxCommandBytes = maxCommandBytes;
    }

    private long partialSinceNanos;

    /**
     * {@link System#nanoTime()} when the command now waiting for more bytes began to arrive, or
     * 0 when none is partly received: for a deadline to finish a command.
     */
    public long partialSinceNanos() {
        return partialSinceNanos;
    }

    /** Restarts that clock (the receiver stopped reading for a while: not the sender's delay). */
    public void restartPartialClock() {
        if (partialSinceNanos != 0) {
            partialSinceNanos = System.nanoTime() | 1;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            int before = out.size();
            parse(in, out);
            if (args == null && !in.isReadable()) {
                partialSinceNanos = 0;
            } else if (partialSinceNanos == 0 || out.size() > before) {
                partialSinceNanos = System.nanoTime() | 1; // a new command began to arrive
            }
        } catch (RespProtocolException e) {
            failed = true;
            args = null;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void parse(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            if (args == null) {
                byte first = in.getByte(in.readerIndex());
                if (first == '*') {
                    if (!startArray(in)) {
                        return;
                    }
                } else if (!inline(in, out)) {
                    return;
                }
                continue;
            }
            if (!readArgument(in)) {
                return;
            }
            if (argIndex == args.length) {
                out.add(new RespCommand(args, false));
                args = null;
            }
        }
    }

    /** Reads "*n\r\n"; false when the line is not complete yet. */
    private boolean startArray(ByteBuf in) {
        long n = headerNumber(in, '*');
        if (n == Long.MIN_VALUE) {
            return false;
        }
        if (n <= 0) {
            return true; // "*0" and "*-1": no command, as Redis treats them
        }
        if (n > maxArgs) {
            throw new RespProtocolException("invalid multibulk length: " + n + " arguments, the limit is " + maxArgs);
        }
        args = new byte[(int) n][];
        argIndex = 0;
        bulkLength = -1;
        commandBytes = 0;
        return true;
    }

    /** Reads one "$len\r\n<bytes>\r\n"; false when it has not all arrived. */
    private boolean readArgument(ByteBuf in) {
        if (bulkLength < 0) {
            if (in.getByte(in.readerIndex()) != '$') {
                byte b = in.getByte(in.readerIndex());
                throw new RespProtocolException("expected '$', got '" + printable(b) + "'");
            }
            long len = headerNumber(in, '$');
            if (len == Long.MIN_VALUE) {
                return false;
            }
            if (len < 0) {
                throw new RespProtocolException("invalid bulk length: " + len);
            }
            if (len > maxBulkBytes) {
                throw new RespProtocolException("invalid bulk length: " + len + " bytes, the limit is " + maxBulkBytes);
            }
            commandBytes += len;
            if (commandBytes > maxCommandBytes) {
                throw new RespProtocolException("command of more than " + maxCommandBytes + " bytes");
            }
            bulkLength = (int) len;
        }
        if (in.readableBytes() < bulkLength + 2) {
            return false;
        }
        byte[] arg = new byte[bulkLength];
        in.readBytes(arg);
        if (in.readByte() != '\r' || in.readByte() != '\n') {
            throw new RespProtocolException("bulk string not followed by CRLF");
        }
        args[argIndex++] = arg;
        bulkLength = -1;
        return true;
    }

    /**
     * The number after {@code type} on a header line ending in CRLF, consumed; Long.MIN_VALUE
     * when the line has not all arrived.
     */
    private static long headerNumber(ByteBuf in, char type) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int limit = Math.min(end, start + MAX_HEADER_LINE);
        int cr = -1;
        for (int i = start + 1; i < limit; i++) {
            if (in.getByte(i) == '\r') {
                cr = i;
                break;
            }
        }
        if (cr < 0) {
            if (end - start >= MAX_HEADER_LINE) {
                throw new RespProtocolException("'" + type + "' header longer than " + MAX_HEADER_LINE + " bytes");
            }
            return Long.MIN_VALUE;
        }
        if (cr + 1 >= end) {
            return Long.MIN_VALUE;
        }
        if (in.getByte(cr + 1) != '\n') {
            throw new RespProtocolException("'" + type + "' header not ended by CRLF");
        }
        long v = 0;
        boolean negative = false;
        int i = start + 1;
        if (i < cr && in.getByte(i) == '-') {
            negative = true;
            i++;
        }
        if (i == cr) {
            throw new RespProtocolException("'" + type + "' header without a number");
        }
        for (; i < cr; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                throw new RespProtocolException("'" + type + "' header: '" + printable(b) + "' is not a digit");
            }
            v = v * 10 + (b - '0');
            if (v > Integer.MAX_VALUE) {
                throw new RespProtocolException("'" + type + "' header: number over " + Integer.MAX_VALUE);
            }
        }
        in.readerIndex(cr + 2);
        return negative ? -v : v;
    }

    /** Reads an inline command line; false when the line has not all arrived. */
    private boolean inline(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int nl = in.indexOf(start, Math.min(end, start + maxInlineBytes + 1), (byte) '\n');
        if (nl < 0) {
            if (end - start > maxInlineBytes) {
                throw new RespProtocolException("inline command longer than " + maxInlineBytes + " bytes");
            }
            return false;
        }
        int lineEnd = nl > start && in.getByte(nl - 1) == '\r' ? nl - 1 : nl;
        List<byte[]> words = new java.util.ArrayList<>();
        int i = start;
        while (i < lineEnd) {
            while (i < lineEnd && isSpace(in.getByte(i))) {
                i++;
            }
            int w = i;
            while (i < lineEnd && !isSpace(in.getByte(i))) {
                i++;
            }
            if (i > w) {
                if (words.size() == maxArgs) {
                    throw new RespProtocolException("inline command of more than " + maxArgs + " arguments");
                }
                byte[] word = new byte[i - w];
                in.getBytes(w, word);
                words.add(word);
            }
        }
        in.readerIndex(nl + 1);
        if (!words.isEmpty()) {
            out.add(new RespCommand(words.toArray(new byte[0][]), true));
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static String printable(byte b) {
        return b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF);
    }
}
