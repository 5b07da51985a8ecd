package io.daxkv.server.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.daxkv.server.lin.Result.KeyResult;
import io.daxkv.server.lin.Result.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Property tests: histories of a register that really is linearizable pass; the same histories
 * with one get result made impossible fail, and the failure names the altered operation.
 *
 * <p>Histories come from two sources: real threads on {@link AtomicReference} registers, each
 * operation timed with {@code nanoTime()} around its atomic action (real, but how much the
 * operations overlap depends on the machine), and a deterministic simulation in virtual time,
 * where five clients' operations are interleaved at random in three steps each (invoke, take
 * effect, respond), so up to five operations overlap throughout.
 */
class RandomHistoryTest {

    private static final int CLIENTS = 5;
    private static final String[] KEYS = {"a", "b", "c"};
    private static final String NEVER_WRITTEN = "never-written";

    /** A random operation of client c; every written value is unique. */
    private static Op randomOp(SplittableRandom rnd, int client, int seq) {
        String value = "c" + client + "-" + seq;
        int r = rnd.nextInt(100);
        if (r < 25) {
            return Op.put(value);
        } else if (r < 60) {
            return Op.get();
        } else if (r < 70) {
            return Op.delete();
        } else if (r < 85) {
            return Op.putIfAbsent(value);
        }
        return Op.replace(value);
    }

    /** Applies {@code op} atomically to {@code register} and returns its result. */
    private static Outcome apply(AtomicReference<String> register, Op op) {
        if (op instanceof Op.Put p) {
            register.set(p.value());
            return Outcome.done();
        } else if (op instanceof Op.Get) {
            return Outcome.value(register.get());
        } else if (op instanceof Op.Delete) {
            return Outcome.flag(register.getAndSet(null) != null);
        } else if (op instanceof Op.PutIfAbsent p) {
            return Outcome.flag(register.compareAndSet(null, p.value()));
        }
        String v = ((Op.Replace) op).value();
        while (true) {
            String current = register.get();
            if (current == null) {
                return Outcome.flag(false);
            }
            if (register.compareAndSet(current, v)) {
                return Outcome.flag(true);
            }
        }
    }

    /**
     * CLIENTS threads, released together, each doing {@code perClient} operations on random keys.
     * A few are lost (recorded UNKNOWN, whether or not they were applied) or refused (not applied,
     * not recorded).
     */
    private static List<Operation> threadedHistory(long seed, int perClient) throws InterruptedException {
        History history = new History();
        Map<String, AtomicReference<String>> registers = new HashMap<>();
        for (String k : KEYS) {
            registers.put(k, new AtomicReference<>());
        }
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            SplittableRandom rnd = new SplittableRandom(seed * 1_000 + c);
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perClient; i++) {
                        String key = KEYS[rnd.nextInt(KEYS.length)];
                        Op op = randomOp(rnd, client, i);
                        int fate = rnd.nextInt(200);
                        History.Call call = history.invoke(client, key, op);
                        if (fate == 0) {
                            call.failed();                   // refused: did nothing
                        } else if (fate == 1) {
                            call.unknown();                  // lost before it was applied
                        } else if (fate == 2) {
                            apply(registers.get(key), op);
                            call.unknown();                  // lost after it was applied
                        } else {
                            call.complete(apply(registers.get(key), op));
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertNull(failure.get());
        return history.operations();
    }

    /**
     * CLIENTS simulated clients in virtual time: each step moves one random client one phase on
     * (invoke, take effect, respond). A few operations are lost (UNKNOWN, applied or not).
     */
    private static List<Operation> simulatedHistory(long seed, int total) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, AtomicReference<String>> registers = new HashMap<>();
        for (String k : KEYS) {
            registers.put(k, new AtomicReference<>());
        }
        int[] phase = new int[CLIENTS];
        String[] key = new String[CLIENTS];
        Op[] op = new Op[CLIENTS];
        long[] invoked = new long[CLIENTS];
        Outcome[] outcome = new Outcome[CLIENTS];
        int[] seq = new int[CLIENTS];
        List<Operation> out = new ArrayList<>();
        long clock = 0;
        int started = 0;
        while (out.size() < total) {
            int c = rnd.nextInt(CLIENTS);
            clock++;
            switch (phase[c]) {
                case 0 -> {
                    if (started == total) {
                        continue;
                    }
                    started++;
                    key[c] = KEYS[rnd.nextInt(KEYS.length)];
                    op[c] = randomOp(rnd, c, seq[c]++);
                    invoked[c] = clock;
                    phase[c] = 1;
                }
                case 1 -> {
                    boolean lostBefore = rnd.nextInt(200) == 0;
                    outcome[c] = lostBefore ? Outcome.unknown() : apply(registers.get(key[c]), op[c]);
                    phase[c] = 2;
                }
                default -> {
                    Outcome o = rnd.nextInt(200) == 0 ? Outcome.unknown() : outcome[c];
                    out.add(new Operation(c, key[c], op[c], invoked[c], clock, o));
                    phase[c] = 0;
                }
            }
        }
        return out;
    }

    @Test
    void threadedHistoriesOfALinearizableRegisterAreOk() throws InterruptedException {
        for (long seed = 1; seed <= 6; seed++) {
            List<Operation> ops = threadedHistory(seed, 300);
            Result r = new Checker().check(ops).assertOk();
            assertEquals(KEYS.length, r.keys().size());
            for (KeyResult k : r.keys()) {
                assertTrue(k.operations() > 300, k.explanation());
                assertEquals(CLIENTS, k.clients(), k.explanation());
            }
        }
    }

    @Test
    void simulatedHistoriesOfALinearizableRegisterAreOk() {
        for (long seed = 1; seed <= 20; seed++) {
            Result r = new Checker().check(simulatedHistory(seed, 1_500)).assertOk();
            assertTrue(r.keys().stream().allMatch(k -> k.operations() > 400), r::explanation);
        }
    }

    @Test
    void aGetOfAValueNeverWrittenIsCaught() throws InterruptedException {
        for (long seed = 1; seed <= 10; seed++) {
            List<Operation> ops = seed <= 3 ? threadedHistory(seed, 300) : simulatedHistory(seed, 1_500);
            assertMutationCaught(ops, seed, get -> NEVER_WRITTEN);
        }
    }

    @Test
    void aGetOfAValueWrittenOnlyAfterItCompletedIsCaught() throws InterruptedException {
        for (long seed = 1; seed <= 10; seed++) {
            List<Operation> ops = seed <= 3 ? threadedHistory(seed, 300) : simulatedHistory(seed, 1_500);
            assertMutationCaught(ops, seed, get -> ops.stream()
                    .filter(w -> w.key().equals(get.key()) && w.invokeNanos() > get.completeNanos())
                    .map(RandomHistoryTest::writtenValue)
                    .filter(v -> v != null)
                    .findFirst().orElse(null));
        }
    }

    private static String writtenValue(Operation op) {
        if (op.op() instanceof Op.Put p) {
            return p.value();
        } else if (op.op() instanceof Op.PutIfAbsent p) {
            return p.value();
        } else if (op.op() instanceof Op.Replace p) {
            return p.value();
        }
        return null;
    }

    /**
     * Replaces the result of one get (chosen at random, and for even seeds among the last tenth of
     * the history, so that the search has most of the history to exhaust) with {@code wrong}'s value
     * for it, and expects a violation on that key that names the get.
     */
    private static void assertMutationCaught(List<Operation> ops, long seed, Function<Operation, String> wrong) {
        new Checker().check(ops).assertOk();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Integer> gets = new ArrayList<>();
        long last = ops.stream().mapToLong(Operation::invokeNanos).max().orElseThrow();
        long first = ops.stream().mapToLong(Operation::invokeNanos).min().orElseThrow();
        long late = last - (last - first) / 10;
        for (int i = 0; i < ops.size(); i++) {
            Operation o = ops.get(i);
            if (o.op() instanceof Op.Get && !o.unknown() && wrong.apply(o) != null
                    && (seed % 2 == 1 || o.invokeNanos() >= late)) {
                gets.add(i);
            }
        }
        assertTrue(!gets.isEmpty());
        int victim = gets.get(rnd.nextInt(gets.size()));
        Operation get = ops.get(victim);
        String value = wrong.apply(get);
        Operation mutated = new Operation(get.client(), get.key(), get.op(), get.invokeNanos(),
                get.completeNanos(), Outcome.value(value));
        List<Operation> bad = new ArrayList<>(ops);
        bad.set(victim, mutated);

        Result r = new Checker().check(bad);
        assertEquals(Verdict.VIOLATION, r.verdict(), r::explanation);
        assertEquals(List.of(get.key()), r.failures().stream().map(KeyResult::key).toList());
        String text = r.explanation();
        assertTrue(text.contains("[client " + get.client() + "] get() -> " + Operation.quote(value)), text);
    }
}
