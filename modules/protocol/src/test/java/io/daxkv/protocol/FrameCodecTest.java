package io.daxkv.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final int MAX = 4096;

    private static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(new FrameDecoder<>(Request.parser(), MAX));
    }

    private static List<Request> sampleRequests() {
        List<Request> list = new ArrayList<>();
        list.add(Request.newBuilder().setId(1).setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)).build());
        list.add(Request.newBuilder().setId(2).setGet(Get.newBuilder().setKey(ByteString.copyFromUtf8("k"))).build());
        list.add(Request.newBuilder().setId(300).setDurability(Durability.DURABILITY_SYNC)
                .setPut(Put.newBuilder().setKey(ByteString.copyFromUtf8("key")).setValue(ByteString.copyFrom(new byte[200])))
                .build());
        list.add(Request.getDefaultInstance()); // zero-length frame
        list.add(Request.newBuilder().setId(Long.MAX_VALUE).setScan(Scan.newBuilder().setLimit(10)).build());
        return list;
    }

    private static byte[] concat(List<Request> requests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Request r : requests) {
            out.writeBytes(FrameEncoder.toBytes(r));
        }
        return out.toByteArray();
    }

    private static List<Object> drain(EmbeddedChannel ch) {
        List<Object> got = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            got.add(o);
        }
        return got;
    }

    @Test
    void framesSplitAtEveryByteBoundaryDecodeTheSame() {
        List<Request> requests = sampleRequests();
        byte[] stream = concat(requests);
        for (int cut = 0; cut <= stream.length; cut++) {
            EmbeddedChannel ch = decoderChannel();
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
            assertEquals(requests, drain(ch), "split at byte " + cut);
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void framesFedOneByteAtATimeDecodeTheSame() {
        List<Request> requests = sampleRequests();
        byte[] stream = concat(requests);
        EmbeddedChannel ch = decoderChannel();
        List<Object> got = new ArrayList<>();
        for (byte b : stream) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            got.addAll(drain(ch));
        }
        assertEquals(requests, got);
        assertEquals(0, ((FrameDecoder<?>) ch.pipeline().first()).partialSinceNanos());
    }

    @Test
    void zeroLengthFrameIsTheEmptyMessage() {
        EmbeddedChannel ch = decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0}));
        assertEquals(Request.getDefaultInstance(), ch.readInbound());
    }

    @Test
    void frameOfExactlyTheLimitIsAccepted() {
        // a Ping whose encoding is exactly MAX bytes
        int payload = MAX - 3 - 3; // field tag+len of payload, tag+len of ping
        Request r = Request.newBuilder().setPing(Ping.newBuilder().setPayload(ByteString.copyFrom(new byte[payload]))).build();
        int size = r.getSerializedSize();
        r = Request.newBuilder().setPing(Ping.newBuilder().setPayload(ByteString.copyFrom(new byte[payload + MAX - size]))).build();
        assertEquals(MAX, r.getSerializedSize());
        EmbeddedChannel ch = decoderChannel();
        ch.writeInbound(Unpooled.wrappedBuffer(FrameEncoder.toBytes(r)));
        assertEquals(r, ch.readInbound());
    }

    @Test
    void lengthOneOverTheLimitFailsBeforeAnyBodyArrives() {
        EmbeddedChannel ch = decoderChannel();
        byte[] prefix = varint(MAX + 1);
        FrameException.TooLarge tl = assertThrows(FrameException.TooLarge.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(prefix)));
        assertEquals(MAX + 1, tl.declaredBytes());
        assertTrue(tl.getMessage().contains("4097") && tl.getMessage().contains("4096"), tl.getMessage());
    }

    @Test
    void hugeDeclaredLengthsFailAtOnce() {
        for (long declared : new long[] {Integer.MAX_VALUE, 0xFFFF_FFFFL, 1L << 31}) {
            EmbeddedChannel ch = decoderChannel();
            assertThrows(FrameException.TooLarge.class,
                    () -> ch.writeInbound(Unpooled.wrappedBuffer(varint(declared))), "declared " + declared);
            // everything after is discarded, nothing more comes out
            ch.writeInbound(Unpooled.wrappedBuffer(FrameEncoder.toBytes(sampleRequests().get(1))));
            assertNull(ch.readInbound());
        }
    }

    @Test
    void varintLongerThanFiveBytesIsRejected() {
        EmbeddedChannel ch = decoderChannel();
        byte[] six = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00};
        assertThrows(FrameException.BadLengthPrefix.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(six)));
    }

    @Test
    void fiveByteVarintWithBitsBeyond32IsRejected() {
        EmbeddedChannel ch = decoderChannel();
        byte[] five = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x70};
        assertThrows(FrameException.BadLengthPrefix.class, () -> ch.writeInbound(Unpooled.wrappedBuffer(five)));
    }

    @Test
    void declaredLengthFarAboveWhatIsSentWaitsAndMarksThePartialFrame() {
        EmbeddedChannel ch = decoderChannel();
        FrameDecoder<?> decoder = (FrameDecoder<?>) ch.pipeline().first();
        assertEquals(0, decoder.partialSinceNanos());
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(varint(MAX));
        buf.writeBytes(new byte[10]);
        ch.writeInbound(buf);
        assertNull(ch.readInbound());
        assertNotEquals(0, decoder.partialSinceNanos());
    }

    @Test
    void bytesThatDoNotParseGiveAMalformedFrameAndTheStreamStaysInStep() {
        EmbeddedChannel ch = decoderChannel();
        // field 1 declared as a length-delimited field running past the frame's end
        byte[] garbage = {3, 0x0A, 0x7F, 0x01};
        Request next = sampleRequests().get(1);
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(garbage);
        buf.writeBytes(FrameEncoder.toBytes(next));
        ch.writeInbound(buf);
        MalformedFrame m = assertInstanceOf(MalformedFrame.class, ch.readInbound());
        assertEquals(3, m.frameBytes());
        assertEquals(next, ch.readInbound());
    }

    @Test
    void unknownOperationParsesWithNoOperationSetAndKeepsTheUnknownField() {
        // field 99 (an operation from a newer client), length-delimited, empty
        byte[] body = {(byte) 0x9A, 0x06, 0x00};
        EmbeddedChannel ch = decoderChannel();
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(body.length);
        buf.writeBytes(body);
        ch.writeInbound(buf);
        Request r = assertInstanceOf(Request.class, ch.readInbound());
        assertEquals(Request.OpCase.OP_NOT_SET, r.getOpCase());
        assertTrue(r.getUnknownFields().hasField(99));
    }

    @Test
    void randomBytesNeverThrowAnythingButAFrameError() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[random.nextInt(64)];
            random.nextBytes(junk);
            EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder<>(Request.parser(), 64));
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(junk));
                for (Object o; (o = ch.readInbound()) != null; ) {
                    assertTrue(o instanceof Request || o instanceof MalformedFrame, o.getClass().getName());
                }
            } catch (FrameException expected) {
                // a bad length prefix: the only way random bytes may fail
            }
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void encoderWritesOneFrameThatTheDecoderReads() {
        EmbeddedChannel out = new EmbeddedChannel(FrameEncoder.INSTANCE);
        Response resp = Response.newBuilder().setId(7).setStatus(Status.OK)
                .setGet(GetResult.newBuilder().setFound(true).setValue(ByteString.copyFromUtf8("v"))).build();
        out.writeOutbound(resp);
        ByteBuf frame = out.readOutbound();
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        assertArrayEquals(FrameEncoder.toBytes(resp), bytes);
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder<>(Response.parser(), MAX));
        in.writeInbound(Unpooled.wrappedBuffer(bytes));
        assertEquals(resp, in.readInbound());
    }

    @Test
    void prefixBytesMatchesTheVarintLength() {
        for (int n : new int[] {0, 1, 127, 128, 16383, 16384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28, Integer.MAX_VALUE}) {
            assertEquals(varint(n).length, Protocol.prefixBytes(n), "length " + n);
        }
    }

    static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }
}
