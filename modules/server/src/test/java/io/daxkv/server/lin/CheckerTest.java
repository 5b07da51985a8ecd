package io.daxkv.server.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.server.lin.Result.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Small hand-written histories, each with an obvious verdict. Times are given in milliseconds
 * (so that explanations read naturally) and converted to nanoseconds.
 */
class CheckerTest {

    private static final String K = "k";
    private static final long MS = 1_000_000L;
    private static final long NEVER = Long.MAX_VALUE / MS;

    private static Operation op(String key, int client, long from, long to, Op op, Outcome outcome) {
        long complete = outcome instanceof Outcome.Unknown ? Operation.NEVER : to * MS;
        return new Operation(client, key, op, from * MS, complete, outcome);
    }

    private static Operation put(int c, long from, long to, String v) {
        return op(K, c, from, to, Op.put(v), Outcome.done());
    }

    private static Operation get(int c, long from, long to, String v) {
        return op(K, c, from, to, Op.get(), Outcome.value(v));
    }

    private static Operation delete(int c, long from, long to, boolean existed) {
        return op(K, c, from, to, Op.delete(), Outcome.flag(existed));
    }

    private static Operation putIfAbsent(int c, long from, long to, String v, boolean applied) {
        return op(K, c, from, to, Op.putIfAbsent(v), Outcome.flag(applied));
    }

    private static Operation replace(int c, long from, long to, String v, boolean applied) {
        return op(K, c, from, to, Op.replace(v), Outcome.flag(applied));
    }

    private static Operation unknown(int c, long from, Op op) {
        return op(K, c, from, NEVER, op, Outcome.unknown());
    }

    private static Result check(Operation... ops) {
        return new Checker().check(Arrays.asList(ops));
    }

    private static void assertOk(Operation... ops) {
        check(ops).assertOk();
    }

    private static Result assertViolation(Operation... ops) {
        Result r = check(ops);
        assertEquals(Verdict.VIOLATION, r.verdict(), () -> "expected a violation, got " + r.explanation());
        assertTrue(r.isViolation() && !r.isOk() && !r.isInconclusive());
        assertThrows(AssertionError.class, r::assertOk);
        return r;
    }

    @Test
    void emptyHistoryIsOk() {
        Result r = check();
        assertTrue(r.isOk());
        assertEquals(List.of(), r.keys());
    }

    @Test
    void correctSequentialHistoryOfEveryOperationIsOk() {
        Result r = check(
                get(1, 0, 1, null),
                delete(1, 2, 3, false),
                replace(1, 4, 5, "x", false),
                put(1, 6, 7, "a"),
                get(2, 8, 9, "a"),
                putIfAbsent(2, 10, 11, "b", false),
                replace(1, 12, 13, "c", true),
                get(3, 14, 15, "c"),
                delete(3, 16, 17, true),
                get(1, 18, 19, null),
                putIfAbsent(2, 20, 21, "d", true),
                get(3, 22, 23, "d"),
                put(1, 24, 25, "d"),
                get(2, 26, 27, "d"));
        r.assertOk();
        assertEquals(1, r.keys().size());
        assertEquals(14, r.keys().get(0).operations());
        assertEquals(3, r.keys().get(0).clients());
    }

    @Test
    void wrongSequentialResultsAreViolations() {
        assertViolation(put(1, 0, 1, "a"), get(1, 2, 3, null));
        assertViolation(put(1, 0, 1, "a"), put(1, 2, 3, "b"), get(2, 4, 5, "a"));
        assertViolation(get(1, 0, 1, null), put(1, 2, 3, "a"), delete(1, 4, 5, true), get(1, 6, 7, "a"));
        assertViolation(delete(1, 0, 1, true));
        assertViolation(put(1, 0, 1, "a"), delete(1, 2, 3, false));
    }

    @Test
    void overlappingOperationsMayTakeEffectInEitherOrder() {
        // A get overlapping a put may see the value before or after it.
        assertOk(put(1, 0, 10, "a"), get(2, 5, 15, null));
        assertOk(put(1, 0, 10, "a"), get(2, 5, 15, "a"));
        // Two overlapping puts: either may be last.
        assertOk(put(1, 0, 10, "a"), put(2, 1, 11, "b"), get(3, 20, 21, "a"));
        assertOk(put(1, 0, 10, "a"), put(2, 1, 11, "b"), get(3, 20, 21, "b"));
        // ... but not both: once both are done the value cannot flip back.
        assertViolation(put(1, 0, 10, "a"), put(2, 1, 11, "b"),
                get(3, 20, 21, "a"), get(3, 22, 23, "b"));
        // Reads during the puts may see a, then b, in that order only.
        assertOk(put(1, 0, 100, "a"), put(2, 0, 100, "b"), get(3, 10, 20, "a"), get(3, 30, 40, "b"),
                get(4, 50, 60, "b"));
        assertViolation(put(1, 0, 100, "a"), put(2, 0, 100, "b"), get(3, 10, 20, "a"), get(3, 30, 40, "b"),
                get(4, 50, 60, "a"));
    }

    @Test
    void equalTimestampsCountAsConcurrent() {
        assertOk(put(1, 0, 10, "a"), get(2, 10, 20, null));
        assertViolation(put(1, 0, 10, "a"), get(2, 11, 20, null));
    }

    @Test
    void staleReadIsCaughtAndExplained() {
        Result r = assertViolation(
                put(1, 0, 5, "0"),
                put(2, 10, 20, "1"),
                get(3, 30, 40, "0"));
        String text = r.explanation();
        assertTrue(text.contains("key \"k\": VIOLATION"), text);
        assertTrue(text.contains("[client 3] get() -> \"0\""), text);
        assertTrue(text.contains("+30.000, completed +40.000"), text);
        assertTrue(text.contains("register holds \"1\""), text);
        assertTrue(text.contains("Longest linearizable prefix found: 2 of 3"), text);
        assertEquals(1, r.failures().size());
    }

    @Test
    void readOfAValueNeverWrittenIsCaught() {
        Result r = assertViolation(put(1, 0, 10, "a"), get(2, 5, 15, "zzz"), put(1, 20, 30, "b"));
        assertTrue(r.explanation().contains("[client 2] get() -> \"zzz\""), r.explanation());
        assertViolation(get(1, 0, 1, "ghost"));
    }

    @Test
    void putIfAbsentAppliesOnlyToAnAbsentKey() {
        assertViolation(putIfAbsent(1, 0, 1, "a", true), putIfAbsent(2, 2, 3, "b", true));
        assertViolation(putIfAbsent(1, 0, 10, "a", true), putIfAbsent(2, 0, 10, "b", true));
        assertOk(putIfAbsent(1, 0, 10, "a", true), putIfAbsent(2, 0, 10, "b", false), get(3, 11, 12, "a"));
        assertViolation(putIfAbsent(1, 0, 10, "a", true), putIfAbsent(2, 0, 10, "b", false), get(3, 11, 12, "b"));
        assertOk(putIfAbsent(1, 0, 1, "a", true), delete(3, 2, 3, true), putIfAbsent(2, 4, 5, "b", true));
        assertViolation(putIfAbsent(1, 0, 1, "a", false));
        // Not applied is fine if a concurrent put may have gone first.
        assertOk(put(1, 0, 10, "a"), putIfAbsent(2, 5, 15, "b", false));
        assertOk(put(1, 0, 10, "a"), putIfAbsent(2, 5, 15, "b", true), get(3, 20, 21, "a"));
        assertViolation(put(1, 0, 10, "a"), putIfAbsent(2, 5, 15, "b", true), get(3, 20, 21, "b"));
    }

    @Test
    void replaceAppliesOnlyToAPresentKey() {
        assertViolation(replace(1, 0, 1, "a", true));
        assertViolation(put(1, 0, 1, "a"), replace(2, 2, 3, "b", false));
        assertOk(put(1, 0, 1, "a"), replace(2, 2, 3, "b", true), get(1, 4, 5, "b"));
        assertViolation(put(1, 0, 1, "a"), replace(2, 2, 3, "b", true), get(1, 4, 5, "a"));
        assertOk(put(1, 0, 10, "a"), replace(2, 5, 15, "b", false), get(3, 20, 21, "a"));
        assertOk(delete(1, 0, 10, true), put(2, 0, 5, "a"), replace(3, 6, 15, "b", false), get(3, 20, 21, null));
    }

    @Test
    void deleteReportsWhetherAValueExisted() {
        assertViolation(put(1, 0, 1, "a"), delete(1, 2, 3, true), delete(2, 4, 5, true));
        assertViolation(put(1, 0, 10, "a"), delete(2, 11, 12, true), delete(3, 11, 12, true));
        assertOk(put(1, 0, 10, "a"), delete(2, 5, 15, true), get(3, 20, 21, null));
        assertOk(put(1, 0, 10, "a"), delete(2, 5, 15, false), get(3, 20, 21, "a"));
        assertViolation(put(1, 0, 10, "a"), delete(2, 5, 15, false), get(3, 20, 21, null));
    }

    @Test
    void anUnknownWriteMayOrMayNotHaveHappened() {
        assertOk(unknown(1, 0, Op.put("a")), get(2, 100, 110, null));
        assertOk(unknown(1, 0, Op.put("a")), get(2, 100, 110, "a"));
        // It may take effect long after its invocation, after other operations...
        assertOk(unknown(1, 0, Op.put("a")), get(2, 100, 110, null), put(2, 200, 210, "b"),
                get(2, 1_000_000_000L, 1_000_000_001L, "a"));
        // ... but only once: after it was seen and overwritten it cannot come back.
        assertViolation(unknown(1, 0, Op.put("a")), get(2, 100, 110, "a"), put(2, 200, 210, "b"),
                get(2, 300, 310, "a"));
        assertViolation(unknown(1, 0, Op.put("a")), get(2, 100, 110, "a"), get(2, 200, 210, null));
        // Not before its invocation.
        assertViolation(get(2, 0, 10, "a"), unknown(1, 20, Op.put("a")));
    }

    @Test
    void unknownConditionalWritesFollowTheirSemantics() {
        assertOk(put(1, 0, 10, "a"), unknown(2, 20, Op.delete()), get(3, 30, 40, "a"));
        assertOk(put(1, 0, 10, "a"), unknown(2, 20, Op.delete()), get(3, 30, 40, null));
        // putIfAbsent cannot apply over a present value, known outcome or not.
        assertViolation(put(1, 0, 10, "a"), unknown(2, 20, Op.putIfAbsent("b")), get(3, 30, 40, "b"));
        assertOk(unknown(2, 0, Op.putIfAbsent("b")), get(3, 30, 40, "b"));
        // replace cannot apply to an absent key.
        assertViolation(unknown(2, 0, Op.replace("b")), get(3, 30, 40, "b"));
        assertOk(put(1, 0, 10, "a"), unknown(2, 0, Op.replace("b")), get(3, 30, 40, "b"));
    }

    @Test
    void unknownGetsAreDropped() {
        Result r = check(put(1, 0, 10, "a"), unknown(2, 5, Op.get()), get(3, 20, 30, "a"));
        r.assertOk();
        assertEquals(2, r.keys().get(0).operations());
        assertTrue(r.keys().get(0).explanation().contains("1 unknown-outcome gets dropped"));
    }

    @Test
    void keysAreCheckedSeparately() {
        List<Operation> ops = new ArrayList<>(List.of(
                op("k1", 1, 0, 10, Op.put("a"), Outcome.done()),
                op("k2", 2, 20, 30, Op.get(), Outcome.absent()),
                op("k2", 2, 40, 50, Op.putIfAbsent("b"), Outcome.flag(true)),
                op("k1", 1, 40, 50, Op.putIfAbsent("b"), Outcome.flag(false))));
        Result ok = new Checker().check(ops);
        ok.assertOk();
        assertEquals(List.of("k1", "k2"), ok.keys().stream().map(Result.KeyResult::key).toList());

        ops.add(op("k2", 3, 60, 70, Op.get(), Outcome.value("a")));
        Result bad = new Checker().check(ops);
        assertEquals(Verdict.VIOLATION, bad.verdict());
        assertEquals(List.of("k2"), bad.failures().stream().map(Result.KeyResult::key).toList());
        assertTrue(bad.explanation().contains("key \"k2\": VIOLATION"), bad.explanation());
        assertTrue(!bad.explanation().contains("key \"k1\""), bad.explanation());
    }

    @Test
    void exceedingTheStateBudgetIsInconclusive() {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ops.add(put(1, 10 * i, 10 * i + 1, "v" + i));
            ops.add(get(2, 10 * i + 2, 10 * i + 3, "v" + i));
        }
        new Checker().check(ops).assertOk();
        Result r = new Checker(10).check(ops);
        assertEquals(Verdict.INCONCLUSIVE, r.verdict());
        assertTrue(r.isInconclusive() && !r.isOk() && !r.isViolation());
        assertTrue(r.explanation().contains("budget of 10 states"), r.explanation());
        AssertionError e = assertThrows(AssertionError.class, r::assertOk);
        assertTrue(e.getMessage().contains("INCONCLUSIVE"));

        // A violation on another key outranks an inconclusive one.
        ops.add(op("other", 3, 0, 1, Op.get(), Outcome.value("ghost")));
        assertEquals(Verdict.VIOLATION, new Checker(10).check(ops).verdict());
        assertThrows(IllegalArgumentException.class, () -> new Checker(0));
    }

    /** 40 puts all overlapping, then a read of a value never written: 2^40 orders to refute. */
    @Test
    @Timeout(10)
    void aPathologicalHistoryGivesUpInsteadOfHanging() {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ops.add(put(i % 5, 0, 100, "v" + i));
            ops.add(get(i % 5, 10, 90, "v" + i));
        }
        ops.add(get(1, 200, 300, "ghost"));
        Result r = new Checker(20_000).check(ops);
        assertEquals(Verdict.INCONCLUSIVE, r.verdict(), r::explanation);
        assertTrue(r.keys().get(0).statesExplored() > 20_000);
    }

    @Test
    void operationsAreValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, K, Op.get(), 0, 1, Outcome.flag(true)));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, K, Op.put("a"), 0, 1, Outcome.value("a")));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, K, Op.delete(), 0, 1, Outcome.done()));
        assertThrows(IllegalArgumentException.class,
                () -> new Operation(1, K, Op.put("a"), 5, 4, Outcome.done()));
        assertThrows(NullPointerException.class, () -> Op.put(null));
        Operation u = new Operation(1, K, Op.put("a"), 5, 6, Outcome.unknown());
        assertEquals(Operation.NEVER, u.completeNanos());
        assertEquals("put(\"a\") -> ? (outcome unknown)", u.describe());
        assertEquals("\"a\\x00\\xff\"", Operation.quote(Op.value(new byte[] {'a', 0, (byte) 0xff})));
        assertEquals(Op.value("xy".getBytes()), Op.value(new byte[] {'x', 'y'}));
    }
}
