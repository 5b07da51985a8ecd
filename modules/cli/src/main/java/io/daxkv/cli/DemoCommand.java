package io.daxkv.cli;

import io.daxkv.Blob;
import io.daxkv.Cursor;
import io.daxkv.DaxKV;
import io.daxkv.Entry;
import io.daxkv.JvmFlags;
import io.daxkv.Options;
import io.daxkv.Stats;
import io.daxkv.WriteBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Runs the embedded engine end to end in a new store: puts KEYS keys, reads every one back and"
                + " checks it, overwrites and deletes some, applies a batch, writes a blob from several"
                + " threads, closes, reopens and checks everything again, then prints the store's stats.",
            "The store goes in a new temporary directory (removed afterwards) unless --dir is given,"
                + " which must be missing or empty and is kept.",
        },
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.E0, ExitCodes.E2, ExitCodes.E3, ExitCodes.E4})
final class DemoCommand extends BaseCommand {

    @Option(names = "--keys", paramLabel = "N", defaultValue = "200000",
            description = "how many keys to write (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "100",
            description = "value size in bytes (default: ${DEFAULT-VALUE})")
    int valueSize;

    @Option(names = "--dir", paramLabel = "DIR", description = "keep the store in DIR instead of a temporary directory")
    Path dir;

    @Override
    public Integer call() throws IOException {
        if (keys < 1 || keys > 100_000_000) {
            throw CliException.usage("--keys must be from 1 to 100000000, got " + keys);
        }
        if (valueSize < 0 || valueSize > (1 << 20)) {
            throw CliException.usage("--value-size must be from 0 to 1048576, got " + valueSize);
        }
        JvmFlags.check();
        boolean temporary = dir == null;
        Path store = temporary ? Files.createTempDirectory("daxkv-demo") : dir;
        PrintStream out = out();
        try {
            run(store, out);
        } finally {
            if (temporary) {
                deleteTree(store);
            }
        }
        return ExitCodes.OK;
    }

    private void run(Path store, PrintStream out) {
        Options options = Options.builder().regionSizeBytes(256L << 20).build();
        out.println("daxkv demo: store " + store + ", " + keys + " keys of " + valueSize + " B values");
        try (DaxKV kv = DaxKV.open(store, options)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                kv.put(key(i), value(i, 0));
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < keys; i++) {
                check(Arrays.equals(value(i, 0), kv.get(key(i))), "key " + i + " reads back what was put");
            }
            long t2 = System.nanoTime();
            out.printf("  put %d keys: %.0f puts/s; read back and checked: %.0f gets/s%n",
                    keys, keys / seconds(t0, t1), keys / seconds(t1, t2));
            for (int i = 0; i < keys; i += 3) {
                kv.put(key(i), value(i, 1));
            }
            int deleted = 0;
            for (int i = 1; i < keys; i += 7) {
                check(kv.delete(key(i)), "key " + i + " was present to delete");
                deleted++;
            }
            WriteBatch batch = new WriteBatch();
            batch.put("demo:batch:a".getBytes(StandardCharsets.UTF_8), "1".getBytes(StandardCharsets.UTF_8))
                    .put("demo:batch:b".getBytes(StandardCharsets.UTF_8), "2".getBytes(StandardCharsets.UTF_8))
                    .delete(key(0));
            kv.write(batch);
            writeBlob(kv);
            out.println("  overwrote every 3rd key, deleted " + deleted + ", applied a batch, committed a 1 MiB blob"
                    + " written by 4 threads");
            try (Cursor c = kv.scan("demo:".getBytes(StandardCharsets.UTF_8), "demo;".getBytes(StandardCharsets.UTF_8))) {
                int n = 0;
                while (c.hasNext()) {
                    Entry e = c.next();
                    n++;
                    check(e.key().length > 0, "scan returns keys");
                }
                out.println("  scan of demo:* found " + n + " keys");
            }
        }
        try (DaxKV kv = DaxKV.open(store, options)) {
            int present = 0;
            for (int i = 0; i < keys; i++) {
                byte[] expect = i == 0 || i % 7 == 1 ? null : value(i, i % 3 == 0 ? 1 : 0);
                byte[] got = kv.get(key(i));
                check(Arrays.equals(expect, got), "key " + i + " after reopen");
                present += got == null ? 0 : 1;
            }
            byte[] blob = kv.get("demo:blob".getBytes(StandardCharsets.UTF_8));
            check(blob != null && blob.length == 1 << 20 && blob[0] == 1 && blob[(1 << 20) - 1] == 4, "blob after reopen");
            out.println("  reopened: all " + present + " live keys, the batch and the blob check out");
            Stats s = kv.stats();
            out.println("  stats: " + s);
        }
    }

    private static void writeBlob(DaxKV kv) {
        int capacity = 1 << 20;
        try (Blob b = kv.createBlob("demo:blob".getBytes(StandardCharsets.UTF_8), capacity)) {
            Thread[] writers = new Thread[4];
            int quarter = capacity / 4;
            for (int t = 0; t < writers.length; t++) {
                int id = t;
                writers[t] = new Thread(() -> {
                    byte[] part = new byte[quarter];
                    Arrays.fill(part, (byte) (id + 1));
                    b.write((long) id * quarter, part);
                });
                writers[t].start();
            }
            for (Thread w : writers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            b.commit();
        }
    }

    private static byte[] key(int i) {
        return String.format("demo:key:%09d", i).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] value(int i, int version) {
        byte[] v = new byte[valueSize];
        new SplittableRandom(i * 31L + version).nextBytes(v);
        return v;
    }

    private static double seconds(long from, long to) {
        return Math.max(1, to - from) / 1e9;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("demo check failed: " + what);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
