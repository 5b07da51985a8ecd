package io.daxkv.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the frame decoder. In a plain test run this replays the committed corpus under
 * {@code src/test/resources/io/daxkv/protocol/FrameDecoderFuzzTestInputs/decode/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes and adds what it finds there.
 *
 * <p>Properties: the decoder only ever emits Requests and MalformedFrames, or fails with a
 * {@link FrameException}; and the same bytes decode to the same result whether they arrive
 * at once or cut in three (the cut points come from the input's first two bytes).
 */
class FrameDecoderFuzzTest {

    private static final int MAX = 512;

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        if (data.length < 2) {
            return;
        }
        byte[] stream = java.util.Arrays.copyOfRange(data, 2, data.length);
        int a = Math.min(stream.length, data[0] & 0xFF);
        int b = Math.min(stream.length, a + (data[1] & 0xFF));
        Outcome whole = run(stream, new int[] {stream.length});
        Outcome cut = run(stream, new int[] {a, b, stream.length});
        assertEquals(whole.messages, cut.messages, "cut at " + a + " and " + b);
        assertEquals(whole.error, cut.error, "cut at " + a + " and " + b);
    }

    private record Outcome(List<Object> messages, String error) {
    }

    private static Outcome run(byte[] stream, int[] ends) {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder<>(Request.parser(), MAX));
        List<Object> out = new ArrayList<>();
        String error = null;
        int from = 0;
        try {
            for (int end : ends) {
                ch.writeInbound(Unpooled.wrappedBuffer(stream, from, end - from));
                from = end;
                for (Object o; (o = ch.readInbound()) != null; ) {
                    assertTrue(o instanceof Request || o instanceof MalformedFrame, o.getClass().getName());
                    // a malformed frame's parser message may name a byte offset; compare its length only
                    out.add(o instanceof MalformedFrame m ? "malformed " + m.frameBytes() : o);
                }
            }
        } catch (FrameException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            for (Object o; (o = ch.readInbound()) != null; ) {
                out.add(o instanceof MalformedFrame m ? "malformed " + m.frameBytes() : o);
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        return new Outcome(out, error);
    }
}
