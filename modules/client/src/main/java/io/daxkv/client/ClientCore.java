package io.daxkv.client;

import io.daxkv.protocol.FrameDecoder;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javax.net.ssl.SSLException;

/**
 * What every view of one client shares: the I/O threads, the timer, the pool of
 * {@link ConnectionSlot}s, the queue of calls waiting for a connection, and the request ids.
 *
 * <h2>Dispatch</h2>
 * A call goes to the next slot in round-robin order that is live (Hello answered, not draining)
 * and has a free permit ({@link ClientOptions#maxInFlightPerConnection()}); if every live slot is
 * full it fails at once with {@code Overloaded}. When no slot is live it waits in {@link
 * #waiting} (at most {@code connections * maxInFlightPerConnection} calls, beyond that {@code
 * Overloaded}) until a slot comes back or its timeout expires.
 *
 * <h2>Waiting queue and lost wake-ups</h2>
 * A slot becoming live sets its volatile {@code accepting} flag and then drains the queue under
 * {@link #waitLock}; a dispatcher adds to the queue under the lock and then reads the flags. One
 * of the two sees the other, so no call waits while a slot is live and has room. Slots also
 * drain the queue when a permit frees up and calls are waiting.
 */
final class ClientCore {

    static final System.Logger LOG = System.getLogger("io.daxkv.client");

    final ClientOptions options;
    final String address;
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final SslContext sslContext;
    private final HashedWheelTimer timer;
    /** The timer's thread: timeouts complete futures on it, so callbacks run there too. */
    private volatile Thread timerThread;
    private final ConnectionSlot[] slots;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private final Object waitLock = new Object();
    /** Calls waiting for a live connection, oldest first (guarded by {@link #waitLock}). */
    private final LinkedHashSet<Call<?>> waiting = new LinkedHashSet<>();
    private boolean waitingClosed;
    private volatile int waitingCount;
    private final int waitingCapacity;

    private volatile ServerInfo serverInfo;
    private volatile Throwable lastConnectFailure;

    ClientCore(ClientOptions options) {
        this.options = options;
        this.address = options.address();
        this.sslContext = options.tls() ? sslContext(options) : null;
        boolean epoll = options.nativeTransport() && Epoll.isAvailable();
        IoHandlerFactory ioHandlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        int threads = Math.min(options.ioThreads(), options.connections());
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("daxkv-client", true), ioHandlers);
        DefaultThreadFactory timerThreads = new DefaultThreadFactory("daxkv-client-timer", true);
        this.timer = new HashedWheelTimer(r -> {
            Thread t = timerThreads.newThread(r);
            timerThread = t;
            return t;
        }, 10, TimeUnit.MILLISECONDS, 512);
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        this.slots = new ConnectionSlot[options.connections()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new ConnectionSlot(this, i, loops.get(i % loops.size()));
        }
        this.waitingCapacity = (int) Math.min(Integer.MAX_VALUE,
                (long) options.connections() * options.maxInFlightPerConnection());
        group.terminationFuture().addListener(f -> {
            // completed first: close() may be waiting on the timer thread itself (a callback of
            // a timed-out future), and stop() joins that thread
            terminated.complete(null);
            timer.stop();
        });
    }

    private static SslContext sslContext(ClientOptions options) {
        SslContextBuilder b = SslContextBuilder.forClient()
                .endpointIdentificationAlgorithm(options.tlsHostnameVerification() ? "HTTPS" : null);
        if (options.tlsTrustedCertificates() != null) {
            try {
                b.trustManager(options.tlsTrustedCertificates().toFile());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tlsTrustedCertificates: cannot read certificates from "
                        + options.tlsTrustedCertificates().toAbsolutePath() + ": " + e.getMessage(), e);
            }
        }
        try {
            return b.build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("tls: cannot set up TLS"
                    + (options.tlsTrustedCertificates() == null ? "" : " trusting " + options.tlsTrustedCertificates().toAbsolutePath())
                    + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------- connections

    /** Connects every slot; completes when all answered the Hello, fails (after closing everything) on the first failure. */
    CompletableFuture<Void> connectAll() {
        CompletableFuture<Void> all = new CompletableFuture<>();
        AtomicInteger remaining = new AtomicInteger(slots.length);
        // the first failure is the one reported: closing fails the other slots' connects with Closed
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        for (ConnectionSlot slot : slots) {
            slot.connectFirst().whenComplete((ok, failure) -> {
                if (failure != null) {
                    if (firstFailure.compareAndSet(null, failure)) {
                        closeAsync().whenComplete((v, e) -> all.completeExceptionally(failure));
                    }
                } else if (remaining.decrementAndGet() == 0) {
                    all.complete(null);
                }
            });
        }
        return all;
    }

    /** Adds TLS (when configured) and the frame codec in front of a connection's handler. */
    void initPipeline(Channel ch) {
        if (sslContext != null) {
            SslHandler tls = sslContext.newHandler(ch.alloc(), options.host(), options.port());
            tls.setHandshakeTimeoutMillis(options.connectTimeout().toMillis());
            ch.pipeline().addLast("tls", tls);
        }
        ch.pipeline().addLast("frameDecoder", new FrameDecoder<>(Response.parser(), options.maxFrameBytes()));
        ch.pipeline().addLast("frameEncoder", FrameEncoder.INSTANCE);
    }

    Class<? extends Channel> channelClass() {
        return channelClass;
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    /** A slot answered its Hello: record what the server said and hand it the waiting calls. */
    void onSlotReady(ServerInfo info) {
        serverInfo = info;
        drainWaiting();
    }

    /** A connection attempt failed; kept as the cause of timeouts of calls that never got a connection. */
    void onConnectFailure(Throwable failure) {
        lastConnectFailure = failure;
    }

    ServerInfo serverInfo() {
        return serverInfo;
    }

    int liveConnections() {
        int n = 0;
        for (ConnectionSlot s : slots) {
            if (s.acceptsRequests()) {
                n++;
            }
        }
        return n;
    }

    /** Calls holding a slot's permit plus calls waiting for a connection. */
    int inFlightRequests() {
        int n = waitingCount;
        for (ConnectionSlot s : slots) {
            n += s.inFlight();
        }
        return n;
    }

    /** Completes once the tasks queued on every slot's loop before it have run (diagnostics and tests). */
    CompletableFuture<Void> barrier() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[slots.length];
        for (int i = 0; i < slots.length; i++) {
            all[i] = slots[i].barrier();
        }
        return CompletableFuture.allOf(all);
    }

    // ---------------------------------------------------------------------------- requests

    /** Gives the request an id and sends it; the returned future completes within {@code timeout}. */
    <T> CompletableFuture<T> submit(Operation op, Request.Builder request, Function<Response, T> decoder, Duration timeout) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedFailure(op.toString()));
        }
        Request built = request.setId(nextId()).build();
        ServerInfo info = serverInfo;
        if (info != null && info.maxFrameBytes() > 0 && built.getSerializedSize() > info.maxFrameBytes()) {
            return CompletableFuture.failedFuture(new DaxKVClientException.LimitExceeded(
                    op + " request", built.getSerializedSize(), info.maxFrameBytes()));
        }
        Call<T> call = new Call<>(this, op, built, decoder, timeout);
        try {
            call.timer(timer.newTimeout(call, saturatedNanos(timeout), TimeUnit.NANOSECONDS));
        } catch (IllegalStateException stopped) {
            call.fail(closedFailure(op.toString()));
            return call.future;
        }
        dispatch(call);
        return call.future;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Hands the call to a live slot with room, or to the waiting queue when none is live. */
    void dispatch(Call<?> call) {
        if (call.future.isDone()) {
            return;
        }
        if (closed.get()) {
            call.fail(closedFailure(call.describe()));
            return;
        }
        int n = slots.length;
        int start = n == 1 ? 0 : Math.floorMod(roundRobin.getAndIncrement(), n);
        boolean anyLive = false;
        for (int i = 0; i < n; i++) {
            int at = start + i;
            ConnectionSlot slot = slots[at < n ? at : at - n];
            if (slot.acceptsRequests()) {
                anyLive = true;
                if (slot.tryAcquire()) {
                    slot.send(call);
                    return;
                }
            }
        }
        if (anyLive) {
            call.fail(new DaxKVClientException.Overloaded(call.describe() + " rejected: "
                    + options.maxInFlightPerConnection() + " requests are already in flight on every live connection to "
                    + address + " (maxInFlightPerConnection)", options.maxInFlightPerConnection()));
            return;
        }
        call.slot = null;
        boolean added;
        boolean wasClosed;
        synchronized (waitLock) {
            wasClosed = waitingClosed;
            added = !wasClosed && waiting.size() < waitingCapacity && waiting.add(call);
            waitingCount = waiting.size();
        }
        if (wasClosed) {
            call.fail(closedFailure(call.describe()));
        } else if (!added) {
            call.fail(new DaxKVClientException.Overloaded(call.describe() + " rejected: no connection to " + address
                    + " is live and " + waitingCapacity + " requests are already waiting for one"
                    + " (connections * maxInFlightPerConnection)", waitingCapacity));
        } else if (liveConnections() > 0) {
            drainWaiting();
        }
    }

    /** Whether calls are waiting for a connection (a volatile read, for the slots' fast path). */
    boolean hasWaiting() {
        return waitingCount > 0;
    }

    /** Moves waiting calls to live slots while they have room. */
    void drainWaiting() {
        while (true) {
            Call<?> call;
            ConnectionSlot slot = null;
            synchronized (waitLock) {
                if (waiting.isEmpty()) {
                    return;
                }
                call = waiting.iterator().next();
                if (!call.future.isDone()) {
                    slot = acquireAny();
                    if (slot == null) {
                        return;
                    }
                }
                waiting.remove(call);
                waitingCount = waiting.size();
            }
            if (slot != null) {
                slot.send(call);
            }
        }
    }

    private ConnectionSlot acquireAny() {
        int n = slots.length;
        int start = n == 1 ? 0 : Math.floorMod(roundRobin.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            int at = start + i;
            ConnectionSlot slot = slots[at < n ? at : at - n];
            if (slot.acceptsRequests() && slot.tryAcquire()) {
                return slot;
            }
        }
        return null;
    }

    /**
     * The call's connection dropped after it was sent (its slot released it): resend it if it
     * is idempotent and has retries left, otherwise fail it with {@code failure}.
     */
    void retryOrFail(Call<?> call, DaxKVClientException failure) {
        if (call.future.isDone()) {
            return;
        }
        if (call.op.idempotent() && call.retries < options.maxRetries() && !closed.get()) {
            call.retries++;
            call.sent = false;
            LOG.log(System.Logger.Level.DEBUG, "retrying {0} (retry {1} of {2}) after: {3}",
                    call.describe(), call.retries, options.maxRetries(), failure.getMessage());
            dispatch(call);
        } else {
            call.fail(failure);
        }
    }

    /** The call never reached its connection (it died first): send it elsewhere, whatever the operation. */
    void resendUnsent(Call<?> call) {
        call.sent = false;
        dispatch(call);
    }

    /** The call's timeout expired (timer thread). */
    void onTimeout(Call<?> call) {
        ConnectionSlot slot = call.slot;
        if (slot == null || !slot.timeOut(call)) {
            timeOutHere(call);
        }
    }

    /** Fails a timed-out call that its slot does not hold, then makes sure no slot or queue keeps it. */
    void timeOutHere(Call<?> call) {
        if (!call.fail(timeoutFailure(call))) {
            return;
        }
        if (waitingCount > 0) {
            synchronized (waitLock) {
                waiting.remove(call);
                waitingCount = waiting.size();
            }
        }
        ConnectionSlot slot = call.slot;
        if (slot != null) {
            slot.abandon(call);
        }
    }

    DaxKVClientException.Timeout timeoutFailure(Call<?> call) {
        long ms = call.timeout.toMillis();
        if (call.sent) {
            return new DaxKVClientException.Timeout(call.describe() + ": no answer from " + address + " within "
                    + ms + " ms" + (call.op.idempotent() ? "" : "; the write may or may not have been applied"),
                    call.id, call.op.toString(), call.timeout, true, null);
        }
        Throwable cause = lastConnectFailure;
        return new DaxKVClientException.Timeout(call.describe() + ": not sent within " + ms + " ms: no connection to "
                + address + " was available" + (cause == null ? "" : " (last connect attempt: " + cause.getMessage() + ")")
                + "; it was not applied",
                call.id, call.op.toString(), call.timeout, false, cause);
    }

    DaxKVClientException.Closed closedFailure(String what) {
        return new DaxKVClientException.Closed(what + ": the client for " + address + " is closed");
    }

    // ------------------------------------------------------------------------------ closing

    boolean isClosed() {
        return closed.get();
    }

    /** Whether the current thread is one of this client's I/O threads. */
    boolean inIoThread() {
        if (Thread.currentThread() == timerThread) {
            return true;
        }
        for (EventExecutor e : group) {
            if (e.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails waiting and in-flight calls with {@code Closed}, closes the connections and shuts
     * down the I/O threads and the timer; the future completes once they have stopped.
     */
    CompletableFuture<Void> closeAsync() {
        if (closed.compareAndSet(false, true)) {
            List<Call<?>> dropped;
            synchronized (waitLock) {
                waitingClosed = true;
                dropped = new ArrayList<>(waiting);
                waiting.clear();
                waitingCount = 0;
            }
            for (Call<?> call : dropped) {
                call.fail(closedFailure(call.describe()));
            }
            for (ConnectionSlot slot : slots) {
                slot.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        }
        return terminated;
    }

    /** {@link #closeAsync()}, waiting up to 5 s for the threads to stop unless called on one of them. */
    void close() {
        CompletableFuture<Void> done = closeAsync();
        if (!inIoThread()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "client for {0}: I/O threads did not stop within 5 s", address);
            }
        }
    }
}
