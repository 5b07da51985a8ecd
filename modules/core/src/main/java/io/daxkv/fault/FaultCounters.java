package io.daxkv.fault;

import java.util.concurrent.atomic.LongAdder;

/** Counters of the fault path, shown by {@code stats()} and {@code daxkv stat}. */
public final class FaultCounters {
    /** First writes to unwritten blocks. */
    public final LongAdder faults = new LongAdder();
    /** Unwritten-to-written conversions (one per block, ever). */
    public final LongAdder conversions = new LongAdder();
    /** Bytes zeroed by the fault path because the block was not pre-zeroed. */
    public final LongAdder bytesZeroed = new LongAdder();
    /** Faults on pre-zeroed blocks: conversion only. */
    public final LongAdder preZeroedHits = new LongAdder();
}
