package io.daxkv.server.lin;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An operation on one key, as the client asked for it (its result is an {@link Outcome}).
 *
 * <p>The key is a register holding either ABSENT or a value. Values are compared by content and
 * are represented as {@link String}s; a test that works with {@code byte[]} values can turn them
 * into strings with {@link #value(byte[])}, which is lossless and keeps ASCII readable.
 *
 * <table>
 *   <caption>The register's operations</caption>
 *   <tr><th>operation</th><th>result (an {@link Outcome})</th><th>effect</th></tr>
 *   <tr><td>{@code put(v)}</td><td>{@link Outcome.Done}</td><td>value := v</td></tr>
 *   <tr><td>{@code get()}</td><td>{@link Outcome.Value}: the value, or null for ABSENT</td><td>none</td></tr>
 *   <tr><td>{@code delete()}</td><td>{@link Outcome.Flag}: whether a value existed</td><td>value := ABSENT</td></tr>
 *   <tr><td>{@code putIfAbsent(v)}</td><td>{@link Outcome.Flag}: applied</td><td>value := v if ABSENT</td></tr>
 *   <tr><td>{@code replace(v)}</td><td>{@link Outcome.Flag}: applied</td><td>value := v if present</td></tr>
 * </table>
 */
public sealed interface Op permits Op.Put, Op.Get, Op.Delete, Op.PutIfAbsent, Op.Replace {

    /** {@code put(v) -> ok}. */
    record Put(String value) implements Op {
        public Put {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code get() -> value or ABSENT}. */
    record Get() implements Op {
    }

    /** {@code delete() -> existed}. */
    record Delete() implements Op {
    }

    /** {@code putIfAbsent(v) -> applied}; applies only when the key is ABSENT. */
    record PutIfAbsent(String value) implements Op {
        public PutIfAbsent {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code replace(v) -> applied}; applies only when the key holds a value. */
    record Replace(String value) implements Op {
        public Replace {
            Objects.requireNonNull(value, "value");
        }
    }

    static Op put(String value) {
        return new Put(value);
    }

    static Op get() {
        return new Get();
    }

    static Op delete() {
        return new Delete();
    }

    static Op putIfAbsent(String value) {
        return new PutIfAbsent(value);
    }

    static Op replace(String value) {
        return new Replace(value);
    }

    /**
     * A byte[] value as the checker's String value: one char per byte (ISO-8859-1), so two arrays
     * map to equal strings exactly when their contents are equal. Null (ABSENT) stays null.
     */
    static String value(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The kind of {@link Outcome} a completed (not UNKNOWN) call of this operation must have. */
    default Class<? extends Outcome> outcomeType() {
        if (this instanceof Put) {
            return Outcome.Done.class;
        }
        if (this instanceof Get) {
            return Outcome.Value.class;
        }
        return Outcome.Flag.class;
    }
}
