package io.daxkv.crash;

import io.daxkv.pmem.PersistentMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * An in-heap {@link PersistentMemory} of 4 KiB pages, a missing page reading as zeros, for
 * running a store on images of its files. Test-only.
 *
 * <p>Every call holds the memory's lock (shared by the memories of one image), which orders it like a full fence: stronger than a
 * mapping, never weaker, so the engine's release/acquire pairs hold. Pages are copy-on-write
 * between a memory and the {@link #copy()}s made of it, so an image of a 4 MiB region costs
 * what its written pages cost. Mutations are reported to a {@link Listener} (the power-loss
 * recorder) before they are applied; flushes are reported and otherwise do nothing.
 */
final class SparseMemory implements PersistentMemory {

    static final int PAGE_BYTES = 4096;
    private static final int PAGE_SHIFT = 12;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Sees every mutation before it is applied, and every flush. */
    interface Listener {
        /** {@code data} null: zeros. */
        void written(long offset, byte[] data, int length);

        void flushed(long offset, long length);
    }

    /** Every call on this memory, and on the others of one image, holds it: one image, one order. */
    private final Object lock;
    private final long sizeBytes;
    private final byte[][] pages;
    /** Pages this memory may write in place (not shared with a copy). */
    private final boolean[] owned;
    private Listener listener;
    private AutoCloseable onClose;

    SparseMemory(long sizeBytes) {
        this(sizeBytes, new Object());
    }

    SparseMemory(long sizeBytes, Object lock) {
        this.lock = lock;
        this.sizeBytes = sizeBytes;
        int n = (int) ((sizeBytes + PAGE_BYTES - 1) >>> PAGE_SHIFT);
        this.pages = new byte[n][];
        this.owned = new boolean[n];
    }

    private SparseMemory(SparseMemory from, Object lock) {
        this.lock = lock;
        this.sizeBytes = from.sizeBytes;
        this.pages = from.pages.clone();
        this.owned = new boolean[pages.length];
    }

    /** A copy sharing pages until either side writes one (with a lock of its own). */
    SparseMemory copy() {
        return copy(new Object());
    }

    /** A copy sharing pages until either side writes one, guarded by {@code lock}. */
    SparseMemory copy(Object lock) {
        synchronized (this.lock) {
            Arrays.fill(owned, false);
            return new SparseMemory(this, lock);
        }
    }

    /** The lock every call holds. */
    Object lock() {
        return lock;
    }

    /** A memory holding what {@code source} holds now (zero pages left out). */
    static SparseMemory of(PersistentMemory source) {
        SparseMemory m = new SparseMemory(source.sizeBytes());
        byte[] page = new byte[PAGE_BYTES];
        for (int p = 0; p < m.pages.length; p++) {
            long at = (long) p << PAGE_SHIFT;
            int len = (int) Math.min(PAGE_BYTES, m.sizeBytes - at);
            if (!source.isZero(at, len)) {
                source.read(at, page, 0, len);
                m.pages[p] = Arrays.copyOf(page, PAGE_BYTES);
                m.owned[p] = true;
            }
        }
        return m;
    }

    void listener(Listener l) {
        synchronized (lock) {
            this.listener = l;
        }
    }

    /** Closed along with this memory (the mapping it stands in for). */
    void onClose(AutoCloseable c) {
        synchronized (lock) {
            this.onClose = c;
        }
    }

    /** Applies bytes (or zeros, {@code data} null) without telling the listener: building an image. */
    void apply(long offset, byte[] data, int dataOffset, int length) {
        synchronized (lock) {
            long at = offset;
            int done = 0;
            while (done < length) {
                int p = (int) (at >>> PAGE_SHIFT);
                int in = (int) (at & (PAGE_BYTES - 1));
                int n = Math.min(length - done, PAGE_BYTES - in);
                if (data == null) {
                    if (pages[p] != null) {
                        Arrays.fill(writable(p), in, in + n, (byte) 0);
                    }
                } else {
                    System.arraycopy(data, dataOffset + done, writable(p), in, n);
                }
                at += n;
                done += n;
            }
        }
    }

    private byte[] writable(int p) {
        byte[] page = pages[p];
        if (page == null) {
            page = new byte[PAGE_BYTES];
        } else if (!owned[p]) {
            page = page.clone();
        } else {
            return page;
        }
        pages[p] = page;
        owned[p] = true;
        return page;
    }

    private void mutate(long offset, byte[] data, int dataOffset, int length) {
        check(offset, length);
        if (listener != null) {
            byte[] copy = data == null ? null : Arrays.copyOfRange(data, dataOffset, dataOffset + length);
            listener.written(offset, copy, length);
        }
        apply(offset, data, dataOffset, length);
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > sizeBytes) {
            throw new IndexOutOfBoundsException("[" + offset + ", +" + length + ") outside [0, " + sizeBytes + ")");
        }
    }

    private void readInto(long offset, byte[] dst, int dstOffset, int length) {
        check(offset, length);
        long at = offset;
        int done = 0;
        while (done < length) {
            int p = (int) (at >>> PAGE_SHIFT);
            int in = (int) (at & (PAGE_BYTES - 1));
            int n = Math.min(length - done, PAGE_BYTES - in);
            if (pages[p] == null) {
                Arrays.fill(dst, dstOffset + done, dstOffset + done + n, (byte) 0);
            } else {
                System.arraycopy(pages[p], in, dst, dstOffset + done, n);
            }
            at += n;
            done += n;
        }
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    /** A copy of {@code length} bytes at {@code offset}. */
    private byte[] copyOut(long offset, int length) {
        synchronized (lock) {
            byte[] b = new byte[length];
            readInto(offset, b, 0, length);
            return b;
        }
    }

    @Override
    public int getInt(long offset) {
        return (int) INT.get(copyOut(offset, 4), 0);
    }

    @Override
    public long getLong(long offset) {
        return (long) LONG.get(copyOut(offset, 8), 0);
    }

    @Override
    public int getIntAcquire(long offset) {
        return getInt(offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        synchronized (lock) {
            readInto(offset, dst, dstOffset, length);
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst, int length) {
        dst.put(copyOut(offset, length));
    }

    @Override
    public void updateCrc(CRC32C crc, long offset, int length) {
        crc.update(copyOut(offset, length), 0, length);
    }

    @Override
    public boolean isZero(long offset, long length) {
        synchronized (lock) {
            check(offset, length);
            long at = offset;
            long end = offset + length;
            while (at < end) {
                int p = (int) (at >>> PAGE_SHIFT);
                int in = (int) (at & (PAGE_BYTES - 1));
                int n = (int) Math.min(end - at, PAGE_BYTES - in);
                byte[] page = pages[p];
                if (page != null) {
                    for (int i = in; i < in + n; i++) {
                        if (page[i] != 0) {
                            return false;
                        }
                    }
                }
                at += n;
            }
            return true;
        }
    }

    @Override
    public void putInt(long offset, int value) {
        synchronized (lock) {
            byte[] b = new byte[4];
            INT.set(b, 0, value);
            mutate(offset, b, 0, 4);
        }
    }

    @Override
    public void putLong(long offset, long value) {
        synchronized (lock) {
            byte[] b = new byte[8];
            LONG.set(b, 0, value);
            mutate(offset, b, 0, 8);
        }
    }

    @Override
    public void putIntRelease(long offset, int value) {
        putInt(offset, value);
    }

    @Override
    public boolean compareAndSetInt(long offset, int expected, int value) {
        synchronized (lock) {
            if (getInt(offset) != expected) {
                return false;
            }
            putInt(offset, value);
            return true;
        }
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        synchronized (lock) {
            mutate(offset, src, srcOffset, length);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        synchronized (lock) {
            ByteBuffer s = src.duplicate();
            byte[] b = new byte[s.remaining()];
            s.get(b);
            mutate(offset, b, 0, b.length);
        }
    }

    @Override
    public void zero(long offset, long length) {
        synchronized (lock) {
            check(offset, length);
            long at = offset;
            while (at < offset + length) {
                int n = (int) Math.min(offset + length - at, 1 << 30);
                mutate(at, null, 0, n);
                at += n;
            }
        }
    }

    @Override
    public void fence() {
        // every call already synchronizes
    }

    @Override
    public void flush(long offset, long length) {
        synchronized (lock) {
            check(offset, length);
            if (listener != null) {
                listener.flushed(offset, length);
            }
        }
    }

    @Override
    public void flushAll() {
        flush(0, sizeBytes);
    }

    @Override
    public String mode() {
        return "heap";
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (onClose != null) {
                try {
                    onClose.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                onClose = null;
            }
        }
    }
}
