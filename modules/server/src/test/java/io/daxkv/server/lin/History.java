package io.daxkv.server.lin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A thread-safe recorder of operations on a key-value store, for the {@link Checker}.
 *
 * <p>Each client thread brackets each request with {@link #invoke} (which takes
 * {@code System.nanoTime()} before the request is sent) and one completion of the returned
 * {@link Call} (which takes {@code System.nanoTime()} when the response has arrived):
 *
 * <pre>{@code
 * History.Call call = history.invoke(clientId, key, Op.get());
 * try {
 *     byte[] v = client.get(key);                 // null when absent
 *     call.okValue(Op.value(v));
 * } catch (TimeoutException | ConnectionLostException e) {
 *     call.unknown();                             // may or may not have happened
 * } catch (DefiniteServerError e) {
 *     call.failed();                              // server did nothing: not recorded
 * }
 * }</pre>
 *
 * <p>Rules the checker relies on:
 * <ul>
 *   <li>Complete a call when the response has <em>arrived</em>, never earlier: an operation's
 *       interval must contain the moment the server applied it.</li>
 *   <li>An operation that failed with a definite error (the server guarantees it did nothing) is
 *       {@link Call#failed() failed()}: it is dropped. Use {@link Call#unknown() unknown()} for
 *       anything else that went wrong (timeout, connection lost, an error that does not say
 *       whether the write happened): it may take effect at any time after its invocation.</li>
 *   <li>A call still pending when {@link #operations()} is taken is treated as UNKNOWN, which is
 *       always sound (it only weakens the check).</li>
 * </ul>
 *
 * <p>Many threads may invoke and complete calls at once; a {@link Call} must be completed once.
 */
public final class History {

    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Operation> added = new ConcurrentLinkedQueue<>();

    /** Records the invocation of {@code op} on {@code key} by {@code client}, timed now. */
    public Call invoke(int client, String key, Op op) {
        Call call = new Call(client, key, op, System.nanoTime());
        calls.add(call);
        return call;
    }

    /** Adds an operation whose times the caller measured itself (replay, tests). */
    public void add(Operation operation) {
        added.add(Objects.requireNonNull(operation, "operation"));
    }

    /**
     * A snapshot of the operations recorded so far: completed calls, pending calls as UNKNOWN,
     * {@link #add added} operations; calls that {@link Call#failed() failed} are left out.
     */
    public List<Operation> operations() {
        List<Operation> out = new ArrayList<>();
        for (Call call : calls) {
            Operation op = call.snapshot();
            if (op != null) {
                out.add(op);
            }
        }
        out.addAll(added);
        return out;
    }

    /** One invoked operation awaiting its completion. Complete it exactly once. */
    public static final class Call {
        private final int client;
        private final String key;
        private final Op op;
        private final long invokeNanos;
        /** Null while pending. */
        private Operation completed;
        private boolean failed;

        private Call(int client, String key, Op op, long invokeNanos) {
            this.client = client;
            this.key = Objects.requireNonNull(key, "key");
            this.op = Objects.requireNonNull(op, "op");
            this.invokeNanos = invokeNanos;
        }

        /** {@code put} returned ok. */
        public void ok() {
            complete(Outcome.done());
        }

        /** {@code get} returned {@code valueOrNull} (null: ABSENT). */
        public void okValue(String valueOrNull) {
            complete(Outcome.value(valueOrNull));
        }

        /** {@code delete} returned existed, or {@code putIfAbsent}/{@code replace} returned applied. */
        public void okFlag(boolean flag) {
            complete(Outcome.flag(flag));
        }

        /** The outcome cannot be known (timeout, connection lost): it may or may not have happened. */
        public void unknown() {
            complete(Outcome.unknown());
        }

        /** The server said the operation did nothing: it is left out of the history. */
        public synchronized void failed() {
            requirePending();
            failed = true;
        }

        /**
         * Completes the call with {@code outcome}, timed now.
         *
         * @throws IllegalArgumentException if the outcome is not the kind the operation returns
         * @throws IllegalStateException    if the call was already completed
         */
        public void complete(Outcome outcome) {
            long now = System.nanoTime();
            Operation done = new Operation(client, key, op, invokeNanos, now, outcome);
            synchronized (this) {
                requirePending();
                completed = done;
            }
        }

        private void requirePending() {
            if (completed != null || failed) {
                throw new IllegalStateException("call already completed: " + (failed ? "failed " + op : completed));
            }
        }

        /** The completed operation, a pending one as UNKNOWN, or null if it failed. */
        private synchronized Operation snapshot() {
            if (failed) {
                return null;
            }
            if (completed != null) {
                return completed;
            }
            return new Operation(client, key, op, invokeNanos, Operation.NEVER, Outcome.unknown());
        }
    }
}
