package io.daxkv.server.config;

/** {@code server.allocator}: which Netty buffer allocator the server's channels use. */
public enum Allocator {
    /** {@code PooledByteBufAllocator}: arenas per thread, Netty 4.1's default. */
    POOLED,
    /** {@code AdaptiveByteBufAllocator}: sizes its chunks from what is allocated, Netty 4.2's default. */
    ADAPTIVE
}
