package io.daxkv.crash;

import io.daxkv.crash.PowerLossRecorder.Event;
import io.daxkv.crash.PowerLossRecorder.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Power-loss images from a {@link PowerLossRecorder}'s log. Test-only.
 *
 * <p>Model: a store is durable once a flush covering it returned; until then it may or may not
 * reach the device, in any order, and a store may reach it in part, 8-byte aligned unit by unit
 * (the write atomicity of persistent memory; a page-cache device is coarser, so this covers it).
 * So at a crash point the image is the durable bytes plus some subset of the pending stores.
 *
 * <p>Crash points: just before each flush after the store opened, and the end of the log. At each
 * the images are: none of the pending stores; all of them (a process crash); prefixes in issue
 * order; random subsets; and tears (a prefix, then a random half of the next store's 8-byte units).
 * {@link Budget} says how many of each.
 */
final class CrashImages {

    /** How many images of each kind per crash point. */
    static final class Budget {
        final int prefixes;
        final int subsets;
        final int tears;

        Budget(int prefixes, int subsets, int tears) {
            this.prefixes = prefixes;
            this.subsets = subsets;
            this.tears = tears;
        }
    }

    /** One image: each file's bytes, and where in the workload the power went. */
    static final class Image {
        final List<SparseMemory> files;
        /** Whole files written outside the mappings by then (index checkpoints), by name. */
        final java.util.Map<String, byte[]> wholeFiles = new java.util.TreeMap<>();
        /** Operations that had returned. */
        final int acknowledged;
        /** The operation under way (-1: none). */
        final int inFlight;
        final String description;

        Image(List<SparseMemory> files, int acknowledged, int inFlight, String description) {
            this.files = files;
            this.acknowledged = acknowledged;
            this.inFlight = inFlight;
            this.description = description;
        }
    }

    /** A store not yet durable: part of a WRITE (the part no flush has covered yet). */
    private static final class Pending {
        final int file;
        final long offset;
        final int length;
        final byte[] data;
        final int dataOffset;

        Pending(int file, long offset, int length, byte[] data, int dataOffset) {
            this.file = file;
            this.offset = offset;
            this.length = length;
            this.data = data;
            this.dataOffset = dataOffset;
        }

        Pending slice(long from, long to) {
            return new Pending(file, from, (int) (to - from), data, data == null ? 0 : dataOffset + (int) (from - offset));
        }

        void applyTo(SparseMemory m) {
            m.apply(offset, data, dataOffset, length);
        }
    }

    private CrashImages() {
    }

    /** Builds every image the budget asks for and hands each to {@code sink}. Returns the count. */
    static long forEach(PowerLossRecorder recorder, Budget budget, long seed, Consumer<Image> sink) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> names = recorder.fileNames();
        List<SparseMemory> durable = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            durable.add(recorder.initial(i));
        }
        List<Pending> pending = new ArrayList<>();
        java.util.Map<String, byte[]> wholeFiles = new java.util.TreeMap<>();
        Consumer<Image> withFiles = image -> {
            image.wholeFiles.putAll(wholeFiles);
            sink.accept(image);
        };
        boolean opened = false;
        int acknowledged = 0;
        int inFlight = -1;
        long count = 0;
        List<Event> events = recorder.events();
        int point = 0;
        for (Event e : events) {
            switch (e.kind) {
                case OPENED:
                    opened = true;
                    break;
                case FILE:
                    wholeFiles.put(e.name, e.data);
                    break;
                case START:
                    inFlight = e.file;
                    break;
                case END:
                    acknowledged = e.file + 1;
                    inFlight = -1;
                    break;
                case WRITE:
                    pending.add(new Pending(e.file, e.offset, (int) e.length, e.data, 0));
                    break;
                case FLUSH:
                    if (opened) {
                        count += imagesAt(point++, durable, pending, acknowledged, inFlight, budget, random, withFiles);
                    }
                    flush(durable.get(e.file), pending, e.file, e.offset, e.offset + e.length);
                    break;
                default:
                    throw new IllegalStateException(e.toString());
            }
        }
        count += imagesAt(point, durable, pending, acknowledged, inFlight, budget, random, withFiles);
        return count;
    }

    /** Makes the file's pending stores inside [from, to) durable; the rest stays pending. */
    private static void flush(SparseMemory durable, List<Pending> pending, int file, long from, long to) {
        List<Pending> kept = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            long end = p.offset + p.length;
            if (p.file != file || end <= from || p.offset >= to) {
                kept.add(p);
                continue;
            }
            long a = Math.max(from, p.offset);
            long b = Math.min(to, end);
            p.slice(a, b).applyTo(durable);
            if (p.offset < a) {
                kept.add(p.slice(p.offset, a));
            }
            if (end > b) {
                kept.add(p.slice(b, end));
            }
        }
        pending.clear();
        pending.addAll(kept);
    }

    private static long imagesAt(int point, List<SparseMemory> durable, List<Pending> pending, int acknowledged,
            int inFlight, Budget budget, SplittableRandom random, Consumer<Image> sink) {
        int n = pending.size();
        String where = "crash point " + point + " (" + acknowledged + " acknowledged, in flight "
                + (inFlight < 0 ? "none" : "op " + inFlight) + ", " + n + " pending stores): ";
        long count = 0;
        sink.accept(image(durable, pending, 0, null, acknowledged, inFlight, where + "none of them"));
        count++;
        if (n == 0) {
            return count;
        }
        sink.accept(image(durable, pending, n, null, acknowledged, inFlight, where + "all of them"));
        count++;
        int prefixes = Math.min(budget.prefixes, n - 1);
        for (int i = 1; i <= prefixes; i++) {
            int k = (int) ((long) i * n / (prefixes + 1));
            sink.accept(image(durable, pending, k, null, acknowledged, inFlight, where + "the first " + k));
            count++;
        }
        for (int i = 0; i < budget.subsets && n > 1; i++) {
            boolean[] take = new boolean[n];
            StringBuilder which = new StringBuilder();
            for (int j = 0; j < n; j++) {
                take[j] = random.nextBoolean();
                which.append(take[j] ? '1' : '0');
            }
            sink.accept(image(durable, pending, -1, take, acknowledged, inFlight, where + "subset " + which));
            count++;
        }
        for (int i = 0; i < budget.tears; i++) {
            int k = random.nextInt(n);
            Image img = image(durable, pending, k, null, acknowledged, inFlight, "");
            Pending torn = pending.get(k);
            SparseMemory m = img.files.get(torn.file);
            long firstUnit = torn.offset & ~7L;
            StringBuilder units = new StringBuilder();
            for (long u = firstUnit; u < torn.offset + torn.length; u += 8) {
                if (random.nextBoolean()) {
                    long a = Math.max(u, torn.offset);
                    long b = Math.min(u + 8, torn.offset + torn.length);
                    torn.slice(a, b).applyTo(m);
                    units.append('1');
                } else {
                    units.append('0');
                }
            }
            sink.accept(new Image(img.files, acknowledged, inFlight,
                    where + "the first " + k + ", then 8-byte units " + units + " of the next"));
            count++;
        }
        return count;
    }

    /** Durable bytes plus the first {@code prefix} pending stores, or those {@code take} marks. */
    private static Image image(List<SparseMemory> durable, List<Pending> pending, int prefix, boolean[] take,
            int acknowledged, int inFlight, String description) {
        List<SparseMemory> files = new ArrayList<>(durable.size());
        Object lock = new Object(); // one lock for the image's files: copies of it are consistent
        for (SparseMemory d : durable) {
            files.add(d.copy(lock));
        }
        for (int j = 0; j < pending.size(); j++) {
            if (take == null ? j < prefix : take[j]) {
                Pending p = pending.get(j);
                p.applyTo(files.get(p.file));
            }
        }
        return new Image(files, acknowledged, inFlight, description);
    }
}
