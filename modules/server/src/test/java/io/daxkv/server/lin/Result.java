package io.daxkv.server.lin;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@link Checker}'s verdict on a whole history, with one {@link KeyResult} per key.
 *
 * <p>The history is {@link Verdict#VIOLATION} if any key is, else {@link Verdict#INCONCLUSIVE}
 * if the search gave up on any key, else {@link Verdict#OK}.
 *
 * @param verdict the verdict on the whole history
 * @param keys    each key's verdict, in key order
 */
public record Result(Verdict verdict, List<KeyResult> keys) {

    /** Linearizable, not linearizable, or the search ran out of its state budget. */
    public enum Verdict {
        /** Every key's history is linearizable. */
        OK,
        /** Some key's history is not linearizable: no order of its operations explains it. */
        VIOLATION,
        /** No violation found, but the search exceeded its budget on some key: no verdict. */
        INCONCLUSIVE
    }

    /**
     * One key's verdict.
     *
     * @param key              the key
     * @param verdict          the verdict
     * @param operations       operations checked (gets with an unknown outcome are not counted)
     * @param unknown          of which with an unknown outcome
     * @param clients          distinct clients among them
     * @param statesExplored   states the search entered (see {@link Checker})
     * @param elapsedNanos     time the check of this key took
     * @param explanation      one line when OK; a readable account of the failure otherwise
     */
    public record KeyResult(String key, Verdict verdict, int operations, int unknown, int clients,
            long statesExplored, long elapsedNanos, String explanation) {
    }

    public Result {
        keys = List.copyOf(keys);
    }

    public boolean isOk() {
        return verdict == Verdict.OK;
    }

    public boolean isViolation() {
        return verdict == Verdict.VIOLATION;
    }

    public boolean isInconclusive() {
        return verdict == Verdict.INCONCLUSIVE;
    }

    /** The keys whose verdict is not OK. */
    public List<KeyResult> failures() {
        return keys.stream().filter(k -> k.verdict() != Verdict.OK).toList();
    }

    /** A summary line, followed by the explanation of every key that is not OK. */
    public String explanation() {
        int ops = keys.stream().mapToInt(KeyResult::operations).sum();
        long states = keys.stream().mapToLong(KeyResult::statesExplored).sum();
        long millis = keys.stream().mapToLong(KeyResult::elapsedNanos).sum() / 1_000_000;
        String head = "linearizability: " + verdict + " (" + keys.size() + " keys, " + ops + " operations, "
                + states + " states explored, " + millis + " ms)";
        List<KeyResult> failures = failures();
        if (failures.isEmpty()) {
            return head;
        }
        return head + failures.stream().map(KeyResult::explanation).collect(Collectors.joining("\n\n", "\n\n", ""));
    }

    /**
     * Returns this result if it is OK, else throws an {@link AssertionError} whose message is the
     * {@link #explanation()} (an INCONCLUSIVE result fails too: it proves nothing).
     */
    public Result assertOk() {
        if (!isOk()) {
            throw new AssertionError(explanation());
        }
        return this;
    }

    @Override
    public String toString() {
        return explanation();
    }
}
