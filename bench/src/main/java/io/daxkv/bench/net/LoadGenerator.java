package io.daxkv.bench.net;

import io.daxkv.bench.net.NetloadReport.Result;
import com.google.protobuf.ByteString;
import io.daxkv.protocol.FrameDecoder;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Get;
import io.daxkv.protocol.Hello;
import io.daxkv.protocol.MalformedFrame;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.Put;
import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * Closed-loop network load generator for the daxkv server: N connections (default 50), each
 * keeping {@code depth} requests outstanding (a new one is written as each response arrives, so
 * the depth is constant), gets or puts of 100 B values on random keys of a K-key keyspace
 * (default 100k, {@code key%08d}), after a preload that puts every key (so gets hit; not measured).
 * Per run: a warmup, then a measured window; throughput is OK responses in the window divided by
 * its length, latency is send-to-response ({@link System#nanoTime()}) in an HdrHistogram.
 *
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.daxkv.bench.net.LoadGenerator --port PORT \
 *       [--op get,put] [--depth 1,16] [--connections 50] [--value-bytes 100] [--keys 100000] \
 *       [--warmup 5s] [--duration 15s] [--durability server|async|sync] [--md FILE] [--csv FILE]
 * </pre>
 *
 * <p>Lists in {@code --op}/{@code --depth} run every combination in turn, in this JVM, over new
 * connections each time, after one preload. Everything runs on {@code --io-threads} event loops
 * (default 1: the generator is pinned to one core); each loop records into its own histogram,
 * merged at the end.
 *
 * <p>Closed loop: a slow response delays the next request instead of queueing behind it, so the
 * latencies are what each request saw and are NOT corrected for coordinated omission (there is
 * no target rate a request could be late against). They describe the server at the throughput it
 * reached, not at a fixed offered load.
 *
 * <p>Any response other than OK is an error (so is a get that misses after the preload, a
 * malformed frame, an unexpected id, or a connection the server closes); errors are counted,
 * the first is printed, and the exit status is 1.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Closed-loop load generator for the daxkv server (throughput and HdrHistogram latencies).")
public final class LoadGenerator implements Callable<Integer> {

    enum Op { GET, PUT }

    enum RequestDurability { SERVER, ASYNC, SYNC }

    enum Transport { AUTO, EPOLL, NIO }

    enum Alloc { POOLED, ADAPTIVE }

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "(default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", required = true, description = "The server's port.")
    int port;

    @Option(names = "--op", split = ",", defaultValue = "GET",
            description = "get and/or put, comma-separated (default: ${DEFAULT-VALUE}).")
    List<Op> ops;

    @Option(names = "--depth", split = ",", defaultValue = "1",
            description = "Requests outstanding per connection, comma-separated list (default: ${DEFAULT-VALUE}).")
    List<Integer> depths;

    @Option(names = {"--connections", "-c"}, defaultValue = "50", description = "(default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--keys", defaultValue = "100000", description = "Keyspace size (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--value-bytes", defaultValue = "100", description = "Put value size (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--durability", defaultValue = "SERVER",
            description = "Durability of measured puts: server (the server's default), async, sync (default: ${DEFAULT-VALUE}).")
    RequestDurability durability;

    @Option(names = "--warmup", defaultValue = "5s", converter = DurationConverter.class,
            description = "Warmup per run, e.g. 5s, 500ms, 1m (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "15s", converter = DurationConverter.class,
            description = "Measured window per run (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--preload", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Put every key first (ASYNC, not measured) so gets hit (default: ${DEFAULT-VALUE}).")
    boolean preload;

    @Option(names = "--preload-depth", defaultValue = "64", description = "(default: ${DEFAULT-VALUE})")
    int preloadDepth;

    @Option(names = "--io-threads", defaultValue = "1", description = "Client event loops (default: ${DEFAULT-VALUE}).")
    int ioThreads;

    @Option(names = "--transport", defaultValue = "AUTO", description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Transport transport;

    @Option(names = "--client-allocator", defaultValue = "POOLED",
            description = "The generator's own buffer allocator: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Alloc clientAllocator;

    @Option(names = "--token", defaultValue = "", description = "Auth token for the hello, if the server needs one.")
    String token;

    @Option(names = "--label", defaultValue = "-",
            description = "Free text for the results' 'server' column, e.g. the server's allocator.")
    String label;

    @Option(names = "--server-pid", defaultValue = "0",
            description = "The server's pid: report its CPU use during the window (Linux /proc).")
    long serverPid;

    @Option(names = "--md", description = "Append a Markdown table row per run (header when the file has no table yet).")
    Path md;

    @Option(names = "--csv", description = "Append a CSV row per run (header when the file is new).")
    Path csv;

    @Option(names = "--seed", defaultValue = "42", description = "(default: ${DEFAULT-VALUE})")
    long seed;

    static final int SLOT_BITS = 16;
    static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    static final long HELLO_ID = 1; // run requests have ids >= 1 << SLOT_BITS
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

    private EventLoopGroup group;
    private Class<? extends SocketChannel> channelClass;
    private ByteBufAllocator allocator;
    private ByteString[] keyBytes;
    private ByteString[] valueVariants;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadGenerator()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        boolean epoll = switch (transport) {
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll is not available: " + Epoll.unavailabilityCause());
                }
                yield true;
            }
            case NIO -> false;
            case AUTO -> Epoll.isAvailable();
        };
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        allocator = clientAllocator == Alloc.POOLED ? PooledByteBufAllocator.DEFAULT : new AdaptiveByteBufAllocator();
        keyBytes = new ByteString[keys];
        for (int i = 0; i < keys; i++) {
            keyBytes[i] = ByteString.copyFrom(String.format("key%08d", i), StandardCharsets.US_ASCII);
        }
        SplittableRandom vr = new SplittableRandom(seed);
        valueVariants = new ByteString[64];
        for (int i = 0; i < valueVariants.length; i++) {
            byte[] v = new byte[valueBytes];
            for (int j = 0; j < v.length; j++) {
                v[j] = (byte) ('a' + vr.nextInt(26));
            }
            valueVariants[i] = ByteString.copyFrom(v);
        }
        System.err.printf("[loadgen] %s:%d, %s, %d I/O thread(s), client allocator %s; %d cpu(s), gc %s%n",
                host, port, epoll ? "epoll" : "nio", ioThreads, clientAllocator.name().toLowerCase(Locale.ROOT),
                Runtime.getRuntime().availableProcessors(), BenchServer.gcNames());
        System.err.println("[loadgen] closed loop: each connection keeps `depth` requests outstanding; latency is"
                + " send-to-response, not corrected for coordinated omission (no target rate to be late against)");
        group = new MultiThreadIoEventLoopGroup(ioThreads, io);
        boolean ok = true;
        try {
            if (preload) {
                ok = preload();
            }
            for (Op op : ops) {
                for (int depth : depths) {
                    if (!ok) {
                        break;
                    }
                    Result r = run(op, depth);
                    NetloadReport.print(r);
                    NetloadReport.append(r, md, csv);
                    ok = r.errors() == 0 && r.misses() == 0 && r.fatal() == null;
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        return ok ? 0 : 1;
    }

    private void validate() {
        List<String> bad = new ArrayList<>();
        if (connections < 1) {
            bad.add("--connections must be at least 1");
        }
        if (keys < 1) {
            bad.add("--keys must be at least 1");
        }
        if (valueBytes < 0) {
            bad.add("--value-bytes must not be negative");
        }
        for (int d : depths) {
            if (d < 1 || d > (1 << SLOT_BITS)) {
                bad.add("--depth must be between 1 and " + (1 << SLOT_BITS) + ": " + d);
            }
        }
        if (preloadDepth < 1 || preloadDepth > (1 << SLOT_BITS)) {
            bad.add("--preload-depth must be between 1 and " + (1 << SLOT_BITS));
        }
        if (ioThreads < 1) {
            bad.add("--io-threads must be at least 1");
        }
        if (duration.isZero() || duration.isNegative() || warmup.isNegative()) {
            bad.add("--duration must be positive and --warmup not negative");
        }
        if (!bad.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), String.join("; ", bad));
        }
    }

    // ------------------------------------------------------------------------------------ phases

    private boolean preload() throws InterruptedException {
        Workload w = new Workload(null, preloadDepth, io.daxkv.protocol.Durability.DURABILITY_ASYNC);
        long t0 = System.nanoTime();
        List<Conn> conns = connect(w);
        String fatal = w.fatal;
        if (fatal == null) {
            conns.forEach(c -> c.channel.eventLoop().execute(c::start));
            fatal = awaitDone(conns, w, Duration.ofSeconds(60 + keys / 10_000));
        }
        close(conns);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Totals t = w.totals();
        if (fatal == null && t.errors == 0 && t.completed == keys) {
            System.err.printf("[loadgen] preloaded %,d keys of %d B in %,d ms (%,.0f puts/s, depth %d)%n",
                    keys, valueBytes, ms, keys * 1000.0 / Math.max(1, ms), preloadDepth);
            return true;
        }
        System.err.printf("[loadgen] PRELOAD FAILED: %,d of %,d puts answered, %,d errors; first: %s%n",
                t.completed, keys, t.errors, fatal != null ? fatal : t.firstError);
        return false;
    }

    private Result run(Op op, int depth) throws InterruptedException {
        io.daxkv.protocol.Durability d = switch (durability) {
            case SERVER -> io.daxkv.protocol.Durability.DURABILITY_DEFAULT;
            case ASYNC -> io.daxkv.protocol.Durability.DURABILITY_ASYNC;
            case SYNC -> io.daxkv.protocol.Durability.DURABILITY_SYNC;
        };
        Workload w = new Workload(op, depth, d);
        List<Conn> conns = connect(w);
        double seconds = 0;
        double serverCpu = Double.NaN;
        double clientCpu = Double.NaN;
        String fatal = w.fatal;
        if (fatal == null) {
            conns.forEach(c -> c.channel.eventLoop().execute(c::start));
            sleep(w, warmup);
            long s0 = cpuNanos(serverPid);
            long c0 = cpuNanos(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            w.phase = Workload.MEASURE;
            sleep(w, duration);
            w.phase = Workload.STOP;
            long t1 = System.nanoTime();
            long s1 = cpuNanos(serverPid);
            long c1 = cpuNanos(ProcessHandle.current().pid());
            seconds = (t1 - t0) / 1e9;
            serverCpu = s0 < 0 || s1 < 0 ? Double.NaN : 100.0 * (s1 - s0) / (t1 - t0);
            clientCpu = c0 < 0 || c1 < 0 ? Double.NaN : 100.0 * (c1 - c0) / (t1 - t0);
            fatal = awaitDone(conns, w, Duration.ofSeconds(30));
        }
        close(conns);
        Totals t = w.totals();
        return new Result(label, op, depth, connections, valueBytes, durability.name().toLowerCase(Locale.ROOT), keys,
                warmup, seconds, t.measured, seconds > 0 ? t.measured / seconds : 0, t.histogram, t.errors, t.misses,
                fatal != null ? fatal : t.firstError, fatal, serverCpu, clientCpu);
    }

    /** Sleeps {@code d}, returning early when the workload failed. */
    private static void sleep(Workload w, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (w.fatal == null) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    private List<Conn> connect(Workload w) throws InterruptedException {
        List<Conn> conns = new ArrayList<>(connections);
        Bootstrap base = new Bootstrap().group(group).channel(channelClass)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        for (int i = 0; i < connections; i++) {
            Conn c = new Conn(w, new SplittableRandom(seed * 1_000_003L + i * 7919L + w.depth));
            Channel ch = base.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel sc) {
                    sc.pipeline().addLast("frames", new FrameDecoder<>(Response.parser(), 16 << 20));
                    sc.pipeline().addLast("encoder", FrameEncoder.INSTANCE);
                    sc.pipeline().addLast("load", c);
                }
            }).connect(host, port).sync().channel();
            c.channel = ch;
            conns.add(c);
        }
        for (Conn c : conns) {
            try {
                c.hello.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                break; // w.fatal says why
            } catch (TimeoutException e) {
                w.fail("no hello answer within 10 s");
                break;
            }
        }
        return conns;
    }

    private static String awaitDone(List<Conn> conns, Workload w, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        for (Conn c : conns) {
            try {
                c.done.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                return String.valueOf(e.getCause());
            } catch (TimeoutException e) {
                w.fail("connections still had requests outstanding " + timeout.toSeconds() + " s after the end");
                break;
            }
        }
        return w.fatal;
    }

    private static void close(List<Conn> conns) {
        for (Conn c : conns) {
            c.closing = true;
        }
        for (Conn c : conns) {
            if (c.channel != null) {
                c.channel.close().syncUninterruptibly();
            }
        }
    }

    /** utime + stime of a process from /proc, in ns (assuming the usual 100 ticks/s); -1 when unknown. */
    static long cpuNanos(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime 14, stime 15
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    // --------------------------------------------------------------------------------- workload

    /** Per event loop: touched only by that loop's thread. */
    static final class LoopStats {
        final Histogram histogram = new Histogram(MAX_NANOS, 3);
        long completed;
        long measured;
        long errors;
        long misses;
        String firstError;
    }

    record Totals(Histogram histogram, long completed, long measured, long errors, long misses, String firstError) {
    }

    /** What one run's connections do, and its phase. */
    final class Workload {
        static final int WARMUP = 0;
        static final int MEASURE = 1;
        static final int STOP = 2;

        final Op op; // null: preload
        final int depth;
        final io.daxkv.protocol.Durability durability;
        final AtomicInteger cursor = new AtomicInteger();
        final ConcurrentHashMap<EventLoop, LoopStats> stats = new ConcurrentHashMap<>();
        volatile int phase = WARMUP;
        volatile String fatal;

        Workload(Op op, int depth, io.daxkv.protocol.Durability durability) {
            this.op = op;
            this.depth = depth;
            this.durability = durability;
        }

        /** The key of the next request, or -1 when this connection should send no more. */
        int nextKey(SplittableRandom rnd) {
            if (op == null) {
                int k = cursor.getAndIncrement();
                return k < keys ? k : -1;
            }
            return phase == STOP ? -1 : rnd.nextInt(keys);
        }

        Request request(long id, int key, SplittableRandom rnd) {
            Request.Builder b = Request.newBuilder().setId(id);
            if (op == Op.GET) {
                b.setGet(Get.newBuilder().setKey(keyBytes[key]));
            } else {
                b.setDurability(durability);
                b.setPut(Put.newBuilder().setKey(keyBytes[key]).setValue(valueVariants[rnd.nextInt(valueVariants.length)]));
            }
            return b.build();
        }

        void completed(LoopStats s, Response r, long nanos) {
            s.completed++;
            boolean measuring = op == null || phase == MEASURE;
            if (r.getStatus() != Status.OK) {
                s.errors++;
                if (s.firstError == null) {
                    s.firstError = r.getStatus() + ": " + r.getError();
                }
                return;
            }
            if (op == Op.GET && preload
                    && (!r.getGet().getFound() || r.getGet().getValue().size() != valueBytes)) {
                s.misses++;
                if (s.firstError == null) {
                    s.firstError = "get after preload: " + (r.getGet().getFound()
                            ? "value of " + r.getGet().getValue().size() + " bytes, expected " + valueBytes : "not found");
                }
                return;
            }
            if (measuring) {
                s.measured++;
                s.histogram.recordValue(Math.min(nanos, MAX_NANOS));
            }
        }

        void fail(String why) {
            if (fatal == null) {
                fatal = why;
            }
        }

        /** Read after every connection is done (their completion orders these reads after the loops' writes). */
        Totals totals() {
            Histogram h = new Histogram(MAX_NANOS, 3);
            long completed = 0;
            long measured = 0;
            long errors = 0;
            long misses = 0;
            String first = null;
            for (LoopStats s : stats.values()) {
                h.add(s.histogram);
                completed += s.completed;
                measured += s.measured;
                errors += s.errors;
                misses += s.misses;
                if (first == null) {
                    first = s.firstError;
                }
            }
            return new Totals(h, completed, measured, errors, misses, first);
        }
    }

    /** One connection: hello, then {@code depth} requests outstanding until the workload stops. */
    final class Conn extends ChannelInboundHandlerAdapter {
        final Workload w;
        final SplittableRandom rnd;
        final long[] expected;
        final long[] sentAt;
        final CompletableFuture<Void> hello = new CompletableFuture<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Channel channel;
        volatile boolean closing;
        private ChannelHandlerContext ctx;
        private LoopStats stats;
        private long seq = 1;
        private int outstanding;
        private boolean stopped;
        private boolean flushPending;

        Conn(Workload w, SplittableRandom rnd) {
            this.w = w;
            this.rnd = rnd;
            this.expected = new long[w.depth];
            this.sentAt = new long[w.depth];
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            this.stats = w.stats.computeIfAbsent(ctx.channel().eventLoop(), l -> new LoopStats());
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(Request.newBuilder().setId(HELLO_ID).setHello(Hello.newBuilder()
                    .setProtocolVersion(Protocol.VERSION).setAuthToken(token).setClientName("daxkv-bench-loadgen"))
                    .build(), ctx.voidPromise());
            ctx.fireChannelActive();
        }

        /** On the loop: the first {@code depth} requests. */
        void start() {
            if (done.isDone()) {
                return;
            }
            for (int slot = 0; slot < w.depth && !stopped; slot++) {
                issue(slot);
            }
            ctx.flush();
            flushPending = false;
            if (outstanding == 0) {
                done.complete(null);
            }
        }

        private void issue(int slot) {
            int key = w.nextKey(rnd);
            if (key < 0) {
                stopped = true;
                return;
            }
            long id = (seq++ << SLOT_BITS) | slot;
            expected[slot] = id;
            sentAt[slot] = System.nanoTime();
            ctx.write(w.request(id, key, rnd), ctx.voidPromise());
            outstanding++;
            flushPending = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof MalformedFrame m) {
                fail("malformed response frame (" + m.frameBytes() + " bytes): " + m.reason());
                return;
            }
            Response r = (Response) msg;
            if (!hello.isDone()) {
                if (r.getId() == HELLO_ID && r.getStatus() == Status.OK && r.hasHello()) {
                    hello.complete(null);
                } else {
                    fail("hello answered " + r.getStatus() + " (id " + r.getId() + "): " + r.getError());
                }
                return;
            }
            long id = r.getId();
            int slot = (int) (id & SLOT_MASK);
            if (slot >= w.depth || expected[slot] != id || id == 0) {
                fail("response with an unexpected id " + id + " (" + r.getStatus() + ": " + r.getError() + ")");
                return;
            }
            long now = System.nanoTime();
            expected[slot] = 0;
            outstanding--;
            w.completed(stats, r, now - sentAt[slot]);
            if (!stopped) {
                issue(slot);
            }
            if (stopped && outstanding == 0) {
                done.complete(null);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (flushPending) {
                flushPending = false;
                ctx.flush();
            }
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!closing && !done.isDone()) {
                fail("the server closed the connection with " + outstanding + " requests outstanding");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(String.valueOf(cause));
        }

        private void fail(String why) {
            w.fail(why);
            stopped = true;
            hello.completeExceptionally(new IllegalStateException(why));
            done.complete(null);
            ctx.close();
        }
    }

    /** "15s", "500ms", "2m", or a plain number of seconds. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            try {
                if (t.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
                }
                if (t.endsWith("s")) {
                    return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
                }
                if (t.endsWith("m")) {
                    return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
                }
                return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("not a duration (like 15s, 500ms, 2m): " + s);
            }
        }
    }
}
