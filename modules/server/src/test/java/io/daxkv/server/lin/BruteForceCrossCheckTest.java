package io.daxkv.server.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The checker against the definition: thousands of small random histories (random intervals,
 * random results, some unknown outcomes, about half of them not linearizable), each judged by the
 * checker and by a brute-force search over every order of its operations that respects real time.
 */
class BruteForceCrossCheckTest {

    private static final String[] VALUES = {"x", "y"};

    @Test
    void checkerAgreesWithBruteForceOnSmallRandomHistories() {
        crossCheck(new SplittableRandom(42), 4_000, 7, 6);
    }

    /** Many unknown outcomes: stresses the dominance memo and the in-order use of equivalent ones. */
    @Test
    void checkerAgreesWithBruteForceWhenManyOutcomesAreUnknown() {
        crossCheck(new SplittableRandom(7), 2_000, 8, 2);
    }

    /** Histories of 1 to maxOps operations, one in {@code unknownOneIn} with an unknown outcome. */
    private static void crossCheck(SplittableRandom rnd, int histories, int maxOps, int unknownOneIn) {
        int violations = 0;
        for (int h = 0; h < histories; h++) {
            List<Operation> ops = randomHistory(rnd, 1 + rnd.nextInt(maxOps), unknownOneIn);
            boolean expected = bruteForce(ops, new boolean[ops.size()], null, 0);
            Result r = new Checker().check(ops);
            assertEquals(expected, r.isOk(), () -> "brute force says " + expected + " for " + ops + "\n" + r);
            if (!expected) {
                assertTrue(r.isViolation());
                violations++;
            }
        }
        // Both verdicts were exercised often.
        assertTrue(violations > histories / 5 && violations < histories * 4 / 5, "violations: " + violations);
    }

    private static List<Operation> randomHistory(SplittableRandom rnd, int n, int unknownOneIn) {
        List<Operation> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long invoke = rnd.nextInt(20);
            long complete = invoke + rnd.nextInt(8);
            String v = VALUES[rnd.nextInt(VALUES.length)];
            boolean flag = rnd.nextBoolean();
            boolean unknown = rnd.nextInt(unknownOneIn) == 0;
            Op op;
            Outcome outcome;
            switch (rnd.nextInt(5)) {
                case 0 -> {
                    op = Op.put(v);
                    outcome = Outcome.done();
                }
                case 1 -> {
                    op = Op.get();
                    int pick = rnd.nextInt(VALUES.length + 1);
                    outcome = Outcome.value(pick == VALUES.length ? null : VALUES[pick]);
                }
                case 2 -> {
                    op = Op.delete();
                    outcome = Outcome.flag(flag);
                }
                case 3 -> {
                    op = Op.putIfAbsent(v);
                    outcome = Outcome.flag(flag);
                }
                default -> {
                    op = Op.replace(v);
                    outcome = Outcome.flag(flag);
                }
            }
            ops.add(new Operation(rnd.nextInt(3), "k", op, invoke, complete, unknown ? Outcome.unknown() : outcome));
        }
        return ops;
    }

    /**
     * Whether the unplaced operations can be ordered after the placed ones, from register value
     * {@code value}: an operation may go next if no unplaced known operation completed before it
     * was invoked; unknown operations may also be left out altogether (they never happened).
     */
    private static boolean bruteForce(List<Operation> ops, boolean[] placed, String value, int count) {
        boolean knownLeft = false;
        for (int i = 0; i < ops.size(); i++) {
            if (!placed[i] && !ops.get(i).unknown()) {
                knownLeft = true;
            }
        }
        if (!knownLeft) {
            return true;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (placed[i] || !mayGoNext(ops, placed, i)) {
                continue;
            }
            Operation op = ops.get(i);
            String[] after = new String[1];
            if (!apply(op, value, after)) {
                continue;
            }
            placed[i] = true;
            boolean ok = bruteForce(ops, placed, after[0], count + 1);
            placed[i] = false;
            if (ok) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayGoNext(List<Operation> ops, boolean[] placed, int i) {
        for (int j = 0; j < ops.size(); j++) {
            if (j != i && !placed[j] && !ops.get(j).unknown()
                    && ops.get(j).completeNanos() < ops.get(i).invokeNanos()) {
                return false;
            }
        }
        return true;
    }

    /** The register semantics, written out independently of the checker's int encoding. */
    private static boolean apply(Operation o, String value, String[] after) {
        boolean present = value != null;
        boolean unknown = o.unknown();
        after[0] = value;
        if (o.op() instanceof Op.Put p) {
            after[0] = p.value();
            return true;
        }
        if (o.op() instanceof Op.Get) {
            return unknown || Objects.equals(((Outcome.Value) o.outcome()).value(), value);
        }
        boolean flag = !unknown && ((Outcome.Flag) o.outcome()).value();
        if (o.op() instanceof Op.Delete) {
            after[0] = null;
            return unknown || flag == present;
        }
        if (o.op() instanceof Op.PutIfAbsent p) {
            if (!present) {
                after[0] = p.value();
            }
            return unknown || flag == !present;
        }
        if (present) {
            after[0] = ((Op.Replace) o.op()).value();
        }
        return unknown || flag == present;
    }
}
