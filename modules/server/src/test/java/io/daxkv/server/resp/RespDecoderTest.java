package io.daxkv.server.resp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespDecoderTest {

    private static EmbeddedChannel channel(int maxArgs, int maxBulk, long maxCommand) {
        return new EmbeddedChannel(new RespDecoder(maxArgs, maxBulk, maxCommand, 1024));
    }

    private static EmbeddedChannel channel() {
        return channel(100, 1000, 10_000);
    }

    private static List<String> words(RespCommand c) {
        List<String> w = new ArrayList<>();
        for (byte[] a : c.args()) {
            w.add(new String(a, UTF_8));
        }
        return w;
    }

    private static List<List<String>> drain(EmbeddedChannel ch) {
        List<List<String>> got = new ArrayList<>();
        for (Object o; (o = ch.readInbound()) != null; ) {
            got.add(words((RespCommand) o));
        }
        return got;
    }

    private static final String STREAM = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
            + "PING\r\n"
            + "*2\r\n$3\r\nGET\r\n$0\r\n\r\n"
            + "*0\r\n"
            + "  ECHO   two\twords \n"
            + "*1\r\n$4\r\nPING\r\n";

    private static final List<List<String>> EXPECTED = List.of(List.of("SET", "k", "hello"), List.of("PING"),
            List.of("GET", ""), List.of("ECHO", "two", "words"), List.of("PING"));

    @Test
    void commandsSplitAtEveryByteDecodeTheSame() {
        byte[] s = STREAM.getBytes(UTF_8);
        for (int cut = 0; cut <= s.length; cut++) {
            EmbeddedChannel ch = channel();
            ch.writeInbound(Unpooled.wrappedBuffer(s, 0, cut));
            ch.writeInbound(Unpooled.wrappedBuffer(s, cut, s.length - cut));
            assertEquals(EXPECTED, drain(ch), "cut at " + cut);
        }
        EmbeddedChannel ch = channel();
        List<List<String>> got = new ArrayList<>();
        for (byte b : s) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            got.addAll(drain(ch));
        }
        assertEquals(EXPECTED, got);
        assertEquals(0, ((RespDecoder) ch.pipeline().first()).partialSinceNanos());
    }

    @Test
    void binaryBulkStringsArriveByteForByte() {
        byte[] value = new byte[256];
        for (int i = 0; i < 256; i++) {
            value[i] = (byte) i;
        }
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer("*2\r\n$3\r\nSET\r\n$256\r\n".getBytes(UTF_8), value, "\r\n".getBytes(UTF_8)));
        RespCommand c = ch.readInbound();
        assertArrayEquals(value, c.arg(1));
        assertEquals("SET", c.name());
        assertFalse(c.inline());
    }

    @Test
    void countsAndLengthsOverTheLimitFailFromTheHeaderAlone() {
        assertEquals("invalid multibulk length: 101 arguments, the limit is 100",
                assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*101\r\n"))).getMessage());
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*2147483647\r\n")))
                .getMessage().contains("invalid multibulk length"));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*99999999999\r\n")))
                .getMessage().contains("number over"));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*1\r\n$1001\r\n")))
                .getMessage().contains("invalid bulk length: 1001 bytes, the limit is 1000"));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*1\r\n$-5\r\n")))
                .getMessage().contains("invalid bulk length: -5"));
        // many bulks each under the limit, over the command's total
        EmbeddedChannel ch = channel(100, 1000, 2500);
        RespProtocolException e = assertThrows(RespProtocolException.class,
                () -> ch.writeInbound(bytes("*4\r\n$1000\r\n" + "x".repeat(1000) + "\r\n$1000\r\n" + "x".repeat(1000)
                        + "\r\n$1000\r\n")));
        assertTrue(e.getMessage().contains("command of more than 2500 bytes"), e.getMessage());
    }

    @Test
    void aDeclaredLengthFarAboveWhatIsSentWaitsWithoutAllocatingIt() {
        EmbeddedChannel ch = channel(100, 1_000_000, 10_000_000);
        ch.writeInbound(bytes("*2\r\n$3\r\nSET\r\n$999999\r\nabc"));
        assertNull(ch.readInbound());
        assertNotEquals(0, ((RespDecoder) ch.pipeline().first()).partialSinceNanos());
    }

    @Test
    void nestedArraysNegativeCountsAndGarbageAreProtocolErrors() {
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*1\r\n*1\r\n$1\r\nx\r\n")))
                .getMessage().contains("expected '$', got '*'"));
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("*-1\r\n*-7\r\nPING\r\n")); // null and negative arrays: no command, as Redis
        assertEquals(List.of(List.of("PING")), drain(ch));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*1x\r\n")))
                .getMessage().contains("is not a digit"));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*" + "1".repeat(40))))
                .getMessage().contains("header longer than"));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("*1\r\n$1\r\nxy\r\n")))
                .getMessage().contains("not followed by CRLF"));
        assertTrue(assertThrows(RespProtocolException.class, () -> channel().writeInbound(bytes("x".repeat(2000))))
                .getMessage().contains("inline command longer than 1024"));
        // after an error everything else is discarded
        EmbeddedChannel bad = channel();
        assertThrows(RespProtocolException.class, () -> bad.writeInbound(bytes("*1\r\n*")));
        bad.writeInbound(bytes("PING\r\n"));
        assertNull(bad.readInbound());
    }

    @Test
    void randomBytesGiveCommandsOrAProtocolErrorNeverAnythingElse() {
        Random r = new Random(5);
        for (int i = 0; i < 3000; i++) {
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (r.nextBoolean() && junk.length > 0) {
                junk[0] = '*';
            }
            EmbeddedChannel ch = channel(8, 64, 256);
            try {
                ch.writeInbound(Unpooled.wrappedBuffer(junk));
                for (Object o; (o = ch.readInbound()) != null; ) {
                    RespCommand c = (RespCommand) o;
                    assertTrue(c.argc() >= 1 && c.argc() <= 8);
                }
            } catch (RespProtocolException expected) {
                // fine: a clean protocol error
            }
        }
    }

    @Test
    void limitsCanBeRaisedBetweenCommands() {
        EmbeddedChannel ch = channel(2, 10, 100);
        RespDecoder d = (RespDecoder) ch.pipeline().first();
        ch.writeInbound(bytes("*2\r\n$4\r\nAUTH\r\n$3\r\ntok\r\n"));
        assertEquals(List.of(List.of("AUTH", "tok")), drain(ch));
        d.limits(100, 1000, 10_000);
        ch.writeInbound(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$20\r\n" + "v".repeat(20) + "\r\n"));
        assertEquals(1, drain(ch).size());
    }

    private static io.netty.buffer.ByteBuf bytes(String s) {
        return Unpooled.wrappedBuffer(s.getBytes(UTF_8));
    }
}
