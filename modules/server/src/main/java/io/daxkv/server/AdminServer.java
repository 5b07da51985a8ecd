package io.daxkv.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Admin HTTP on its own port, bound to a loopback address only: {@code GET /metrics} (Prometheus
 * text format 0.0.4) and {@code GET /health} (200 "ok" while serving, 503 while shutting down).
 */
final class AdminServer {

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Channel channel;

    /** {@code address} is a loopback address: the config refuses any other for admin.bind. */
    AdminServer(InetSocketAddress address, EventLoopGroup group, Class<? extends ServerChannel> channelClass,
                ServerMetrics metrics, BooleanSupplier healthy) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(channelClass)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(30))
                                .addLast(new HttpServerCodec(4096, 8192, 8192))
                                .addLast(new HttpObjectAggregator(8192))
                                .addLast(new Handler(metrics, healthy));
                    }
                });
        channel = DaxKVServer.bind(b, address, "admin.bind/admin.port");
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    void close() {
        channel.close().syncUninterruptibly();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final ServerMetrics metrics;
        private final BooleanSupplier healthy;

        Handler(ServerMetrics metrics, BooleanSupplier healthy) {
            this.metrics = metrics;
            this.healthy = healthy;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            FullHttpResponse resp;
            if (!req.decoderResult().isSuccess()) {
                resp = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
            } else if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
                resp = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n");
                resp.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            } else if (path.equals("/metrics")) {
                resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(metrics.scrape()));
                resp.headers().set(HttpHeaderNames.CONTENT_TYPE, PROMETHEUS_TEXT);
            } else if (path.equals("/health")) {
                resp = healthy.getAsBoolean() ? text(HttpResponseStatus.OK, "ok\n")
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting down\n");
            } else {
                resp = text(HttpResponseStatus.NOT_FOUND, "not found: try /metrics or /health\n");
            }
            HttpUtil.setContentLength(resp, resp.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(resp, keepAlive);
            var f = ctx.writeAndFlush(resp);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            return r;
        }
    }
}
