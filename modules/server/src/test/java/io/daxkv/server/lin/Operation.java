package io.daxkv.server.lin;

import java.util.Objects;

/**
 * One recorded operation: who ran it, on which key, what it was, when it was invoked and when
 * its response arrived (both {@link System#nanoTime()}), and what it returned.
 *
 * <p>For an {@link Outcome.Unknown} outcome {@code completeNanos} is {@link #NEVER}: the
 * operation may take effect at any time after its invocation.
 *
 * @param client        the client (connection/thread) id, used only in explanations
 * @param key           the key the operation was on
 * @param op            the operation
 * @param invokeNanos   {@code System.nanoTime()} before the request was sent
 * @param completeNanos {@code System.nanoTime()} when the response arrived; {@link #NEVER} if unknown
 * @param outcome       the result, of the type the operation returns, or {@link Outcome.Unknown}
 */
public record Operation(int client, String key, Op op, long invokeNanos, long completeNanos, Outcome outcome) {

    /** The completion time of an operation whose outcome is unknown. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome instanceof Outcome.Unknown) {
            completeNanos = NEVER;
        } else {
            if (!op.outcomeType().isInstance(outcome)) {
                throw new IllegalArgumentException(op + " cannot return " + outcome + "; it returns "
                        + op.outcomeType().getSimpleName());
            }
            if (completeNanos == NEVER) {
                throw new IllegalArgumentException("a completed operation needs a completion time: " + op);
            }
        }
        if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("completed (" + completeNanos + ") before it was invoked ("
                    + invokeNanos + "): " + op);
        }
    }

    /** Whether the outcome is {@link Outcome.Unknown}. */
    public boolean unknown() {
        return outcome instanceof Outcome.Unknown;
    }

    /** E.g. {@code get() -> "a"}, {@code putIfAbsent("b") -> applied}, {@code put("c") -> ? (unknown)}. */
    public String describe() {
        String call;
        if (op instanceof Op.Put p) {
            call = "put(" + quote(p.value()) + ")";
        } else if (op instanceof Op.Get) {
            call = "get()";
        } else if (op instanceof Op.Delete) {
            call = "delete()";
        } else if (op instanceof Op.PutIfAbsent p) {
            call = "putIfAbsent(" + quote(p.value()) + ")";
        } else {
            call = "replace(" + quote(((Op.Replace) op).value()) + ")";
        }
        String result;
        if (outcome instanceof Outcome.Unknown) {
            result = "? (outcome unknown)";
        } else if (outcome instanceof Outcome.Done) {
            result = "ok";
        } else if (outcome instanceof Outcome.Value v) {
            result = quote(v.value());
        } else {
            boolean flag = ((Outcome.Flag) outcome).value();
            if (op instanceof Op.Delete) {
                result = flag ? "existed" : "did not exist";
            } else {
                result = flag ? "applied" : "not applied";
            }
        }
        return call + " -> " + result;
    }

    @Override
    public String toString() {
        return "[client " + client + "] " + key + ": " + describe() + " @" + invokeNanos + ".."
                + (unknown() ? "never" : Long.toString(completeNanos));
    }

    /** A value for display: quoted, escaped, shortened; {@code null} is ABSENT. */
    static String quote(String value) {
        if (value == null) {
            return "ABSENT";
        }
        StringBuilder sb = new StringBuilder("\"");
        int shown = Math.min(value.length(), 48);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (shown < value.length()) {
            sb.append("...(").append(value.length()).append(" chars)");
        }
        return sb.append('"').toString();
    }
}
