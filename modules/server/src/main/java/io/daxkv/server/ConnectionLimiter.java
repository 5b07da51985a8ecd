package io.daxkv.server;

import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections open at once: one over the cap gets an OVERLOADED response naming the
 * limit and is closed before anything of it is read (with TLS it is closed at once, before the
 * handshake: a plaintext answer would mean nothing to a TLS client).
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int max;
    private final ServerMetrics metrics;
    private final java.util.function.Supplier<Object> rejection;
    private final AtomicInteger open;

    /**
     * @param open      the count of open connections, shared by every port the cap covers
     * @param rejection the message for a connection over the cap, or null to close at once (TLS:
     *                  the limiter sits before it, so a plaintext answer would mean nothing)
     */
    ConnectionLimiter(AtomicInteger open, int max, ServerMetrics metrics, java.util.function.Supplier<Object> rejection) {
        this.open = open;
        this.max = max;
        this.metrics = metrics;
        this.rejection = rejection;
    }

    /** The protocol port's answer: an OVERLOADED response naming the limit. */
    static java.util.function.Supplier<Object> overloadedResponse(int max) {
        return () -> Response.newBuilder().setStatus(Status.OVERLOADED)
                .setError("the server's limit of " + max + " connections is reached").build();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            metrics.connectionRejected();
            ctx.channel().attr(REJECTED).set(Boolean.TRUE);
            ctx.channel().config().setAutoRead(false);
            if (rejection == null) {
                ctx.close();
                return;
            }
            ctx.channel().writeAndFlush(rejection.get()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        metrics.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(REJECTED).get() == null) {
            open.decrementAndGet();
            metrics.connectionClosed();
        }
        ctx.fireChannelInactive();
    }

    private static final io.netty.util.AttributeKey<Boolean> REJECTED =
            io.netty.util.AttributeKey.valueOf(ConnectionLimiter.class, "rejected");
}
