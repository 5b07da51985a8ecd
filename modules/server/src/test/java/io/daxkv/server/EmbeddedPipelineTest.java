package io.daxkv.server;

import static io.daxkv.server.WireProtocolTest.get;
import static io.daxkv.server.WireProtocolTest.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.DaxKV;
import io.daxkv.protocol.FrameDecoder;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Hello;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import io.daxkv.server.config.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's pipeline (frame decoder, encoder, request handler) on an EmbeddedChannel: bytes
 * in, frames out, no sockets and no threads. Writes here are ASYNC, so every answer is given
 * on the calling thread.
 */
class EmbeddedPipelineTest {

    @TempDir
    Path tmp;
    private DaxKV kv;
    private ServerConfig config;
    private ServerMetrics metrics;

    @BeforeEach
    void open() {
        config = TestServer.config().withStoreDir(tmp.resolve("s"));
        kv = DaxKV.open(config.storeDir(), config.toStoreOptions());
        metrics = new ServerMetrics(kv, true, true);
    }

    @AfterEach
    void close() {
        kv.close();
    }

    private EmbeddedChannel channel() {
        ConnectionSettings s = ConnectionSettings.of(config);
        return new EmbeddedChannel(new FrameDecoder<>(Request.parser(), s.maxFrameBytes()), FrameEncoder.INSTANCE,
                new RequestHandler(kv, s, metrics, new ServerState()));
    }

    private static List<Response> responses(EmbeddedChannel ch) throws Exception {
        List<Response> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            try {
                while (b.isReadable()) {
                    int len = readVarint(b);
                    byte[] body = new byte[len];
                    b.readBytes(body);
                    out.add(Response.parseFrom(body));
                }
            } finally {
                b.release();
            }
        }
        return out;
    }

    private static int readVarint(ByteBuf b) {
        int v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.readByte();
            v |= (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    private static byte[] conversation() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(FrameEncoder.toBytes(Request.newBuilder().setId(1)
                .setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)).build()));
        for (int i = 0; i < 5; i++) {
            s.writeBytes(FrameEncoder.toBytes(put(10 + i, "key" + i, "value" + i)));
            s.writeBytes(FrameEncoder.toBytes(get(20 + i, "key" + i)));
        }
        return s.toByteArray();
    }

    @Test
    void aConversationSplitAtEveryByteIsAnsweredTheSame() throws Exception {
        byte[] stream = conversation();
        EmbeddedChannel whole = channel();
        whole.writeInbound(Unpooled.wrappedBuffer(stream));
        List<Response> expected = responses(whole);
        assertEquals(11, expected.size());
        assertTrue(expected.stream().allMatch(r -> r.getStatus() == Status.OK), expected.toString());
        for (int cut = 1; cut < stream.length; cut++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(stream, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(stream, cut, stream.length - cut));
            assertEquals(expected, responses(ch), "cut at byte " + cut);
            assertTrue(ch.isActive());
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void aLengthPrefixOverTheLimitIsAnsweredAndClosed() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(FrameEncoder.toBytes(Request.newBuilder().setId(1)
                .setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)).build())));
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07}));
        List<Response> r = responses(ch);
        assertEquals(2, r.size());
        assertEquals(Status.TOO_LARGE, r.get(1).getStatus());
        assertTrue(r.get(1).getError().contains("frame of 2147483647 bytes"), r.get(1).getError());
        ch.runPendingTasks();
        assertFalse(ch.isActive(), "closed: the stream cannot be resynchronised");
    }

    @Test
    void beforeHelloNothingIsStored() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(FrameEncoder.toBytes(put(1, "k", "v"))));
        List<Response> r = responses(ch);
        assertEquals(Status.HELLO_REQUIRED, r.get(0).getStatus());
        ch.runPendingTasks();
        assertFalse(ch.isActive());
        assertEquals(null, kv.get("k".getBytes()));
    }
}
