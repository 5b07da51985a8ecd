package io.daxkv.client;

import io.daxkv.protocol.Request;
import io.daxkv.protocol.Response;
import io.daxkv.protocol.Status;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One request from the call that made it until its future completes: its id and encoded
 * request (both fixed for every attempt), its deadline, and where it currently is.
 *
 * <h2>Who completes the future</h2>
 * The future is completed exactly once ({@link CompletableFuture} arbitrates), by whichever
 * comes first of: the answer, the timeout, the connection dropping (unless the call is resent),
 * or the client closing. A call is at any time in at most one place: in flight to or on a
 * {@link ConnectionSlot} (recorded in {@link #slot}, the slot's permit held), waiting in the
 * client's queue for a connection, or done. The slot that holds it releases the permit when it
 * removes the call from its pending map, and always before completing the future, so a caller
 * who saw a future complete can rely on its slot being free again.
 *
 * <h2>Threads</h2>
 * Created on the caller's thread; then handed between threads only through executor queues and
 * the waiting queue's lock, which order {@link #retries}. {@link #slot} and {@link #sent} are
 * also read by the timer thread, hence volatile: a slot sets {@link #slot} before queuing the
 * write and checks {@code future.isDone()} after putting the call in its pending map, while the
 * timer completes the future before reading {@link #slot}; so either the slot sees the timeout
 * and drops the call, or the timer finds the slot and asks it to.
 */
final class Call<T> implements TimerTask {

    final ClientCore core;
    final Operation op;
    final long id;
    final Request request;
    final Duration timeout;
    final CompletableFuture<T> future = new CompletableFuture<>();
    private final Function<Response, T> decoder;

    /** The slot this call was last handed to, or null while it waits for a connection. */
    volatile ConnectionSlot slot;
    /** Whether the current attempt was written to a connection. */
    volatile boolean sent;
    /** Resends after a dropped connection (idempotent operations only). */
    int retries;
    private volatile Timeout timer;

    Call(ClientCore core, Operation op, Request request, Function<Response, T> decoder, Duration timeout) {
        this.core = core;
        this.op = op;
        this.id = request.getId();
        this.request = request;
        this.decoder = decoder;
        this.timeout = timeout;
    }

    void timer(Timeout timer) {
        this.timer = timer;
    }

    /** The timeout expired (timer thread). */
    @Override
    public void run(Timeout expired) {
        core.onTimeout(this);
    }

    /** Completes the future with the answer: its result, or a {@link DaxKVClientException.ServerError}. */
    void complete(Response response) {
        cancelTimer();
        if (response.getStatus() != Status.OK) {
            future.completeExceptionally(new DaxKVClientException.ServerError(
                    op.toString(), response.getStatus(), response.getError(), core.address));
            return;
        }
        T result;
        try {
            result = decoder.apply(response);
        } catch (DaxKVClientException e) {
            future.completeExceptionally(e);
            return;
        }
        future.complete(result);
    }

    /** Fails the future unless it is done already; true when this call did it. */
    boolean fail(Throwable failure) {
        cancelTimer();
        return future.completeExceptionally(failure);
    }

    private void cancelTimer() {
        Timeout t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    /** {@code "get (request 12)"}, how errors name the call. */
    String describe() {
        return op + " (request " + id + ")";
    }
}
