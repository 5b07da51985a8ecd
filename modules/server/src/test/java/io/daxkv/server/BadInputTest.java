package io.daxkv.server;

import static io.daxkv.server.WireProtocolTest.bs;
import static io.daxkv.server.WireProtocolTest.get;
import static io.daxkv.server.WireProtocolTest.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Hello;
import io.daxkv.protocol.Ping;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.Put;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over real sockets: each gets a clean error or a close, the server keeps serving a
 * well-behaved client throughout, and what was stored stays as it was.
 */
class BadInputTest {

    private static final byte[] SENTINEL_KEY = "sentinel".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SENTINEL = "still here".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    private TestServer ts;
    private WireClient good;
    private long ids = 1000;

    private String token = "";

    private void start(Map<String, String> overrides) throws IOException {
        ts = new TestServer(tmp.resolve("s"), overrides);
        ts.kv.put(SENTINEL_KEY, SENTINEL);
        token = ts.server.config().resolveAuthToken().orElse("");
        good = WireClient.connected(ts.address(), token);
    }

    @BeforeEach
    void startDefault() throws IOException {
        start(Map.of());
    }

    @AfterEach
    void stop() throws IOException {
        // the well-behaved client was served throughout and the stored data is intact
        assertStillServing();
        good.close();
        ts.close();
    }

    private void restart(Map<String, String> overrides) throws IOException {
        good.close();
        ts.close();
        tmp = tmp.resolve("again");
        start(overrides);
    }

    private void assertStillServing() throws IOException {
        Response r = good.call(Request.newBuilder().setId(++ids).setGet(io.daxkv.protocol.Get.newBuilder()
                .setKey(ByteString.copyFrom(SENTINEL_KEY))).build());
        assertEquals(Status.OK, r.getStatus(), r.toString());
        assertArrayEquals(SENTINEL, r.getGet().getValue().toByteArray());
        assertArrayEquals(SENTINEL, ts.kv.get(SENTINEL_KEY));
    }

    private WireClient helloed() throws IOException {
        return WireClient.connected(ts.address(), token);
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static Response expectErrorThenClose(WireClient c, Status status, String text) throws IOException {
        Response r = c.read();
        assertEquals(status, r.getStatus(), r.toString());
        assertTrue(r.getError().contains(text), r.getError());
        assertTrue(c.closedByServer(), "the server closed the connection");
        return r;
    }

    @Test
    void zeroLengthFrameIsARequestWithNoOperation() throws IOException {
        try (WireClient c = helloed()) {
            c.sendRaw(new byte[] {0});
            Response r = c.read();
            assertEquals(Status.UNKNOWN_OPERATION, r.getStatus());
            assertTrue(r.getError().contains("no operation"), r.getError());
            assertEquals(Status.OK, c.call(get(2, "x")).getStatus(), "the connection stays usable");
        }
    }

    @Test
    void frameOfExactlyTheLimitIsReadAndOneMoreIsRefused() throws IOException {
        int max = (int) TestServer.config().limits().maxFrame();
        // a ping of exactly max bytes is answered
        Request ping = Request.newBuilder().setId(5).setPing(Ping.newBuilder()
                .setPayload(ByteString.copyFrom(new byte[max - 16]))).build();
        ping = Request.newBuilder().setId(5).setPing(Ping.newBuilder()
                .setPayload(ByteString.copyFrom(new byte[max - 16 + max - ping.getSerializedSize()]))).build();
        assertEquals(max, ping.getSerializedSize());
        try (WireClient c = helloed()) {
            Response r = c.call(ping);
            assertEquals(Status.OK, r.getStatus(), r.getError());
            assertEquals(ping.getPing().getPayload(), r.getPing().getPayload());
        }
        // a put of max bytes whose value is over the value limit is refused, the connection stays
        try (WireClient c = helloed()) {
            Request big = Request.newBuilder().setId(6).setPut(Put.newBuilder().setKey(bs("big"))
                    .setValue(ByteString.copyFrom(new byte[max - 32]))).build();
            Response r = c.call(big);
            assertEquals(Status.TOO_LARGE, r.getStatus());
            assertTrue(r.getError().contains("value of") && r.getError().contains("limit"), r.getError());
            assertFalse(c.call(get(7, "big")).getGet().getFound(), "nothing stored");
        }
        // max + 1: refused from the prefix alone, then closed
        try (WireClient c = helloed()) {
            c.sendRaw(varint(max + 1L));
            expectErrorThenClose(c, Status.TOO_LARGE, "exceeds the limit of " + max);
        }
    }

    @Test
    void hugeAndMalformedLengthPrefixesAreRefusedAndClosed() throws IOException {
        for (long declared : new long[] {Integer.MAX_VALUE, 0xFFFF_FFFFL}) {
            try (WireClient c = helloed()) {
                c.sendRaw(varint(declared));
                expectErrorThenClose(c, Status.TOO_LARGE, "frame of " + declared + " bytes");
            }
        }
        try (WireClient c = helloed()) {
            c.sendRaw(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01});
            expectErrorThenClose(c, Status.BAD_REQUEST, "longer than 5 bytes");
        }
    }

    @Test
    void aFrameThatNeverFinishesIsClosedAtTheDeadline() throws IOException {
        restart(Map.of("limits.frame-deadline", "300ms"));
        try (WireClient c = helloed()) {
            byte[] start = new byte[100];
            System.arraycopy(varint(1 << 20), 0, start, 0, 3);
            c.sendRaw(start); // declares 1 MiB, sends 97 bytes of it
            expectErrorThenClose(c, Status.BAD_REQUEST, "not finished within 300 ms");
        }
    }

    @Test
    void bytesThatDoNotParseGetAnErrorAndTheConnectionGoesOn() throws IOException {
        try (WireClient c = helloed()) {
            c.sendRaw(new byte[] {3, 0x0A, 0x7F, 0x01});
            Response r = c.read();
            assertEquals(Status.BAD_REQUEST, r.getStatus());
            assertEquals(0, r.getId());
            assertTrue(r.getError().contains("is not a Request"), r.getError());
            assertEquals(Status.OK, c.call(put(9, "after", "ok")).getStatus());
        }
    }

    @Test
    void randomBytesGetAnErrorOrACloseAndNothingElseChanges() throws IOException {
        Random random = new Random(7);
        for (int i = 0; i < 25; i++) {
            try (WireClient c = helloed()) {
                byte[] junk = new byte[1 + random.nextInt(300)];
                random.nextBytes(junk);
                c.sendRaw(junk);
                // send a ping that can only be answered if the stream is still in step; either way
                // the server answers errors, closes, or goes on: it never hangs or crashes
                c.sendRaw(FrameEncoder.toBytes(Request.newBuilder().setId(77).setPing(Ping.getDefaultInstance()).build()));
                drainUntilCloseOrTimeout(c);
            }
            assertStillServing();
        }
    }

    private static void drainUntilCloseOrTimeout(WireClient c) throws IOException {
        c.socket().setSoTimeout(150);
        try {
            while (true) {
                Response r = c.read();
                assertTrue(r.getStatus() != Status.INTERNAL, "no internal errors: " + r);
            }
        } catch (EOFException | java.net.SocketTimeoutException | java.net.SocketException e) {
            // closed by the server, or nothing more to say
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("the server sent a frame that is not a Response", e);
        }
    }

    @Test
    void unknownOperationIsNamed() throws IOException {
        try (WireClient c = helloed()) {
            // id 5, then field 99 (length-delimited, empty): an operation from a newer client
            byte[] body = {0x08, 0x05, (byte) 0x9A, 0x06, 0x00};
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(body.length);
            f.writeBytes(body);
            c.sendRaw(f.toByteArray());
            Response r = c.read();
            assertEquals(5, r.getId());
            assertEquals(Status.UNKNOWN_OPERATION, r.getStatus());
            assertTrue(r.getError().contains("field 99"), r.getError());
        }
    }

    @Test
    void oversizedKeysAndValuesAndEmptyKeysAreRefusedByName() throws IOException {
        var s = TestServer.config().limits();
        int maxKey = (int) s.maxKey();
        int maxValue = (int) s.maxValue();
        try (WireClient c = helloed()) {
            Response r = c.call(Request.newBuilder().setId(2).setPut(Put.newBuilder()
                    .setKey(ByteString.copyFrom(new byte[maxKey + 1])).setValue(bs("v"))).build());
            assertEquals(Status.TOO_LARGE, r.getStatus());
            assertTrue(r.getError().contains("key of " + (maxKey + 1) + " bytes"), r.getError());
            r = c.call(Request.newBuilder().setId(3).setPut(Put.newBuilder()
                    .setKey(bs("k")).setValue(ByteString.copyFrom(new byte[maxValue + 1]))).build());
            assertEquals(Status.TOO_LARGE, r.getStatus());
            assertTrue(r.getError().contains("value of " + (maxValue + 1) + " bytes"), r.getError());
            r = c.call(Request.newBuilder().setId(4).setPut(Put.newBuilder().setKey(ByteString.EMPTY).setValue(bs("v"))).build());
            assertEquals(Status.BAD_REQUEST, r.getStatus());
            assertTrue(r.getError().contains("key must not be empty"), r.getError());
            // values at the limit and keys at the limit are fine
            byte[] longestKey = new byte[maxKey];
            longestKey[0] = 1;
            byte[] longestValue = new byte[maxValue];
            new Random(1).nextBytes(longestValue);
            r = c.call(Request.newBuilder().setId(5).setPut(Put.newBuilder().setKey(ByteString.copyFrom(longestKey))
                    .setValue(ByteString.copyFrom(longestValue))).build());
            assertEquals(Status.OK, r.getStatus(), r.getError());
            r = c.call(Request.newBuilder().setId(6).setGet(io.daxkv.protocol.Get.newBuilder()
                    .setKey(ByteString.copyFrom(longestKey))).build());
            assertArrayEquals(longestValue, r.getGet().getValue().toByteArray());
            assertFalse(c.call(get(7, "k")).getGet().getFound(), "the refused put stored nothing");
        }
    }

    @Test
    void beforeTheHelloOnlySmallFramesAreRead() throws IOException {
        // an unauthenticated peer may not make the server hold a frame of up to limits.max-frame
        try (WireClient c = new WireClient(ts.address())) {
            c.sendRaw(varint(100 << 10));
            expectErrorThenClose(c, Status.TOO_LARGE, "exceeds the limit of " + Protocol.MAX_PRE_HELLO_FRAME_BYTES);
        }
        // after the hello the configured limit applies
        try (WireClient c = helloed()) {
            Response r = c.call(Request.newBuilder().setId(2).setPing(Ping.newBuilder()
                    .setPayload(ByteString.copyFrom(new byte[100 << 10]))).build());
            assertEquals(Status.OK, r.getStatus(), r.getError());
        }
    }

    @Test
    void scanLimitsAboveTwoToThe31AreCappedAndErrorsNameTheField() throws IOException {
        for (int i = 0; i < 150; i++) {
            ts.kv.put(("s" + i).getBytes(StandardCharsets.UTF_8), new byte[1]);
        }
        try (WireClient c = helloed()) {
            Response r = c.call(Request.newBuilder().setId(2).setScan(io.daxkv.protocol.Scan.newBuilder()
                    .setStartKey(bs("s")).setLimit(Integer.MIN_VALUE)).build()); // 2^31 as a uint32
            assertEquals(Status.OK, r.getStatus(), r.getError());
            assertEquals(TestServer.config().limits().maxScanEntries(), r.getScan().getEntriesCount());
            assertTrue(r.getScan().getMore());
            r = c.call(Request.newBuilder().setId(3).setScan(io.daxkv.protocol.Scan.newBuilder()
                    .setEndKey(ByteString.EMPTY)).build());
            assertEquals(Status.BAD_REQUEST, r.getStatus());
            assertTrue(r.getError().contains("end key"), r.getError());
            r = c.call(Request.newBuilder().setId(4).setBatch(io.daxkv.protocol.Batch.newBuilder()
                    .addOps(io.daxkv.protocol.BatchOp.newBuilder().setPut(Put.newBuilder().setKey(bs("ok")).setValue(bs("v"))))
                    .addOps(io.daxkv.protocol.BatchOp.newBuilder().setPut(Put.newBuilder().setKey(ByteString.EMPTY)
                            .setValue(bs("v"))))).build());
            assertEquals(Status.BAD_REQUEST, r.getStatus());
            assertTrue(r.getError().contains("batch operation 1") && r.getError().contains("key must not be empty"),
                    r.getError());
            assertFalse(c.call(get(5, "ok")).getGet().getFound(), "nothing of the refused batch was applied");
        }
    }

    @Test
    void aRequestBeforeHelloIsRefusedAndClosed() throws IOException {
        try (WireClient c = new WireClient(ts.address())) {
            c.send(put(1, "k", "v"));
            expectErrorThenClose(c, Status.HELLO_REQUIRED, "first request must be a hello");
        }
        try (WireClient c = new WireClient(ts.address())) {
            c.send(Request.newBuilder().setId(1).setHello(Hello.newBuilder().setProtocolVersion(2)).build());
            expectErrorThenClose(c, Status.UNSUPPORTED_VERSION, "version 2 is not supported");
        }
        try (WireClient c = new WireClient(ts.address())) {
            c.sendRaw(new byte[] {3, 0x0A, 0x7F, 0x01});
            expectErrorThenClose(c, Status.BAD_REQUEST, "is not a Request");
        }
        assertEquals(null, ts.kv.get("k".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void withATokenEveryoneMustAuthenticate() throws IOException {
        restart(Map.of("server.auth-token", "s3cret"));
        try (WireClient c = new WireClient(ts.address())) {
            c.send(put(1, "k", "v"));
            expectErrorThenClose(c, Status.UNAUTHENTICATED, "first request must be a hello");
        }
        try (WireClient c = new WireClient(ts.address())) {
            c.send(Request.newBuilder().setId(1).setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)).build());
            expectErrorThenClose(c, Status.UNAUTHENTICATED, "requires an auth token");
        }
        try (WireClient c = new WireClient(ts.address())) {
            c.send(Request.newBuilder().setId(1).setHello(Hello.newBuilder().setProtocolVersion(Protocol.VERSION)
                    .setAuthToken("wrong")).build());
            expectErrorThenClose(c, Status.UNAUTHENTICATED, "token is wrong");
        }
        assertEquals(null, ts.kv.get("k".getBytes(StandardCharsets.UTF_8)), "nothing stored before auth");
        try (WireClient c = helloed()) {
            assertEquals(Status.OK, c.call(put(2, "k", "v")).getStatus(), "the right token works");
        }
    }

    @Test
    void aClientThatNeverReadsIsPausedAndOthersAreServed() throws IOException {
        // each response is larger than the write buffer's high-water mark (64 KiB here)
        byte[] big = new byte[100 << 10];
        ts.kv.put("big".getBytes(StandardCharsets.UTF_8), big);
        int gets = 2000;
        try (WireClient slow = helloed()) {
            long before = ts.server.metrics().answered(Request.OpCase.GET);
            slow.sendRaw(repeat(FrameEncoder.toBytes(get(2, "big")), gets)); // 20 KB of requests, never read
            ServerMetrics m = ts.server.metrics();
            waitFor(() -> m.connectionsPaused() == 1, "the slow client's connection is paused");
            long answered = m.answered(Request.OpCase.GET) - before;
            assertTrue(answered < gets / 2, "reading paused after " + answered + " of " + gets
                    + " responses (about what the socket buffers hold), not after all of them");
            assertStillServing();
            assertEquals(1, m.connectionsPaused(), "still paused: nothing was read");
            // once the client reads, the server resumes and answers every request
            for (int i = 0; i < gets; i++) {
                Response r = slow.read();
                assertEquals(Status.OK, r.getStatus());
                assertEquals(big.length, r.getGet().getValue().size());
            }
            waitFor(() -> m.connectionsPaused() == 0, "resumed");
        }
    }

    @Test
    void aPausedConnectionIsNotClosedForAFrameTheServerStoppedReading() throws Exception {
        restart(Map.of("limits.frame-deadline", "300ms"));
        ts.kv.put("big".getBytes(StandardCharsets.UTF_8), new byte[100 << 10]);
        int gets = 500;
        try (WireClient slow = helloed()) {
            byte[] tail = FrameEncoder.toBytes(put(9, "tail", "arrives later"));
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            burst.writeBytes(repeat(FrameEncoder.toBytes(get(2, "big")), gets));
            burst.write(tail, 0, 3); // half a frame behind the gets
            slow.sendRaw(burst.toByteArray());
            ServerMetrics m = ts.server.metrics();
            waitFor(() -> m.connectionsPaused() == 1, "paused");
            // the half frame outlives the deadline while the server does not read: the check defers it
            long deferred = m.frameDeadlinesDeferred();
            waitFor(() -> m.frameDeadlinesDeferred() >= deferred + 2, "the deadline check passed a paused frame twice");
            assertEquals(1, m.connectionsPaused(), "still paused, still open");
            for (int i = 0; i < gets; i++) {
                assertEquals(Status.OK, slow.read().getStatus(), "get " + i);
            }
            slow.sendRaw(java.util.Arrays.copyOfRange(tail, 3, tail.length));
            Response r = slow.read();
            assertEquals(9, r.getId());
            assertEquals(Status.OK, r.getStatus(), r.getError());
        }
    }

    /** Polls a condition the server changes on its own threads, up to 10 s. */
    static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static byte[] repeat(byte[] frame, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
            out.writeBytes(frame);
        }
        return out.toByteArray();
    }

    @Test
    void idleConnectionsAreClosedAndTheCapRefusesTheRest() throws IOException {
        restart(Map.of("limits.idle-timeout", "500ms", "limits.max-connections", "20"));
        // good holds one slot; fill the rest, then one more is refused
        List<WireClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 19; i++) {
                idle.add(helloed());
            }
            try (WireClient over = new WireClient(ts.address())) {
                Response r = over.read();
                assertEquals(Status.OVERLOADED, r.getStatus());
                assertTrue(r.getError().contains("20 connections"), r.getError());
                assertTrue(over.closedByServer());
            }
            for (WireClient c : idle) {
                c.socket().setSoTimeout(10_000);
                assertThrows(EOFException.class, c::read, "an idle connection is closed by the server");
            }
        } finally {
            for (WireClient c : idle) {
                c.close();
            }
        }
        // good was idle too: a new one replaces it, and there is room again
        good.close();
        good = helloed();
        assertStillServing();
    }
}
