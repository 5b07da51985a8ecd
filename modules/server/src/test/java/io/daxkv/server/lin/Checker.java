package io.daxkv.server.lin;

import io.daxkv.server.lin.Result.KeyResult;
import io.daxkv.server.lin.Result.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Checks that a recorded {@link History} of a key-value store is linearizable: that there is one
 * total order of its operations, consistent with real time (an operation that completed before
 * another was invoked comes first), in which every result is what a single register per key
 * would have returned. See {@link Op} for the register's operations.
 *
 * <h2>Per key</h2>
 * Linearizability is local (Herlihy and Wing): a history is linearizable if and only if each
 * object's sub-history is. The checker therefore splits the history by key and searches each
 * key's operations separately; this is what keeps the search small.
 *
 * <h2>The search: Wing and Gong, with Lowe's memoization</h2>
 * The key's operations become a list of <em>entries</em> sorted by time: a call entry at each
 * invocation and a return entry at each completion. When a call and a return have the same
 * timestamp the call goes first, so that the two operations count as concurrent (equal
 * {@code nanoTime} readings cannot order them). An operation with an unknown outcome has its
 * return entry after everything else (completion = +infinity).
 *
 * <p>The search builds a linearization one operation at a time, depth first. It walks the list
 * from its head. At a call entry it tries to linearize that operation next: it applies the
 * operation to the current register value and checks that the recorded result is what the
 * register would return. If so it pushes (operation, previous value) on a stack, removes
 * ("lifts") the call and its return entry from the list, and starts again from the head. If not,
 * it moves on to the next entry. Reaching a <em>return</em> entry means that every operation
 * that could come next has been tried, and the operation owning that return cannot be put off
 * any longer (everything invoked after its completion must come after it): the search
 * backtracks, popping the last linearized operation, putting its entries back, and continuing
 * with the entry after its call. When every operation with a known outcome is linearized, the
 * history is linearizable; when a return entry is reached with an empty stack, it is not.
 *
 * <p>Lowe's memoization makes this practical. Two search paths that have linearized the same
 * <em>set</em> of operations and left the register with the same value have the same future, so
 * the search remembers every (linearized set as a bitset, register value) pair it has reached and
 * does not enter one twice (a state met again has already failed: the linearized set only grows
 * along a path, so it cannot be an ancestor). The bitset is hashed incrementally (Zobrist
 * hashing: a random 64-bit word per operation, XOR-ed in and out). Register values are interned
 * as small ints, 0 being ABSENT, and all values that no get returned share one memo id: gets are
 * the only operations that tell values apart, the others only see present or ABSENT. With c
 * clients the set of operations that can be linearized next is about c wide at any point, so a
 * few hundred operations per key from a handful of clients take milliseconds.
 *
 * <h2>Unknown outcomes</h2>
 * An operation with an {@link Outcome.Unknown} outcome may have taken effect at any time after
 * its invocation, or never. Its return entry is at +infinity, and its result is unconstrained:
 * when the search linearizes it, it applies the operation's effect (which for putIfAbsent,
 * replace and delete still depends on the register) and accepts any result. "Never" is covered
 * because such operations need not be linearized at all: the search succeeds once every
 * operation with a known outcome is linearized (the rest can come after all of them, where
 * nothing observes them). A {@code get} with an unknown outcome is dropped.
 *
 * <p>Left at that, each unknown operation would stay a candidate for the rest of the history and
 * double the states the search can reach. Three refinements keep them cheap:
 * <ul>
 *   <li><b>Dominance instead of equality in the memo.</b> A state is (known-outcome operations
 *       linearized, register value, unknown-outcome operations linearized). Having spent fewer
 *       unknown operations never hurts, as they have no deadline and need not happen, so a state
 *       is not entered if one was entered with the same known set and value and a
 *       <em>subset</em> of its unknown set. (Soundness: by induction on the length of the
 *       shortest completion of a state, the dominating state has a completion at least as short,
 *       so the search succeeds from there if at all.) With no unknown operations this is exactly
 *       Lowe's memo.</li>
 *   <li><b>Interchangeable operations are used in order.</b> Unknown operations with the same
 *       effect (same kind and same memo value id, e.g. all unknown deletes) are interchangeable,
 *       except that one may be invoked later than another; the search only ever uses the
 *       earliest-invoked unused one of such a class (an exchange argument shows this loses no
 *       linearization), so the unknown set reached is a prefix of each class.</li>
 *   <li><b>Known outcomes first.</b> At each step the candidates with a known outcome are tried
 *       before the unknown ones, so a state is usually first reached with as few unknown
 *       operations spent as possible, and the dominance check then prunes the rest.</li>
 * </ul>
 *
 * <h2>Budget</h2>
 * The search is exponential in the worst case (many operations overlapping one another). It
 * stops when it has entered more than {@link #maxStates()} states on one key and reports that key
 * as {@link Verdict#INCONCLUSIVE}, distinct from OK and from a violation. A state costs roughly
 * 150 bytes plus n/8 for n operations on the key, and 1 to 10 microseconds of search depending on
 * how many operations overlap; histories from 5 clients need a few states per operation when
 * linearizable and rarely more than a few hundred thousand when not.
 *
 * <h2>Explanations</h2>
 * For a violation the checker reports the longest linearizable prefix it found (its last
 * operations, each with the register value after it), the value the register then holds, the
 * operation whose completion stopped the prefix, and every operation that could have come next
 * with the reason it could not. Times are milliseconds since the first invocation in the history
 * (all keys); every operation carries its client id.
 */
public final class Checker {

    /** The default {@link #maxStates()}: at most about 10 s and 200 MB on a pathological key. */
    public static final long DEFAULT_MAX_STATES = 1_000_000;

    private static final int PREFIX_SHOWN = 12;
    private static final int CANDIDATES_SHOWN = 24;

    private final long maxStates;

    /** A checker with the {@link #DEFAULT_MAX_STATES default} budget. */
    public Checker() {
        this(DEFAULT_MAX_STATES);
    }

    /** A checker that gives up on a key (INCONCLUSIVE) after entering {@code maxStates} states. */
    public Checker(long maxStates) {
        if (maxStates < 1) {
            throw new IllegalArgumentException("maxStates must be positive: " + maxStates);
        }
        this.maxStates = maxStates;
    }

    /** The per-key budget of states the search may enter before it gives up. */
    public long maxStates() {
        return maxStates;
    }

    /** Checks the operations {@link History#operations() recorded so far}. */
    public Result check(History history) {
        return check(history.operations());
    }

    /** Checks {@code operations}, which may be on many keys, each key on its own. */
    public Result check(Collection<Operation> operations) {
        long origin = Long.MAX_VALUE;
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation op : operations) {
            Objects.requireNonNull(op, "operation");
            origin = Math.min(origin, op.invokeNanos());
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        List<KeyResult> keys = new ArrayList<>();
        boolean violation = false;
        boolean inconclusive = false;
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            KeyResult r = new KeySearch(e.getKey(), e.getValue(), origin, maxStates).run();
            violation |= r.verdict() == Verdict.VIOLATION;
            inconclusive |= r.verdict() == Verdict.INCONCLUSIVE;
            keys.add(r);
        }
        Verdict verdict = violation ? Verdict.VIOLATION : inconclusive ? Verdict.INCONCLUSIVE : Verdict.OK;
        return new Result(verdict, keys);
    }

    /**
     * The memo key: which operations with a known outcome are linearized, and the register value
     * (canonical: values no get returned are one value). Built on the live bitset for lookups.
     */
    private static final class Known {
        final long[] linearized;
        final int value;
        final int hash;

        Known(long[] linearized, int value, long zobrist) {
            this.linearized = linearized;
            this.value = value;
            long h = zobrist ^ (value * 0x9E3779B97F4A7C15L);
            this.hash = (int) (h ^ (h >>> 32));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Known k && k.hash == hash && k.value == value
                    && Arrays.equals(k.linearized, linearized);
        }
    }

    /** For one {@link Known}: the sets of linearized unknown-outcome operations reached with it. */
    private static final class UnknownSets {
        long[][] sets = new long[1][];
        int size;

        /** Whether some set here is a subset of {@code candidate}. */
        boolean dominates(long[] candidate) {
            for (int s = 0; s < size; s++) {
                if (subset(sets[s], candidate)) {
                    return true;
                }
            }
            return false;
        }

        /** Adds a copy of {@code set}, dropping the sets it is a subset of. */
        void add(long[] set) {
            int kept = 0;
            for (int s = 0; s < size; s++) {
                if (!subset(set, sets[s])) {
                    sets[kept++] = sets[s];
                }
            }
            size = kept;
            if (size == sets.length) {
                sets = Arrays.copyOf(sets, size * 2);
            }
            sets[size++] = set.clone();
        }

        private static boolean subset(long[] a, long[] b) {
            for (int w = 0; w < a.length; w++) {
                if ((a[w] & ~b[w]) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The search over one key's operations. Entry 2i is operation i's call, 2i+1 its return. */
    private static final class KeySearch {
        private static final int PUT = 0;
        private static final int GET = 1;
        private static final int DELETE = 2;
        private static final int PUT_IF_ABSENT = 3;
        private static final int REPLACE = 4;
        private static final int ABSENT = 0;

        private final String key;
        private final long origin;
        private final long maxStates;
        private final Operation[] ops;
        private final int n;
        private final int droppedGets;
        /** Per operation: its kind, the value id it writes, its recorded result (-1: unknown). */
        private final int[] kind;
        private final int[] arg;
        private final int[] expect;
        /** Per operation: its index among the known-outcome ones, or among the unknown ones. */
        private final boolean[] definite;
        private final int[] index;
        private final int definiteCount;
        /** Interned values: index = id; id 0 is ABSENT. */
        private final List<String> values = new ArrayList<>();
        /** Per value id, its id in the memo: every value that no get returned maps to one id. */
        private final int[] canonical;
        /** The entry list, doubly linked through arrays; head and tail are sentinels. */
        private final int[] next;
        private final int[] prev;
        private final int head;
        private final int tail;
        /** Index of each entry in time order. */
        private final int[] position;
        /** Random words per known-outcome operation, XOR-ed into the memo key's hash. */
        private final long[] zobrist;
        /**
         * Unknown-outcome operations with the same effect (same kind, same canonical value) form
         * a class; each has its rank in its class by invocation. {@code used} counts a class's
         * members currently linearized: the search only uses a class's members in rank order.
         */
        private final int[] unknownClass;
        private final int[] rank;
        private final int[] used;

        private long statesExplored;
        private int bestDepth = -1;
        private int[] bestOrder = new int[0];
        private boolean[] bestLinearized;
        private int bestValue;

        KeySearch(String key, List<Operation> all, long origin, long maxStates) {
            this.key = key;
            this.origin = origin;
            this.maxStates = maxStates;
            List<Operation> kept = new ArrayList<>(all.size());
            for (Operation op : all) {
                if (!(op.op() instanceof Op.Get && op.unknown())) {
                    kept.add(op);
                }
            }
            this.droppedGets = all.size() - kept.size();
            this.ops = kept.toArray(new Operation[0]);
            this.n = ops.length;
            this.kind = new int[n];
            this.arg = new int[n];
            this.expect = new int[n];
            this.definite = new boolean[n];
            this.index = new int[n];
            Map<String, Integer> ids = new HashMap<>();
            values.add(null);
            int known = 0;
            int unknown = 0;
            for (int i = 0; i < n; i++) {
                Operation op = ops[i];
                definite[i] = !op.unknown();
                index[i] = definite[i] ? known++ : unknown++;
                expect[i] = -1;
                if (op.op() instanceof Op.Put p) {
                    kind[i] = PUT;
                    arg[i] = intern(ids, p.value());
                } else if (op.op() instanceof Op.Get) {
                    kind[i] = GET;
                    expect[i] = intern(ids, ((Outcome.Value) op.outcome()).value());
                } else {
                    if (op.op() instanceof Op.Delete) {
                        kind[i] = DELETE;
                    } else if (op.op() instanceof Op.PutIfAbsent p) {
                        kind[i] = PUT_IF_ABSENT;
                        arg[i] = intern(ids, p.value());
                    } else {
                        kind[i] = REPLACE;
                        arg[i] = intern(ids, ((Op.Replace) op.op()).value());
                    }
                    if (definite[i]) {
                        expect[i] = ((Outcome.Flag) op.outcome()).value() ? 1 : 0;
                    }
                }
            }
            this.definiteCount = known;
            // Values no get returned are interchangeable: gets tell values apart, the other
            // operations only see present or ABSENT. They share one memo id, the first such.
            this.canonical = new int[values.size()];
            boolean[] read = new boolean[values.size()];
            for (int i = 0; i < n; i++) {
                if (kind[i] == GET) {
                    read[expect[i]] = true;
                }
            }
            int unread = -1;
            for (int v = 0; v < values.size(); v++) {
                if (v == ABSENT || read[v]) {
                    canonical[v] = v;
                } else {
                    unread = unread < 0 ? v : unread;
                    canonical[v] = unread;
                }
            }

            Integer[] order = new Integer[2 * n];
            for (int e = 0; e < 2 * n; e++) {
                order[e] = e;
            }
            Arrays.sort(order, (a, b) -> {
                int c = Long.compare(time(a), time(b));
                if (c != 0) {
                    return c;
                }
                c = Integer.compare(a & 1, b & 1); // calls (even) before returns (odd)
                return c != 0 ? c : Integer.compare(a, b);
            });
            this.head = 2 * n;
            this.tail = 2 * n + 1;
            this.next = new int[2 * n + 2];
            this.prev = new int[2 * n + 2];
            this.position = new int[2 * n];
            int last = head;
            for (int p = 0; p < order.length; p++) {
                int e = order[p];
                position[e] = p;
                next[last] = e;
                prev[e] = last;
                last = e;
            }
            next[last] = tail;
            prev[tail] = last;

            this.zobrist = new long[known];
            SplittableRandom random = new SplittableRandom(0x5EEDL ^ n);
            for (int d = 0; d < known; d++) {
                zobrist[d] = random.nextLong();
            }

            this.unknownClass = new int[n];
            this.rank = new int[n];
            Map<Long, Integer> classes = new HashMap<>();
            List<Integer> sizes = new ArrayList<>();
            for (int e : order) {
                int i = e >>> 1;
                if ((e & 1) == 0 && !definite[i]) {
                    long effect = (long) kind[i] << 32 | canonical[arg[i]];
                    int c = classes.computeIfAbsent(effect, x -> {
                        sizes.add(0);
                        return sizes.size() - 1;
                    });
                    unknownClass[i] = c;
                    rank[i] = sizes.get(c);
                    sizes.set(c, rank[i] + 1);
                }
            }
            this.used = new int[sizes.size()];
        }

        private int intern(Map<String, Integer> ids, String value) {
            if (value == null) {
                return ABSENT;
            }
            return ids.computeIfAbsent(value, v -> {
                values.add(v);
                return values.size() - 1;
            });
        }

        private long time(int entry) {
            Operation op = ops[entry >>> 1];
            return (entry & 1) == 0 ? op.invokeNanos() : op.completeNanos();
        }

        /**
         * The register value after operation i is applied to {@code value}, or -1 if its recorded
         * result is not what the register would return. Unknown results are accepted as they are.
         */
        private int step(int value, int i) {
            int want = expect[i];
            switch (kind[i]) {
                case PUT:
                    return arg[i];
                case GET:
                    return value == want ? value : -1;
                case DELETE:
                    return want < 0 || (value != ABSENT) == (want == 1) ? ABSENT : -1;
                case PUT_IF_ABSENT: {
                    boolean applies = value == ABSENT;
                    return want < 0 || applies == (want == 1) ? (applies ? arg[i] : value) : -1;
                }
                case REPLACE: {
                    boolean applies = value != ABSENT;
                    return want < 0 || applies == (want == 1) ? (applies ? arg[i] : value) : -1;
                }
                default:
                    throw new IllegalStateException("kind " + kind[i]);
            }
        }

        /** Removes operation i's call and return entries from the list. */
        private void lift(int i) {
            int call = 2 * i;
            int ret = call + 1;
            next[prev[call]] = next[call];
            prev[next[call]] = prev[call];
            next[prev[ret]] = next[ret];
            prev[next[ret]] = prev[ret];
        }

        /** Puts back what {@link #lift} removed, in the reverse order. */
        private void unlift(int i) {
            int call = 2 * i;
            int ret = call + 1;
            next[prev[ret]] = ret;
            prev[next[ret]] = ret;
            next[prev[call]] = call;
            prev[next[call]] = call;
        }

        KeyResult run() {
            long start = System.nanoTime();
            Verdict verdict = search();
            long elapsed = System.nanoTime() - start;
            int unknown = n - definiteCount;
            int clients = (int) Arrays.stream(ops).mapToInt(Operation::client).distinct().count();
            String header = "key " + Operation.quote(key) + ": " + verdict + " - " + n + " operations ("
                    + unknown + " with unknown outcome" + (droppedGets > 0 ? ", " + droppedGets
                            + " unknown-outcome gets dropped" : "") + ") by " + clients + " clients; "
                    + statesExplored + " states explored in " + elapsed / 1_000_000 + " ms";
            String explanation = switch (verdict) {
                case OK -> header;
                case VIOLATION -> header + "\n" + explainViolation();
                case INCONCLUSIVE -> header + "\nGave up: the search exceeded its budget of " + maxStates
                        + " states (new Checker(maxStates) raises it). The longest linearizable prefix found"
                        + " so far has " + bestDepth + " of " + n + " operations.";
            };
            return new KeyResult(key, verdict, n, unknown, clients, statesExplored, elapsed, explanation);
        }

        /**
         * The depth-first search (see the class comment of {@link Checker}). Candidates are tried
         * in two passes over the entries before the first return: first the operations with a
         * known outcome, then, only if none of those leads anywhere, the unknown ones; this way
         * the memo usually meets a state first with as few unknown operations spent as possible.
         */
        private Verdict search() {
            long[] known = new long[(definiteCount + 63) >>> 6];
            long[] unknown = new long[(n - definiteCount + 63) >>> 6];
            boolean[] linearized = new boolean[n];
            long hash = 0;
            int value = ABSENT;
            int depth = 0;
            int[] stackOp = new int[n];
            int[] stackValue = new int[n];
            int remaining = definiteCount;
            Map<Known, UnknownSets> seen = new HashMap<>();
            enter(seen, known, hash, value, unknown);
            recordBest(stackOp, 0, linearized, value);
            boolean unknownPass = false;
            int entry = next[head];
            while (remaining > 0) {
                if (entry == tail) {
                    // Impossible: a known operation remains, and its return entry precedes the tail.
                    throw new IllegalStateException("reached the end of the entry list");
                }
                if ((entry & 1) == 0) {
                    int i = entry >>> 1;
                    boolean candidate = unknownPass
                            ? !definite[i] && rank[i] == used[unknownClass[i]]
                            : definite[i];
                    int after = candidate ? step(value, i) : -1;
                    if (after >= 0) {
                        long[] bits = definite[i] ? known : unknown;
                        int b = index[i];
                        bits[b >>> 6] |= 1L << b;
                        long h = definite[i] ? hash ^ zobrist[b] : hash;
                        if (enter(seen, known, h, canonical[after], unknown)) {
                            if (statesExplored > maxStates) {
                                return Verdict.INCONCLUSIVE;
                            }
                            stackOp[depth] = i;
                            stackValue[depth] = value;
                            depth++;
                            linearized[i] = true;
                            value = after;
                            hash = h;
                            lift(i);
                            if (definite[i]) {
                                remaining--;
                            } else {
                                used[unknownClass[i]]++;
                            }
                            if (depth > bestDepth) {
                                recordBest(stackOp, depth, linearized, value);
                            }
                            unknownPass = false;
                            entry = next[head];
                            continue;
                        }
                        bits[b >>> 6] &= ~(1L << b);
                    }
                    entry = next[entry];
                } else if (!unknownPass && unknown.length > 0) {
                    // Known candidates exhausted: now the unknown ones, from the head again.
                    unknownPass = true;
                    entry = next[head];
                } else {
                    // A return entry: its operation cannot wait any longer, and no candidate
                    // before it led anywhere. Undo the last choice.
                    if (depth == 0) {
                        return Verdict.VIOLATION;
                    }
                    depth--;
                    int i = stackOp[depth];
                    value = stackValue[depth];
                    linearized[i] = false;
                    int b = index[i];
                    if (definite[i]) {
                        known[b >>> 6] &= ~(1L << b);
                        hash ^= zobrist[b];
                        remaining++;
                    } else {
                        unknown[b >>> 6] &= ~(1L << b);
                        used[unknownClass[i]]--;
                    }
                    unlift(i);
                    unknownPass = !definite[i];
                    entry = next[2 * i];
                }
            }
            return Verdict.OK;
        }

        /**
         * Enters the state (known, value, unknown) unless it is dominated by one already entered:
         * same known set and value, and a subset of the unknown-outcome operations spent. Spending
         * fewer of them never hurts (they need not happen at all and have no deadline), so a
         * dominated state can lead nowhere its dominator could not. With no unknown-outcome
         * operations this is Lowe's exact-match memo.
         */
        private boolean enter(Map<Known, UnknownSets> seen, long[] known, long hash, int value, long[] unknown) {
            UnknownSets sets = seen.get(new Known(known, value, hash));
            if (sets == null) {
                sets = new UnknownSets();
                seen.put(new Known(known.clone(), value, hash), sets);
            } else if (sets.dominates(unknown)) {
                return false;
            }
            sets.add(unknown);
            statesExplored++;
            return true;
        }

        private void recordBest(int[] stackOp, int depth, boolean[] linearized, int value) {
            bestDepth = depth;
            bestOrder = Arrays.copyOf(stackOp, depth);
            bestLinearized = linearized.clone();
            bestValue = value;
        }

        private String explainViolation() {
            StringBuilder sb = new StringBuilder();
            sb.append("Times are ms since the first invocation in the history; no order of this key's operations"
                    + " explains all their results.\n");
            // The longest prefix, replayed to show the register after each operation.
            int[] after = new int[bestDepth];
            int v = ABSENT;
            for (int d = 0; d < bestDepth; d++) {
                v = step(v, bestOrder[d]);
                after[d] = v;
            }
            sb.append("Longest linearizable prefix found: ").append(bestDepth).append(" of ").append(n)
                    .append(" operations");
            if (bestDepth == 0) {
                sb.append(" (the register starts ABSENT).\n");
            } else {
                int from = Math.max(0, bestDepth - PREFIX_SHOWN);
                sb.append(from > 0 ? "; the last " + (bestDepth - from) : "").append(", in linearization order,"
                        + " with the register after each:\n");
                for (int d = from; d < bestDepth; d++) {
                    sb.append(String.format(Locale.ROOT, "  %5d. ", d + 1)).append(line(bestOrder[d]))
                            .append("  => ").append(Operation.quote(values.get(after[d]))).append('\n');
                }
            }
            // The operation whose completion stopped the prefix: the earliest return left.
            int blocking = -1;
            for (int i = 0; i < n; i++) {
                if (definite[i] && !bestLinearized[i]
                        && (blocking < 0 || position[2 * i + 1] < position[2 * blocking + 1])) {
                    blocking = i;
                }
            }
            String holds = bestValue == ABSENT ? "is ABSENT" : "holds " + Operation.quote(values.get(bestValue));
            sb.append("Then the register ").append(holds).append(", and no operation can be linearized next. ");
            if (blocking < 0) {
                return sb.append('\n').toString();
            }
            sb.append("This one had to take effect by its completion at ").append(ms(ops[blocking].completeNanos()))
                    .append(":\n    ").append(line(blocking)).append('\n');
            sb.append("Operations that could have come next (invoked by then, not yet linearized), from that"
                    + " register value:\n");
            int[] byPosition = new int[2 * n];
            for (int e = 0; e < 2 * n; e++) {
                byPosition[position[e]] = e;
            }
            int shown = 0;
            int more = 0;
            for (int p = 0; p < position[2 * blocking + 1]; p++) {
                int e = byPosition[p];
                int i = e >>> 1;
                if ((e & 1) != 0 || bestLinearized[i]) {
                    continue;
                }
                if (shown == CANDIDATES_SHOWN) {
                    more++;
                    continue;
                }
                shown++;
                sb.append("    ").append(line(i)).append("  ").append(reason(i)).append('\n');
            }
            if (more > 0) {
                sb.append("    ... and ").append(more).append(" more\n");
            }
            return sb.toString();
        }

        private String reason(int i) {
            if (step(bestValue, i) >= 0) {
                return "possible, but no linearization continues after it";
            }
            return "impossible: the register "
                    + (bestValue == ABSENT ? "is ABSENT" : "holds " + Operation.quote(values.get(bestValue)));
        }

        private String line(int i) {
            Operation op = ops[i];
            String desc = String.format(Locale.ROOT, "[client %d] %-40s", op.client(), op.describe());
            return desc + " invoked " + ms(op.invokeNanos()) + ", completed "
                    + (op.unknown() ? "never" : ms(op.completeNanos()));
        }

        private String ms(long nanos) {
            return String.format(Locale.ROOT, "%+.3f", (nanos - origin) / 1e6);
        }
    }
}
