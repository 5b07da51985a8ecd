package io.daxkv.client;

import io.daxkv.protocol.Hello;
import io.daxkv.protocol.HelloResult;
import io.daxkv.protocol.MalformedFrame;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pooled connection: the channel of the moment, the requests in flight on it by id, and the
 * reconnect loop that replaces the channel when it drops.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   IDLE ─connect─▶ CONNECTING ─Hello OK─▶ READY ─SHUTTING_DOWN answer─▶ DRAINING
 *                      │                     │                              │
 *                      └──────── failure / channel closed ──────────────────┘
 *                                            ▼
 *                         BACKOFF ─delay─▶ CONNECTING …      (any state ─close()─▶ CLOSED)
 * </pre>
 * CONNECTING covers TCP connect, TLS handshake and Hello, together bounded by
 * {@link ClientOptions#connectTimeout()}. Only READY takes new requests. DRAINING (the server
 * said it is shutting down) lets the requests in flight finish and then closes the channel to
 * reconnect. The first connect of a client does not go to BACKOFF: its failure fails
 * {@link DaxKVClient#connect}.
 *
 * <h2>Threads</h2>
 * Everything but {@link #inFlight} and {@link #accepting} is confined to {@link #loop}, the one
 * event loop every channel of this slot is registered with: callers hand requests over with
 * {@code loop.execute}, the timer hands timeouts over the same way. {@link #inFlight} counts
 * permits: a dispatcher takes one (CAS, caller's thread) before handing a call over; the loop
 * gives it back exactly once, when the call leaves the pending map or is turned away before
 * entering it, and always before completing the call's future.
 *
 * <h2>Writes and flushes</h2>
 * A request is written (not flushed) by its hand-over task, which also queues one flush task
 * unless one is queued already; the flush runs after the hand-overs queued before it, so
 * requests arriving together leave in one flush and a lone request waits one task, not a timer.
 */
final class ConnectionSlot {

    private static final System.Logger LOG = ClientCore.LOG;

    private enum State { IDLE, CONNECTING, READY, DRAINING, BACKOFF, CLOSED }

    private final ClientCore core;
    private final int index;
    private final EventLoop loop;
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** READY: a dispatcher may hand calls over. */
    private volatile boolean accepting;

    // ---- confined to loop
    private State state = State.IDLE;
    /** The connection attempt of the moment (or the live connection it became); null in IDLE, BACKOFF, CLOSED. */
    private Attempt attempt;
    /**
     * Calls written to the channel by request id. (Not Netty's LongObjectHashMap: its linear
     * probing turns sequential ids into one long cluster, and every removal shifts it.)
     */
    private final Map<Long, Call<?>> pending = new HashMap<>();
    private int failedAttempts;
    private boolean everReady;
    private CompletableFuture<Void> firstConnect;
    private ScheduledFuture<?> reconnectTask;
    private boolean flushQueued;
    private final Runnable flushTask = this::flush;

    ConnectionSlot(ClientCore core, int index, EventLoop loop) {
        this.core = core;
        this.index = index;
        this.loop = loop;
        this.maxInFlight = core.options.maxInFlightPerConnection();
    }

    /** One channel's life: from connect to close. */
    private static final class Attempt {
        Channel channel;
        ChannelFuture connectFuture;
        ScheduledFuture<?> deadline;
        long helloId;
        /** Why it ended (the first reason recorded wins). */
        Throwable failure;
        boolean over;
    }

    // --------------------------------------------------------------- any thread

    boolean acceptsRequests() {
        return accepting;
    }

    /** Permits taken: calls on the pending map or on their way to it. */
    int inFlight() {
        return inFlight.get();
    }

    /** Completes once every task queued on this slot's loop before it has run (diagnostics and tests). */
    CompletableFuture<Void> barrier() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> done.complete(null));
        } catch (RejectedExecutionException e) {
            done.complete(null);
        }
        return done;
    }

    /** Takes a permit when fewer than {@code maxInFlightPerConnection} calls are in flight. */
    boolean tryAcquire() {
        while (true) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Hands over a call for which a permit was taken. */
    void send(Call<?> call) {
        call.slot = this;
        try {
            loop.execute(() -> write(call));
        } catch (RejectedExecutionException e) {
            release();
            call.fail(core.closedFailure(call.describe()));
        }
    }

    /** Asks the loop to time the call out; false when the loop is gone (the caller then does it). */
    boolean timeOut(Call<?> call) {
        try {
            loop.execute(() -> {
                if (removePending(call)) {
                    call.fail(core.timeoutFailure(call));
                    closeIfDrained();
                } else {
                    core.timeOutHere(call);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Drops a call whose future was completed elsewhere, if this slot still holds it. */
    void abandon(Call<?> call) {
        try {
            loop.execute(() -> {
                if (removePending(call)) {
                    closeIfDrained();
                }
            });
        } catch (RejectedExecutionException e) {
            // the loop is gone and its pending calls with it
        }
    }

    /** Starts the first connection; the future completes when the Hello was answered OK. */
    CompletableFuture<Void> connectFirst() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> {
            firstConnect = f;
            connect();
        });
        return f;
    }

    /** Stops reconnecting, fails the calls in flight with {@code Closed} and closes the channel. */
    void close() {
        accepting = false;
        try {
            loop.execute(this::closeOnLoop);
        } catch (RejectedExecutionException e) {
            // already shut down
        }
    }

    // --------------------------------------------------------------------- loop

    private void connect() {
        reconnectTask = null;
        if (state == State.CLOSED) {
            return;
        }
        state = State.CONNECTING;
        Attempt a = new Attempt();
        attempt = a;
        int timeoutMs = (int) core.options.connectTimeout().toMillis();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(core.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMs)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        a.channel = ch;
                        core.initPipeline(ch);
                        ch.pipeline().addLast("daxkv", new Handler(a));
                    }
                });
        a.deadline = loop.schedule(() -> handshakeTimedOut(a), timeoutMs, TimeUnit.MILLISECONDS);
        a.connectFuture = bootstrap.connect(core.options.host(), core.options.port());
        a.channel = a.connectFuture.channel();
        a.connectFuture.addListener(f -> {
            if (!f.isSuccess()) {
                attemptOver(a, a.failure != null ? a.failure : connectFailure("", f.cause()));
            }
        });
    }

    private void handshakeTimedOut(Attempt a) {
        if (a.over || attempt != a || state != State.CONNECTING) {
            return;
        }
        String step = !a.connectFuture.isDone() ? "TCP connect"
                : a.helloId == 0 && core.options.tls() ? "TLS handshake" : "answer to the Hello";
        DaxKVClientException.ConnectFailed timedOut = new DaxKVClientException.ConnectFailed(core.address,
                "cannot connect to daxkv server at " + core.address + ": connect timed out after "
                        + core.options.connectTimeout().toMillis() + " ms waiting for the " + step
                        + " (connectTimeout)", null);
        if (!a.connectFuture.isDone()) {
            a.failure = timedOut;
            a.connectFuture.cancel(false);
        } else {
            failAndClose(a, timedOut);
        }
    }

    private void sendHello(Attempt a) {
        if (a.over || attempt != a) {
            return;
        }
        a.helloId = core.nextId();
        Hello.Builder hello = Hello.newBuilder()
                .setProtocolVersion(Protocol.VERSION)
                .setClientName(core.options.clientName())
                .setMaxResponseBytes(core.options.maxFrameBytes()); // the server keeps its answers within it
        if (core.options.authToken() != null) {
            hello.setAuthToken(core.options.authToken());
        }
        a.channel.writeAndFlush(Request.newBuilder().setId(a.helloId).setHello(hello).build()).addListener(f -> {
            if (!f.isSuccess()) {
                failAndClose(a, connectFailure("cannot send the Hello: ", f.cause()));
            }
        });
    }

    private void onHelloAnswer(Attempt a, Response r) {
        if (r.getId() != a.helloId) {
            failAndClose(a, new DaxKVClientException.ConnectFailed(core.address, "daxkv server at " + core.address
                    + " answered request " + r.getId() + " before the Hello (status " + r.getStatus()
                    + (r.getError().isEmpty() ? "" : ": " + r.getError()) + ")", null));
            return;
        }
        if (r.getStatus() != Status.OK) {
            String hint = switch (r.getStatus()) {
                case UNSUPPORTED_VERSION -> " (this client speaks protocol version " + Protocol.VERSION + ")";
                case UNAUTHENTICATED -> core.options.authToken() == null
                        ? " (the server requires an auth token and none is configured: authToken)"
                        : " (the configured authToken was not accepted)";
                default -> "";
            };
            DaxKVClientException.ServerError refused = new DaxKVClientException.ServerError(
                    "hello", r.getStatus(), r.getError(), core.address);
            failAndClose(a, new DaxKVClientException.ConnectFailed(core.address, "daxkv server at " + core.address
                    + " refused the Hello: " + r.getStatus() + (r.getError().isEmpty() ? "" : ": " + r.getError())
                    + hint, refused));
            return;
        }
        if (r.getResultCase() != Response.ResultCase.HELLO) {
            failAndClose(a, new DaxKVClientException.ConnectFailed(core.address, "daxkv server at " + core.address
                    + " answered the Hello without a hello result (" + r.getResultCase() + ")", null));
            return;
        }
        HelloResult h = r.getHello();
        if (h.getProtocolVersion() != Protocol.VERSION) {
            failAndClose(a, new DaxKVClientException.ConnectFailed(core.address, "daxkv server at " + core.address
                    + " answered the Hello with protocol version " + h.getProtocolVersion()
                    + "; this client speaks version " + Protocol.VERSION, null));
            return;
        }
        ServerInfo info = new ServerInfo(core.address, h.getProtocolVersion(), h.getServerVersion(),
                Integer.toUnsignedLong(h.getMaxFrameBytes()), Integer.toUnsignedLong(h.getMaxKeyBytes()),
                Integer.toUnsignedLong(h.getMaxValueBytes()), Integer.toUnsignedLong(h.getMaxScanLimit()));
        a.deadline.cancel(false);
        state = State.READY;
        failedAttempts = 0;
        if (everReady) {
            LOG.log(Level.INFO, "connection {0} to {1} re-established", index, core.address);
        }
        everReady = true;
        if (info.maxValueBytes() + Protocol.MESSAGE_OVERHEAD_BYTES > core.options.maxFrameBytes()) {
            LOG.log(Level.WARNING, "daxkv server at {0} stores values up to {1} bytes, but this client accepts"
                    + " response frames up to {2} bytes (maxFrameBytes): reading a larger value will drop the connection",
                    core.address, info.maxValueBytes(), core.options.maxFrameBytes());
        }
        accepting = true;
        core.onSlotReady(info);
        if (firstConnect != null) {
            CompletableFuture<Void> f = firstConnect;
            firstConnect = null;
            f.complete(null);
        }
    }

    private void write(Call<?> call) {
        Attempt a = attempt;
        if (state == State.CLOSED) {
            release();
            call.fail(core.closedFailure(call.describe()));
            return;
        }
        if (state != State.READY || !a.channel.isActive()) {
            if (state == State.READY) {
                accepting = false; // the channel died; channelInactive follows
            }
            release();
            core.resendUnsent(call);
            return;
        }
        pending.put(call.id, call);
        if (call.future.isDone()) { // timed out on the way here
            removePending(call);
            return;
        }
        call.sent = true;
        a.channel.write(call.request).addListener(f -> {
            if (!f.isSuccess()) {
                writeFailed(a, call, f.cause());
            }
        });
        if (!flushQueued) {
            flushQueued = true;
            loop.execute(flushTask);
        }
    }

    private void flush() {
        flushQueued = false;
        Attempt a = attempt;
        if (a != null) {
            a.channel.flush();
        }
    }

    /**
     * A write that did not reach the socket whole: the server cannot have read it, so even a
     * write may go elsewhere. A failure on a live channel (the request could not be encoded)
     * fails the call.
     */
    private void writeFailed(Attempt a, Call<?> call, Throwable cause) {
        if (!removePending(call)) {
            return;
        }
        if (!a.channel.isActive()) {
            if (attempt == a) {
                accepting = false;
            }
            core.resendUnsent(call);
        } else {
            call.fail(new DaxKVClientException.ProtocolError(call.describe() + ": cannot write the request to "
                    + core.address + ": " + cause));
        }
    }

    private void onResponse(Attempt a, Response r) {
        if (state == State.CONNECTING) {
            onHelloAnswer(a, r);
            return;
        }
        Call<?> call = pending.remove(r.getId());
        if (call == null) {
            if (r.getId() == 0 && r.getStatus() != Status.OK) {
                LOG.log(Level.WARNING, "daxkv server at {0} could not read a request: {1}: {2}",
                        core.address, r.getStatus(), r.getError());
            } else {
                LOG.log(Level.DEBUG, "ignoring a response from {0} to request {1}, which is not in flight"
                        + " (timed out already, or never sent)", core.address, Long.toUnsignedString(r.getId()));
            }
            return;
        }
        if (r.getStatus() == Status.SHUTTING_DOWN) {
            startDraining(a); // first: the permit given back below must not draw waiting calls here
            release();
            if (call.op.idempotent()) {
                core.retryOrFail(call, new DaxKVClientException.ServerError(
                        call.op.toString(), r.getStatus(), r.getError(), core.address));
                closeIfDrained();
                return;
            }
        } else {
            release();
        }
        call.complete(r);
        closeIfDrained();
    }

    /** The server is shutting down: send nothing more here, close once the calls in flight are answered. */
    private void startDraining(Attempt a) {
        if (state != State.READY) {
            return;
        }
        state = State.DRAINING;
        accepting = false;
        if (a.failure == null) {
            a.failure = new IOException("the server is shutting down");
        }
        LOG.log(Level.INFO, "daxkv server at {0} is shutting down; connection {1} closes once its {2} requests"
                + " in flight are answered, then reconnects", core.address, index, pending.size());
    }

    private void closeIfDrained() {
        Attempt a = attempt;
        if (state == State.DRAINING && pending.isEmpty() && a != null) {
            a.channel.close();
        }
    }

    /** Records why the attempt ends and closes its channel (channelInactive, or the connect listener, then runs {@link #attemptOver}). */
    private void failAndClose(Attempt a, Throwable reason) {
        if (a.failure == null) {
            a.failure = reason;
        }
        if (attempt == a && state != State.CONNECTING) {
            accepting = false;
        }
        a.channel.close();
    }

    /** The attempt's channel is gone (or never connected): settle its calls, then reconnect or give up. */
    private void attemptOver(Attempt a, Throwable reason) {
        if (a.over) {
            return;
        }
        a.over = true;
        if (a.deadline != null) {
            a.deadline.cancel(false);
        }
        if (attempt != a) {
            return;
        }
        attempt = null;
        accepting = false;
        boolean wasLive = state == State.READY || state == State.DRAINING;
        failPending(reason);
        if (state == State.CLOSED) {
            return;
        }
        if (firstConnect != null) {
            state = State.IDLE;
            CompletableFuture<Void> f = firstConnect;
            firstConnect = null;
            f.completeExceptionally(asConnectFailed(reason));
            return;
        }
        core.onConnectFailure(asConnectFailed(reason));
        long delayMs = Backoff.delayMs(failedAttempts++, core.options.reconnectInitialBackoff().toMillis(),
                core.options.reconnectMaxBackoff().toMillis());
        if (wasLive) {
            LOG.log(Level.WARNING, "connection {0} to {1} lost: {2}; reconnecting in {3} ms",
                    index, core.address, describe(reason), delayMs);
        } else {
            LOG.log(Level.DEBUG, "connection {0} to {1}: attempt {2} failed: {3}; next in {4} ms",
                    index, core.address, failedAttempts, describe(reason), delayMs);
        }
        state = State.BACKOFF;
        reconnectTask = loop.schedule(this::connect, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Takes every call off the pending map; each is resent (idempotent, retries left) or failed. */
    private void failPending(Throwable reason) {
        if (pending.isEmpty()) {
            return;
        }
        List<Call<?>> calls = new ArrayList<>(pending.values());
        pending.clear();
        inFlight.addAndGet(-calls.size());
        for (Call<?> call : calls) {
            if (state == State.CLOSED) {
                call.fail(core.closedFailure(call.describe()));
                continue;
            }
            String outcome = call.op.idempotent() ? ""
                    : "; the write may or may not have been applied";
            String retried = call.retries == 0 ? "" : " (after " + call.retries + (call.retries == 1 ? " retry)" : " retries)");
            core.retryOrFail(call, new DaxKVClientException.ConnectionLost(call.describe() + ": connection to "
                    + core.address + " lost before the answer arrived" + retried + ": " + describe(reason) + outcome,
                    call.op.toString(), reason));
        }
        if (core.hasWaiting()) {
            core.drainWaiting();
        }
    }

    private void closeOnLoop() {
        state = State.CLOSED;
        accepting = false;
        if (reconnectTask != null) {
            reconnectTask.cancel(false);
            reconnectTask = null;
        }
        if (firstConnect != null) {
            firstConnect.completeExceptionally(core.closedFailure("connect"));
            firstConnect = null;
        }
        failPending(null);
        Attempt a = attempt;
        if (a != null) {
            if (a.failure == null) {
                a.failure = core.closedFailure("connection " + index);
            }
            a.channel.close();
        }
    }

    /** Takes the call off the pending map if it is there, giving back its permit. */
    private boolean removePending(Call<?> call) {
        if (pending.get(call.id) != call) {
            return false;
        }
        pending.remove(call.id);
        release();
        return true;
    }

    private void release() {
        inFlight.decrementAndGet();
        if (core.hasWaiting() && accepting) {
            core.drainWaiting();
        }
    }

    private DaxKVClientException.ConnectFailed connectFailure(String prefix, Throwable cause) {
        return new DaxKVClientException.ConnectFailed(core.address, "cannot connect to daxkv server at "
                + core.address + ": " + prefix + describe(cause), cause);
    }

    private DaxKVClientException.ConnectFailed asConnectFailed(Throwable reason) {
        return reason instanceof DaxKVClientException.ConnectFailed cf ? cf : connectFailure("", reason);
    }

    /** A short account of a failure: its message, without wrappers like DecoderException. */
    private static String describe(Throwable t) {
        if (t == null) {
            return "closed";
        }
        while ((t instanceof DecoderException || t instanceof java.util.concurrent.CompletionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }

    // ------------------------------------------------------------------- channel events

    /** Receives one channel's events; events of a channel the slot has moved on from are ignored. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final Attempt a;

        Handler(Attempt a) {
            this.a = a;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            if (tls == null) {
                sendHello(a);
            } else {
                tls.handshakeFuture().addListener(f -> {
                    if (f.isSuccess()) {
                        sendHello(a);
                    } else {
                        failAndClose(a, connectFailure("TLS handshake failed: ", f.cause()));
                    }
                });
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (a.over || attempt != a) {
                return;
            }
            if (msg instanceof Response r) {
                onResponse(a, r);
            } else if (msg instanceof MalformedFrame m) {
                failAndClose(a, new DaxKVClientException.ProtocolError("daxkv server at " + core.address
                        + " sent a response frame of " + m.frameBytes() + " bytes that does not parse: " + m.reason()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            attemptOver(a, a.failure != null ? a.failure : new IOException("the server closed the connection"));
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failAndClose(a, state == State.CONNECTING && attempt == a ? connectFailure("", cause) : cause);
        }
    }
}
