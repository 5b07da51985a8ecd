package io.daxkv.server.resp;

import io.daxkv.DaxKV;
import io.daxkv.server.config.ServerConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The RESP2 listener's pipeline: [connection cap] → [TLS] → idle timeout → {@link RespDecoder}
 * (limits from the header, small until AUTH when a token is set) → {@link RespHandler}. Replies
 * are written as buffers; writes are flushed once per read.
 */
public final class RespListener {

    private RespListener() {
    }

    /** What a connection over the cap is told before it is closed, as Redis says it. */
    public static Supplier<Object> maxClientsReply() {
        return () -> Unpooled.copiedBuffer("-ERR max number of clients reached\r\n", StandardCharsets.US_ASCII);
    }

    public static ChannelInitializer<SocketChannel> initializer(DaxKV kv, ServerConfig config, ChannelHandler limiter,
                                                                SslContext ssl, ChannelGroup channels) {
        RespContext context = new RespContext(config);
        long idle = config.limits().idleTimeout().toMillis();
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                channels.add(ch);
                context.connectionOpened();
                ChannelPipeline p = ch.pipeline();
                p.addLast("limit", limiter);
                if (ssl != null) {
                    p.addLast("tls", ssl.newHandler(ch.alloc()));
                }
                if (idle > 0) {
                    p.addLast("idle", new IdleStateHandler(true, idle, 0, 0, TimeUnit.MILLISECONDS));
                }
                p.addLast("resp", new RespDecoder(context.maxArgs(), context.maxBulkBytes(), context.maxCommandBytes(),
                        64 << 10));
                p.addLast("commands", new RespHandler(kv, context));
            }
        };
    }
}
