package io.daxkv.server;

import io.daxkv.DaxKV;
import io.daxkv.protocol.FrameDecoder;
import io.daxkv.protocol.FrameEncoder;
import io.daxkv.protocol.Protocol;
import io.daxkv.protocol.Request;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.daxkv.server.config.Allocator;
import io.daxkv.server.resp.RespListener;
import io.daxkv.server.config.ServerConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The daxkv network server: the protocol port and the admin HTTP port over one store.
 *
 * <pre>{@code
 * try (DaxKVServer server = DaxKVServer.start(kv, ServerConfig.defaults())) {   // kv stays the caller's
 *     server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Pipeline per connection: [TLS] → connection cap → idle timeout → frame decoder (limit checked
 * on the length prefix) → frame encoder → flush consolidation → {@link RequestHandler}.
 * {@link #close()} shuts down gracefully: stop accepting, answer SHUTTING_DOWN to new requests,
 * wait (up to the grace period) for writes waiting on their commit, commit, close the
 * connections, and close the store when the server owns it.
 */
public final class DaxKVServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DaxKVServer.class.getName());

    /** This build's version, sent in the hello's answer. */
    public static final String VERSION = versionOf();

    private final DaxKV kv;
    private final boolean ownsStore;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final ServerState state = new ServerState();
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup channels = new DefaultChannelGroup("daxkv", GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final AdminServer admin;
    private final Channel respChannel;
    private final java.util.concurrent.CountDownLatch terminated = new java.util.concurrent.CountDownLatch(1);
    private final String transportName;
    private volatile boolean closed;

    private DaxKVServer(DaxKV kv, boolean ownsStore, ServerConfig config) throws InterruptedException {
        this.kv = kv;
        this.ownsStore = ownsStore;
        this.config = config;
        var s = config.server();
        var limits = config.limits();
        this.metrics = new ServerMetrics(kv, config.metrics().enabled(), config.metrics().latencyHistograms());
        boolean epoll = switch (s.transport()) {
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new ServerStartException("server.transport is epoll but native epoll is not available here: "
                            + Epoll.unavailabilityCause());
                }
                yield true;
            }
            case NIO -> false;
            case AUTO -> Epoll.isAvailable();
        };
        this.transportName = epoll ? "epoll" : "nio";
        SslContext ssl = s.tls().enabled() ? Tls.serverContext(s.tls()) : null;
        // reads the token file: before anything that would need shutting down
        ConnectionSettings perConnection = ConnectionSettings.of(config);
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int threads = s.ioThreadCount();
        this.boss = new MultiThreadIoEventLoopGroup(1, io);
        this.workers = new MultiThreadIoEventLoopGroup(threads, io);
        ByteBufAllocator alloc = s.allocator() == Allocator.POOLED
                ? PooledByteBufAllocator.DEFAULT : new AdaptiveByteBufAllocator();
        // with TLS the limiter cannot answer in plaintext: it closes at once instead
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        ConnectionLimiter limiter = new ConnectionLimiter(open, limits.maxConnections(), metrics,
                ssl == null ? ConnectionLimiter.overloadedResponse(limits.maxConnections()) : null);
        int preHelloFrameBytes = Math.min(Protocol.MAX_PRE_HELLO_FRAME_BYTES, perConnection.maxFrameBytes());
        long idle = limits.idleTimeout().toMillis();
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelClass)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, alloc)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(Math.toIntExact(limits.writeBufferLow()),
                                    Math.toIntExact(limits.writeBufferHigh())))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("limit", limiter);
                            if (ssl != null) {
                                p.addLast("tls", ssl.newHandler(ch.alloc()));
                            }
                            if (idle > 0) {
                                p.addLast("idle", new IdleStateHandler(true, idle, 0, 0, TimeUnit.MILLISECONDS));
                            }
                            // small until the hello succeeds; the handler raises it to limits.max-frame
                            p.addLast("frames", new FrameDecoder<>(Request.parser(), preHelloFrameBytes));
                            p.addLast("encoder", FrameEncoder.INSTANCE);
                            p.addLast("flush", new FlushConsolidationHandler(256, true));
                            p.addLast("requests", new RequestHandler(kv, perConnection, metrics, state));
                        }
                    });
            Channel bound = null;
            AdminServer adminServer = null;
            Channel resp = null;
            try {
                bound = bind(b, s.socketAddress(), "server.bind/server.port");
                if (config.admin().enabled()) {
                    adminServer = new AdminServer(config.admin().socketAddress(), boss, channelClass, metrics, this::healthy);
                }
                if (config.resp().enabled()) {
                    ConnectionLimiter respLimiter = new ConnectionLimiter(open, limits.maxConnections(), metrics,
                            ssl == null ? RespListener.maxClientsReply() : null);
                    resp = bind(b.clone().childHandler(RespListener.initializer(kv, config, respLimiter, ssl, channels)),
                            new InetSocketAddress(s.bind(), config.resp().port()), "server.bind/resp.port");
                }
            } catch (RuntimeException | InterruptedException e) {
                if (bound != null) {
                    bound.close().syncUninterruptibly();
                }
                if (adminServer != null) {
                    adminServer.close();
                }
                throw e;
            }
            this.serverChannel = bound;
            this.admin = adminServer;
            this.respChannel = resp;
        } catch (RuntimeException | InterruptedException e) {
            shutdownGroups();
            throw e;
        }
        LOG.info(() -> "daxkv " + VERSION + " serving " + kv.directory() + " on " + address() + " (" + transportName
                + ", " + threads + " I/O threads" + (ssl != null ? ", TLS" : "")
                + (perConnection.token() != null ? ", auth token required" : "") + ")"
                + (admin != null ? "; admin HTTP on " + admin.address() : "")
                + (respChannel != null ? "; RESP (Redis protocol) on " + respChannel.localAddress() : ""));
    }

    /** Serves {@code kv}, which stays the caller's: closing the server does not close it. */
    public static DaxKVServer start(DaxKV kv, ServerConfig config) {
        return start(kv, false, config);
    }

    /**
     * Serves {@code kv}; with {@code ownsStore}, {@link #close()} closes it too, as does a
     * failure to start.
     *
     * @throws ServerStartException when a port cannot be bound, TLS does not load, or a transport
     *                              asked for is not available; the message names the setting
     */
    public static DaxKVServer start(DaxKV kv, boolean ownsStore, ServerConfig config) {
        try {
            return new DaxKVServer(kv, ownsStore, config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeIfOwned(kv, ownsStore);
            throw new ServerStartException("interrupted while binding", e);
        } catch (RuntimeException e) {
            closeIfOwned(kv, ownsStore);
            throw e;
        }
    }

    private static void closeIfOwned(DaxKV kv, boolean ownsStore) {
        if (ownsStore) {
            kv.close();
        }
    }

    /** The protocol port's address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** The RESP (Redis protocol) address, or null when it is off. */
    public InetSocketAddress respAddress() {
        return respChannel == null ? null : (InetSocketAddress) respChannel.localAddress();
    }

    /** The admin HTTP address, or null when admin is off. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public ServerConfig config() {
        return config;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    /** "epoll" or "nio". */
    public String transport() {
        return transportName;
    }

    private boolean healthy() {
        return !state.shuttingDown() && !closed;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    /**
     * Graceful shutdown: stop accepting; answer SHUTTING_DOWN to new requests; wait up to the
     * grace period for writes waiting on their commit; commit; close every connection; close the
     * store when owned. Idempotent; safe from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        long t0 = System.nanoTime();
        state.shutDown(); // /health answers 503 from here on
        serverChannel.close().syncUninterruptibly();
        if (respChannel != null) {
            respChannel.close().syncUninterruptibly();
        }
        int left;
        try {
            left = state.awaitDrained(config.limits().shutdownGrace().toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            left = -1;
        }
        if (left > 0) {
            LOG.warning(left + " writes still waiting for their commit after the grace period of "
                    + config.limits().shutdownGrace().toMillis() + " ms");
        }
        if (admin != null) {
            admin.close();
        }
        try {
            kv.sync();
        } catch (RuntimeException e) {
            LOG.warning("commit at shutdown failed: " + e);
        }
        // responses already written are flushed by close()
        channels.close().awaitUninterruptibly(config.limits().shutdownGrace().toMillis() + 1000, TimeUnit.MILLISECONDS);
        closed = true;
        shutdownGroups();
        if (ownsStore) {
            kv.close();
        }
        LOG.info(() -> "daxkv server stopped in " + ServerState.millis(System.nanoTime() - t0) + " ms");
        terminated.countDown();
    }

    /** Binds, turning Netty's sneaky-thrown BindException into an error naming the address and the settings. */
    static Channel bind(io.netty.bootstrap.AbstractBootstrap<?, ?> b, InetSocketAddress address, String settings)
            throws InterruptedException {
        try {
            return b.bind(address).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new ServerStartException("cannot listen on " + address + " (" + settings + "): " + e.getMessage(), e);
        }
    }

    private void shutdownGroups() {
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String versionOf() {
        String v = DaxKVServer.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
