package io.daxkv;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The process {@link CrashTest} kills: opens a store and writes to it from several threads until
 * it is killed, announcing each operation before it starts and acknowledging it once it returned.
 *
 * <p>Usage: {@code CrashChild <dir> <seed> <threads> <keysPerThread> <seqBase> <SYNC|ASYNC> <log> <blockSizeBytes>}.
 * With 0 threads it only opens the store (printing {@code OPENING} just before {@code DaxKV.open},
 * after warming up on a scratch store so the open itself is quick to reach) and waits to be killed:
 * the parent uses it to kill a recovery.
 *
 * <p>Output, one line per event, each written with a single {@code write(2)} first to the file
 * {@code <log>} (appended) and then to stdout. The file is the record the parent checks against:
 * a write to a file outlives the process, while what sits in a pipe when the process is killed
 * may never reach the parent (the JDK's {@code Process} drops it). Stdout only tells the parent
 * how far the child got, so it can choose when to kill.
 * <pre>
 *   OPEN                                 the store is open
 *   BEGIN t OP ...                       thread t is about to start OP
 *   ACK t OP ...                         OP returned (the same text as its BEGIN)
 *   ERR t message                        the store answered something impossible; exits 2
 * </pre>
 * where OP is one of
 * <pre>
 *   PUT key seq len     put                       DEL key seq          delete
 *   PIA key seq len     putIfAbsent               REP key seq len      replace
 *   BLOB key seq len    blob written and committed
 *   ABORT key seq len   blob written, then closed without commit (must never be visible)
 *   BATCH item...       WriteBatch; item is P:key:seq:len or D:key:seq, later items on a key win
 * </pre>
 * Thread t owns the keys {@code c<t>-<i>}: one writer per key, so its state after a crash is
 * either its last acknowledged state or the effect of the one operation of its thread in flight.
 * Sequences come from a per-thread counter starting at {@code seqBase}, so they grow per key
 * across runs too. Values describe themselves ({@link #value}). The child exits by itself when
 * its stdin closes (the parent died), so it never outlives a failed test.
 */
public final class CrashChild {

    /** A 1.5 MiB value: a primary extent and a continuation. */
    static final int LARGE_VALUE_BYTES = 3 << 19;
    static final long REGION_BYTES = 4 << 20;

    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);
    private static FileOutputStream log;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int threads = Integer.parseInt(args[2]);
        int keysPerThread = Integer.parseInt(args[3]);
        long seqBase = Long.parseLong(args[4]);
        Durability durability = Durability.valueOf(args[5]);
        log = args[6].equals("-") ? null : new FileOutputStream(args[6], true);
        int blockSizeBytes = Integer.parseInt(args[7]);
        startWatchdog();
        if (threads == 0) {
            warmUp(durability, blockSizeBytes);
        }
        emit("OPENING");
        DaxKV kv = DaxKV.open(dir, options(durability, blockSizeBytes));
        emit("OPEN");
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(() -> {
                try {
                    new Worker(kv, thread, keysPerThread, seqBase, new SplittableRandom(seed * 131 + thread)).run();
                } catch (Throwable e) {
                    emit("ERR " + thread + " " + e.toString().replace('\n', ' '));
                    e.printStackTrace();
                    Runtime.getRuntime().halt(2);
                }
            }, "crash-writer-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    static Options options(Durability durability, int blockSizeBytes) {
        // a small journal: checkpoints and wrap-arounds happen many times a cycle
        return Options.builder().regionSizeBytes(REGION_BYTES).blockSizeBytes(blockSizeBytes).durability(durability)
                .journalSizeBytes(1 << 20).build();
    }

    /** Loads and runs the open and close paths once on a scratch store, so a later open starts at once. */
    private static void warmUp(Durability durability, int blockSizeBytes) throws IOException {
        Path scratch = Files.createTempDirectory("daxkv-crash-warmup");
        try {
            try (DaxKV kv = DaxKV.open(scratch.resolve("s"), options(durability, blockSizeBytes))) {
                kv.put(new byte[] {1}, new byte[] {2});
            }
        } finally {
            try (var walk = Files.walk(scratch)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String key(int thread, int i) {
        return "c" + thread + "-" + i;
    }

    /**
     * A value that names its key, sequence and length: {@code 'V' u16 keyLength key u64 seq
     * u32 length}, then bytes computed from (seq, position); at least {@link #minLength} bytes.
     */
    static byte[] value(String key, long seq, int length) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        byte[] v = new byte[length];
        int at = 0;
        v[at++] = 'V';
        v[at++] = (byte) (k.length >>> 8);
        v[at++] = (byte) k.length;
        System.arraycopy(k, 0, v, at, k.length);
        at += k.length;
        for (int i = 7; i >= 0; i--) {
            v[at++] = (byte) (seq >>> (8 * i));
        }
        for (int i = 3; i >= 0; i--) {
            v[at++] = (byte) (length >>> (8 * i));
        }
        for (int i = at; i < length; i++) {
            v[i] = filler(seq, i);
        }
        return v;
    }

    static int minLength(String key) {
        return 1 + 2 + key.length() + 8 + 4;
    }

    static byte filler(long seq, int i) {
        long x = seq * 0x9E3779B97F4A7C15L + (i >>> 3) * 0xBF58476D1CE4E5B9L;
        return (byte) ((x ^ (x >>> 31)) >>> ((i & 7) * 8));
    }

    /**
     * Decodes a value read under {@code key}: its sequence, or a description of what is wrong
     * (another key's bytes, a wrong length, torn or foreign bytes) as a thrown {@link IllegalStateException}.
     */
    static long decode(String key, byte[] v) {
        int min = minLength(key);
        if (v.length < min) {
            throw new IllegalStateException("value of " + v.length + " bytes is shorter than any written (" + min + ")");
        }
        int at = 0;
        if (v[at++] != 'V') {
            throw new IllegalStateException("value does not start with 'V' (first byte " + (v[0] & 0xFF) + ")");
        }
        int keyLength = ((v[at++] & 0xFF) << 8) | (v[at++] & 0xFF);
        if (keyLength + min - key.length() > v.length) {
            throw new IllegalStateException("value names a key of " + keyLength + " bytes, longer than the value");
        }
        String named = new String(v, at, keyLength, StandardCharsets.US_ASCII);
        if (!named.equals(key)) {
            throw new IllegalStateException("value belongs to key " + named);
        }
        at += keyLength;
        long seq = 0;
        for (int i = 0; i < 8; i++) {
            seq = (seq << 8) | (v[at++] & 0xFF);
        }
        int length = 0;
        for (int i = 0; i < 4; i++) {
            length = (length << 8) | (v[at++] & 0xFF);
        }
        if (length != v.length) {
            throw new IllegalStateException("value of seq " + seq + " says " + length + " bytes, read " + v.length);
        }
        for (int i = at; i < v.length; i++) {
            if (v[i] != filler(seq, i)) {
                throw new IllegalStateException("value of seq " + seq + " (" + v.length + " bytes) differs at byte " + i
                        + ": torn or foreign bytes");
            }
        }
        return seq;
    }

    private static void emit(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (OUT) {
            try {
                if (log != null) {
                    log.write(b); // the record: before the operation starts (BEGIN), after it returned (ACK)
                }
                OUT.write(b);
            } catch (IOException e) {
                Runtime.getRuntime().halt(3); // the parent is gone
            }
        }
    }

    /** Halts when stdin reaches its end: the parent closed it or died. */
    private static void startWatchdog() {
        Thread t = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buf = new byte[64];
                while (in.read(buf) >= 0) {
                    // nothing is sent; only the end matters
                }
            } catch (IOException ignored) {
                // as at the end of the stream
            }
            Runtime.getRuntime().halt(4);
        }, "crash-watchdog");
        t.setDaemon(true);
        t.start();
    }

    // ------------------------------------------------------------------------------ a writer

    private static final class Worker {
        final DaxKV kv;
        final int thread;
        final String[] keys;
        final byte[][] keyBytes;
        final boolean[] present;
        final SplittableRandom rnd;
        long seq;

        Worker(DaxKV kv, int thread, int keyCount, long seqBase, SplittableRandom rnd) {
            this.kv = kv;
            this.thread = thread;
            this.keys = new String[keyCount];
            this.keyBytes = new byte[keyCount][];
            this.present = new boolean[keyCount];
            this.rnd = rnd;
            this.seq = seqBase;
            for (int i = 0; i < keyCount; i++) {
                keys[i] = key(thread, i);
                keyBytes[i] = keys[i].getBytes(StandardCharsets.US_ASCII);
                byte[] v = kv.get(keyBytes[i]);
                present[i] = v != null;
                if (v != null) {
                    decode(keys[i], v); // the parent checks it too; a bad value stops us early
                }
            }
        }

        void run() {
            for (;;) {
                int dice = rnd.nextInt(100);
                if (dice < 42) {
                    put();
                } else if (dice < 56) {
                    delete();
                } else if (dice < 63) {
                    conditional(true);
                } else if (dice < 70) {
                    conditional(false);
                } else if (dice < 86) {
                    batch();
                } else {
                    blob();
                }
            }
        }

        private int pick() {
            return rnd.nextInt(keys.length);
        }

        private int length(int k) {
            int dice = rnd.nextInt(1000);
            int min = minLength(keys[k]);
            if (dice < 15) {
                return LARGE_VALUE_BYTES - rnd.nextInt(0, 4000);
            }
            if (dice < 100) {
                return rnd.nextInt(2048, 70_000);
            }
            return rnd.nextInt(min, 2048);
        }

        private void put() {
            int k = pick();
            long s = ++seq;
            int len = length(k);
            String op = "PUT " + keys[k] + " " + s + " " + len;
            byte[] v = value(keys[k], s, len);
            emit("BEGIN " + thread + " " + op);
            kv.put(keyBytes[k], v);
            present[k] = true;
            emit("ACK " + thread + " " + op);
        }

        private void delete() {
            int k = pick();
            long s = ++seq;
            String op = "DEL " + keys[k] + " " + s;
            emit("BEGIN " + thread + " " + op);
            boolean deleted = kv.delete(keyBytes[k]);
            if (deleted != present[k]) {
                fail("delete of " + keys[k] + " returned " + deleted + " but the key was " + (present[k] ? "present" : "absent"));
            }
            present[k] = false;
            emit("ACK " + thread + " " + op);
        }

        private void conditional(boolean ifAbsent) {
            int k = pick();
            long s = ++seq;
            int len = length(k);
            String op = (ifAbsent ? "PIA " : "REP ") + keys[k] + " " + s + " " + len;
            byte[] v = value(keys[k], s, len);
            emit("BEGIN " + thread + " " + op);
            boolean stored = ifAbsent ? kv.putIfAbsent(keyBytes[k], v) : kv.replace(keyBytes[k], v);
            boolean expected = ifAbsent != present[k];
            if (stored != expected) {
                fail(op + " returned " + stored + " but the key was " + (present[k] ? "present" : "absent"));
            }
            present[k] |= stored;
            emit("ACK " + thread + " " + op);
        }

        private void batch() {
            WriteBatch b = new WriteBatch();
            StringBuilder op = new StringBuilder("BATCH");
            int n = rnd.nextInt(2, 6);
            boolean[] after = present.clone();
            int last = -1;
            for (int i = 0; i < n; i++) {
                int k = last >= 0 && rnd.nextInt(4) == 0 ? last : pick();
                last = k;
                long s = ++seq;
                if (rnd.nextInt(3) == 0) {
                    b.delete(keyBytes[k]);
                    op.append(" D:").append(keys[k]).append(':').append(s);
                    after[k] = false;
                } else {
                    int len = rnd.nextInt(10) == 0 ? length(k) : rnd.nextInt(minLength(keys[k]), 3000);
                    b.put(keyBytes[k], value(keys[k], s, len));
                    op.append(" P:").append(keys[k]).append(':').append(s).append(':').append(len);
                    after[k] = true;
                }
            }
            emit("BEGIN " + thread + " " + op);
            kv.write(b);
            System.arraycopy(after, 0, present, 0, after.length);
            emit("ACK " + thread + " " + op);
        }

        private void blob() {
            int k = pick();
            long s = ++seq;
            int len = length(k);
            boolean commit = rnd.nextInt(5) != 0;
            String op = (commit ? "BLOB " : "ABORT ") + keys[k] + " " + s + " " + len;
            byte[] v = value(keys[k], s, len);
            emit("BEGIN " + thread + " " + op);
            try (Blob blob = kv.createBlob(keyBytes[k], len)) {
                // in pieces, out of order, overlapping: every byte ends up as value() says
                int pieces = rnd.nextInt(1, 5);
                int[] cuts = new int[pieces + 1];
                cuts[pieces] = len;
                for (int i = 1; i < pieces; i++) {
                    cuts[i] = rnd.nextInt(len);
                }
                Arrays.sort(cuts);
                for (int i = pieces - 1; i >= 0; i--) {
                    int from = Math.max(0, cuts[i] - rnd.nextInt(0, 64));
                    blob.write(from, Arrays.copyOfRange(v, from, cuts[i + 1]));
                }
                if (commit) {
                    blob.commit();
                    present[k] = true;
                }
            }
            emit("ACK " + thread + " " + op);
        }

        private void fail(String message) {
            emit("ERR " + thread + " " + message);
            Runtime.getRuntime().halt(2);
        }
    }
}
