package io.daxkv.server.resp;

import io.daxkv.DaxKV;
import io.daxkv.DaxKVException;
import io.daxkv.Durability;
import io.daxkv.WriteBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One RESP2 connection: Redis commands on the store, replies in request order.
 *
 * <p>Reads and ASYNC writes are answered on the event loop; a write the store makes durable
 * first (SYNC) completes through the store's future. Replies leave in request order: a reply
 * that is ready waits behind an earlier one that is not. As on the protocol port, reading pauses
 * while the client does not read or too many writes wait, and commands decoded meanwhile wait in
 * a queue bounded by one read.
 *
 * <p>Replies that are ready while none waits ahead of them are appended to one buffer and
 * handed to the channel as one message when the read ends (or when the buffer passes
 * {@value #OUT_HANDOFF_BYTES} bytes, so the channel's writability still sees them): a pipelined
 * batch is answered with one buffer and one write, as Redis does with its reply buffer. GET and
 * SET without options write their replies straight into that buffer.
 */
final class RespHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(RespHandler.class.getName());

    private final DaxKV kv;
    private final RespContext context;
    private final ArrayDeque<Object> backlog = new ArrayDeque<>();
    /** Replies in request order; an element is a ByteBuf when ready, a Pending while it waits. */
    private final ArrayDeque<Object> replies = new ArrayDeque<>();
    private final RespScan scans;
    private int waiting;
    private boolean authenticated;
    private boolean closing;
    private boolean quit;
    private boolean inactive;
    private boolean paused;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> frameTimer;
    /** Ready replies not yet handed to the channel; only while {@link #replies} is empty. */
    private ByteBuf out;

    /** Bytes in {@link #out} beyond which it goes to the channel at once (not flushed). */
    static final int OUT_HANDOFF_BYTES = 32 << 10;
    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] SET = {'S', 'E', 'T'};

    /** A reply whose store operation has not completed yet. */
    private static final class Pending {
        ByteBuf reply;
    }

    RespHandler(DaxKV kv, RespContext context) {
        this.kv = kv;
        this.context = context;
        this.authenticated = context.token() == null;
        this.scans = new RespScan(kv, context);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long deadline = context.commandDeadlineNanos();
        if (deadline > 0) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), deadline / 4);
            frameTimer = ctx.executor().scheduleWithFixedDelay(this::checkDeadline, period, period, TimeUnit.NANOSECONDS);
        }
        if (!authenticated) {
            RespDecoder d = ctx.pipeline().get(RespDecoder.class);
            if (d != null) {
                d.limits(RespContext.PRE_AUTH_MAX_ARGS, RespContext.PRE_AUTH_MAX_BULK, RespContext.PRE_AUTH_MAX_COMMAND);
            }
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        inactive = true;
        if (frameTimer != null) {
            frameTimer.cancel(false);
        }
        backlog.clear();
        if (out != null) {
            out.release();
            out = null;
        }
        for (Object r : replies) {
            ReferenceCountUtil.release(r instanceof Pending p ? p.reply : r);
        }
        replies.clear();
        ctx.fireChannelInactive();
    }

    private void checkDeadline() {
        RespDecoder d = ctx.pipeline().get(RespDecoder.class);
        long since = paused || d == null ? 0 : d.partialSinceNanos();
        if (since != 0 && System.nanoTime() - since > context.commandDeadlineNanos()) {
            fatal("Protocol error: command not finished within "
                    + TimeUnit.NANOSECONDS.toMillis(context.commandDeadlineNanos()) + " ms");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && waiting == 0) {
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
            backlog.add(msg);
            updateAutoRead();
            return;
        }
        process((RespCommand) msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        writeOut();
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    private boolean canProcess() {
        return ctx.channel().isWritable() && waiting < context.maxInFlight();
    }

    private void drainBacklog() {
        while (!backlog.isEmpty() && canProcess() && !closing) {
            process((RespCommand) backlog.poll());
        }
        updateAutoRead();
        writeOut();
        ctx.flush();
    }

    private void updateAutoRead() {
        boolean read = !closing && backlog.isEmpty() && canProcess();
        if (read == paused) {
            paused = !read;
            ctx.channel().config().setAutoRead(read);
            if (read) {
                RespDecoder d = ctx.pipeline().get(RespDecoder.class);
                if (d != null) {
                    d.restartPartialClock();
                }
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        drainBacklog();
        ctx.fireChannelWritabilityChanged();
    }

    // ---------------------------------------------------------------------------- commands

    private void process(RespCommand c) {
        context.commandProcessed();
        if (replies.isEmpty() && authenticated && fastPath(c)) {
            return;
        }
        Object reply;
        try {
            reply = execute(c);
        } catch (RespError e) {
            reply = Resp.error(alloc(), e.getMessage());
        } catch (RuntimeException e) {
            reply = Resp.error(alloc(), storeError(e));
        }
        if (reply instanceof ByteBuf b) {
            enqueue(b);
            if (quit) {
                closing = true;
                ctx.channel().config().setAutoRead(false);
                closeAfterReplies();
            }
        } else {
            @SuppressWarnings("unchecked")
            CompletableFuture<ByteBuf> f = (CompletableFuture<ByteBuf>) reply;
            Pending p = new Pending();
            writeOut(); // what is ready goes ahead of the reply that waits
            replies.add(p);
            waiting++;
            updateAutoRead();
            f.whenComplete((b, e) -> ctx.executor().execute(() -> {
                waiting--;
                ByteBuf r = e == null ? b : Resp.error(alloc(), storeError(unwrap(e)));
                if (inactive) {
                    r.release(); // the connection is gone and its queue released
                    return;
                }
                p.reply = r;
                flushReplies();
                drainBacklog();
            }));
        }
    }

    private void enqueue(ByteBuf reply) {
        if (!replies.isEmpty()) {
            replies.add(reply);
            return;
        }
        int n = reply.readableBytes();
        if (n > OUT_HANDOFF_BYTES) { // a big reply goes as it is, not copied
            writeOut();
            ctx.write(reply, ctx.voidPromise());
            return;
        }
        out(n).writeBytes(reply);
        reply.release();
        handOffIfFull();
    }

    /** The buffer that ready replies are appended to, with room for about {@code hint} more bytes. */
    private ByteBuf out(int hint) {
        if (out == null) {
            out = alloc().ioBuffer(Math.max(512, hint));
        }
        return out;
    }

    private void handOffIfFull() {
        if (out.readableBytes() >= OUT_HANDOFF_BYTES) {
            writeOut();
        }
    }

    /** Hands the replies appended so far to the channel (without flushing). */
    private void writeOut() {
        ByteBuf b = out;
        if (b == null) {
            return;
        }
        out = null;
        if (b.isReadable() && ctx.channel().isActive()) {
            ctx.write(b, ctx.voidPromise());
        } else {
            b.release();
        }
    }

    /**
     * GET and SET key value (at ASYNC durability), answered in place: their replies go
     * straight into {@link #out}, with no reply buffer of their own and no future. Only when no
     * reply waits (the caller checks). False when the command is none of these, for the
     * general path.
     */
    private boolean fastPath(RespCommand c) {
        byte[] name = c.arg(0);
        int argc = c.argc();
        boolean get = argc == 2 && named(name, GET);
        boolean set = !get && argc == 3 && named(name, SET) && context.durability() != Durability.SYNC;
        if (!get && !set) {
            return false;
        }
        try {
            if (get) {
                byte[] v = kv.get(key(c.arg(1)));
                if (v == null) {
                    out(Resp.NULL_BULK.length).writeBytes(Resp.NULL_BULK);
                } else {
                    Resp.writeBulk(out(v.length + 16), v);
                }
            } else {
                kv.put(key(c.arg(1)), value(c.arg(2)), context.durability());
                out(Resp.OK.length).writeBytes(Resp.OK);
            }
        } catch (RuntimeException e) {
            String message = storeError(e);
            Resp.writeError(out(message.length() + 3), message);
        }
        handOffIfFull();
        return true;
    }

    /** Whether {@code name} is {@code upper} in any case (ASCII letters only). */
    private static boolean named(byte[] name, byte[] upper) {
        if (name.length != upper.length) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if ((name[i] & ~0x20) != upper[i]) {
                return false;
            }
        }
        return true;
    }

    /** QUIT: close once every reply before its OK has been written. */
    private void closeAfterReplies() {
        writeOut();
        if (replies.isEmpty()) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Writes the replies at the head of the queue that are ready. */
    private void flushReplies() {
        writeOut();
        while (!replies.isEmpty()) {
            Object head = replies.peek();
            ByteBuf b = head instanceof Pending p ? p.reply : (ByteBuf) head;
            if (b == null) {
                break;
            }
            replies.poll();
            if (ctx.channel().isActive()) {
                ctx.write(b, ctx.voidPromise());
            } else {
                b.release();
            }
        }
        ctx.flush();
        if (quit) {
            closeAfterReplies();
        }
    }

    private ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    /** A ByteBuf reply now, or a CompletableFuture of one. */
    private Object execute(RespCommand c) {
        String name = c.name();
        if (!authenticated && !name.equals("AUTH") && !name.equals("QUIT") && !name.equals("HELLO")) {
            return Resp.error(alloc(), "NOAUTH Authentication required.");
        }
        return switch (name) {
            case "PING" -> c.argc() == 1 ? Resp.simple(alloc(), Resp.PONG)
                    : c.argc() == 2 ? Resp.bulk(alloc(), c.arg(1)) : wrongArgs(c);
            case "ECHO" -> c.argc() == 2 ? Resp.bulk(alloc(), c.arg(1)) : wrongArgs(c);
            case "GET" -> c.argc() == 2 ? Resp.bulk(alloc(), kv.get(key(c.arg(1)))) : wrongArgs(c);
            case "SET" -> set(c);
            case "DEL" -> del(c);
            case "EXISTS" -> exists(c);
            case "MGET" -> mget(c);
            case "MSET" -> mset(c);
            case "DBSIZE" -> c.argc() == 1 ? Resp.integer(alloc(), kv.stats().keys()) : wrongArgs(c);
            case "SCAN" -> c.argc() < 2 ? wrongArgs(c) : scans.scan(c, alloc());
            case "INFO" -> Resp.bulk(alloc(), RespInfo.text(kv, context, c.argc() > 1 ? c.argString(1) : "default")
                    .getBytes(StandardCharsets.UTF_8));
            case "CONFIG" -> config(c);
            case "COMMAND" -> RespInfo.command(alloc(), c);
            case "SELECT" -> c.argc() != 2 ? wrongArgs(c) : "0".equals(c.argString(1)) ? Resp.simple(alloc(), Resp.OK)
                    : Resp.error(alloc(), "ERR DB index is out of range");
            case "AUTH" -> auth(c);
            case "QUIT" -> {
                quit = true;
                yield Resp.simple(alloc(), Resp.OK);
            }
            default -> Resp.error(alloc(), unknown(c));
        };
    }

    private static String unknown(RespCommand c) {
        StringBuilder sb = new StringBuilder("ERR unknown command '").append(shown(c.arg(0)))
                .append("', with args beginning with: ");
        for (int i = 1; i < c.argc() && i <= 16; i++) {
            sb.append('\'').append(shown(c.arg(i))).append("' ");
        }
        return sb.toString();
    }

    private static String shown(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 128), StandardCharsets.UTF_8);
        return s.replaceAll("[\\r\\n]", " ");
    }

    private ByteBuf wrongArgs(RespCommand c) {
        return Resp.error(alloc(), "ERR wrong number of arguments for '" + c.name().toLowerCase() + "' command");
    }

    private byte[] key(byte[] k) {
        if (k.length == 0) {
            throw new RespError("ERR empty keys are not supported by daxkv");
        }
        if (k.length > context.maxKeyBytes()) {
            throw new RespError("ERR key of " + k.length + " bytes exceeds the limit of " + context.maxKeyBytes()
                    + " bytes");
        }
        return k;
    }

    private byte[] value(byte[] v) {
        if (v.length > context.maxValueBytes()) {
            throw new RespError("ERR value of " + v.length + " bytes exceeds the limit of " + context.maxValueBytes()
                    + " bytes");
        }
        return v;
    }

    private Object set(RespCommand c) {
        if (c.argc() < 3) {
            return wrongArgs(c);
        }
        byte[] k = key(c.arg(1));
        byte[] v = value(c.arg(2));
        boolean nx = false;
        boolean xx = false;
        for (int i = 3; i < c.argc(); i++) {
            String opt = c.argString(i).toUpperCase();
            switch (opt) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "EX", "PX", "EXAT", "PXAT", "KEEPTTL" -> throw new RespError("ERR daxkv does not support"
                        + " expiry yet (SET ... " + opt + "): keys do not expire; set the value without it");
                case "GET" -> throw new RespError("ERR daxkv does not support SET ... GET yet");
                default -> throw new RespError("ERR syntax error");
            }
        }
        if (nx && xx) {
            throw new RespError("ERR syntax error");
        }
        Durability d = context.durability();
        if (!nx && !xx) {
            return reply(kv.putAsync(k, v, d), x -> Resp.simple(alloc(), Resp.OK));
        }
        CompletableFuture<Boolean> f = nx ? kv.putIfAbsentAsync(k, v, d) : kv.replaceAsync(k, v, d);
        return reply(f, applied -> applied ? Resp.simple(alloc(), Resp.OK) : Resp.simple(alloc(), Resp.NULL_BULK));
    }

    private Object del(RespCommand c) {
        if (c.argc() < 2) {
            return wrongArgs(c);
        }
        List<CompletableFuture<Boolean>> fs = new ArrayList<>();
        for (int i = 1; i < c.argc(); i++) {
            fs.add(kv.deleteAsync(key(c.arg(i)), context.durability()));
        }
        CompletableFuture<Long> all = CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new))
                .thenApply(x -> fs.stream().filter(CompletableFuture::join).count());
        return reply(all, n -> Resp.integer(alloc(), n));
    }

    private ByteBuf exists(RespCommand c) {
        if (c.argc() < 2) {
            return wrongArgs(c);
        }
        long n = 0;
        java.nio.ByteBuffer none = java.nio.ByteBuffer.allocate(0);
        for (int i = 1; i < c.argc(); i++) {
            if (kv.get(key(c.arg(i)), none) >= 0) {
                n++;
            }
        }
        return Resp.integer(alloc(), n);
    }

    private ByteBuf mget(RespCommand c) {
        if (c.argc() < 2) {
            return wrongArgs(c);
        }
        List<byte[]> values = new ArrayList<>(c.argc() - 1);
        for (int i = 1; i < c.argc(); i++) {
            values.add(kv.get(key(c.arg(i))));
        }
        return Resp.array(alloc(), values);
    }

    private Object mset(RespCommand c) {
        if (c.argc() < 3 || c.argc() % 2 == 0) {
            return wrongArgs(c);
        }
        WriteBatch b = new WriteBatch();
        for (int i = 1; i < c.argc(); i += 2) {
            b.put(key(c.arg(i)), value(c.arg(i + 1)));
        }
        return reply(kv.writeAsync(b, context.durability()), x -> Resp.simple(alloc(), Resp.OK));
    }

    private ByteBuf config(RespCommand c) {
        if (c.argc() < 2) {
            return wrongArgs(c);
        }
        String sub = c.argString(1).toUpperCase();
        if (!sub.equals("GET")) {
            return Resp.error(alloc(), "ERR daxkv answers CONFIG GET only (its settings are in its YAML config file)");
        }
        if (c.argc() < 3) {
            return wrongArgs(c);
        }
        List<byte[]> out = new ArrayList<>();
        for (Map.Entry<String, String> e : RespInfo.config(context).entrySet()) {
            for (int i = 2; i < c.argc(); i++) {
                if (Glob.matches(c.arg(i), Resp.ascii(e.getKey()))) {
                    out.add(Resp.ascii(e.getKey()));
                    out.add(e.getValue().getBytes(StandardCharsets.UTF_8));
                    break;
                }
            }
        }
        return Resp.array(alloc(), out);
    }

    private ByteBuf auth(RespCommand c) {
        if (c.argc() != 2 && c.argc() != 3) {
            return wrongArgs(c);
        }
        byte[] token = context.token();
        if (token == null) {
            return Resp.error(alloc(), "ERR AUTH <password> called without any password configured for the default"
                    + " user. Are you sure your configuration is correct?");
        }
        byte[] given = c.arg(c.argc() - 1);
        boolean userOk = c.argc() == 2 || "default".equals(c.argString(1));
        if (!userOk || !MessageDigest.isEqual(token, given)) {
            return Resp.error(alloc(), "WRONGPASS invalid username-password pair or user is disabled.");
        }
        if (!authenticated) {
            authenticated = true;
            RespDecoder d = ctx.pipeline().get(RespDecoder.class);
            if (d != null) {
                d.limits(context.maxArgs(), context.maxBulkBytes(), context.maxCommandBytes());
            }
        }
        return Resp.simple(alloc(), Resp.OK);
    }

    private <T> Object reply(CompletableFuture<T> f, java.util.function.Function<T, ByteBuf> ok) {
        if (f.isDone()) {
            try {
                return ok.apply(f.join());
            } catch (CompletionException e) {
                return Resp.error(alloc(), storeError(unwrap(e)));
            }
        }
        return f.thenApply(ok);
    }

    private static Throwable unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private String storeError(Throwable e) {
        if (e instanceof RespError) {
            return e.getMessage();
        }
        if (e instanceof DaxKVException.InvalidArgument) {
            return "ERR " + e.getMessage();
        }
        if (e instanceof DaxKVException.ReadOnly) {
            return "ERR the store refuses writes after a failed flush: " + e.getMessage();
        }
        if (e instanceof DaxKVException.Closed) {
            return "ERR the server is shutting down";
        }
        LOG.log(Level.WARNING, ctx.channel() + ": command failed", e);
        return "ERR " + (e instanceof DaxKVException ? "store error: " : "internal error: ") + e.getMessage();
    }

    /** One error reply, then the connection closes (the stream cannot be read further). */
    private void fatal(String message) {
        if (closing) {
            return;
        }
        closing = true;
        ctx.channel().config().setAutoRead(false);
        flushReplies();
        ctx.writeAndFlush(Resp.error(alloc(), "ERR " + message)).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, 1, TimeUnit.SECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof RespProtocolException) {
            fatal("Protocol error: " + cause.getMessage());
        } else if (cause instanceof java.io.IOException) {
            ctx.close();
        } else {
            LOG.log(Level.WARNING, ctx.channel() + ": closing after an error", cause);
            fatal("internal error: " + cause);
        }
    }

    /** An error reply with its Redis error code, e.g. "ERR syntax error". */
    static final class RespError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RespError(String message) {
            super(message, null, false, false);
        }
    }

}
