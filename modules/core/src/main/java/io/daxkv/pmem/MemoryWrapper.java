package io.daxkv.pmem;

import java.nio.file.Path;

/**
 * Wraps the persistent memory of each file a store maps (regions and journal) in another
 * implementation of {@link PersistentMemory}: the seam for fault injection (a flush that fails
 * from the Nth call on) and for recording the writes between flushes. Production leaves it at
 * {@link #NONE}. Set with {@code Options.Builder.memoryWrapper}.
 */
@FunctionalInterface
public interface MemoryWrapper {

    /** Leaves the mapping as it is. */
    MemoryWrapper NONE = (file, memory) -> memory;

    /** Returns what the store should use for {@code file}'s mapping {@code memory}. */
    PersistentMemory wrap(Path file, PersistentMemory memory);
}
