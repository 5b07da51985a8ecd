package io.daxkv.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into varint32-length-prefixed frames and parses each into a message.
 *
 * <p>The limit is enforced on the declared length, before anything is allocated or waited for:
 * a prefix declaring more than {@code maxFrameBytes} fails at once with {@link
 * FrameException.TooLarge}, a prefix that is not a varint32 with {@link
 * FrameException.BadLengthPrefix}. After either, every later byte is discarded (the handler is
 * expected to answer and close). A frame that arrives whole but does not parse is passed on as
 * a {@link MalformedFrame}. A zero-length frame is the empty message, which parses.
 *
 * <p>Bytes of a frame that has not arrived whole are kept (at most {@code maxFrameBytes} plus
 * the prefix); {@link #partialSinceNanos()} tells since when, for a deadline to finish a frame.
 */
public final class FrameDecoder<T extends MessageLite> extends ByteToMessageDecoder {

    private final Parser<T> parser;
    private int maxFrameBytes;
    private boolean failed;
    private long partialSinceNanos;

    public FrameDecoder(Parser<T> parser, int maxFrameBytes) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.parser = parser;
        this.maxFrameBytes = maxFrameBytes;
    }

    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /**
     * Changes the limit for frames whose length prefix has not been read yet; a server raises it
     * once the hello succeeded, so an unauthenticated peer can only make it hold a small frame.
     */
    public void maxFrameBytes(int maxFrameBytes) {
        if (maxFrameBytes < 1) {
            throw new IllegalArgumentException("maxFrameBytes must be positive: " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * {@link System#nanoTime()} when the bytes of the frame now waiting for more began to arrive,
     * or 0 when no frame is partly received.
     */
    public long partialSinceNanos() {
        return partialSinceNanos;
    }

    /**
     * Restarts the clock of a partly received frame, for a receiver that stopped reading for a
     * while (back-pressure): the time it did not read is not the sender's delay.
     */
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
        int start = in.readerIndex();
        int available = in.readableBytes();
        long length = 0;
        int prefix = 0;
        while (true) {
            if (prefix == available) {
                markPartial(available);
                return;
            }
            int b = in.getByte(start + prefix) & 0xFF;
            prefix++;
            length |= (long) (b & 0x7F) << (7 * (prefix - 1));
            if ((b & 0x80) == 0) {
                break;
            }
            if (prefix == Protocol.MAX_LENGTH_PREFIX_BYTES) {
                fail(in);
                throw new FrameException.BadLengthPrefix("frame length prefix is longer than "
                        + Protocol.MAX_LENGTH_PREFIX_BYTES + " bytes (not a varint32)");
            }
        }
        if (length > 0xFFFF_FFFFL) {
            fail(in);
            throw new FrameException.BadLengthPrefix("frame length prefix has bits beyond 32 (not a varint32)");
        }
        if (length > maxFrameBytes) {
            fail(in);
            throw new FrameException.TooLarge(length, maxFrameBytes);
        }
        int len = (int) length;
        if (available - prefix < len) {
            markPartial(available);
            return;
        }
        int body = start + prefix;
        try {
            out.add(parser.parseFrom(in.nioBuffer(body, len)));
        } catch (InvalidProtocolBufferException e) {
            out.add(new MalformedFrame(len, e.getMessage()));
        } finally {
            in.readerIndex(body + len);
        }
        partialSinceNanos = 0;
        if (in.isReadable()) {
            markPartial(in.readableBytes());
        }
    }

    private void markPartial(int available) {
        if (available > 0 && partialSinceNanos == 0) {
            partialSinceNanos = System.nanoTime() | 1; // never 0
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        partialSinceNanos = 0;
        in.skipBytes(in.readableBytes());
    }
}
