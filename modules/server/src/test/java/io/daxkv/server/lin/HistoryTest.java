package io.daxkv.server.lin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The recorder: calls, their outcomes and times, and appends from many threads at once. */
class HistoryTest {

    @Test
    void callsBecomeOperationsWithTheirOutcomes() {
        History h = new History();
        long before = System.nanoTime();
        History.Call put = h.invoke(1, "k", Op.put("a"));
        History.Call get = h.invoke(2, "k", Op.get());
        History.Call del = h.invoke(3, "k", Op.delete());
        History.Call lost = h.invoke(4, "k", Op.putIfAbsent("b"));
        History.Call refused = h.invoke(5, "k", Op.replace("c"));
        History.Call pending = h.invoke(6, "k", Op.put("d"));
        put.ok();
        get.okValue("a");
        del.okFlag(true);
        lost.unknown();
        refused.failed();
        h.add(new Operation(7, "k", Op.get(), 1, 2, Outcome.absent()));

        Map<Integer, Operation> ops = h.operations().stream()
                .collect(Collectors.toMap(Operation::client, o -> o));
        assertEquals(6, ops.size(), "the refused call is not recorded");
        assertNull(ops.get(5));
        Operation p = ops.get(1);
        assertEquals(Outcome.done(), p.outcome());
        assertTrue(before <= p.invokeNanos() && p.invokeNanos() <= p.completeNanos());
        assertEquals(Outcome.value("a"), ops.get(2).outcome());
        assertEquals(Outcome.flag(true), ops.get(3).outcome());
        assertTrue(ops.get(4).unknown());
        assertEquals(Operation.NEVER, ops.get(4).completeNanos());
        assertTrue(ops.get(6).unknown(), "a pending call counts as unknown");
        assertEquals(1, ops.get(7).invokeNanos());

        pending.ok();
        assertEquals(Outcome.done(), h.operations().stream().filter(o -> o.client() == 6)
                .findFirst().orElseThrow().outcome());
        new Checker().check(h).assertOk();
    }

    @Test
    void misuseIsRejected() {
        History h = new History();
        History.Call put = h.invoke(1, "k", Op.put("a"));
        assertThrows(IllegalArgumentException.class, () -> put.okFlag(true));
        assertThrows(IllegalArgumentException.class, () -> put.okValue("a"));
        put.ok();
        assertThrows(IllegalStateException.class, put::ok);
        assertThrows(IllegalStateException.class, put::unknown);
        assertThrows(IllegalStateException.class, put::failed);
        History.Call get = h.invoke(1, "k", Op.get());
        get.failed();
        assertThrows(IllegalStateException.class, () -> get.okValue(null));
        assertEquals(1, h.operations().size());
    }

    @Test
    void manyThreadsRecordAtOnce() throws Exception {
        History h = new History();
        int threads = 8;
        int each = 2_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int client = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        History.Call call = h.invoke(client, "k" + (i % 4), Op.put(client + "-" + i));
                        if (i % 10 == 9) {
                            call.failed();
                        } else {
                            call.ok();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            thread.start();
            all.add(thread);
        }
        start.countDown();
        for (Thread thread : all) {
            thread.join();
        }
        assertNull(failure.get());
        List<Operation> ops = h.operations();
        assertEquals(threads * each * 9 / 10, ops.size());
        assertTrue(ops.stream().noneMatch(Operation::unknown));
        assertEquals(threads * each * 9 / 10, ops.stream().map(o -> ((Op.Put) o.op()).value()).distinct().count());
    }
}
