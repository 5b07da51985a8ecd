package io.daxkv.client;

import com.google.protobuf.ByteString;
import io.daxkv.protocol.BatchOp;
import io.daxkv.protocol.BatchResult;
import io.daxkv.protocol.ConditionalResult;
import io.daxkv.protocol.DeleteResult;
import io.daxkv.protocol.Entry;
import io.daxkv.protocol.FrameDecoder;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.GetResult;
import io.daxkv.protocol.HelloResult;
import io.daxkv.protocol.MalformedFrame;
import io.daxkv.protocol.PingResult;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.PutResult;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.ScanResult;
import io.daxkv.protocol.StatsResult;
import io.daxkv.protocol.Status;
import io.daxkv.protocol.SyncResult;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in daxkv server for the client's tests: Netty with the protocol's frame codec, a
 * {@link TreeMap} in unsigned key order behind every operation, on a loopback ephemeral port.
 *
 * <p>Faults it can be told to inject (all settable while it runs):
 * <ul>
 *   <li>Hello: answer with a given status, require a token, refuse the n-th, or never answer.</li>
 *   <li>Per key (the request's key; a ping's payload; a scan's start key): never answer
 *       ({@link #neverAnswer}), hold the answer until {@link #releaseHeld()} (which sends held
 *       answers newest first), close the connection instead of answering ({@link #closeOn}),
 *       or answer with a frame that does not parse ({@link #garbageOn}).</li>
 *   <li>Every answer: delayed at random ({@link #maxDelayMicros}, so answers overtake each
 *       other), preceded by a response with an id nobody asked for ({@link #strayResponses}).</li>
 *   <li>Connections: close them all ({@link #closeConnections()}); answer SHUTTING_DOWN on the
 *       current ones ({@link #shutDownCurrentConnections()}).</li>
 * </ul>
 * It counts connections, Hellos, and requests per connection and per operation and key.
 */
final class FakeServer implements AutoCloseable {

    private final EventLoopGroup group;
    private final Channel serverChannel;
    final int port;

    private final NavigableMap<ByteString, ByteString> data = new TreeMap<>(ByteString.unsignedLexicographicalComparator());

    volatile Status helloStatus = Status.OK;
    volatile String requiredToken;
    volatile boolean answerHello = true;
    /** The Hello with this number (1 for the first) is refused with UNAUTHENTICATED; 0 for none. */
    volatile int refuseHelloNumber;
    volatile int maxFrameBytes = 1 << 20;
    volatile int maxKeyBytes = 1024;
    volatile int maxValueBytes = 256 << 10;
    volatile int maxScanLimit = 1000;
    volatile int maxDelayMicros;
    volatile boolean strayResponses;
    final Set<ByteString> neverAnswer = ConcurrentHashMap.newKeySet();
    final Set<ByteString> holdAnswer = ConcurrentHashMap.newKeySet();
    final Set<ByteString> closeOn = ConcurrentHashMap.newKeySet();
    final Set<ByteString> garbageOn = ConcurrentHashMap.newKeySet();

    private final List<Held> held = new ArrayList<>();
    private final Semaphore heldArrivals = new Semaphore(0);

    final AtomicInteger connectionsAccepted = new AtomicInteger();
    final AtomicInteger hellos = new AtomicInteger();
    final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    private final Semaphore connectionSignal = new Semaphore(0);
    private final Semaphore helloSignal = new Semaphore(0);

    /** One accepted connection. */
    static final class Conn {
        final Channel channel;
        final AtomicInteger requests = new AtomicInteger();
        volatile boolean shuttingDown;
        volatile boolean helloDone;
        volatile String clientName;

        Conn(Channel channel) {
            this.channel = channel;
        }
    }

    private record Held(ChannelHandlerContext ctx, Response response) {
    }

    private FakeServer(SslContext tls) throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new io.netty.handler.flush.FlushConsolidationHandler(256, true));
                        ch.pipeline().addLast(new FrameDecoder<>(Request.parser(), 64 << 20));
                        ch.pipeline().addLast(FrameEncoder.INSTANCE);
                        Conn conn = new Conn(ch);
                        connections.add(conn);
                        connectionsAccepted.incrementAndGet();
                        connectionSignal.release();
                        ch.pipeline().addLast(new Handler(conn));
                    }
                });
        serverChannel = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    static FakeServer start() throws InterruptedException {
        return new FakeServer(null);
    }

    static FakeServer startTls(SslContext tls) throws InterruptedException {
        return new FakeServer(tls);
    }

    /** Options pointing at this server, with test-friendly timeouts. */
    ClientOptions.Builder options() {
        return ClientOptions.builder().host("127.0.0.1").port(port)
                .connectTimeout(java.time.Duration.ofSeconds(5))
                .requestTimeout(java.time.Duration.ofSeconds(10));
    }

    static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    void putDirect(String key, byte[] value) {
        synchronized (data) {
            data.put(bs(key), ByteString.copyFrom(value));
        }
    }

    byte[] getDirect(String key) {
        synchronized (data) {
            ByteString v = data.get(bs(key));
            return v == null ? null : v.toByteArray();
        }
    }

    /** Requests of {@code op} for {@code key} received so far. */
    int received(Request.OpCase op, String key) {
        AtomicInteger n = received.get(op + ":" + key);
        return n == null ? 0 : n.get();
    }

    /** Waits until {@code n} answers are held; false after 10 s. */
    boolean awaitHeld(int n) throws InterruptedException {
        return heldArrivals.tryAcquire(n, 10, TimeUnit.SECONDS);
    }

    /** Waits until {@code n} more connections were accepted; false after 10 s. */
    boolean awaitConnections(int n) throws InterruptedException {
        return connectionSignal.tryAcquire(n, 10, TimeUnit.SECONDS);
    }

    /** Waits until {@code n} more Hellos arrived; false after 10 s. */
    boolean awaitHellos(int n) throws InterruptedException {
        return helloSignal.tryAcquire(n, 10, TimeUnit.SECONDS);
    }

    /** Sends every held answer, newest first. */
    void releaseHeld() {
        List<Held> out;
        synchronized (held) {
            out = new ArrayList<>(held);
            held.clear();
        }
        Collections.reverse(out);
        for (Held h : out) {
            h.ctx.writeAndFlush(h.response);
        }
    }

    /** Forgets every held answer. */
    void dropHeld() {
        synchronized (held) {
            held.clear();
        }
    }

    void closeConnections() throws InterruptedException {
        for (Conn c : connections) {
            c.channel.close().sync();
        }
    }

    /** Closes every connection without waiting (callable from any thread, an event loop included). */
    void closeConnectionsNow() {
        for (Conn c : connections) {
            c.channel.close();
        }
    }

    void shutDownCurrentConnections() {
        for (Conn c : connections) {
            c.shuttingDown = true;
        }
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ------------------------------------------------------------------------ handling

    private final class Handler extends ChannelInboundHandlerAdapter {
        private final Conn conn;

        Handler(Conn conn) {
            this.conn = conn;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MalformedFrame m) {
                ctx.writeAndFlush(Response.newBuilder().setStatus(Status.BAD_REQUEST).setError(m.reason()).build());
                return;
            }
            Request req = (Request) msg;
            if (req.hasHello()) {
                hello(ctx, req);
                return;
            }
            if (!conn.helloDone) {
                ctx.writeAndFlush(Response.newBuilder().setId(req.getId()).setStatus(Status.HELLO_REQUIRED)
                        .setError("hello first").build()).addListener(f -> ctx.close());
                return;
            }
            conn.requests.incrementAndGet();
            ByteString key = keyOf(req);
            received.computeIfAbsent(req.getOpCase() + ":" + key.toStringUtf8(), k -> new AtomicInteger()).incrementAndGet();
            if (closeOn.contains(key)) {
                ctx.close();
                return;
            }
            if (garbageOn.contains(key)) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {0x01, 0x00})); // tag 0: does not parse
                return;
            }
            Response resp = conn.shuttingDown
                    ? Response.newBuilder().setId(req.getId()).setStatus(Status.SHUTTING_DOWN).setError("fake shutdown").build()
                    : execute(req);
            if (strayResponses) {
                ctx.write(Response.newBuilder().setId(req.getId() + (1L << 40))
                        .setPing(PingResult.newBuilder().setPayload(bs("stray"))).build());
            }
            if (neverAnswer.contains(key)) {
                ctx.flush();
                return;
            }
            if (holdAnswer.contains(key)) {
                synchronized (held) {
                    held.add(new Held(ctx, resp));
                }
                heldArrivals.release();
                ctx.flush();
                return;
            }
            int delay = maxDelayMicros;
            if (delay > 0) {
                ctx.executor().schedule(() -> ctx.writeAndFlush(resp),
                        ThreadLocalRandom.current().nextInt(delay), TimeUnit.MICROSECONDS);
            } else {
                ctx.writeAndFlush(resp);
            }
        }

        private void hello(ChannelHandlerContext ctx, Request req) {
            int number = hellos.incrementAndGet();
            conn.clientName = req.getHello().getClientName();
            helloSignal.release();
            if (!answerHello) {
                return;
            }
            Response.Builder r = Response.newBuilder().setId(req.getId());
            if (req.getHello().getProtocolVersion() != Protocol.VERSION) {
                r.setStatus(Status.UNSUPPORTED_VERSION).setError("protocol version " + req.getHello().getProtocolVersion());
            } else if (helloStatus != Status.OK) {
                r.setStatus(helloStatus).setError("fake server says " + helloStatus);
            } else if (number == refuseHelloNumber
                    || requiredToken != null && !requiredToken.equals(req.getHello().getAuthToken())) {
                r.setStatus(Status.UNAUTHENTICATED).setError("bad or missing auth token");
            } else {
                conn.helloDone = true;
                ctx.writeAndFlush(r.setHello(HelloResult.newBuilder().setProtocolVersion(Protocol.VERSION)
                        .setServerVersion("fake-1.0").setMaxFrameBytes(maxFrameBytes).setMaxKeyBytes(maxKeyBytes)
                        .setMaxValueBytes(maxValueBytes).setMaxScanLimit(maxScanLimit)).build());
                return;
            }
            ctx.writeAndFlush(r.build()).addListener(f -> ctx.close());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static ByteString keyOf(Request req) {
        return switch (req.getOpCase()) {
            case GET -> req.getGet().getKey();
            case PUT -> req.getPut().getKey();
            case DELETE -> req.getDelete().getKey();
            case PUT_IF_ABSENT -> req.getPutIfAbsent().getKey();
            case REPLACE -> req.getReplace().getKey();
            case SCAN -> req.getScan().getStartKey();
            case PING -> req.getPing().getPayload();
            default -> ByteString.EMPTY;
        };
    }

    private Response execute(Request req) {
        Response.Builder r = Response.newBuilder().setId(req.getId());
        synchronized (data) {
            switch (req.getOpCase()) {
                case GET -> {
                    ByteString v = data.get(req.getGet().getKey());
                    r.setGet(v == null ? GetResult.newBuilder().setFound(false) : GetResult.newBuilder().setFound(true).setValue(v));
                }
                case PUT -> {
                    if (req.getPut().getKey().size() > maxKeyBytes || req.getPut().getValue().size() > maxValueBytes) {
                        return r.setStatus(Status.TOO_LARGE).setError("fake limit").build();
                    }
                    data.put(req.getPut().getKey(), req.getPut().getValue());
                    r.setPut(PutResult.getDefaultInstance());
                }
                case DELETE -> r.setDelete(DeleteResult.newBuilder().setExisted(data.remove(req.getDelete().getKey()) != null));
                case PUT_IF_ABSENT -> {
                    boolean absent = !data.containsKey(req.getPutIfAbsent().getKey());
                    if (absent) {
                        data.put(req.getPutIfAbsent().getKey(), req.getPutIfAbsent().getValue());
                    }
                    r.setPutIfAbsent(ConditionalResult.newBuilder().setApplied(absent));
                }
                case REPLACE -> {
                    boolean present = data.containsKey(req.getReplace().getKey());
                    if (present) {
                        data.put(req.getReplace().getKey(), req.getReplace().getValue());
                    }
                    r.setReplace(ConditionalResult.newBuilder().setApplied(present));
                }
                case SCAN -> {
                    int limit = req.getScan().getLimit() == 0 ? maxScanLimit : Math.min(req.getScan().getLimit(), maxScanLimit);
                    NavigableMap<ByteString, ByteString> range = req.getScan().hasEndKey()
                            ? data.subMap(req.getScan().getStartKey(), true, req.getScan().getEndKey(), false)
                            : data.tailMap(req.getScan().getStartKey(), true);
                    ScanResult.Builder s = ScanResult.newBuilder();
                    for (Map.Entry<ByteString, ByteString> e : range.entrySet()) {
                        if (s.getEntriesCount() == limit) {
                            s.setMore(true);
                            break;
                        }
                        s.addEntries(Entry.newBuilder().setKey(e.getKey())
                                .setValue(req.getScan().getKeysOnly() ? ByteString.EMPTY : e.getValue()));
                    }
                    r.setScan(s);
                }
                case BATCH -> {
                    for (BatchOp op : req.getBatch().getOpsList()) {
                        if (op.hasPut()) {
                            data.put(op.getPut().getKey(), op.getPut().getValue());
                        } else {
                            data.remove(op.getDelete().getKey());
                        }
                    }
                    r.setBatch(BatchResult.newBuilder().setApplied(req.getBatch().getOpsCount()));
                }
                case SYNC -> r.setSync(SyncResult.getDefaultInstance());
                case PING -> r.setPing(PingResult.newBuilder().setPayload(req.getPing().getPayload()));
                case STATS -> r.setStats(StatsResult.newBuilder().putCounters("keys", data.size())
                        .putCounters("connections", connectionsAccepted.get()));
                default -> {
                    return r.setStatus(Status.UNKNOWN_OPERATION).setError("op " + req.getOpCase()).build();
                }
            }
        }
        return r.build();
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
