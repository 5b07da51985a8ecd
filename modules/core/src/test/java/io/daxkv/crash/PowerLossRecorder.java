package io.daxkv.crash;

import io.daxkv.pmem.MemoryWrapper;
import io.daxkv.pmem.PersistentMemory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records, in one global order, every write and flush a store makes to each file it maps
 * (regions and journal), plus markers for where each operation of the workload began and
 * returned. Test-only; installed with {@code Options.Builder.memoryWrapper}.
 *
 * <p>The store runs on {@link SparseMemory} copies of its files (the real mapping only stands
 * behind them to be closed), so the recording is complete: nothing reaches a file around it.
 * {@link CrashImages} turns the log into power-loss images.
 *
 * <h2>Event log</h2>
 * <pre>
 *   WRITE  file offset length data(null = zeros)   a store, not durable until a flush covers it
 *   FLUSH  file offset length                        every write to the range so far is durable
 *   START  op                                        the workload called operation op
 *   END    op                                        operation op returned (acknowledged)
 *   OPENED                                           the store finished opening: crash points start here
 *   FILE   name data                                 a whole file written outside the mappings (an
 *                                                    index checkpoint), durable from here on
 * </pre>
 */
final class PowerLossRecorder implements MemoryWrapper {

    enum Kind { WRITE, FLUSH, START, END, OPENED, FILE }

    /** One entry of the log. */
    static final class Event {
        final Kind kind;
        final int file;
        final long offset;
        final long length;
        final byte[] data;
        /** For FILE: its name. */
        String name;

        Event(Kind kind, int file, long offset, long length, byte[] data) {
            this.kind = kind;
            this.file = file;
            this.offset = offset;
            this.length = length;
            this.data = data;
        }

        @Override
        public String toString() {
            return kind + (kind == Kind.WRITE || kind == Kind.FLUSH ? " file " + file + " [" + offset + ", +" + length + ")"
                    : kind == Kind.OPENED ? "" : " op " + file);
        }
    }

    private final List<Event> events = new ArrayList<>();
    /** File name to its index in {@link #fileNames}. */
    private final Map<String, Integer> fileIndex = new LinkedHashMap<>();
    private final List<String> fileNames = new ArrayList<>();
    /** What each file held when first mapped: the durable starting point. */
    private final List<SparseMemory> initial = new ArrayList<>();

    @Override
    public synchronized PersistentMemory wrap(Path file, PersistentMemory mapping) {
        String name = file.getFileName().toString();
        if (fileIndex.containsKey(name)) {
            throw new IllegalStateException(name + " mapped twice in one recording: the workload must keep one open");
        }
        int index = fileNames.size();
        fileIndex.put(name, index);
        fileNames.add(name);
        SparseMemory m = SparseMemory.of(mapping);
        initial.add(m.copy());
        m.onClose(mapping);
        m.listener(new SparseMemory.Listener() {
            @Override
            public void written(long offset, byte[] data, int length) {
                add(new Event(Kind.WRITE, index, offset, length, data));
            }

            @Override
            public void flushed(long offset, long length) {
                add(new Event(Kind.FLUSH, index, offset, length, null));
            }
        });
        return m;
    }

    @Override
    public void fileWritten(Path file) {
        try {
            Event e = new Event(Kind.FILE, -1, 0, 0, java.nio.file.Files.readAllBytes(file));
            e.name = file.getFileName().toString();
            add(e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private synchronized void add(Event e) {
        events.add(e);
    }

    synchronized void opened() {
        add(new Event(Kind.OPENED, -1, 0, 0, null));
    }

    synchronized void started(int op) {
        add(new Event(Kind.START, op, 0, 0, null));
    }

    synchronized void returned(int op) {
        add(new Event(Kind.END, op, 0, 0, null));
    }

    synchronized List<Event> events() {
        return new ArrayList<>(events);
    }

    synchronized List<String> fileNames() {
        return new ArrayList<>(fileNames);
    }

    /** The starting image of file {@code index} (a copy the caller may change). */
    synchronized SparseMemory initial(int index) {
        return initial.get(index).copy();
    }
}
