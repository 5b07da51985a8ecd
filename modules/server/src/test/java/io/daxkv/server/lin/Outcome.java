package io.daxkv.server.lin;

/**
 * What the client learned about an {@link Op}: a definite result, or {@link Unknown}.
 *
 * <p>{@link Unknown} is for an operation whose fate the client cannot know (it timed out, or the
 * connection was lost before the response): it may or may not have taken effect, at any moment
 * after its invocation, even after later operations. The checker treats its completion time as
 * +infinity and its result as unconstrained; a {@code get} with an unknown outcome constrains
 * nothing and is dropped.
 *
 * <p>An operation that failed with a <em>definite</em> error (the server said it did nothing) has
 * no outcome here: it must not be recorded at all (see {@link History.Call#failed()}).
 */
public sealed interface Outcome permits Outcome.Done, Outcome.Value, Outcome.Flag, Outcome.Unknown {

    /** The result of {@code put}: it took effect. */
    record Done() implements Outcome {
    }

    /** The result of {@code get}: the value read, or {@code null} for ABSENT. */
    record Value(String value) implements Outcome {
    }

    /** The result of {@code delete} (existed), {@code putIfAbsent} and {@code replace} (applied). */
    record Flag(boolean value) implements Outcome {
    }

    /** Timed out or connection lost: may or may not have taken effect. */
    record Unknown() implements Outcome {
    }

    static Outcome done() {
        return new Done();
    }

    /** A {@code get} result; {@code null} means ABSENT. */
    static Outcome value(String valueOrNull) {
        return new Value(valueOrNull);
    }

    /** A {@code get} that found the key ABSENT. */
    static Outcome absent() {
        return new Value(null);
    }

    static Outcome flag(boolean value) {
        return new Flag(value);
    }

    static Outcome unknown() {
        return new Unknown();
    }
}
