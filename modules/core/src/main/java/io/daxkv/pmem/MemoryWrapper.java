package io.daxkv.pmem;

import java.nio.file.Path;

/**
 * Wraps the persistent memory of each file a store maps (regions and journal) in another
 * implementation of {@link PersistentMemory}: the seam for fault injection (a flush that fails
 * from the Nth call on) and for recording the writes between flushes. Production leaves it at
 * {@link #NONE}. Set with {@code Options.Builder.memoryWrapper}.
 *
 * <p>With any wrapper but {@link #NONE} every byte the store writes to these files goes through
 * the wrapped memory: the journal then writes its log through the mapping too, never with
 * write(2) on the file. A wrapper may return a memory that does not use the mapping at all (an
 * in-heap image of the file, for recovery runs on simulated power-loss images); it must then
 * close the mapping when its own memory is closed.
 */
@FunctionalInterface
public interface MemoryWrapper {

    /** Leaves the mapping as it is. */
    MemoryWrapper NONE = (file, memory) -> memory;

    /** Returns what the store should use for {@code file}'s mapping {@code memory}. */
    PersistentMemory wrap(Path file, PersistentMemory memory);

    /**
     * Told when the store has written a whole file outside any mapping and made it durable (an
     * index checkpoint), so a recorder of power-loss images can put it in the images that follow.
     */
    default void fileWritten(Path file) {
    }
}
