package io.daxkv.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.WriteBatch;
import io.daxkv.protocol.BatchOp;
import io.daxkv.protocol.BatchResult;
import io.daxkv.protocol.ConditionalResult;
import io.daxkv.protocol.DeleteResult;
import io.daxkv.protocol.Entry;
import io.daxkv.protocol.FrameDecoder;
import io.daxkv.protocol.FrameException;
import io.daxkv.protocol.GetResult;
import io.daxkv.protocol.Hello;
import io.daxkv.protocol.HelloResult;
import io.daxkv.protocol.MalformedFrame;
import io.daxkv.protocol.PingResult;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.PutResult;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Scan;
import io.daxkv.protocol.ScanResult;
import io.daxkv.protocol.Status;
import io.daxkv.protocol.StatsResult;
import io.daxkv.protocol.SyncResult;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One connection's requests: the hello, then every operation.
 *
 * <p>Runs on the connection's event loop. Reads and ASYNC writes are answered at once (they are
 * quick in-memory calls on the mapped store). A write asked to be SYNC, a batch and a sync
 * complete through the store's future, so no event loop ever waits for a commit; while {@code
 * maxInFlightPerConnection} of them wait, or while the channel is not writable (a client that
 * does not read its responses), reading is paused: back-pressure never blocks a loop.
 *
 * <p>Errors: a request that can be answered gets a response with a status naming what was
 * wrong, and the connection stays; a stream that cannot be read further (a frame over the
 * limit, a bad length prefix), a request before the hello, a failed hello, or a frame not
 * finished within the deadline gets one error response and the connection is closed.
 */
final class RequestHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(RequestHandler.class.getName());

    private final DaxKV kv;
    private final ConnectionSettings settings;
    private final ServerMetrics metrics;
    private final ServerState state;
    private final byte[] token;
    private boolean helloDone;
    private int inFlight;
    private boolean closing;
    private boolean paused;
    /** Largest response frame this connection's client reads: the server's limit or the client's, if lower. */
    private int responseBudget;
    private final java.util.ArrayDeque<Object> backlog = new java.util.ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> helloTimer;
    private ScheduledFuture<?> frameTimer;

    RequestHandler(DaxKV kv, ConnectionSettings settings, ServerMetrics metrics, ServerState state) {
        this.kv = kv;
        this.settings = settings;
        this.metrics = metrics;
        this.state = state;
        this.token = settings.token();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long helloNanos = settings.helloDeadlineNanos();
        helloTimer = ctx.executor().schedule(() -> {
            if (!helloDone) {
                fatal(0, Status.HELLO_REQUIRED, "no hello within " + millis(settings.helloDeadlineNanos()) + " ms");
            }
        }, helloNanos, TimeUnit.NANOSECONDS);
        long deadline = settings.frameDeadlineNanos();
        if (deadline > 0) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), deadline / 4);
            frameTimer = ctx.executor().scheduleWithFixedDelay(this::checkFrameDeadline, period, period,
                    TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimers();
        backlog.clear();
        if (paused) {
            paused = false;
            metrics.paused(false);
        }
        ctx.fireChannelInactive();
    }

    private void cancelTimers() {
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        if (frameTimer != null) {
            frameTimer.cancel(false);
        }
    }

    private void checkFrameDeadline() {
        FrameDecoder<?> decoder = ctx.pipeline().get(FrameDecoder.class);
        long since = decoder == null ? 0 : decoder.partialSinceNanos();
        if (since == 0 || System.nanoTime() - since <= settings.frameDeadlineNanos()) {
            return;
        }
        if (paused) {
            // the frame waits on us, not on the client; its clock restarts on resume
            metrics.frameDeadlineDeferred();
            return;
        }
        fatal(0, Status.BAD_REQUEST, "frame not finished within " + millis(settings.frameDeadlineNanos()) + " ms");
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && inFlight == 0) {
            LOG.fine(() -> ctx.channel() + ": closed after " + settings.idleTimeoutMillis() + " ms idle");
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            return;
        }
        if (!backlog.isEmpty() || !canProcess()) {
            // one socket read can hold thousands of frames; the ones decoded after the channel
            // became unwritable wait here, bounded by what was read before reading paused
            backlog.add(msg);
            updateAutoRead();
            return;
        }
        process(msg);
    }

    /** Answers waiting requests while the channel can take their responses. */
    private void drainBacklog() {
        while (!backlog.isEmpty() && canProcess() && !closing) {
            process(backlog.poll());
        }
        updateAutoRead();
    }

    private boolean canProcess() {
        return ctx.channel().isWritable() && inFlight < settings.maxInFlight();
    }

    private void process(Object msg) {
        long start = System.nanoTime();
        if (msg instanceof MalformedFrame m) {
            metrics.received(m.frameBytes());
            String why = "frame of " + m.frameBytes() + " bytes is not a Request: " + m.reason();
            if (helloDone) {
                answer(error(0, Status.BAD_REQUEST, why), Request.OpCase.OP_NOT_SET, start);
            } else {
                fatal(0, Status.BAD_REQUEST, why);
            }
            return;
        }
        Request r = (Request) msg;
        metrics.received(r.getSerializedSize());
        if (!helloDone) {
            hello(r, start);
            return;
        }
        if (state.shuttingDown()) {
            answer(error(r.getId(), Status.SHUTTING_DOWN, "the server is shutting down"), r.getOpCase(), start);
            return;
        }
        try {
            dispatch(r, start);
        } catch (RuntimeException e) {
            answer(failure(r, e), r.getOpCase(), start);
        }
    }

    private void hello(Request r, long start) {
        if (r.getOpCase() != Request.OpCase.HELLO) {
            Status s = token != null ? Status.UNAUTHENTICATED : Status.HELLO_REQUIRED;
            fatal(r.getId(), s, "the first request must be a hello (got " + ServerMetrics.opName(r.getOpCase()) + ")");
            return;
        }
        Hello h = r.getHello();
        if (h.getProtocolVersion() != Protocol.VERSION) {
            fatal(r.getId(), Status.UNSUPPORTED_VERSION, "protocol version " + h.getProtocolVersion()
                    + " is not supported; this server speaks version " + Protocol.VERSION);
            return;
        }
        if (token != null && !MessageDigest.isEqual(token, h.getAuthToken().getBytes(StandardCharsets.UTF_8))) {
            fatal(r.getId(), Status.UNAUTHENTICATED, h.getAuthToken().isEmpty()
                    ? "this server requires an auth token in the hello" : "the auth token is wrong");
            return;
        }
        helloDone = true;
        if (helloTimer != null) {
            helloTimer.cancel(false);
        }
        FrameDecoder<?> decoder = ctx.pipeline().get(FrameDecoder.class);
        if (decoder != null) {
            decoder.maxFrameBytes(settings.maxFrameBytes());
        }
        int clientMax = h.getMaxResponseBytes();
        responseBudget = clientMax == 0 ? settings.maxFrameBytes() : Math.min(settings.maxFrameBytes(),
                clientMax < 0 ? Integer.MAX_VALUE : clientMax);
        answer(Response.newBuilder().setId(r.getId()).setHello(HelloResult.newBuilder()
                .setProtocolVersion(Protocol.VERSION)
                .setServerVersion(DaxKVServer.VERSION)
                .setMaxFrameBytes(settings.maxFrameBytes())
                .setMaxKeyBytes(settings.maxKeyBytes())
                .setMaxValueBytes(settings.maxValueBytes())
                .setMaxScanLimit(settings.maxScanEntries())).build(), Request.OpCase.HELLO, start);
    }

    private void dispatch(Request r, long start) {
        long id = r.getId();
        Request.OpCase op = r.getOpCase();
        switch (op) {
            case GET -> {
                byte[] value = kv.get(key(r.getGet().getKey()));
                if (value != null && (long) value.length + Protocol.MESSAGE_OVERHEAD_BYTES > responseBudget) {
                    throw new TooLarge("the value of " + value.length + " bytes does not fit in a response of "
                            + responseBudget + " bytes (the client's frame limit)");
                }
                GetResult.Builder g = GetResult.newBuilder().setFound(value != null);
                if (value != null) {
                    g.setValue(UnsafeByteOperations.unsafeWrap(value));
                }
                answer(Response.newBuilder().setId(id).setGet(g).build(), op, start);
            }
            case PUT -> {
                var p = r.getPut();
                complete(r, start, kv.putAsync(key(p.getKey()), value(p.getValue()), durability(r)),
                        v -> Response.newBuilder().setId(id).setPut(PutResult.getDefaultInstance()).build());
            }
            case DELETE -> complete(r, start, kv.deleteAsync(key(r.getDelete().getKey()), durability(r)),
                    existed -> Response.newBuilder().setId(id)
                            .setDelete(DeleteResult.newBuilder().setExisted(existed)).build());
            case PUT_IF_ABSENT -> {
                var p = r.getPutIfAbsent();
                complete(r, start, kv.putIfAbsentAsync(key(p.getKey()), value(p.getValue()), durability(r)),
                        applied -> Response.newBuilder().setId(id)
                                .setPutIfAbsent(ConditionalResult.newBuilder().setApplied(applied)).build());
            }
            case REPLACE -> {
                var p = r.getReplace();
                complete(r, start, kv.replaceAsync(key(p.getKey()), value(p.getValue()), durability(r)),
                        applied -> Response.newBuilder().setId(id)
                                .setReplace(ConditionalResult.newBuilder().setApplied(applied)).build());
            }
            case BATCH -> {
                WriteBatch batch = new WriteBatch();
                int n = 0;
                for (BatchOp b : r.getBatch().getOpsList()) {
                    try {
                        switch (b.getOpCase()) {
                            case PUT -> batch.put(key(b.getPut().getKey()), value(b.getPut().getValue()));
                            case DELETE -> batch.delete(key(b.getDelete().getKey()));
                            default -> throw new BadRequest("it is neither a put nor a delete");
                        }
                    } catch (BadRequest e) {
                        throw new BadRequest("batch operation " + n + ": " + e.getMessage());
                    } catch (TooLarge e) {
                        throw new TooLarge("batch operation " + n + ": " + e.getMessage());
                    }
                    n++;
                }
                int count = n;
                complete(r, start, kv.writeAsync(batch, durability(r)),
                        v -> Response.newBuilder().setId(id).setBatch(BatchResult.newBuilder().setApplied(count)).build());
            }
            case SYNC -> complete(r, start, kv.syncAsync(),
                    v -> Response.newBuilder().setId(id).setSync(SyncResult.getDefaultInstance()).build());
            case SCAN -> answer(scan(id, r.getScan()), op, start);
            case PING -> answer(Response.newBuilder().setId(id)
                    .setPing(PingResult.newBuilder().setPayload(r.getPing().getPayload())).build(), op, start);
            case STATS -> answer(Response.newBuilder().setId(id)
                    .setStats(StatsResult.newBuilder().putAllCounters(metrics.counters())).build(), op, start);
            case HELLO -> answer(error(id, Status.BAD_REQUEST, "hello was already done on this connection"), op, start);
            case OP_NOT_SET -> {
                var unknown = r.getUnknownFields().asMap().keySet();
                String what = unknown.isEmpty() ? "the request names no operation"
                        : "operation field " + unknown.iterator().next() + " is not known to this server (protocol version "
                        + Protocol.VERSION + ")";
                answer(error(id, Status.UNKNOWN_OPERATION, what), op, start);
            }
        }
    }

    private Response scan(long id, Scan s) {
        byte[] from = s.getStartKey().toByteArray();
        byte[] after = null; // a page's continuation: the last key + 0x00 may be one byte over the key limit
        if (from.length == settings.maxKeyBytes() + 1 && from[from.length - 1] == 0) {
            after = java.util.Arrays.copyOf(from, from.length - 1);
            from = after;
        } else if (from.length > settings.maxKeyBytes()) {
            throw new TooLarge("scan start key of " + from.length + " bytes exceeds the limit of "
                    + settings.maxKeyBytes() + " bytes");
        }
        byte[] to = null;
        if (s.hasEndKey()) {
            if (s.getEndKey().isEmpty()) {
                throw new BadRequest("scan end key must not be empty (leave it out to scan to the last key)");
            }
            if (s.getEndKey().size() > settings.maxKeyBytes()) {
                throw new TooLarge("scan end key of " + s.getEndKey().size() + " bytes exceeds the limit of "
                        + settings.maxKeyBytes() + " bytes");
            }
            to = s.getEndKey().toByteArray();
        }
        // uint32 on the wire: compare unsigned, so 2^31 and above do not turn negative
        int asked = s.getLimit();
        int limit = asked == 0 || Integer.compareUnsigned(asked, settings.maxScanEntries()) > 0
                ? settings.maxScanEntries() : asked;
        // room for the envelope; every entry adds its bytes plus a few of framing
        long budget = (long) responseBudget - Protocol.MESSAGE_OVERHEAD_BYTES;
        ScanResult.Builder out = ScanResult.newBuilder();
        boolean more = false;
        long used = 0;
        try (Cursor c = kv.scan(from, to)) {
            while (c.hasNext()) {
                var e = c.next();
                if (after != null && java.util.Arrays.equals(e.key(), after)) {
                    continue; // the page before ended on it
                }
                if (out.getEntriesCount() == limit) {
                    more = true;
                    break;
                }
                long size = e.key().length + (s.getKeysOnly() ? 0 : (long) e.value().length) + 16;
                if (used + size > budget) {
                    more = true;
                    if (out.getEntriesCount() == 0) {
                        throw new TooLarge("the scan's next entry (key " + e.key().length + " bytes, value "
                                + e.value().length + " bytes) does not fit in a response of " + responseBudget
                                + " bytes (the smaller of the server's and the client's frame limits)");
                    }
                    break;
                }
                used += size;
                Entry.Builder eb = Entry.newBuilder().setKey(UnsafeByteOperations.unsafeWrap(e.key()));
                if (!s.getKeysOnly()) {
                    eb.setValue(UnsafeByteOperations.unsafeWrap(e.value()));
                }
                out.addEntries(eb);
            }
        }
        return Response.newBuilder().setId(id).setScan(out.setMore(more)).build();
    }

    private byte[] key(ByteString k) {
        if (k.isEmpty()) {
            throw new BadRequest("key must not be empty");
        }
        if (k.size() > settings.maxKeyBytes()) {
            throw new TooLarge("key of " + k.size() + " bytes exceeds the limit of " + settings.maxKeyBytes() + " bytes");
        }
        return k.toByteArray();
    }

    private byte[] value(ByteString v) {
        if (v.size() > settings.maxValueBytes()) {
            throw new TooLarge("value of " + v.size() + " bytes exceeds the limit of " + settings.maxValueBytes()
                    + " bytes");
        }
        return v.toByteArray();
    }

    private Durability durability(Request r) {
        return switch (r.getDurability()) {
            case DURABILITY_ASYNC -> Durability.ASYNC;
            case DURABILITY_SYNC -> Durability.SYNC;
            case DURABILITY_DEFAULT -> settings.defaultDurability();
            case UNRECOGNIZED -> throw new BadRequest("durability " + r.getDurabilityValue() + " is not known");
        };
    }

    /** Answers when {@code f} completes: at once when it already has, else from the store's thread. */
    private <T> void complete(Request r, long start, CompletableFuture<T> f,
                              java.util.function.Function<T, Response> ok) {
        if (f.isDone()) {
            answer(outcome(r, f, ok), r.getOpCase(), start);
            return;
        }
        inFlight++;
        metrics.writeStarted();
        state.writeStarted();
        updateAutoRead();
        f.whenComplete((v, e) -> ctx.executor().execute(() -> {
            inFlight--;
            metrics.writeFinished();
            state.writeFinished();
            answer(outcome(r, f, ok), r.getOpCase(), start);
            drainBacklog();
        }));
    }

    private <T> Response outcome(Request r, CompletableFuture<T> f, java.util.function.Function<T, Response> ok) {
        try {
            return ok.apply(f.join());
        } catch (CompletionException e) {
            return failure(r, e.getCause() != null ? e.getCause() : e);
        } catch (RuntimeException e) {
            return failure(r, e);
        }
    }

    private Response failure(Request r, Throwable e) {
        Status s;
        if (e instanceof TooLarge || e instanceof DaxKVException.LimitExceeded) {
            s = Status.TOO_LARGE;
        } else if (e instanceof BadRequest || e instanceof DaxKVException.InvalidArgument) {
            s = Status.BAD_REQUEST;
        } else if (e instanceof DaxKVException.ReadOnly) {
            s = Status.READ_ONLY;
        } else if (e instanceof DaxKVException.Closed) {
            s = Status.SHUTTING_DOWN;
        } else if (e instanceof DaxKVException) {
            s = Status.STORE_ERROR;
            LOG.log(Level.WARNING, ctx.channel() + ": request " + r.getId() + " failed", e);
        } else {
            s = Status.INTERNAL;
            LOG.log(Level.SEVERE, ctx.channel() + ": request " + r.getId() + " failed", e);
        }
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getName();
        return error(r.getId(), s, ServerMetrics.opName(r.getOpCase()) + ": " + message);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static Response error(long id, Status status, String message) {
        return Response.newBuilder().setId(id).setStatus(status).setError(message).build();
    }

    private void answer(Response response, Request.OpCase op, long start) {
        if (!ctx.channel().isActive()) {
            return;
        }
        metrics.sent(response.getSerializedSize());
        metrics.answered(op, response.getStatus(), start);
        ctx.writeAndFlush(response, ctx.voidPromise());
    }

    /** One error response, then the connection closes (the stream cannot go on). */
    private void fatal(long id, Status status, String message) {
        if (closing) {
            return;
        }
        closing = true;
        metrics.protocolError();
        LOG.fine(() -> ctx.channel() + ": closing: " + message);
        Response r = error(id, status, message);
        metrics.sent(r.getSerializedSize());
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        ctx.channel().config().setAutoRead(false);
        // a client that does not read could keep that write, and so the close, waiting: cut it off
        ctx.executor().schedule(() -> {
            ctx.close();
        }, 1, TimeUnit.SECONDS);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drainBacklog();
        ctx.fireChannelWritabilityChanged();
    }

    /** Reads only while requests can be answered and none wait: back-pressure without blocking. */
    private void updateAutoRead() {
        boolean read = !closing && backlog.isEmpty() && canProcess();
        if (read != !paused) {
            paused = !read;
            metrics.paused(paused);
            if (!closing) {
                ctx.channel().config().setAutoRead(read);
            }
            if (read) {
                FrameDecoder<?> decoder = ctx.pipeline().get(FrameDecoder.class);
                if (decoder != null) {
                    decoder.restartPartialClock();
                }
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof FrameException fe) {
            fatal(0, fe instanceof FrameException.TooLarge ? Status.TOO_LARGE : Status.BAD_REQUEST, fe.getMessage());
        } else if (cause instanceof java.io.IOException) {
            LOG.fine(() -> ctx.channel() + ": " + cause);
            ctx.close();
        } else {
            LOG.log(Level.WARNING, ctx.channel() + ": closing after an error", cause);
            fatal(0, Status.INTERNAL, String.valueOf(cause));
        }
    }

    /** A request that parsed but is invalid. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** A key, value or response over the server's limit. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }
}
