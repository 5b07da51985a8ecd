package io.daxkv.protocol;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.io.IOException;

/**
 * Writes a message as one frame: its varint32 length, then its bytes, into a single buffer of
 * exactly that size (protobuf caches the size, so it is computed once).
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToByteEncoder<MessageLite> {

    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(MessageLite.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, MessageLite msg, boolean preferDirect) {
        int size = msg.getSerializedSize();
        return ctx.alloc().ioBuffer(Protocol.prefixBytes(size) + size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MessageLite msg, ByteBuf out) throws IOException {
        write(msg, out);
    }

    /** Appends {@code msg} as one frame to {@code out}, which must not be a composite buffer. */
    public static void write(MessageLite msg, ByteBuf out) throws IOException {
        int size = msg.getSerializedSize();
        out.ensureWritable(Protocol.prefixBytes(size) + size);
        if (out.nioBufferCount() != 1) {
            throw new IllegalArgumentException("cannot encode into a buffer of " + out.nioBufferCount() + " parts");
        }
        int v = size;
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
        int at = out.writerIndex();
        CodedOutputStream cos = CodedOutputStream.newInstance(out.nioBuffer(at, size));
        msg.writeTo(cos);
        cos.checkNoSpaceLeft();
        out.writerIndex(at + size);
    }

    /** {@code msg} as one frame, in a new array (tests, tools). */
    public static byte[] toBytes(MessageLite msg) {
        int size = msg.getSerializedSize();
        byte[] frame = new byte[Protocol.prefixBytes(size) + size];
        int i = 0;
        int v = size;
        while ((v & ~0x7F) != 0) {
            frame[i++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        frame[i++] = (byte) v;
        try {
            CodedOutputStream cos = CodedOutputStream.newInstance(frame, i, size);
            msg.writeTo(cos);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("writing to an array cannot fail", e);
        }
        return frame;
    }
}
