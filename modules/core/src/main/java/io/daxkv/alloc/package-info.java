/**
 * Block allocation in the spirit of ext4's mballoc: per-thread preallocation windows, goal
 * blocks, size-classed free extents, deferred frees, and the background {@link io.daxkv.alloc.Zeroer}
 * that keeps pre-zeroed, pre-faulted blocks ready. {@link io.daxkv.alloc.RegionSpace} states
 * the block-state invariant. Internal.
 */
package io.daxkv.alloc;
